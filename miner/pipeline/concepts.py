"""The concept judge: is each of an article's concepts an entity, and of which type?

After the mentions are grouped into concepts (:mod:`miner.pipeline.mentions`), a
concept is a set of spans that the recognizer typed one by one. Two kinds of error
are left that no single span shows: the concept names nothing the curators would
annotate ("p=0.18", "One", "size calculation formula"), or it is typed as one of its
readings where the annotations take another ("pain" the condition vs. the outcome,
"weight loss" the arm vs. the outcome). By cross-validation on the annotated
abstracts, half of the recognizer's false entities are such concepts.

The judge scores each concept over :data:`LABELS` (``none`` and the six types) with a
sparse linear model over what all its mentions say together: their words and head
words, the types the recognizer gave them, the lexicon's type for the concept, where
the concept came from, how often it is named, the words around its mentions. A
concept whose ``none`` score reaches ``threshold`` is dropped with its mentions; the
others take the likeliest type.

It cannot learn from the annotated abstracts the recognizer was trained on (there the
recognizer is right far more often than on new text), so it is fitted on
*out-of-fold* concepts: those that each fold's recognizer finds in the abstracts held
out of its training (:func:`miner.training.concepts.out_of_fold_rows`), labelled by
matching them to the annotated concepts.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc
from thinc.api import Adam, Model, SparseLinear

from miner.pipeline import extensions
from miner.pipeline.lexicon import Lexicon, default_lexicon_path
from miner.pipeline.records import EntityMention

LABELS = ("none", "intervention", "condition", "biomarker", "outcome", "species", "anatomy")
#: The ``none`` score at which a concept is dropped, chosen by 5-fold cross-validation
#: (``scripts/tune_decide.py --set miner_concepts.threshold=...``, 2026-12-03; entity F1,
#: strict relation F1, effect attachment): 0.5: 0.665, 0.248, 0.169; 0.6: 0.657, 0.250,
#: 0.180; 0.7: 0.642, 0.253, 0.195; 0.8: 0.629, 0.248, 0.197. A dropped concept takes its
#: findings with it, so the bar is set where the relations gain most.
THRESHOLD = 0.7
LENGTH = 2 ** 18
_WORD = re.compile(r"[^\W_]+")
_CONTEXT = 40  # characters read on each side of a mention
_EARLY = 300  # a mention that starts within this many characters is in the title or first lines


def concepts_of(mentions: Sequence[EntityMention]) -> dict[str, list[EntityMention]]:
    """The mentions by concept id, in order of first mention."""
    out: dict[str, list[EntityMention]] = {}
    for mention in mentions:
        out.setdefault(mention.id, []).append(mention)
    return out


def concept_features(mentions: Sequence[EntityMention], text: str, lexicon: Lexicon) -> list[str]:
    """What one concept's mentions say together, as feature strings."""
    types = Counter(m.type for m in mentions)
    major = types.most_common(1)[0][0]
    known = lexicon.get(mentions[0].id)
    count = len(mentions)
    out = {f"major={major}", f"count={'1' if count == 1 else '2-3' if count < 4 else '4+'}",
           f"lexicon={known.type if known else '-'}", f"prefix={mentions[0].id.split(':', 1)[0]}"}
    out.update(f"type={t}" for t in types)
    for form, source in {(m.text, m.source) for m in mentions}:  # a form's own features once
        words = _WORD.findall(form.lower()) or ["_"]
        head = words[-1]
        out.update((f"text={' '.join(words)}", f"head={head}", f"first={words[0]}", f"major_head={major}|{head}",
                    f"suffix={head[-3:]}", f"words={min(len(words), 5)}", f"source={source}"))
        if len(form) > 1 and form.isupper():
            out.add("capitals")
    for mention in mentions:
        before = _WORD.findall(text[max(0, mention.start - _CONTEXT):mention.start].lower())[-2:]
        after = _WORD.findall(text[mention.end:mention.end + _CONTEXT].lower(), 0)[:2]
        if before:
            out.update((f"before={before[-1]}", f"before1={before[-1]}"))
            if len(before) > 1:
                out.add(f"before={before[0]}")
        if after:
            out.update((f"after={after[0]}", f"after1={after[0]}"))
            if len(after) > 1:
                out.add(f"after={after[1]}")
    if mentions and min(m.start for m in mentions) < _EARLY:
        out.add("early")
    return sorted(out)


