"""Mentions: the article's entity spans, each normalised to a concept id.

The spans are the trained entity recognizer's (``doc.ents``) when the pipeline has one,
else the candidates of :mod:`miner.pipeline.entities`. Each span gets a concept:

1. the candidate with exactly its extent (a lexicon term, a defined abbreviation or
   its long form);
2. else the lexicon concept whose term has its normal form;
3. else a short form that the article defines takes its long form's concept, so that
   "CCI" and "chronic constriction injury" are one node;
4. else the candidate that is the span's head, when the rest only says what was
   measured or where ("serum IL-6 levels" is IL-6);
5. else a concept of its own, ``MINER:<slug>`` of its normal form, named as written.

The span's type is the recognizer's (a drug arm is an intervention even where the
lexicon files it as a chemical); the concept id stays the lexicon's.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.vocab import Vocab
from thinc.api import Model, Optimizer

from miner.pipeline import extensions
from miner.pipeline.entities import SPAN_KEY, slugify
from miner.pipeline.grouping import Form, arm_label, arm_links, candidate_pairs, group_forms, hashed, pair_rows
from miner.pipeline.lexicon import Lexicon, default_lexicon_path
from miner.pipeline.records import EntityMention
from miner.text import norm_text

#: Words around a named concept that say what was measured of it, or where.
_MEASURED = re.compile(
    r"^(?:(?:the|of|in|blood|serum|plasma|salivary|urinary|circulating|muscle|changes?|mean|total|"
    r"concentrations?|levels?|counts?|expression|activity|content|values?|amounts?|scores?|"
    r"ratings?|results?|measures?|measurements?|measured|observed|observable|reported|self-reported)\s*)+$", re.I)


#: Words before a symptom that say how much of it there was ("more severe pain").
_DEGREE = re.compile(r"^(?:(?:more|less|most|least|very|severe|mild|moderate|intense|greater|worse|overall)\s*)+$", re.I)


def measured_rest(span_text: str, head_text: str, degree: bool = False) -> bool:
    """Whether ``span_text`` is ``head_text`` with only measurement words around it
    (with ``degree``, also words of degree before it).

    >>> measured_rest("serum IL-6 levels", "IL-6"), measured_rest("knee pain", "pain")
    (True, False)
    >>> measured_rest("more severe pain", "pain"), measured_rest("more severe pain", "pain", degree=True)
    (False, True)
    """
    index = span_text.find(head_text)
    if index < 0:
        return False
    before, after = span_text[:index].strip(), span_text[index + len(head_text):].strip()
    rest = (before + " " + after).strip()
    if not rest or _MEASURED.match(rest):
        return True
    return degree and bool(before) and bool(_DEGREE.match(before)) and (not after or bool(_MEASURED.match(after)))


def mention_record(text: str, span: Span, kind: str, cid: str, name: str, source: str,
                   specimen: bool = False) -> EntityMention:
    """The record of one mention (an item of ``doc._.miner_entities``)."""
    return EntityMention(span.start_char, span.end_char, span.start, span.end,
                         text[span.start_char:span.end_char], kind, cid, name, source, specimen)


class MentionBuilder(extensions.DocByDoc, TrainablePipe):
    """Writes ``doc._.miner_entities`` from the recognizer's spans or the candidates,
    the forms that name one concept grouped by a trained scorer
    (:mod:`miner.pipeline.grouping`)."""

    def __init__(self, vocab: Vocab, model: Model, name: str = "miner_entities", *, lexicon: str = "",
                 use_ner: bool = True, threshold: float = 0.5) -> None:
        self.vocab = vocab
        self.model = model
        self.name = name
        self.cfg = {"use_ner": use_ner, "threshold": threshold, "trained": False, "type_agreement": {},
                    "lexicon_type_trust": 0.95}
        self.lexicon = Lexicon.load(lexicon or default_lexicon_path())

    # ------------------------------------------------------------------ predicting

    def predict(self, docs: Iterable[Doc]) -> list[list[EntityMention]]:
        out = []
        for doc in docs:
            mentions = self._raw_mentions(doc)
            long_forms = _long_forms(doc)
            if self.cfg.get("trained") and mentions:
                mentions = self._group(doc, mentions, long_forms)
            out.append(one_type_per_concept(mentions, self.lexicon, long_forms))
        return out

    def set_annotations(self, docs: Iterable[Doc], mentions_per_doc: list[list[EntityMention]]) -> None:
        for doc, mentions in zip(docs, mentions_per_doc):
            target = extensions.get(doc, "miner_entities")
            target.clear()
            target.extend(mentions)

    def _raw_mentions(self, doc: Doc) -> list[EntityMention]:
        text = extensions.doc_text(doc)
        candidates = list(doc.spans[SPAN_KEY]) if SPAN_KEY in doc.spans else []
        names = extensions.get(doc, "miner_names")
        if not self.cfg.get("use_ner", True) or not doc.has_annotation("ENT_IOB"):
            return [self._record(text, span, span.label_, span.kb_id_, names, "candidate") for span in candidates]
        by_extent = {(c.start, c.end): c for c in candidates}
        within = _within(candidates)
        short_forms = self._short_forms(doc, by_extent)
        trusted = self.trusted_types()
        out = []
        for span in doc.ents:
            cid, source = self._concept(text, span, by_extent, within(span), short_forms, names)
            kind = span.label_
            exact = by_extent.get((span.start, span.end))
            if exact is not None and exact.label_ in trusted:
                kind = exact.label_
            out.append(self._record(text, span, kind, cid, names, source))
        return out

    def trusted_types(self) -> set[str]:
        """The lexicon types that the annotated data almost always agree with (a span the
        lexicon names in full keeps the lexicon's type, whatever the recognizer says):
        learned in training as the share of annotated mentions with exactly a candidate's
        extent whose type is the candidate's, at least ``lexicon_type_trust``."""
        table = self.cfg.get("type_agreement") or {}
        floor = self.cfg.get("lexicon_type_trust", 0.95)
        return {kind for kind, counts in table.items()
                if sum(counts.values()) >= 20 and counts.get(kind, 0) / sum(counts.values()) >= floor}

    def _count_agreement(self, examples: Iterable[Example]) -> None:
        table = self.cfg.setdefault("type_agreement", {})
        for example in examples:
            predicted = example.predicted
            by_extent = {(c.start_char, c.end_char): c.label_
                         for c in (predicted.spans[SPAN_KEY] if SPAN_KEY in predicted.spans else [])}
            for ent in example.reference.ents:
                kind = by_extent.get((ent.start_char, ent.end_char))
                if kind is not None:
                    row = table.setdefault(kind, {})
                    row[ent.label_] = row.get(ent.label_, 0) + 1

    def _forms(self, doc: Doc, mentions: Sequence[EntityMention], long_forms: dict[str, set[str]]) -> list[Form]:
        """The distinct surface forms of the mentions, with what the lexicon and the
        article's abbreviations (``long_forms``: :func:`_long_forms`) say of them."""
        inner = _InnerConcepts(doc, self.lexicon)
        counts: Counter[str] = Counter(m.text for m in mentions)
        first: dict[str, EntityMention] = {}
        for mention in mentions:
            first.setdefault(mention.text, mention)
        links = _links(doc, [(m.start, m.end, m.text, m.type) for m in mentions])
        return [Form(text, m.type, m.id if self.lexicon.get(m.id) else None, counts[text],
                     frozenset(long_forms.get(text, ())), inner(m.start, m.end, m.id),
                     frozenset(links.get(text, ())))
                for text, m in first.items()]

    def _scores(self, forms: Sequence[Form], pairs: list[tuple[int, int]]) -> list[float]:
        if not pairs:
            return []
        keys = hashed(pair_rows(forms, pairs))
        return [float(v) for v in self.model.predict(keys)[:, 0]]

    def _group(self, doc: Doc, mentions: list[EntityMention],
               long_forms: dict[str, set[str]]) -> list[EntityMention]:
        """The mentions, the forms that name one concept given one id (and name)."""
        forms = self._forms(doc, mentions, long_forms)
        groups = group_forms(forms, lambda pairs: self._scores(forms, pairs), self.cfg.get("threshold", 0.5))
        names = extensions.get(doc, "miner_names")
        chosen: dict[str, tuple[str, str]] = {}
        for group in groups:
            if len(group) < 2:
                continue
            members = [forms[i] for i in group]
            known = [f for f in members if f.concept is not None]
            named = [f for f in members if not arm_label(f)] or members  # "group B" names no arm
            if known:
                best = max(known, key=lambda f: (not arm_label(f), f.count, len(f.text)))
                cid = best.concept
                name = self.lexicon[cid].name
            else:
                best = max(named, key=lambda f: (f.count, len(f.text)))
                long = sorted(best.long_forms)
                name = _as_name(" ".join((long[0] if long else best.text).split()))
                cid = next((m.id for m in mentions if m.text == best.text), f"MINER:{slugify(name)}")
                names.setdefault(cid, name)
            for form in members:
                chosen[form.text] = (cid, name)
        return [dataclasses.replace(m, id=chosen[m.text][0], name=chosen[m.text][1]) if m.text in chosen else m
                for m in mentions]

    # ------------------------------------------------------------------ serialising

    def to_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> None:
        """The weights and settings; the vocabulary is the pipeline's, saved once by it."""
        super().to_disk(path, exclude=(*exclude, "vocab"))

    def from_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> TrainablePipe:
        return super().from_disk(path, exclude=(*exclude, "vocab"))

    # ------------------------------------------------------------------ training

    def _gold_forms(self, example: Example) -> tuple[list[Form], list[str]]:
        """The reference's distinct mention forms and the concept each names."""
        predicted = example.predicted
        by_extent = {(c.start_char, c.end_char): c for c in (predicted.spans[SPAN_KEY] if SPAN_KEY in predicted.spans else [])}
        long_forms = _long_forms(predicted)
        inner = _InnerConcepts(predicted, self.lexicon)
        seen: dict[str, tuple[Form, str]] = {}
        counts: Counter[str] = Counter(ent.text for ent in example.reference.ents)
        links = _links(predicted, [(e.start_char, e.end_char, e.text, e.label_) for e in example.reference.ents])
        for ent in example.reference.ents:
            if ent.text in seen:
                continue
            candidate = by_extent.get((ent.start_char, ent.end_char))
            concept = candidate.kb_id_ if candidate is not None else None
            if concept is None:
                known = self.lexicon.lookup(ent.text)
                concept = known.id if known is not None else None
            if concept is not None and self.lexicon.get(concept) is None:
                concept = None
            seen[ent.text] = (Form(ent.text, ent.label_, concept, counts[ent.text],
                                   frozenset(long_forms.get(ent.text, ())),
                                   inner(ent.start_char, ent.end_char, concept),
                                   frozenset(links.get(ent.text, ()))), ent.kb_id_)
        return [f for f, _ in seen.values()], [c for _, c in seen.values()]

    def _training_pairs(self, examples: Iterable[Example]) -> tuple[list[list[str]], list[float]]:
        features: list[list[str]] = []
        labels: list[float] = []
        for example in examples:
            forms, concepts = self._gold_forms(example)
            pairs = candidate_pairs(forms)
            features.extend(pair_rows(forms, pairs))
            labels.extend(1.0 if concepts[i] == concepts[j] else 0.0 for i, j in pairs)
        return features, labels

    def update(self, examples: Iterable[Example], *, drop: float = 0.0, sgd: Optimizer | None = None,
               losses: dict[str, float] | None = None) -> dict[str, float]:
        losses = {} if losses is None else losses
        losses.setdefault(self.name, 0.0)
        examples = list(examples)
        self._count_agreement(examples)
        features, labels = self._training_pairs(examples)
        if not features:
            return losses
        scores, backprop = self.model.begin_update(hashed(features))
        truth = self.model.ops.asarray2f(numpy.asarray(labels, dtype="float32").reshape(-1, 1))
        gradient = scores - truth
        backprop(gradient)
        if sgd is not None:
            self.finish_update(sgd)
        losses[self.name] += float((gradient ** 2).sum())
        return losses

    def get_loss(self, examples: Iterable[Example], scores: Any) -> tuple[float, Any]:
        raise NotImplementedError("miner_entities computes its loss in update()")

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Language | None = None) -> None:
        from miner.pipeline.relation_pipe import _annotated_before

        examples = []
        for example in list(get_examples())[:20]:
            example.predicted = _annotated_before(nlp, self.name, example.predicted)
            examples.append(example)
        features, labels = self._training_pairs(examples)
        sample = hashed(features or [["bias"]])
        self.model.initialize(X=sample)
        self.cfg["trained"] = True

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, float]:
        """Pairwise precision, recall and F1 of "same concept" over the reference's forms."""
        tp = fp = fn = 0
        for example in examples:
            forms, concepts = self._gold_forms(example)
            pairs = candidate_pairs(forms)
            predicted = self._scores(forms, pairs) if self.cfg.get("trained") else [0.0] * len(pairs)
            for (i, j), p in zip(pairs, predicted):
                same = concepts[i] == concepts[j]
                tp += same and p > 0.5
                fp += (not same) and p > 0.5
                fn += same and p <= 0.5
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"grouping_p": precision, "grouping_r": recall, "grouping_f": f1}

    def _record(self, text: str, span: Span, kind: str, cid: str, names: dict[str, str],
                source: str) -> EntityMention:
        known = self.lexicon.get(cid)
        written = text[span.start_char:span.end_char]
        name = known.name if known else names.get(cid) or _as_name(written)
        specimen = known is not None and "specimen" in known.flags
        if source == "candidate":
            source = "lexicon" if known else "definition"
        return mention_record(text, span, kind, cid, name, source, specimen)

    def _short_forms(self, doc: Doc, by_extent: dict[tuple[int, int], Span]) -> dict[str, str]:
        """Short form -> concept id of its long form, for the abbreviations the article defines."""
        out: dict[str, str] = {}
        for definition in extensions.get(doc, "miner_abbreviations"):
            cid = definition.get("id")
            if not cid:
                long_span = doc.char_span(definition["long_start"], definition["long_end"], alignment_mode="expand")
                if long_span is None:
                    continue
                candidate = by_extent.get((long_span.start, long_span.end))
                concept = self.lexicon.lookup(definition["long"])
                cid = candidate.kb_id_ if candidate is not None else concept.id if concept else \
                    f"MINER:{slugify(norm_text(definition['long']))}"
                extensions.get(doc, "miner_names").setdefault(cid, _as_name(" ".join(definition["long"].split())))
            out.setdefault(definition["short"], cid)
        return out

    def _concept(self, text: str, span: Span, by_extent: dict[tuple[int, int], Span], inside: list[Span],
                 short_forms: dict[str, str], names: dict[str, str]) -> tuple[str, str]:
        """The concept of a recognized span and where it came from; ``inside`` are the
        candidates within the span, in their order."""
        exact = by_extent.get((span.start, span.end))
        if exact is not None:
            return exact.kb_id_, "candidate"
        written = text[span.start_char:span.end_char]
        concept = self.lexicon.lookup(written)
        if concept is not None:
            return concept.id, "lexicon"
        if written in short_forms:
            return short_forms[written], "definition"
        arm = _GROUP_WORDS.sub("", written)
        if arm != written and arm:
            # "the SaphLITE group", "yoga arm": the arm itself.
            concept = self.lexicon.lookup(arm)
            if concept is not None:
                return concept.id, "lexicon"
            if arm in short_forms:
                return short_forms[arm], "definition"
            candidate = next((c for c in inside if text[c.start_char:c.end_char] == arm), None)
            if candidate is not None:
                return candidate.kb_id_, "candidate"
            written = arm
        if span.label_ == "species":
            # The head noun names the organism: "orthodontic patients", "adult goats".
            head = next((c for c in inside if c.label_ == "species" and c.end == span.end), None)
            if head is not None:
                return head.kb_id_, "candidate"
        for candidate in sorted(inside, key=lambda c: c.end - c.start, reverse=True):
            if measured_rest(written, text[candidate.start_char:candidate.end_char],
                             degree=span.label_ in ("outcome", "condition")):
                return candidate.kb_id_, "candidate"
        cid = f"MINER:{slugify(norm_text(written))}"
        names.setdefault(cid, _as_name(" ".join(written.split())))
        return cid, "new"


