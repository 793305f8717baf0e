"""The trained relation classifier: which candidate pairs are findings, and which way.

A ``TrainablePipe`` after spaCy's ``rel_component`` project. For every sentence with an
outcome, biomarker or condition, :func:`miner.pipeline.pairs.sentence_pairs` proposes
(subject, object) pairs - the subject named in the sentence, or one of the study's
arms when the sentence names none ("pain fell more in the exercise group", "no
difference between groups"). The model (``miner.FindingClassifier.v1``) decides, for
each object of a sentence, what the sentence finds about it (one of :data:`LABELS`)
and, for each pair, whether its subject is the one the finding is about (not the
comparator, not a co-intervention). ``none`` covers every object of which the sentence
states no result - aims, methods, eligibility, baseline, another study's result: the
decision whether a sentence states a result is made inside this classifier, from its
words, cues and section. ``not_associated`` is a denied association ("X was not
associated with Y"): an ``associated_with`` finding with ``negated`` set.

Trained by ``spacy train`` (``training/relations.cfg``) on the annotated abstracts,
the other objects and pairs of each sentence as negatives.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy
from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.training import Example
from spacy.vocab import Vocab
from thinc.api import Model, Optimizer

from miner.pipeline import extensions
from miner.pipeline.context import article_species, main_condition, main_interventions, study_type
from miner.pipeline.cues import Rules
from miner.pipeline.findings import denied_association, finding_record, hedged, not_significant
from miner.pipeline.lexicon import Lexicon, default_lexicon_path
from miner.pipeline.pairs import (
    OBJECT_TYPES,
    SUBJECT_TYPES,
    MentionRef,
    Pair,
    SentenceFeatures,
    article_arms,
    with_previous,
    object_features,
    pair_features,
    sentence_pairs,
)
from miner.pipeline.recognizer import doc_focus
from miner.pipeline.records import EntityMention
from miner.pipeline.relation_model import OBJECT_SEGMENTS, PAIR_SEGMENTS, DocBatch, Instances
from miner.pipeline.study import article_study_context, evidence_context

LABELS = ("none", "decreases", "increases", "no_effect", "associated_with", "not_associated")
GOLD_KEY = "miner_gold"
# The decision thresholds of RelationClassifier.decide, chosen by 5-fold cross-validation
# on the training abstracts (scripts/cv_relations.py --grid: the same setting won on each
# fold's other four folds).
THRESHOLD, SUBJECT_THRESHOLD, SUBJECT_FLOOR = 0.4, 0.7, 0.3
MAX_SUBJECTS = 3  # at most this many subjects share one finding below the threshold
#: Below ``subject_threshold``, the subjects kept beside the best one: those at this share
#: of its score. Chosen end to end by 5-fold cross-validation (scripts/tune_decide.py --set
#: floor_ratio=..., 2026-12-03): 1.0 (the best alone) -> 0.75 took strict relation F1 from
#: 0.251 to 0.254 (no fold lower), lenient 0.326 -> 0.330, effect attachment 0.197 -> 0.202;
#: 0.5 and below gave the same strict F1 at lower precision (0.352 against 0.365).
FLOOR_RATIO = 0.75
_WINDOW = 5


def finding_label(row: numpy.ndarray, threshold: float) -> int | None:
    """The label index of an object's finding, None for no finding: there is one when
    the labels other than ``none`` (column 0) together reach ``threshold``, and it is
    the likeliest of them. (An argmax over all labels would miss a finding whose
    probability is split between two directions.)"""
    if 1.0 - float(row[0]) < threshold:
        return None
    return 1 + int(row[1:].argmax())


class DocCandidates:
    """The candidate objects and pairs of one Doc, with their inputs for the model."""

    def __init__(self, objects: list[tuple[MentionRef, tuple[int, int], str | None]], pairs: list[Pair],
                 owner: list[int], batch: DocBatch) -> None:
        self.objects = objects  # (object, sentence offsets, section kind)
        self.pairs = pairs
        self.owner = owner  # index of each pair's object instance
        self.batch = batch


def population_suffix(cues: Rules) -> re.Pattern[str]:
    """The population cues ("patients with", "rats with") as a pattern that must end
    where a mention starts."""
    return re.compile(rf"(?:{cues.regex['population_before'].pattern})\s*$", re.I)


def _mark_populations(mentions: list[MentionRef], text: str, lo: int, hi: int,
                      before: re.Pattern[str]) -> list[MentionRef]:
    """The sentence's mentions, a condition right after "patients with", "rats with"...
    or one that names a group, flagged ``population``: it says who was studied, not what
    changed (in the annotated abstracts, 6 of 3,116 objects stand after such words)."""
    if not any(m.type in ("condition", "outcome") for m in mentions):
        return mentions
    return [dataclasses.replace(m, flags=m.flags | {"population"})
            if (m.type == "condition" and before.search(text, max(lo, m.start - 60), m.start))
            or (m.type in ("condition", "outcome") and _GROUP_AFTER.match(text, m.end, hi)) else m
            for m in mentions]


#: A condition named as a group ("the CCI group", "diabetic rats"): who, not what changed
#: (2 of 3,116 annotated objects are followed by such a word).
_GROUP_AFTER = re.compile(r"\s*(?:groups?|arms?|mice|rats|animals|patients|participants|subjects|women|men|"
                          r"children|cohorts?)\b", re.I)


#: Feature string -> its hash key (``get_string_id``): the same strings recur in every
#: Doc, and looking one up costs about half of hashing it anew. Emptied when it holds more
#: than this many (a long run meets ever new words).
_KEYS: dict[str, int] = {}
_MAX_KEYS = 1 << 18


def feature_keys(features: list[list[str]]) -> numpy.ndarray:
    """The hash keys of the instances' features, all instances concatenated."""
    if len(_KEYS) > _MAX_KEYS:
        _KEYS.clear()
    known = _KEYS
    out = []
    for feats in features:
        for feature in feats:
            key = known.get(feature)
            if key is None:
                key = known[feature] = get_string_id(feature)
            out.append(key)
    return numpy.asarray(out, dtype="uint64")


