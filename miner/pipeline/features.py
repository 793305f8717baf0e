"""What the lexicon knows, as features of the trained models (thinc layers).

The entity recognizer does not re-learn what the lexicon already says: each token gets
a few indicator features from the candidates that :mod:`miner.pipeline.entities`
proposed (``doc.spans["miner_candidates"]``): the candidate's type and the token's place
in it (begin, inside, last, unit), where the candidate came from (a lexicon term, a
defined abbreviation, a phrase pattern) and whether the concept is a class word or a
control arm. :func:`candidate_features` turns them into a learned embedding that
:func:`candidate_embed` concatenates with spaCy's hash embeddings of the words.

``candidate_indicators`` is the plain function (tested alone); the layers are
registered in spaCy's ``architectures`` registry so that a training config names them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy
import spacy
from spacy.tokens import Doc
from thinc.api import Maxout, Model, chain, concatenate, with_array
from thinc.types import Floats2d

TYPES = ("intervention", "condition", "biomarker", "outcome", "species", "anatomy")
PLACES = ("B", "I", "L", "U")
SOURCES = ("lexicon", "definition", "phrase")
_TYPE_PLACE = {(t, p): i for i, (t, p) in enumerate((t, p) for t in TYPES for p in PLACES)}
_SOURCE = {s: len(_TYPE_PLACE) + i for i, s in enumerate(SOURCES)}
_CLASS = len(_TYPE_PLACE) + len(SOURCES)
_CONTROL = _CLASS + 1
_SHORT_FORM = _CONTROL + 1
N_INDICATORS = _SHORT_FORM + 1
SPANS_KEY = "miner_candidates"


def candidate_indicators(doc: Doc, spans_key: str = SPANS_KEY) -> numpy.ndarray:
    """A (tokens x :data:`N_INDICATORS`) 0/1 matrix of what the candidates say of each token.

    The source of a candidate is read from its ``kb_id``: a lexicon concept id is a
    lexicon term; a ``MINER:`` id that the lexicon lacks was defined by the article (an
    abbreviation's long form) or made by a phrase pattern; ``span.id_`` carries which
    (see :class:`miner.pipeline.entities.CandidateTagger`).
    """
    out = numpy.zeros((len(doc), N_INDICATORS), dtype="float32")
    spans = doc.spans[spans_key] if spans_key in doc.spans else ()
    for span in spans:
        kind = span.label_
        if kind not in TYPES:
            continue
        length = span.end - span.start
        for offset, index in enumerate(range(span.start, span.end)):
            place = "U" if length == 1 else "B" if offset == 0 else "L" if offset == length - 1 else "I"
            out[index, _TYPE_PLACE[(kind, place)]] = 1.0
        marks = set(span.id_.split(",")) if span.id_ else set()
        source = next((s for s in SOURCES if s in marks), "lexicon")
        out[span.start:span.end, _SOURCE[source]] = 1.0
        if "class" in marks:
            out[span.start:span.end, _CLASS] = 1.0
        if "control" in marks:
            out[span.start:span.end, _CONTROL] = 1.0
        if "short" in marks:
            out[span.start:span.end, _SHORT_FORM] = 1.0
    return out


def _extract_forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[list[Floats2d], Callable]:
    key = model.attrs["spans_key"]
    arrays = [model.ops.asarray2f(candidate_indicators(doc, key)) for doc in docs]

    def backprop(d_arrays: list[Floats2d]) -> list[Doc]:
        return []

    return arrays, backprop


def candidate_extractor(spans_key: str = SPANS_KEY) -> Model[list[Doc], list[Floats2d]]:
    """Docs -> their indicator matrices (no weights)."""
    return Model("candidate_extractor", _extract_forward, attrs={"spans_key": spans_key})


@spacy.registry.architectures("miner.CandidateFeatures.v1")
def candidate_features(width: int, spans_key: str = SPANS_KEY) -> Model[list[Doc], list[Floats2d]]:
    """The candidates' indicators embedded into ``width`` dimensions per token."""
    return chain(candidate_extractor(spans_key), with_array(Maxout(nO=width, nI=N_INDICATORS, nP=2)))


@spacy.registry.architectures("miner.CandidateEmbed.v1")
def candidate_embed(words: Model[list[Doc], list[Floats2d]], width: int, candidate_width: int = 16,
                    spans_key: str = SPANS_KEY) -> Model[list[Doc], list[Floats2d]]:
    """spaCy's word embeddings (e.g. ``spacy.MultiHashEmbed.v2``) beside the candidate
    features, mixed back to ``width`` by a maxout layer: the ``embed`` of a
    ``spacy.Tok2Vec.v2``."""
    both = concatenate(words, candidate_features(candidate_width, spans_key))
    return chain(both, with_array(Maxout(nO=width, nP=3, normalize=True, dropout=0.0)))