def _links(doc: Doc, mentions: list[tuple[int, int, str, str]]) -> dict[str, set[tuple[str, str]]]:
    """The arm labels' links to the interventions named with them (:func:`arm_links`)."""
    starts = [start for start, _ in extensions.sentence_bounds(doc)] if doc.has_annotation("SENT_START") else [0]
    return arm_links(extensions.doc_text(doc), sorted(mentions),
                     lambda char: bisect.bisect_right(starts, char))


def _long_forms(doc: Doc) -> dict[str, set[str]]:
    """Short form -> the long forms the article defines for it."""
    out: dict[str, set[str]] = {}
    for definition in extensions.get(doc, "miner_abbreviations"):
        out.setdefault(definition["short"], set()).add(" ".join(definition["long"].split()))
    return out


class _InnerConcepts:
    """The lexicon concepts named inside a span ("daily swimming" holds swimming)."""

    def __init__(self, doc: Doc, lexicon: Lexicon) -> None:
        spans = sorted(doc.spans[SPAN_KEY], key=lambda c: c.start_char) if SPAN_KEY in doc.spans else []
        self.spans = [(c.start_char, c.end_char, c.kb_id_) for c in spans if lexicon.get(c.kb_id_) is not None]
        self.starts = [s for s, _, _ in self.spans]

    def __call__(self, start: int, end: int, own: str | None) -> frozenset[str]:
        lo, hi = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        return frozenset(cid for s, e, cid in self.spans[lo:hi] if e <= end and cid != own and (s, e) != (start, end))