def _instances(segments: list[list[tuple[int, int]]], n_segments: int, flags: list[float],
               features: list[list[str]]) -> Instances:
    if not segments:
        return Instances.empty(n_segments)
    return Instances(
        segments=numpy.asarray(segments, dtype="int64").reshape(-1, n_segments, 2),
        flags=numpy.asarray(flags, dtype="float32").reshape(-1, 1),
        keys=feature_keys(features),
        lengths=numpy.asarray([len(feats) for feats in features], dtype="int32"),
    )


class RelationClassifier(extensions.DocByDoc, TrainablePipe):
    """Decides the candidate pairs into ``doc._.miner_relations``."""

    def __init__(self, vocab: Vocab, model: Model, name: str = "miner_relations", *, patterns: str = "",
                 lexicon: str = "", threshold: float = THRESHOLD, subject_threshold: float = SUBJECT_THRESHOLD,
                 subject_floor: float = SUBJECT_FLOOR) -> None:
        self.vocab = vocab
        self.model = model
        self.name = name
        self.cfg = {"labels": list(LABELS), "threshold": threshold, "subject_threshold": subject_threshold,
                    "subject_floor": subject_floor}
        self.cues = Rules.load(patterns or None)
        self._population = population_suffix(self.cues)
        self.lexicon = Lexicon.load(lexicon or default_lexicon_path())

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.cfg["labels"])

    # ------------------------------------------------------------------ candidates

    def _flags(self, mention: EntityMention) -> list[str]:
        concept = self.lexicon.get(mention.id) or self.lexicon.lookup(mention.text)
        flags = []
        control = self.lexicon.flagged("control")
        if mention.id in control or (concept is not None and concept.id in control):
            flags.append("control")
        if concept is not None:
            if concept.is_class:
                flags.append("class")
            if concept.valence:
                flags.append(f"valence={concept.valence}")
        return flags

    def candidates(self, doc: Doc) -> DocCandidates:
        """Every candidate object and pair of the Doc, and the model's input for them."""
        text = extensions.doc_text(doc)
        records = sorted(extensions.get(doc, "miner_entities"), key=lambda m: m.start)
        refs = [MentionRef.from_mention(m, self._flags(m)) for m in records
                if m.type in SUBJECT_TYPES or m.type in OBJECT_TYPES]
        arms = article_arms(refs)
        starts = [r.start for r in refs]
        # Where each token starts and ends, read once (not through a Token object per word).
        bounds = doc.to_array([IDX, LENGTH]) if len(doc) else numpy.zeros((0, 2), dtype="uint64")
        token_starts, token_ends = bounds[:, 0].tolist(), (bounds[:, 0] + bounds[:, 1]).tolist()
        sections = extensions.get(doc, "miner_article").get("sections") or []
        section_starts = [s["start"] for s in sections]
        objects: list[tuple[MentionRef, tuple[int, int], str | None]] = []
        pairs: list[Pair] = []
        owner: list[int] = []
        o_segments, o_features, p_segments, p_flags, p_features = [], [], [], [], []
        previous: list[MentionRef] = []
        last_section = -1
        for (lo, hi), chosen in zip(extensions.sentence_bounds(doc), doc_focus(doc, self.cues)):
            hi = lo + len(text[lo:hi].rstrip())
            i, j = bisect.bisect_left(starts, lo), bisect.bisect_left(starts, hi)
            inside = _mark_populations(refs[i:j], text, lo, hi, self._population)
            section_index = bisect.bisect_right(section_starts, lo) - 1
            if section_index != last_section:
                previous, last_section = [], section_index
            before, previous = previous, [m for m in inside if m.type == "intervention" and "control" not in m.flags]
            if not chosen or not any(m.type in OBJECT_TYPES for m in inside):
                previous = previous or before
                continue
            found = sentence_pairs((lo, hi), (0, 0), inside, with_previous(arms, before))
            if not found:
                continue
            t_lo = bisect.bisect_left(token_starts, lo)
            t_hi = bisect.bisect_left(token_starts, hi)
            index = bisect.bisect_right(section_starts, lo) - 1
            section = sections[index]["kind"] if index >= 0 and lo < sections[index]["end"] else None
            words = [(token_starts[t] - lo, token_ends[t] - lo) for t in range(t_lo, t_hi)]
            sentence = SentenceFeatures(text[lo:hi], lo, words, self.cues, section)
            object_index: dict[str, int] = {}
            for pair in found:
                concept = pair.object.concept
                if concept not in object_index:
                    object_index[concept] = len(objects)
                    objects.append((pair.object, (lo, hi), section))
                    o_segments.append(_object_segments(pair.object, t_lo, t_hi))
                    o_features.append(object_features(pair.object, sentence, inside))
                pairs.append(pair)
                owner.append(object_index[concept])
                p_segments.append(_segments(pair, t_lo, t_hi))
                p_flags.append(1.0 if pair.arm is not None else 0.0)
                p_features.append(pair_features(pair, sentence, inside, arms))
        batch = DocBatch(_instances(o_segments, OBJECT_SEGMENTS, [0.0] * len(o_segments), o_features),
                         _instances(p_segments, PAIR_SEGMENTS, p_flags, p_features))
        return DocCandidates(objects, pairs, owner, batch)

    # ------------------------------------------------------------------ predicting

    def predict(self, docs: Iterable[Doc]) -> list[tuple[DocCandidates, numpy.ndarray, numpy.ndarray]]:
        docs = list(docs)
        candidates = [self.candidates(doc) for doc in docs]
        if not any(len(c.objects) for c in candidates):
            return [(c, numpy.zeros((0, len(self.labels)), dtype="float32"), numpy.zeros((0, 2), dtype="float32"))
                    for c in candidates]
        object_probs, pair_probs = self.model.predict((docs, [c.batch for c in candidates]))
        out, o, p = [], 0, 0
        for c in candidates:
            out.append((c, object_probs[o:o + len(c.objects)], pair_probs[p:p + len(c.pairs)]))
            o += len(c.objects)
            p += len(c.pairs)
        return out

    def set_annotations(self, docs: Iterable[Doc],
                        predictions: list[tuple[DocCandidates, numpy.ndarray, numpy.ndarray]]) -> None:
        for doc, (candidates, object_probs, pair_probs) in zip(docs, predictions):
            self._annotate(doc, candidates, object_probs, pair_probs)

    def decide(self, candidates: DocCandidates, object_probs: numpy.ndarray,
               pair_probs: numpy.ndarray) -> list[tuple[int, str, float]]:
        """(pair index, label, confidence) of each finding: an object whose
        probability of some finding (all labels but ``none``) reaches ``threshold``,
        with its likeliest label (:func:`finding_label`), and its subjects - every pair at
        ``subject_threshold`` and at ``subject_ratio`` of the best one, else the best
        pair at ``subject_floor`` and those at ``floor_ratio`` of it (1.0: the best alone;
        below, the arms that one description covers: "the rats that exercised" after
        "they swam or ran on a treadmill")."""
        threshold = self.cfg.get("threshold", THRESHOLD)
        subject_threshold = self.cfg.get("subject_threshold", SUBJECT_THRESHOLD)
        floor = self.cfg.get("subject_floor", SUBJECT_FLOOR)
        ratio = self.cfg.get("subject_ratio", 0.0)
        floor_ratio = self.cfg.get("floor_ratio", FLOOR_RATIO)
        by_object: dict[int, list[int]] = {}
        for index, owner in enumerate(candidates.owner):
            by_object.setdefault(owner, []).append(index)
        out = []
        for o, row in enumerate(object_probs):
            best = finding_label(row, threshold)
            if best is None:
                continue
            members = by_object.get(o, [])
            best_subject = max((pair_probs[i, 1] for i in members), default=0.0)
            chosen = [i for i in members if pair_probs[i, 1] >= max(subject_threshold, ratio * best_subject)]
            if not chosen and members:
                top = max(pair_probs[i, 1] for i in members)
                if top >= floor:
                    chosen = sorted((i for i in members if pair_probs[i, 1] >= max(floor, floor_ratio * top)),
                                    key=lambda i: -pair_probs[i, 1])[:MAX_SUBJECTS]
            out.extend((i, self.labels[best], float((1.0 - row[0]) * pair_probs[i, 1])) for i in chosen)
        return out

    def _annotate(self, doc: Doc, candidates: DocCandidates, object_probs: numpy.ndarray,
                  pair_probs: numpy.ndarray) -> None:
        text = extensions.doc_text(doc)
        records = sorted(extensions.get(doc, "miner_entities"), key=lambda m: m.start)
        by_place = {(m.start, m.end): m for m in records}
        effects = sorted(extensions.get(doc, "miner_effects"), key=lambda e: e["start"])
        effect_starts = [e["start"] for e in effects]
        mention_starts = [m.start for m in records]
        article = extensions.get(doc, "miner_article")
        sections = article.get("sections") or []
        head_end = next((s["start"] for s in sections if s["label"].upper().startswith("BODY")), 3000)
        species = article_species(records)
        summary = extensions.get(doc, "miner_context")
        summary.update({
            "main_interventions": main_interventions(records, head_end),
            "species": species,
            "study_type": study_type(text, article.get("title"), species, bool(sections)),
        })
        relations = extensions.get(doc, "miner_relations")
        relations.clear()
        for index, label, confidence in self.decide(candidates, object_probs, pair_probs):
            pair = candidates.pairs[index]
            section = candidates.objects[candidates.owner[index]][2]
            lo, hi = pair.sentence
            sentence = text[lo:hi]
            subject = by_place[(pair.subject.start, pair.subject.end)]
            target = by_place[(pair.object.start, pair.object.end)]
            a, b = bisect.bisect_left(mention_starts, lo), bisect.bisect_left(mention_starts, hi)
            e0, e1 = bisect.bisect_left(effect_starts, lo), bisect.bisect_left(effect_starts, hi)
            negated = label == "not_associated" or (
                label in ("no_effect", "associated_with") and denied_association(sentence, lo, target, self.cues))
            record = finding_record(
                text=sentence, offset=lo, subject=subject, target=target,
                relation="associated_with" if negated else label, negated=negated,
                hedge=hedged(sentence, lo, target, self.cues), mentions=records[a:b], effects=effects[e0:e1],
                rules=self.cues, section=section, species=species, confidence=confidence,
                subject_source="sentence" if pair.arm is None else "previous" if pair.arm.previous else "arm")
            if (record["relation"] in ("decreases", "increases") and self.cfg.get("non_significance", True)
                    and not_significant(sentence, lo, target, record["p_value"], self.cues)):
                record["relation"] = "no_effect"
            relations.append(record)
        if relations:
            study = article_study_context(text, sections)
            study["condition"] = main_condition(records, head_end)
            for relation in relations:
                relation["context"] = evidence_context(study, relation["sentence"], relation.get("section"),
                                                       relation.get("effect"))

    # ------------------------------------------------------------------ serialising

    def to_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> None:
        """The weights and settings; the vocabulary is the pipeline's, saved once by it."""
        super().to_disk(path, exclude=(*exclude, "vocab"))

    def from_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> TrainablePipe:
        return super().from_disk(path, exclude=(*exclude, "vocab"))

    # ------------------------------------------------------------------ training

    def _truth(self, example: Example, candidates: DocCandidates) -> tuple[numpy.ndarray, numpy.ndarray]:
        """One-hot object labels and pair labels (column 1: the subject) of the
        candidates, from the reference's relations."""
        gold = (example.reference.user_data.get(GOLD_KEY) or {}).get("relations", [])
        index = {label: i for i, label in enumerate(self.labels)}
        objects = numpy.zeros((len(candidates.objects), len(self.labels)), dtype="float32")
        pairs = numpy.zeros((len(candidates.pairs), 2), dtype="float32")
        labelled: dict[int, str] = {}
        for row, pair in enumerate(candidates.pairs):
            is_subject = False
            for relation in gold:
                if (relation["object"] == pair.object.concept
                        and relation["start"] <= pair.object.start < relation["end"]):
                    label = relation["relation"]
                    if label == "associated_with" and relation.get("negated"):
                        label = "not_associated"
                    if relation["subject"] == pair.subject.concept and (
                            pair.arm is not None or relation["start"] <= pair.subject.start < relation["end"]):
                        is_subject = True
                        labelled[candidates.owner[row]] = label
                    else:
                        labelled.setdefault(candidates.owner[row], label)
            pairs[row, int(is_subject)] = 1.0
        for o in range(len(candidates.objects)):
            objects[o, index[labelled.get(o, "none")]] = 1.0
        return objects, pairs

    def update(self, examples: Iterable[Example], *, drop: float = 0.0, sgd: Optimizer | None = None,
               losses: dict[str, float] | None = None) -> dict[str, float]:
        losses = {} if losses is None else losses
        losses.setdefault(self.name, 0.0)
        examples = list(examples)
        docs = [eg.predicted for eg in examples]
        candidates = [self.candidates(doc) for doc in docs]
        if not any(len(c.objects) for c in candidates):
            return losses
        truths = [self._truth(eg, c) for eg, c in zip(examples, candidates)]
        object_truth = numpy.concatenate([t[0] for t in truths])
        pair_truth = numpy.concatenate([t[1] for t in truths])
        # Only the pairs of objects with a finding teach the subject head.
        with_finding = object_truth[:, 0] == 0
        owners = numpy.concatenate([numpy.asarray(c.owner, dtype="int64") + sum(len(x.objects) for x in candidates[:k])
                                    for k, c in enumerate(candidates)]) if len(pair_truth) else numpy.zeros(0, "int64")
        pair_weight = with_finding[owners].astype("float32")[:, None] if len(owners) else numpy.zeros((0, 1), "float32")
        (object_probs, pair_probs), backprop = self.model.begin_update((docs, [c.batch for c in candidates]))
        d_objects = (object_probs - object_truth) / max(len(object_truth), 1)
        d_pairs = (pair_probs - pair_truth) * pair_weight / max(float(pair_weight.sum()), 1.0)
        backprop((d_objects, d_pairs))
        if sgd is not None:
            self.finish_update(sgd)
        losses[self.name] += float(-(object_truth * numpy.log(object_probs + 1e-9)).sum()
                                   - (pair_truth * pair_weight * numpy.log(pair_probs + 1e-9)).sum())
        return losses

    def get_loss(self, examples: Iterable[Example], scores: Any) -> tuple[float, Any]:
        raise NotImplementedError("miner_relations computes its loss in update()")

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Language | None = None) -> None:
        examples = list(get_examples())[:10]
        docs = [_annotated_before(nlp, self.name, eg.predicted) for eg in examples]
        if self.model.has_dim("nO") is not True:
            self.model.set_dim("nO", len(self.labels))
        self.model.initialize(X=(docs, [self.candidates(doc).batch for doc in docs]))

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
        """Micro precision, recall and F1 of the findings (subject, label, object) of
        the candidates, on the reference's relations, for ``spacy train``'s evaluation."""
        examples = list(examples)
        tp = fp = fn = 0
        for example, (candidates, object_probs, pair_probs) in zip(
                examples, self.predict([eg.predicted for eg in examples])):
            object_truth, pair_truth = self._truth(example, candidates)
            gold = {(i, self.labels[int(object_truth[candidates.owner[i]].argmax())])
                    for i in range(len(candidates.pairs)) if pair_truth[i, 1] and object_truth[candidates.owner[i], 0] == 0}
            guessed = {(i, label) for i, label, _ in self.decide(candidates, object_probs, pair_probs)}
            tp += len(gold & guessed)
            fp += len(guessed - gold)
            fn += len(gold - guessed)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"rel_p": precision, "rel_r": recall, "rel_f": f1}


