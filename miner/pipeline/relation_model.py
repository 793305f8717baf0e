"""The relation classifier's network (thinc), registered for spaCy configs.

After spaCy's ``rel_component`` project, with the decision split in two, as authors
split it: *what* a sentence finds about an object (decreases, increases, no effect,
an association, a denied one, or nothing), and *whose* finding it is (which of the
candidate subjects: an arm named in the sentence, or one of the study's arms). So the
model has two heads over one shared tok2vec:

- the **object head** scores each (sentence, object) instance over :data:`OBJECT_LABELS`;
- the **subject head** scores each (subject, object) pair: is this the subject?

Each instance becomes a vector of mean-pooled token vectors over its segments (for a
pair: the subject, the object, the words between them, a window before and after, the
sentence; for an object: the object, the windows around it, its clause, the sentence),
so that the words between and around count; a hidden maxout layer scores it. Beside it
a sparse linear model scores the instance's hashed features (cue words and where they
fall, comparators, negation, statistics, section, lexicon flags). The two scores are
added and normalised (softmax).

Input: ``(docs, batches)``, one :class:`DocBatch` per Doc. Output: ``(object
probabilities, subject probabilities)``, rows in instance order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy
import spacy
from spacy.tokens import Doc
from thinc.api import Linear, Maxout, Model, SparseLinear, chain
from thinc.types import Floats2d

OBJECT_SEGMENTS = 5  # object, before, after, clause, sentence
PAIR_SEGMENTS = 6  # subject, object, between, before, after, sentence


@dataclass
class Instances:
    """Instances of one kind in one Doc, as arrays."""

    segments: numpy.ndarray  # (n, segments, 2) token [start, end)
    flags: numpy.ndarray  # (n, 1) float
    keys: numpy.ndarray  # uint64 hashed sparse features, all instances concatenated
    lengths: numpy.ndarray  # int32 features per instance

    def __len__(self) -> int:
        return len(self.segments)

    @classmethod
    def empty(cls, n_segments: int) -> Instances:
        return cls(numpy.zeros((0, n_segments, 2), dtype="int64"), numpy.zeros((0, 1), dtype="float32"),
                   numpy.zeros(0, dtype="uint64"), numpy.zeros(0, dtype="int32"))


@dataclass
class DocBatch:
    """The object instances and the pair instances of one Doc."""

    objects: Instances
    pairs: Instances


def segment_means(tokvecs: numpy.ndarray, segments: numpy.ndarray) -> numpy.ndarray:
    """(instances, segments * width): the mean token vector of each segment (zeros
    when a segment is empty), by cumulative sums."""
    width = tokvecs.shape[1]
    sums = numpy.zeros((len(tokvecs) + 1, width), dtype="float32")
    numpy.cumsum(tokvecs, axis=0, out=sums[1:])
    starts, ends = segments[..., 0], segments[..., 1]
    lengths = numpy.maximum(ends - starts, 1)[..., None].astype("float32")
    means = (sums[ends] - sums[starts]) / lengths
    return means.reshape(len(segments), -1)


def segment_means_backward(d_means: numpy.ndarray, segments: numpy.ndarray, n_tokens: int) -> numpy.ndarray:
    """The gradient of :func:`segment_means` with respect to the token vectors."""
    n, n_segments = segments.shape[0], segments.shape[1]
    width = d_means.shape[1] // n_segments
    starts, ends = segments[..., 0].ravel(), segments[..., 1].ravel()
    lengths = numpy.maximum(ends - starts, 1).astype("float32")
    share = d_means.reshape(n * n_segments, width) / lengths[:, None]
    share[ends <= starts] = 0.0
    diff = numpy.zeros((n_tokens + 1, width), dtype="float32")
    numpy.add.at(diff, starts, share)
    numpy.add.at(diff, ends, -share)
    return numpy.cumsum(diff, axis=0)[:n_tokens]


def _softmax(logits: numpy.ndarray) -> numpy.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = numpy.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def _head_forward(model: Model, prefix: str, tokvecs: list[numpy.ndarray], items: list[Instances],
                  is_train: bool) -> tuple[numpy.ndarray, Callable]:
    """One head over the instances of several Docs: probabilities, and a backprop that
    returns the gradient for each Doc's token vectors."""
    dense, sparse = model.get_ref(f"{prefix}_dense"), model.get_ref(f"{prefix}_sparse")
    use_dense, use_sparse = model.attrs["dense"], model.attrs["sparse"]
    n_out = sparse.get_dim("nO")
    n = sum(len(b) for b in items)
    logits = numpy.zeros((n, n_out), dtype="float32")
    backprop_dense = backprop_sparse = None
    if use_dense:
        pooled = numpy.concatenate([segment_means(t, b.segments) for t, b in zip(tokvecs, items)])
        flags = numpy.concatenate([b.flags for b in items])
        dense_out, backprop_dense = dense(model.ops.asarray2f(numpy.hstack([pooled, flags])), is_train)
        logits += model.ops.to_numpy(dense_out)
    if use_sparse:
        keys = numpy.concatenate([b.keys for b in items]).astype("uint64")
        lengths = numpy.concatenate([b.lengths for b in items]).astype("int32")
        sparse_out, backprop_sparse = sparse((keys, numpy.ones(len(keys), dtype="float32"), lengths), is_train)
        logits += model.ops.to_numpy(sparse_out)
    probs = _softmax(logits)

    def backprop(d_logits: numpy.ndarray) -> list[numpy.ndarray]:
        d_logits = model.ops.asarray2f(d_logits)
        if backprop_sparse is not None:
            backprop_sparse(d_logits)
        if backprop_dense is None:
            return [numpy.zeros_like(t) for t in tokvecs]
        d_in = model.ops.to_numpy(backprop_dense(d_logits))[:, :-1]
        out, offset = [], 0
        for t, b in zip(tokvecs, items):
            out.append(segment_means_backward(d_in[offset:offset + len(b)], b.segments, len(t)))
            offset += len(b)
        return out

    return probs, backprop


