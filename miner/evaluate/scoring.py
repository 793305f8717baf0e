"""Scoring miner against gold annotations and Evidence Inference prompts.

The formats and the metrics are those of ``docs/GOLD_FORMAT.md`` (shared with the
project): entity, relation and effect-attachment scores on exhaustively annotated
abstracts, and pair recall, finding recall and direction accuracy on prompts.
:mod:`miner.evaluate.matching` says exactly how concepts are matched.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from miner.errors import EvaluationError
from miner.evaluate.matching import ConceptForms, matches_text, one_to_one, same_concept
from miner.evidence.model import Finding, Mention
from miner.text import content_words

TYPES = ("intervention", "condition", "biomarker", "outcome", "species", "anatomy")
LABELS = {
    "significantly decreased": "decreases",
    "significantly increased": "increases",
    "no significant difference": "no_effect",
}


# ----------------------------------------------------------------------------- predictions

@dataclass
class Predictions:
    """What miner found in each article, as the scorer needs it."""

    concepts: dict[str, dict[str, Any]]  # id -> {name, type, synonyms}
    mentions: dict[str, list[Mention]]  # article -> mentions
    findings: dict[str, list[Finding]]  # article -> findings with that article's evidence

    @classmethod
    def from_store(cls, store: Any) -> Predictions:
        concepts = {cid: {"name": c.name, "type": c.type} for cid, c in store.concepts().items()}
        mentions: dict[str, list[Mention]] = defaultdict(list)
        for mention in store.mentions():
            mentions[mention.article].append(mention)
        findings: dict[str, list[Finding]] = defaultdict(list)
        for finding in store.findings():
            by_article: dict[str, list] = defaultdict(list)
            for evidence in finding.evidence:
                by_article[evidence.article].append(evidence)
            for article, evidence in by_article.items():
                findings[article].append(Finding(finding.subject, finding.relation, finding.object, evidence))
        return cls(concepts, dict(mentions), dict(findings))

    def type_of(self, article: str, cid: str) -> str | None:
        """The concept's type in ``article``: the type most of its mentions there have
        (a concept may be an arm in one trial and an outcome in another), else the
        store's."""
        counts = Counter(m.type for m in self.mentions.get(article, []) if m.concept == cid and m.type)
        if counts:
            return counts.most_common(1)[0][0]
        return self.concepts.get(cid, {}).get("type")

    def forms(self, article: str, cid: str, evidence: bool = True) -> ConceptForms:
        """A predicted concept with its name and its surface texts in ``article``: its
        mentions, and (``evidence``, the lenient reading) the subject and object texts of
        its findings' evidence, which may name another concept than the node."""
        info = self.concepts.get(cid, {"name": cid})
        texts = {m.text for m in self.mentions.get(article, []) if m.concept == cid}
        for finding in self.findings.get(article, []) if evidence else ():
            for evidence in finding.evidence:
                if finding.subject == cid and evidence.subject_text:
                    texts.add(evidence.subject_text)
                if finding.object == cid and evidence.object_text:
                    texts.add(evidence.object_text)
        return ConceptForms.make(cid, [cid], [info["name"], *sorted(texts)])


# ----------------------------------------------------------------------------- metrics

