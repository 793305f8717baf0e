"""The evidence graph: a networkx MultiDiGraph of concepts and findings.

Nodes are concepts (id, name, type, synonyms, mentions, articles); there is one edge
per (subject, relation, object), keyed by the relation, carrying every evidence and
``support`` (the number of distinct articles). The graph layer reads the store and
nothing else: no files, no spaCy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import networkx as nx

from miner.evidence.model import ArticleRecord, Concept, Finding
from miner.graph.aggregate import cited_only_edge, denials, find_conflicts, reading, summarize
from miner.graph.news import link_news

SCHEMA_ID = "miner.evidence-graph/1"
MAX_SYNONYMS = 30


def build_graph(
    articles: Iterable[ArticleRecord],
    concepts: dict[str, Concept],
    mention_stats: dict[str, dict[str, Any]],
    findings: Iterable[Finding],
) -> nx.MultiDiGraph:
    """Assemble the graph from stored records (see :func:`graph_from_store`).

    An edge carries the sentences where papers state the finding as their own result
    (``evidence``; ``support`` counts their articles) and, apart, the sentences that
    are not a result of the paper — background, citations of other work, methods,
    baseline comparisons — (``cited``, ``cited_support``). A finding stated only in
    those is an edge marked ``cited_only`` (background knowledge still links a
    mechanism), whose support counts the articles that cite it; it takes no part in
    conflicts and its confidence stays low. A sentence that denies a finding ("X was not
    associated with Y") is evidence of what the denial states, the ``no_effect`` edge,
    and never supports the finding it denies (``denies`` on the edge and the evidence
    says which; :func:`miner.graph.aggregate.reading`). Each edge also gets support by species and design,
    a pooled effect where two or more articles give comparable ones, a confidence score
    and the conflicts it is part of (:mod:`miner.graph.aggregate`).
    """
    graph = nx.MultiDiGraph()
    graph.graph["schema"] = SCHEMA_ID
    article_list = [_article_dict(a) for a in articles]
    graph.graph["articles"] = article_list
    by_id = {a["id"]: a for a in article_list}
    for cid, stats in mention_stats.items():
        _add_node(graph, cid, concepts.get(cid), stats)
    grouped: dict[tuple[str, str, str], list[tuple[bool, dict[str, Any]]]] = defaultdict(list)
    for finding in findings:
        for evidence in finding.evidence:
            relation = reading(finding.relation, evidence.negated)
            item = evidence.to_dict()
            if relation != finding.relation:
                item["denies"] = finding.relation
            grouped[(finding.subject, relation, finding.object)].append((evidence.own, item))
    for (subject, relation, obj), items in grouped.items():
        own = [item for is_own, item in items if is_own]
        cited = [item for is_own, item in items if not is_own]
        for cid in (subject, obj):
            if cid not in graph:
                _add_node(graph, cid, concepts.get(cid), None)
        attrs: dict[str, Any] = {"relation": relation}
        if own:
            attrs.update(support=len({e["article"] for e in own}), evidence=own,
                         **summarize(own, by_id, relation))
            if cited:
                attrs["cited"] = cited
                attrs["cited_support"] = len({e["article"] for e in cited})
        else:
            attrs.update(cited_only_edge(cited))
        denied = denials(attrs["evidence"])
        if denied:
            attrs["denies"] = denied
        graph.add_edge(subject, obj, key=relation, **attrs)
    conflicts = find_conflicts(((u, v, k, d) for u, v, k, d in graph.edges(keys=True, data=True)), by_id)
    for (u, v, key), records in conflicts.items():
        graph.edges[u, v, key]["conflicts"] = records
        if any(r["status"] == "conflict" for r in records):
            graph.edges[u, v, key]["confidence"] = round(graph.edges[u, v, key]["confidence"] / 2, 3)
    return graph


def _article_dict(article: ArticleRecord) -> dict[str, Any]:
    data = article.to_dict()
    data.pop("sha1", None)
    return data


def _add_node(graph: nx.MultiDiGraph, cid: str, concept: Concept | None, stats: dict[str, Any] | None) -> None:
    name = concept.name if concept else cid
    synonyms: list[str] = []
    for text in [*(stats or {}).get("texts", []), *(concept.synonyms if concept else ())]:
        if text != name and text not in synonyms:
            synonyms.append(text)
    graph.add_node(
        cid,
        name=name,
        type=concept.type if concept else "other",
        synonyms=synonyms[:MAX_SYNONYMS],
        mentions=(stats or {}).get("mentions", 0),
        articles=list((stats or {}).get("articles", [])),
    )


def graph_from_store(store: Any) -> nx.MultiDiGraph:
    """The whole evidence graph of a :class:`miner.store.Store`, with each news report
    linked to the studies it describes (``reports_on`` on the news article's record).

    Read in one snapshot of the store (:meth:`~miner.store.Store.snapshot`), so that a
    graph read while ``miner mine`` commits is the store before or after a batch, never
    a mix of both.
    """
    with store.snapshot():
        return _graph_from_store(store)


def _graph_from_store(store: Any) -> nx.MultiDiGraph:
    graph = build_graph(store.articles(), store.concepts(), store.mention_stats(), store.findings())
    articles = graph.graph["articles"]
    if any(a.get("study_type") == "news" for a in articles):
        links = link_news(articles, graph.edges(keys=True, data=True),
                          {n: d.get("type", "other") for n, d in graph.nodes(data=True)},
                          {n: d.get("name", n) for n, d in graph.nodes(data=True)}, store.article_text)
        for article in articles:
            if article["id"] in links:
                article["reports_on"] = links[article["id"]]
        _not_twice(graph, {news: {link["article"] for link in found} for news, found in links.items()})
    return graph


def _not_twice(graph: nx.MultiDiGraph, reports_on: dict[str, set[str]]) -> None:
    """A news report and the study it describes are one piece of evidence, not two: where
    both state a finding, the news is kept among the evidence but not counted in support."""
    by_id = {a["id"]: a for a in graph.graph["articles"]}
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        articles = {e["article"] for e in attrs["evidence"]}
        echoes = {news for news, studies in reports_on.items() if news in articles and studies & articles}
        if not echoes:
            continue
        counted = [e for e in attrs["evidence"] if e["article"] not in echoes]
        attrs["support"] = len({e["article"] for e in counted})
        attrs["news_of_the_same_study"] = sorted(echoes)
        attrs.pop("pooled", None)
        attrs.update(summarize(counted, by_id, key))
        if any(c["status"] == "conflict" for c in attrs.get("conflicts", [])):
            attrs["confidence"] = round(attrs["confidence"] / 2, 3)