def _forward(model: Model, inputs: tuple[list[Doc], list[DocBatch]], is_train: bool) -> tuple[tuple, Callable]:
    docs, batches = inputs
    n_objects = model.get_dim("nO")
    keep = [i for i, b in enumerate(batches) if len(b.objects) or len(b.pairs)]
    if not keep:
        return (numpy.zeros((0, n_objects), dtype="float32"), numpy.zeros((0, 2), dtype="float32")), lambda d: []
    tok2vec = model.get_ref("tok2vec")
    if model.attrs["dense"]:
        tokvecs_raw, backprop_tok2vec = tok2vec([docs[i] for i in keep], is_train)
        tokvecs = [model.ops.to_numpy(t) for t in tokvecs_raw]
    else:  # the sparse features alone: the words are not encoded at all
        width = tok2vec.get_dim("nO")
        tokvecs = [numpy.zeros((len(docs[i]), width), dtype="float32") for i in keep]
        backprop_tok2vec = None
    objects = [batches[i].objects for i in keep]
    pairs = [batches[i].pairs for i in keep]
    has_objects = sum(len(o) for o in objects) > 0
    has_pairs = sum(len(p) for p in pairs) > 0
    object_probs, backprop_objects = (_head_forward(model, "object", tokvecs, objects, is_train) if has_objects
                                      else (numpy.zeros((0, n_objects), dtype="float32"), None))
    pair_probs, backprop_pairs = (_head_forward(model, "pair", tokvecs, pairs, is_train) if has_pairs
                                  else (numpy.zeros((0, 2), dtype="float32"), None))

    def backprop(gradients: tuple[numpy.ndarray, numpy.ndarray]) -> list[Doc]:
        d_objects, d_pairs = gradients
        d_tokvecs = [numpy.zeros_like(t) for t in tokvecs]
        for backward, grad in ((backprop_objects, d_objects), (backprop_pairs, d_pairs)):
            if backward is not None and len(grad):
                for k, part in enumerate(backward(grad)):
                    d_tokvecs[k] += part
        if backprop_tok2vec is not None:
            backprop_tok2vec([model.ops.asarray2f(d) for d in d_tokvecs])
        return []

    return (object_probs, pair_probs), backprop


def _init(model: Model, X: tuple[list[Doc], list[DocBatch]] | None = None, Y: object = None) -> None:
    tok2vec = model.get_ref("tok2vec")
    tok2vec.initialize(X=X[0][:4] if X is not None else None)
    width = tok2vec.get_dim("nO")
    for prefix, n_segments, n_out in (("object", OBJECT_SEGMENTS, model.get_dim("nO")), ("pair", PAIR_SEGMENTS, 2)):
        model.get_ref(f"{prefix}_dense").initialize(X=model.ops.alloc2f(2, n_segments * width + 1),
                                                    Y=model.ops.alloc2f(2, n_out))
        sparse = model.get_ref(f"{prefix}_sparse")
        sparse.set_dim("nO", n_out)
        sparse.initialize()


@spacy.registry.architectures("miner.FindingClassifier.v1")
def finding_classifier(tok2vec: Model, hidden_width: int = 64, sparse_length: int = 2 ** 18,
                       dropout: float = 0.2, dense: bool = True, sparse: bool = True, nO: int | None = None) -> Model:
    """A shared ``tok2vec``; an object head over ``nO`` labels and a subject head
    (pair: is it the subject?), each a dense layer over pooled segments plus a sparse
    linear model over hashed features (either can be switched off, for ablations)."""
    layers = {"tok2vec": tok2vec}
    for prefix, n_out in (("object", nO), ("pair", 2)):
        layers[f"{prefix}_dense"] = chain(Maxout(nO=hidden_width, nP=2, dropout=dropout, normalize=True),
                                          Linear(nO=n_out))
        layers[f"{prefix}_sparse"] = SparseLinear(nO=n_out, length=sparse_length)
    return Model("miner_finding_classifier", _forward, init=_init, layers=list(layers.values()), refs=layers,
                 dims={"nO": nO}, attrs={"dense": float(dense), "sparse": float(sparse)})