@dataclass
class PRF:
    tp: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: PRF) -> None:
        self.tp += other.tp
        self.predicted += other.predicted
        self.gold += other.gold

    def to_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "predicted": self.predicted, "gold": self.gold,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class GoldReport:
    articles: int = 0
    missing_articles: list[str] = field(default_factory=list)
    entities: dict[str, PRF] = field(default_factory=lambda: {t: PRF() for t in TYPES})
    relations: dict[str, PRF] = field(default_factory=dict)
    strict_relations: dict[str, PRF] = field(default_factory=dict)
    effect_gold: int = 0
    effect_attached: int = 0
    strict_effect_attached: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_findings: list[dict[str, Any]] = field(default_factory=list)
    entity_misses: list[dict[str, Any]] = field(default_factory=list)
    false_entities: list[dict[str, Any]] = field(default_factory=list)

    @property
    def entity_total(self) -> PRF:
        total = PRF()
        for prf in self.entities.values():
            total.add(prf)
        return total

    @property
    def relation_total(self) -> PRF:
        total = PRF()
        for prf in self.relations.values():
            total.add(prf)
        return total

    @property
    def strict_relation_total(self) -> PRF:
        total = PRF()
        for prf in self.strict_relations.values():
            total.add(prf)
        return total

    @property
    def effect_attachment(self) -> float:
        return self.effect_attached / self.effect_gold if self.effect_gold else 0.0

    @property
    def strict_effect_attachment(self) -> float:
        return self.strict_effect_attached / self.effect_gold if self.effect_gold else 0.0

    def add(self, other: GoldReport) -> None:
        """Add another report's counts (folds of a cross-validation)."""
        self.articles += other.articles
        self.missing_articles += other.missing_articles
        for table, theirs in ((self.entities, other.entities), (self.relations, other.relations),
                              (self.strict_relations, other.strict_relations)):
            for key, prf in theirs.items():
                table.setdefault(key, PRF()).add(prf)
        self.effect_gold += other.effect_gold
        self.effect_attached += other.effect_attached
        self.strict_effect_attached += other.strict_effect_attached
        for mine, theirs in ((self.misses, other.misses), (self.false_findings, other.false_findings),
                             (self.entity_misses, other.entity_misses), (self.false_entities, other.false_entities)):
            mine.extend(theirs)

    def to_dict(self, errors: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "articles": self.articles,
            "missing_articles": self.missing_articles,
            "entities": {**{t: p.to_dict() for t, p in self.entities.items()}, "all": self.entity_total.to_dict()},
            "relations": {**{t: p.to_dict() for t, p in sorted(self.relations.items())},
                          "all": self.relation_total.to_dict()},
            "strict_relations": {**{t: p.to_dict() for t, p in sorted(self.strict_relations.items())},
                                 "all": self.strict_relation_total.to_dict()},
            "effect_attachment": {"gold_with_effect": self.effect_gold, "attached": self.effect_attached,
                                  "score": round(self.effect_attachment, 4),
                                  "strict_attached": self.strict_effect_attached,
                                  "strict_score": round(self.strict_effect_attachment, 4)},
        }
        if errors:
            out["misses"] = self.misses
            out["false_findings"] = self.false_findings
            out["entity_misses"] = self.entity_misses
            out["false_entities"] = self.false_entities
        return out


# ----------------------------------------------------------------------------- gold

