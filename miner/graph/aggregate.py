"""What an edge's evidence adds up to: support by species and design, the pooled
effect, a confidence score, and conflicts between edges (pure functions on the
evidence dicts that the graph carries).

Only a paper's own results count: background sentences, citations of other work,
methods and baseline comparisons are kept on the edge as ``cited``, apart from its
``evidence``.

Confidence (0-1) combines the independent articles whose own results state a finding
as independent pieces of evidence: each article gives a weight by its design
(:data:`DESIGN_WEIGHTS`), times 0.6 when every sentence it has for the finding is
hedged, times 0.8 when none reports a significant p-value or a confidence interval;
the confidence is ``1 - prod(1 - weight)``, so that it grows with each independent
study and stays below 1. It is halved when the finding is in conflict with another
finding about the same concepts in the same species and model.

A denied finding supports nothing: "IL-6 was not associated with pain" is evidence
*against* the association, which the graph reads as what it states - no association
(:func:`reading`): the sentence is evidence of the ``no_effect`` edge (marked with what
it denies), never of ``associated_with``, and the two edges contradict each other.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from miner.evidence.pooling import normalise, pool

#: How much one article of each design counts towards confidence.
DESIGN_WEIGHTS = {
    "meta_analysis": 0.9, "randomized_trial": 0.8, "clinical_trial": 0.65, "review": 0.6,
    "observational": 0.5, "animal": 0.5, "case_report": 0.3, "news": 0.2, None: 0.4,
}
#: Pairs of relations that contradict each other.
OPPOSED = (("decreases", "increases"), ("decreases", "no_effect"), ("increases", "no_effect"),
           ("associated_with", "no_effect"))
#: What a sentence states when it denies a relation: "X was not associated with Y" and "X
#: did not reduce Y" state no effect; denying "no effect" states an effect whose
#: direction it does not give.
DENIED_READING = {"associated_with": "no_effect", "decreases": "no_effect", "increases": "no_effect",
                  "no_effect": "associated_with"}
_INTERVAL_KINDS = frozenset({"odds_ratio", "risk_ratio", "hazard_ratio", "smd", "mean_difference", "ci"})
_P_SIGNIFICANT = re.compile(r"[<≤=]\s*0?\.0[0-5]\d*|[<≤]\s*0?\.0*1\b")


def reading(relation: str, negated: bool) -> str:
    """The relation a sentence supports: its own, or, when it denies it, what the denial
    states (:data:`DENIED_READING`).

    >>> reading("associated_with", True)
    'no_effect'
    >>> reading("decreases", False)
    'decreases'
    """
    return DENIED_READING.get(relation, relation) if negated else relation


def denials(evidence: Iterable[dict[str, Any]]) -> dict[str, int]:
    """How many articles' sentences on an edge deny another relation, by that relation
    ("not associated with": ``{"associated_with": 2}``)."""
    articles: dict[str, set[str]] = defaultdict(set)
    for item in evidence:
        if item.get("denies"):
            articles[item["denies"]].add(item["article"])
    return {relation: len(found) for relation, found in sorted(articles.items())}


def _species(evidence: dict[str, Any], article: dict[str, Any] | None) -> str | None:
    if evidence.get("species"):
        return evidence["species"]
    species = (article or {}).get("species") or []
    return species[0] if species else None


def _design(evidence: dict[str, Any], article: dict[str, Any] | None) -> str | None:
    return (evidence.get("context") or {}).get("design") or (article or {}).get("study_type")


def context_key(evidence: dict[str, Any], article: dict[str, Any] | None) -> tuple[str | None, str | None]:
    """(species, model) of an evidence: what must match for a contradiction. The model is
    the disease model when one is named (animal studies), else the condition the article
    studies (a trial in knee osteoarthritis and one in fibromyalgia are not compared)."""
    context = evidence.get("context") or {}
    return _species(evidence, article), context.get("model") or context.get("condition")


#: Sections whose sentences report results; a contradiction is looked for among these.
RESULT_SECTIONS = frozenset({"results", "conclusions", "abstract", "title", None})


def states_a_result(evidence: dict[str, Any]) -> bool:
    """Whether a sentence reports a result: from a results-like section, not hedged."""
    return evidence.get("section") in RESULT_SECTIONS and not evidence.get("hedged")


def compared(relation: str, other: str, evidence: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The evidence of a ``relation`` edge that is weighed against an ``other`` edge: its
    sentences that report results (:func:`states_a_result`). A null finding contradicts
    an association only where it denies it ("not associated with"): a trial's "no
    difference" is no answer to a title's "effect of X on Y"."""
    if relation == "no_effect" and other == "associated_with":
        return [e for e in evidence if states_a_result(e) and e.get("denies") == "associated_with"]
    return [e for e in evidence if states_a_result(e)]