def _annotated_before(nlp: Language | None, name: str, doc: Doc) -> Doc:
    """``doc`` run through the components before ``name`` (what training sees)."""
    if nlp is None:
        return doc
    for other, component in nlp.components:  # frozen components are disabled while initializing
        if other == name:
            break
        doc = component(doc)
    return doc


def _object_segments(obj: MentionRef, t_lo: int, t_hi: int) -> list[tuple[int, int]]:
    """Token ranges pooled for an object: itself, a window before and after, a wider
    window for its clause, the sentence."""
    return [(obj.token_start, obj.token_end),
            (max(t_lo, obj.token_start - _WINDOW), obj.token_start),
            (obj.token_end, min(t_hi, obj.token_end + _WINDOW)),
            (max(t_lo, obj.token_start - 3 * _WINDOW), min(t_hi, obj.token_end + 3 * _WINDOW)),
            (t_lo, t_hi)]


def _segments(pair: Pair, t_lo: int, t_hi: int) -> list[tuple[int, int]]:
    """Token ranges of the pair's pooled segments: subject, object, between, a window
    before and after the pair, the sentence."""
    s, o = pair.subject, pair.object
    if pair.arm is not None:
        first, last = o.token_start, o.token_end
        between = (o.token_start, o.token_start)
    else:
        first, last = min(s.token_start, o.token_start), max(s.token_end, o.token_end)
        inner = sorted((s.token_end, o.token_start) if s.token_start < o.token_start else (o.token_end, s.token_start))
        between = (inner[0], max(inner[0], inner[1]))
    before = (max(t_lo, first - _WINDOW), max(t_lo, first))
    after = (min(last, t_hi), min(t_hi, last + _WINDOW))
    return [(s.token_start, s.token_end), (o.token_start, o.token_end), between, before, after, (t_lo, t_hi)]