def load_gold(gold_dir: Path | str) -> list[dict[str, Any]]:
    """Every ``<id>.json`` of a gold folder, with its ``<id>.txt`` text."""
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise EvaluationError(f"{gold_dir}: not a folder of gold annotations")
    out = []
    for path in sorted(gold_dir.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise EvaluationError(f"{path}: not valid JSON ({exc})") from None
        if not isinstance(data, dict) or "article" not in data:
            raise EvaluationError(f"{path}: not a gold annotation (no 'article')")
        for key in ("entities", "relations", "effects"):
            data.setdefault(key, [])
        text = path.with_suffix(".txt")
        data["_text_path"] = str(text) if text.exists() else None
        out.append(data)
    if not out:
        raise EvaluationError(f"{gold_dir}: no gold annotations (*.json) found")
    return out


def _gold_concepts(entities: list[dict[str, Any]]) -> list[tuple[str, ConceptForms]]:
    """Gold concepts of one article, those sharing a type and an id merged. Each
    concept's ``labels`` are the names of the entities it stands for (what relations
    refer to)."""
    merged: dict[tuple[str, str], tuple[str, ConceptForms]] = {}
    out: list[tuple[str, ConceptForms]] = []
    for entity in entities:
        forms = ConceptForms.make(entity["name"], entity.get("ids") or [], [entity["name"], *entity.get("mentions", [])])
        forms.labels.append(entity["name"])
        key = next(((entity["type"], i) for i in sorted(forms.ids) if (entity["type"], i) in merged), None)
        if key is not None:
            merged[key][1].add_names([entity["name"], *entity.get("mentions", [])])
            merged[key][1].ids = merged[key][1].ids | forms.ids
            merged[key][1].labels.append(entity["name"])
            continue
        item = (entity["type"], forms)
        for i in forms.ids:
            merged[(entity["type"], i)] = item
        out.append(item)
    return out


def _norm_effect(text: str) -> str:
    text = text.replace("−", "-").replace("–", "-").replace("—", "-").replace("·", ".")
    return re.sub(r"\s+", "", text.lower())


def effect_overlaps(gold: str, predicted: Iterable[str | None]) -> bool:
    """The predicted effect or p-value text overlaps the gold effect text: one contains
    the other, or they state the same numbers."""
    g = _norm_effect(gold)
    g_numbers = set(re.findall(r"\d+(?:\.\d+)?", g))
    for text in predicted:
        if not text:
            continue
        p = _norm_effect(text)
        if g in p or p in g:
            return True
        p_numbers = set(re.findall(r"\d+(?:\.\d+)?", p))
        if g_numbers and p_numbers and (g_numbers <= p_numbers or p_numbers <= g_numbers):
            return True
    return False


def score_gold(gold: list[dict[str, Any]], predictions: Predictions) -> GoldReport:
    """Entity, relation and effect-attachment scores over gold articles."""
    report = GoldReport()
    for annotation in gold:
        article = annotation["article"]
        report.articles += 1
        if article not in predictions.mentions and article not in predictions.findings:
            report.missing_articles.append(article)
        gold_concepts = _gold_concepts(annotation["entities"])
        # Entities, per type.
        predicted_by_type: dict[str, list[ConceptForms]] = defaultdict(list)
        for cid in sorted({m.concept for m in predictions.mentions.get(article, [])}):
            kind = predictions.type_of(article, cid)
            if kind in TYPES:
                predicted_by_type[kind].append(predictions.forms(article, cid))
        for kind in TYPES:
            gold_of_type = [forms for t, forms in gold_concepts if t == kind]
            predicted = predicted_by_type.get(kind, [])
            pairs = one_to_one(gold_of_type, predicted)
            report.entities[kind].add(PRF(len(pairs), len(predicted), len(gold_of_type)))
            for index, forms in enumerate(gold_of_type):
                if index not in pairs:
                    report.entity_misses.append({"article": article, "type": kind, "name": forms.key,
                                                 "mentions": forms.names[1:6]})
            matched_predicted = set(pairs.values())
            for index, forms in enumerate(predicted):
                if index not in matched_predicted:
                    report.false_entities.append({"article": article, "type": kind, "id": forms.key,
                                                  "mentions": forms.names[:6]})
        # Relations: one per (subject, relation, object) on each side.
        by_name = {label: forms for _, forms in gold_concepts for label in forms.labels}
        gold_relations: dict[tuple[str, str, str], dict[str, Any]] = {}
        for relation in annotation["relations"]:
            key = (relation["subject"], relation["relation"], relation["object"])
            gold_relations.setdefault(key, relation)
        predicted_findings = predictions.findings.get(article, [])
        gold_keys = list(gold_relations)
        lenient = _match_relations(gold_keys, predicted_findings, by_name,
                                   lambda cid: predictions.forms(article, cid))
        alignment = _align_nodes(gold_concepts, predicted_findings, predictions, article)
        strict: dict[int, int] = {}
        for i, (subj, rel, obj) in enumerate(gold_keys):
            s_node, o_node = alignment.get(subj), alignment.get(obj)
            if s_node is None or o_node is None:
                continue
            for j, finding in enumerate(predicted_findings):
                if (finding.relation == rel and finding.subject == s_node and finding.object == o_node
                        and j not in strict.values()):
                    strict[i] = j
                    break
        for i, key in enumerate(gold_keys):
            relation = gold_relations[key]
            for table, matched in ((report.relations, lenient), (report.strict_relations, strict)):
                prf = table.setdefault(key[1], PRF())
                prf.gold += 1
                prf.tp += i in matched
            if i not in lenient:
                report.misses.append({"article": article, "subject": key[0], "relation": key[1], "object": key[2],
                                      "sentence": relation.get("sentence"),
                                      "predicted_in_sentence": _predicted_in_sentence(
                                          predicted_findings, relation.get("sentence"), predictions)})
            if relation.get("effect"):
                report.effect_gold += 1
                for matched, attr in ((lenient, "effect_attached"), (strict, "strict_effect_attached")):
                    if i in matched:
                        finding = predicted_findings[matched[i]]
                        texts = [t for e in finding.evidence for t in ((e.effect or {}).get("text"), e.p_value)]
                        if effect_overlaps(relation["effect"], texts):
                            setattr(report, attr, getattr(report, attr) + 1)
        matched_predictions = set(lenient.values())
        for j, finding in enumerate(predicted_findings):
            report.relations.setdefault(finding.relation, PRF()).predicted += 1
            report.strict_relations.setdefault(finding.relation, PRF()).predicted += 1
            if j not in matched_predictions:
                report.false_findings.append({
                    "article": article,
                    "subject": predictions.concepts.get(finding.subject, {}).get("name", finding.subject),
                    "relation": finding.relation,
                    "object": predictions.concepts.get(finding.object, {}).get("name", finding.object),
                    "sentence": finding.evidence[0].sentence,
                })
    return report


def _match_relations(gold_keys: list[tuple[str, str, str]], findings: list[Finding],
                     by_name: dict[str, ConceptForms], forms: Any) -> dict[int, int]:
    """The lenient reading: gold relation index -> predicted finding index, one-to-one,
    where subject and object match the gold concepts by id or content words of any form
    (the node's, or the texts its evidence gives for it)."""
    import networkx as nx

    cache: dict[str, ConceptForms] = {}

    def pforms(cid: str) -> ConceptForms:
        if cid not in cache:
            cache[cid] = forms(cid)
        return cache[cid]

    graph = nx.Graph()
    for i, (subj, rel, obj) in enumerate(gold_keys):
        gs = by_name.get(subj) or ConceptForms.make(subj, [], [subj])
        go = by_name.get(obj) or ConceptForms.make(obj, [], [obj])
        for j, finding in enumerate(findings):
            if finding.relation != rel:
                continue
            if same_concept(gs, pforms(finding.subject)) and same_concept(go, pforms(finding.object)):
                graph.add_edge(("g", i), ("p", j))
    matching = nx.max_weight_matching(graph, maxcardinality=True) if graph.number_of_edges() else set()
    matched: dict[int, int] = {}
    for a, b in matching:
        g, p = (a, b) if a[0] == "g" else (b, a)
        matched[g[1]] = p[1]
    return matched


def _align_nodes(gold_concepts: list[tuple[str, ConceptForms]], findings: list[Finding],
                 predictions: Predictions, article: str) -> dict[str, str]:
    """The strict reading: each gold concept (by name) -> the one predicted node that
    stands for it, from a one-to-one matching of the article's gold concepts with its
    predicted nodes (those mentioned or in a finding). A node matches by its id, name
    and mention texts only, never by the words its evidence gives; ids first, then the
    same type."""
    import networkx as nx

    nodes = sorted({m.concept for m in predictions.mentions.get(article, [])}
                   | {c for f in findings for c in (f.subject, f.object)})
    node_forms = [predictions.forms(article, cid, evidence=False) for cid in nodes]
    node_types = [predictions.type_of(article, cid) for cid in nodes]
    graph = nx.Graph()
    for i, (kind, gold) in enumerate(gold_concepts):
        for j, forms in enumerate(node_forms):
            if same_concept(gold, forms):
                weight = 1 + 2 * bool(gold.ids & forms.ids) + (node_types[j] == kind)
                graph.add_edge(("g", i), ("p", j), weight=weight)
    matching = nx.max_weight_matching(graph, maxcardinality=True) if graph.number_of_edges() else set()
    aligned: dict[int, str] = {}
    for a, b in matching:
        g, p = (a, b) if a[0] == "g" else (b, a)
        aligned[g[1]] = nodes[p[1]]
    # A relation names its concepts by an entity's name; merged entities (same type and
    # id) answer to each of their names.
    return {label: aligned[i] for i, (_, gold) in enumerate(gold_concepts) if i in aligned for label in gold.labels}


def _predicted_in_sentence(findings: list[Finding], sentence: str | None, predictions: Predictions) -> list[str]:
    if not sentence:
        return []
    key = " ".join(sentence.split())[:60]
    out = []
    for finding in findings:
        if any(" ".join(e.sentence.split()).startswith(key) or key in " ".join(e.sentence.split())
               for e in finding.evidence):
            out.append(f"{predictions.concepts.get(finding.subject, {}).get('name', finding.subject)} "
                       f"{finding.relation} {predictions.concepts.get(finding.object, {}).get('name', finding.object)}")
    return out


# ----------------------------------------------------------------------------- prompts

@dataclass
class PromptReport:
    prompts: int = 0
    articles: int = 0
    missing_articles: list[str] = field(default_factory=list)
    pairs_found: int = 0
    findings_found: int = 0
    direction_correct: int = 0
    by_label: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def pair_recall(self) -> float:
        return self.pairs_found / self.prompts if self.prompts else 0.0

    @property
    def finding_recall(self) -> float:
        return self.findings_found / self.prompts if self.prompts else 0.0

    @property
    def direction_accuracy(self) -> float:
        return self.direction_correct / self.pairs_found if self.pairs_found else 0.0

    @property
    def direction_any(self) -> float:
        """The lenient reading: found pairs with at least one edge in the labelled direction."""
        return self.findings_found / self.pairs_found if self.pairs_found else 0.0

    def to_dict(self, errors: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "prompts": self.prompts,
            "articles": self.articles,
            "missing_articles": self.missing_articles,
            "pair_recall": round(self.pair_recall, 4),
            "finding_recall": round(self.finding_recall, 4),
            "direction_accuracy": round(self.direction_accuracy, 4),
            "direction_any_edge": round(self.direction_any, 4),
            "pairs_found": self.pairs_found,
            "findings_found": self.findings_found,
            "direction_correct": self.direction_correct,
            "by_label": {k: dict(v) for k, v in sorted(self.by_label.items())},
        }
        if errors:
            out["errors"] = self.errors
        return out


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


_REDUCTION = re.compile(r"\b(?:reductions?|decreases?|declines?|loss(?:es)?|decrements?)\b", re.I)


def _expected_for(label: str, outcome: str, obj: ConceptForms) -> str:
    """The label as a relation on the matched concept.

    A prompt may name a change rather than a quantity ("pain reduction", "weight
    loss"): its label says how that change went, while miner's edge says how the
    quantity went (the gold format's convention). "Pain reduction significantly
    increased" is then "decreases pain" - unless the concept itself is the change, by
    its own name (the words of its evidence, "weight loss" for the node "Body weight",
    say what the sentence measured, not what the edge is about).
    """
    words = _REDUCTION.findall(outcome)
    if not words or label not in ("increases", "decreases"):
        return label
    if obj.names and _REDUCTION.search(obj.names[0]):
        return label
    return "decreases" if label == "increases" else "increases"


def _specificity(concept: ConceptForms, words: frozenset[str]) -> int:
    """How many of the prompt's words the concept's best form shares."""
    return max((len(form & words) for form in concept.forms), default=0)


def load_prompts(path: Path | str, *, labelled_only: bool = True) -> list[dict[str, Any]]:
    path = Path(path)
    if not path.is_file():
        raise EvaluationError(f"{path}: no such prompts file")
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            prompt = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvaluationError(f"{path}:{number}: invalid JSON ({exc.msg})") from None
        if not all(k in prompt for k in ("pmcid", "intervention", "outcome")):
            raise EvaluationError(f"{path}:{number}: a prompt needs pmcid, intervention and outcome")
        if labelled_only and LABELS.get(prompt.get("label") or "") is None:
            continue
        out.append(prompt)
    return out


def score_prompts(prompts: list[dict[str, Any]], predictions: Predictions) -> PromptReport:
    """Pair recall, finding recall and direction accuracy over labelled prompts.

    A prompt's pair is found when an edge with evidence in its article links a concept
    matching the intervention text to one matching the outcome text; its finding is
    found when such an edge has the labelled direction, read on the matched concept
    (:func:`_expected_for`: "pain reduction significantly increased" is "decreases
    pain"). Direction accuracy is, over the
    found pairs, the share whose best edge has the labelled direction; the best edge is
    the one whose subject and object share most words with the prompt, then the one with most
    sentences, then the one with the most confident evidence. The annotators' evidence
    sentences are never used to pick the edge.
    """
    report = PromptReport()
    articles = set()
    for prompt in prompts:
        article = prompt["pmcid"]
        articles.add(article)
        expected = LABELS[prompt["label"]]
        report.prompts += 1
        findings = predictions.findings.get(article, [])
        if article not in predictions.mentions and article not in report.missing_articles:
            report.missing_articles.append(article)
        linking = []
        for finding in findings:
            subject = predictions.forms(article, finding.subject)
            obj = predictions.forms(article, finding.object)
            if matches_text(subject, prompt["intervention"]) and matches_text(obj, prompt["outcome"]):
                linking.append(finding)
        status = "missed"
        expected_of = {id(f): _expected_for(expected, prompt["outcome"], predictions.forms(article, f.object))
                       for f in linking}
        if linking:
            report.pairs_found += 1
            outcome_words = content_words(prompt["outcome"])
            intervention_words = content_words(prompt["intervention"])
            # The edge a user would read for this pair: the most specific to the prompt's
            # words, then the best supported. The annotators' evidence is never used.
            best = max(linking, key=lambda f: (
                _specificity(predictions.forms(article, f.object), outcome_words)
                + _specificity(predictions.forms(article, f.subject), intervention_words),
                len(f.evidence),
                max((e.confidence for e in f.evidence), default=0.0)))
            if best.relation == expected_of[id(best)]:
                report.direction_correct += 1
            if any(f.relation == expected_of[id(f)] for f in linking):
                report.findings_found += 1
                status = "found"
            else:
                status = "wrong_direction"
        report.by_label[expected][status] += 1
        if status != "found":
            report.errors.append({
                "article": article, "prompt_id": prompt.get("prompt_id"), "status": status,
                "intervention": prompt["intervention"], "comparator": prompt.get("comparator"),
                "outcome": prompt["outcome"], "label": expected,
                "predicted": sorted({f.relation for f in linking}),
                "evidence": (prompt.get("evidence") or [None])[0],
            })
    report.articles = len(articles)
    return report