def _significant(evidence: dict[str, Any]) -> bool:
    effect = evidence.get("effect") or {}
    if effect.get("kind") in _INTERVAL_KINDS and effect.get("low") is not None and effect.get("high") is not None:
        return True  # a confidence interval (a range of percentages is not one)
    p_value = evidence.get("p_value") or (effect.get("text") if effect.get("kind") == "p_value" else None)
    return bool(p_value and _P_SIGNIFICANT.search(p_value))


def summarize(evidence: list[dict[str, Any]], articles: dict[str, dict[str, Any]],
              relation: str | None = None) -> dict[str, Any]:
    """Support by species and design, pooled effect and confidence of one edge's own evidence."""
    by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in evidence:
        by_article[item["article"]].append(item)
    species: Counter[str] = Counter()
    designs: Counter[str] = Counter()
    weights: list[float] = []
    basis: list[str] = []
    estimates = []
    for article_id, items in sorted(by_article.items()):
        article = articles.get(article_id)
        found_species = {_species(e, article) for e in items} - {None}
        for taxon in found_species or {"unknown"}:
            species[taxon] += 1
        design = next((d for d in (_design(e, article) for e in items) if d), None)
        designs[design or "unknown"] += 1
        weight = DESIGN_WEIGHTS.get(design, DESIGN_WEIGHTS[None])
        notes = [design or "design unknown"]
        if all(e.get("hedged") for e in items):
            weight *= 0.6
            notes.append("hedged")
        if not any(_significant(e) for e in items):
            weight *= 0.8
            notes.append("no p-value or CI")
        weights.append(weight)
        basis.append(f"{article_id}: {weight:.2f} ({', '.join(notes)})")
        estimates.extend(e for e in (normalise(item.get("effect"), article_id, relation) for item in items) if e)
    product = 1.0
    for weight in weights:
        product *= 1 - weight
    summary: dict[str, Any] = {
        "support_by_species": dict(species.most_common()),
        "support_by_design": dict(designs.most_common()),
        "confidence": round(1 - product, 3),
        "confidence_basis": basis,
    }
    pooled = pool(estimates)
    if pooled is not None:
        summary["pooled"] = pooled
    return summary


def cited_only_edge(cited: list[dict[str, Any]]) -> dict[str, Any]:
    """The attributes of an edge that no paper reports as its own result: its evidence
    is what cites it; each citing article adds 0.1 to a confidence that stays low."""
    articles = sorted({e["article"] for e in cited})
    return {
        "support": len(articles), "evidence": cited, "cited_only": True, "cited_support": len(articles),
        "confidence": round(1 - 0.9 ** len(articles), 3),
        "confidence_basis": [f"{a}: 0.10 (cited or background, not a result of the paper)" for a in articles],
    }


def find_conflicts(edges: Iterable[tuple[str, str, str, dict[str, Any]]],
                   articles: dict[str, dict[str, Any]]) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """Contradicting edges between the same subject and object.

    Returns, for each edge key (subject, object, relation) in a contradiction, one
    record per opposed relation: ``status`` is ``conflict`` when different articles on
    the two sides share a (species, model) context, ``same_articles`` when only the same
    articles say both (mixed results within a paper), else ``context_differs`` (a rat
    study and a human trial may both be right); with the shared contexts and the
    articles on the other side. Only sentences that report results (results,
    conclusions, abstract, title, or articles without sections) and are not hedged are
    compared: a discussion's speculation does not make a conflict; against an
    association, only the sentences that deny it (:func:`compared`).
    """
    by_pair: dict[tuple[str, str], dict[str, dict[str, Any]]] = defaultdict(dict)
    for subject, obj, relation, attrs in edges:
        if not attrs.get("cited_only"):
            by_pair[(subject, obj)][relation] = attrs
    out: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for (subject, obj), relations in by_pair.items():
        for first, second in OPPOSED:
            if first not in relations or second not in relations:
                continue
            sides = {}
            for relation, other in ((first, second), (second, first)):
                contexts: dict[tuple[str | None, str | None], set[str]] = defaultdict(set)
                for item in compared(relation, other, relations[relation].get("evidence", [])):
                    contexts[context_key(item, articles.get(item["article"]))].add(item["article"])
                sides[relation] = contexts
            if not sides[first] or not sides[second]:
                continue  # one side is only discussion or hedged statements: not compared
            shared = sorted(set(sides[first]) & set(sides[second]), key=str)
            independent = [key for key in shared if sides[first][key] != sides[second][key]]
            status = "conflict" if independent else "same_articles" if shared else "context_differs"
            for relation, other in ((first, second), (second, first)):
                out[(subject, obj, relation)].append({
                    "relation": other,
                    "status": status,
                    "contexts": [{"species": s, "model": m} for s, m in (independent or shared)],
                    "articles": sorted({a for arts in sides[other].values() for a in arts}),
                })
    return dict(out)