def _inputs(rows: Sequence[Sequence[str]]) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    keys = numpy.asarray([get_string_id(f) for row in rows for f in row], dtype="uint64")
    return keys, numpy.ones(len(keys), dtype="float32"), numpy.asarray([len(r) for r in rows], dtype="int32")


def _softmax(scores: numpy.ndarray) -> numpy.ndarray:
    exp = numpy.exp(scores - scores.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def probabilities(model: Model, rows: Sequence[Sequence[str]]) -> numpy.ndarray:
    """(rows x labels) probabilities of a judge model."""
    if not rows:
        return numpy.zeros((0, len(LABELS)), dtype="float32")
    return _softmax(model.ops.to_numpy(model.predict(_inputs(rows))))


def judge_model() -> Model:
    model = SparseLinear(nO=len(LABELS), length=LENGTH)
    model.initialize()
    return model


def fit(rows: Sequence[Sequence[str]], labels: Sequence[str], epochs: int = 5, seed: int = 0,
        batch_size: int = 32, learn_rate: float = 0.001) -> Model:
    """A judge model fitted to feature rows and their labels (softmax cross-entropy, Adam)."""
    rng = numpy.random.default_rng(seed)
    model = judge_model()
    optimizer = Adam(learn_rate)
    truth = numpy.asarray([LABELS.index(label) for label in labels])
    order = numpy.arange(len(rows))
    for _ in range(epochs):
        rng.shuffle(order)
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            scores, backprop = model.begin_update(_inputs([rows[i] for i in batch]))
            gradient = _softmax(model.ops.to_numpy(scores))
            gradient[numpy.arange(len(batch)), truth[batch]] -= 1.0
            backprop(model.ops.asarray2f(gradient / len(batch)))
            model.finish_update(optimizer)
    return model


class ConceptJudge:
    """Drops the concepts that name no entity and retypes the others, in
    ``doc._.miner_entities``; does nothing until fitted (``cfg["trained"]``)."""

    def __init__(self, nlp: Language, name: str = "miner_concepts", *, lexicon: str = "",
                 threshold: float = THRESHOLD) -> None:
        self.name = name
        self.lexicon = Lexicon.load(lexicon or default_lexicon_path())
        self.cfg: dict[str, Any] = {"threshold": threshold, "trained": False, "labels": list(LABELS)}
        self.model = judge_model()

    def features(self, doc: Doc) -> tuple[dict[str, list[EntityMention]], list[list[str]]]:
        """The Doc's mentions by concept, and each concept's features."""
        text = extensions.doc_text(doc)
        grouped = concepts_of(extensions.get(doc, "miner_entities"))
        return grouped, [concept_features(m, text, self.lexicon) for m in grouped.values()]

    def __call__(self, doc: Doc) -> Doc:
        if not self.cfg.get("trained"):
            return doc
        grouped, rows = self.features(doc)
        threshold = self.cfg.get("threshold", THRESHOLD)
        decided = {cid: None if row[0] >= threshold else LABELS[1 + int(row[1:].argmax())]
                   for cid, row in zip(grouped, probabilities(self.model, rows))}
        mentions = extensions.get(doc, "miner_entities")
        mentions[:] = [m if m.type == decided[m.id] else dataclasses.replace(m, type=decided[m.id])
                       for m in mentions if decided[m.id] is not None]
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 16) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def to_disk(self, path: Path | str, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "cfg").write_text(json.dumps(self.cfg, indent=1, sort_keys=True) + "\n")
        (path / "model").write_bytes(self.model.to_bytes())

    def from_disk(self, path: Path | str, *, exclude: Iterable[str] = ()) -> ConceptJudge:
        path = Path(path)
        self.cfg.update(json.loads((path / "cfg").read_text()))
        self.model.from_bytes((path / "model").read_bytes())
        return self


@Language.factory(
    "miner_concepts",
    default_config={"lexicon": "", "threshold": THRESHOLD},
    requires=["doc._.miner_entities"],
    assigns=["doc._.miner_entities"],
)
def make_concept_judge(nlp: Language, name: str, lexicon: str, threshold: float) -> ConceptJudge:
    """Keeps the concepts that name an entity, each with the type the judge gives it
    (fitted on out-of-fold concepts, see :mod:`miner.training.concepts`)."""
    return ConceptJudge(nlp, name, lexicon=lexicon, threshold=threshold)