@Language.factory(
    "miner_relations",
    default_config={
        "model": {
            "@architectures": "miner.FindingClassifier.v1",
            "tok2vec": {
                "@architectures": "spacy.Tok2Vec.v2",
                "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": 64,
                          "attrs": ["NORM", "PREFIX", "SUFFIX", "SHAPE"], "rows": [5000, 1000, 2500, 2500],
                          "include_static_vectors": False},
                "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": 64, "depth": 2,
                           "window_size": 1, "maxout_pieces": 3},
            },
            "hidden_width": 64,
        },
        "patterns": "",
        "lexicon": "",
        "threshold": THRESHOLD,
        "subject_threshold": SUBJECT_THRESHOLD,
        "subject_floor": SUBJECT_FLOOR,
    },
    requires=["doc._.miner_entities", "doc._.miner_effects"],
    assigns=["doc._.miner_relations", "doc._.miner_context"],
    default_score_weights={"rel_f": 1.0, "rel_p": 0.0, "rel_r": 0.0},
)
def make_relation_classifier(nlp: Language, name: str, model: Model, patterns: str, lexicon: str,
                             threshold: float, subject_threshold: float, subject_floor: float) -> RelationClassifier:
    """The trained finding classifier over candidate objects and pairs."""
    return RelationClassifier(nlp.vocab, model, name, patterns=patterns, lexicon=lexicon, threshold=threshold,
                              subject_threshold=subject_threshold, subject_floor=subject_floor)