_GROUP_WORDS = re.compile(r"^(?:the|a|an|both|each)\s+|\s+(?:groups?|arms?|conditions?)$", re.I)


def _within(candidates: list[Span]) -> Callable[[Span], list[Span]]:
    """A function giving the candidates that lie within a span, in the candidates' order
    (by bisection over their starts: a full text has thousands of each)."""
    order = sorted(range(len(candidates)), key=lambda i: candidates[i].start)
    starts = [candidates[i].start for i in order]

    def within(span: Span) -> list[Span]:
        lo, hi = bisect.bisect_left(starts, span.start), bisect.bisect_left(starts, span.end)
        return [candidates[i] for i in sorted(i for i in order[lo:hi] if candidates[i].end <= span.end)]

    return within


def one_type_per_concept(mentions: Sequence[EntityMention], lexicon: Lexicon,
                         long_forms: dict[str, set[str]] | None = None) -> list[EntityMention]:
    """The mentions, each of a concept with the type most of its mentions have (the
    recognizer may call "leg" anatomy here and an outcome there); ties go to the
    lexicon's type, then to the first mention's. A short form the article defines
    (``long_forms``: short form -> long forms) is what its long form is: where a concept
    has both, its long form's mentions decide ("MMT" after "Mulligan mobilization
    technique (MMT)" is the technique, however the letters alone were read)."""
    long_forms = long_forms or {}
    written = [" ".join(m.text.split()) for m in mentions]
    texts: dict[str, set[str]] = {}
    for mention, form in zip(mentions, written):
        texts.setdefault(mention.id, set()).add(form)
    defining = {cid: {long for short in forms for long in long_forms.get(short, ()) if long in forms}
                for cid, forms in texts.items()}
    votes: dict[str, Counter[str]] = {}
    for mention, form in zip(mentions, written):
        decisive = defining[mention.id]
        if not decisive or form in decisive:
            votes.setdefault(mention.id, Counter())[mention.type] += 1
    chosen: dict[str, str] = {}
    for cid, counts in votes.items():
        if len(counts) == 1:
            chosen[cid] = next(iter(counts))
            continue
        known = lexicon.get(cid)
        best = max(counts.values())
        tied = [t for t, n in counts.items() if n == best]
        chosen[cid] = known.type if known is not None and known.type in tied else tied[0]
    return [m if m.type == chosen[m.id] else dataclasses.replace(m, type=chosen[m.id]) for m in mentions]


def _as_name(text: str) -> str:
    """A concept name from a surface form: its first letter up ("pain scores" -> "Pain scores")."""
    return text[:1].upper() + text[1:] if text[:1].islower() else text


@Language.factory(
    "miner_entities",
    default_config={"model": {"@architectures": "miner.FormPairScorer.v1"}, "lexicon": "", "use_ner": True,
                    "threshold": 0.5},
    requires=["doc.spans"],
    assigns=["doc._.miner_entities"],
    default_score_weights={"grouping_f": 0.0, "grouping_p": None, "grouping_r": None},
)
def make_mention_builder(nlp: Language, name: str, model: Model, lexicon: str, use_ner: bool,
                         threshold: float) -> MentionBuilder:
    """Mentions normalised to concept ids, from the entity recognizer or the candidates,
    grouped into the article's concepts by a trained scorer."""
    return MentionBuilder(nlp.vocab, model, name, lexicon=lexicon, use_ner=use_ner, threshold=threshold)
