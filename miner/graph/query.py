"""Questions asked of the evidence graph (pure functions on a networkx graph).

- :func:`find_concepts`, :func:`concept_matches`: concepts by name, synonym or id;
- :func:`concept_summary`: a concept, its names, and its relations in and out;
- :func:`mechanism_paths`: chains such as exercise → increases → HSP27 → decreases →
  cytokines → associated_with → neuropathic pain, ranked by their weakest link;
- :func:`graph_stats`: what the graph holds.
"""

from __future__ import annotations

import fnmatch
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import networkx as nx

from miner.graph.aggregate import compared, context_key
from miner.text import norm_text


def find_concepts(graph: nx.MultiDiGraph, query: str) -> list[str]:
    """Node ids matching ``query``: those it names (:func:`concept_matches`), then those
    whose names contain it as whole words. Best matches first."""
    named, containing = concept_matches(graph, query)
    return named + containing


def concept_matches(graph: nx.MultiDiGraph, query: str) -> tuple[list[str], list[str]]:
    """(the concepts ``query`` names, the concepts whose names contain it as whole words).

    A query names a concept when it is its id, or its name or a synonym on the lexicon's
    normal form (case, Greek letters, hyphens, spelling). "control" names no concept of a
    graph that has "Glycemic Control", but is contained in that name. A query with ``*``
    is a pattern over names and synonyms, case aside ("*exercise" names "Aerobic exercise").
    Each list is ordered by how connected the concept is.
    """
    q = query.strip()
    if not q:
        return [], []
    if "*" in q:
        pattern = q.lower()
        hits = [n for n, attrs in graph.nodes(data=True)
                if any(fnmatch.fnmatchcase(str(name).lower(), pattern)
                       for name in (attrs.get("name", ""), *attrs.get("synonyms", [])))]
        return sorted(hits, key=_weight(graph)), []
    if q in graph:
        return [q], []
    lowered = q.lower()
    by_id = [n for n in graph if n.lower() == lowered]
    if by_id:
        return by_id, []
    nq = norm_text(q)
    words = re.compile(r"(?<!\w)" + re.escape(lowered) + r"(?!\w)")
    named, containing = [], []
    for node, attrs in graph.nodes(data=True):
        names = [attrs.get("name", ""), *attrs.get("synonyms", [])]
        if any(norm_text(n) == nq for n in names):
            named.append(node)
        elif words.search(str(attrs.get("name", "")).lower()):
            containing.append(node)
    key = _weight(graph)
    return sorted(named, key=key), sorted(containing, key=key)


def _weight(graph: nx.MultiDiGraph):
    def key(node: str) -> tuple[int, str]:
        return (-(graph.in_degree(node) + graph.out_degree(node)), str(graph.nodes[node].get("name", node)))
    return key


def edge_support(attrs: dict[str, Any]) -> int:
    return int(attrs.get("support") or len({e["article"] for e in attrs.get("evidence", [])}))


def best_evidence(attrs: dict[str, Any]) -> dict[str, Any] | None:
    """The most telling sentence of an edge: the paper's own result, with an effect size,
    unhedged, most confident."""
    evidence = attrs.get("evidence") or []
    if not evidence:
        return None

    def rank(e: dict[str, Any]) -> tuple:
        own = e.get("section") not in ("background", "methods")
        return (own, bool(e.get("effect")), not e.get("hedged"), e.get("confidence") or 0)

    return max(evidence, key=rank)


def _edge_facts(edge: dict[str, Any]) -> dict[str, Any]:
    facts = {"support": edge_support(edge), "evidence": len(edge.get("evidence", [])),
             "confidence": edge.get("confidence"), "confidence_basis": edge.get("confidence_basis", []),
             "support_by_species": edge.get("support_by_species", {}),
             "support_by_design": edge.get("support_by_design", {}), "cited_support": edge.get("cited_support", 0)}
    if edge.get("pooled"):
        facts["pooled"] = edge["pooled"]
    if edge.get("denies"):
        facts["denies"] = edge["denies"]
    conflicts = [c for c in edge.get("conflicts", []) if c["status"] == "conflict"]
    if conflicts:
        facts["conflicts_with"] = [c["relation"] for c in conflicts]
    return facts


def conflict_list(graph: nx.MultiDiGraph, include_all: bool = False) -> list[dict[str, Any]]:
    """Contradicting findings, one record per pair of edges: both sides with their
    evidence. Only true conflicts (same species and model, different articles) unless
    ``include_all``, which adds pairs whose contexts differ or that come from the same
    articles."""
    seen: set[tuple[str, str, str, str]] = set()
    articles = {a["id"]: a for a in graph.graph.get("articles", [])}
    out = []
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        for record in attrs.get("conflicts", []):
            other = record["relation"]
            pair = (u, v, *sorted((key, other)))
            if pair in seen or (record["status"] != "conflict" and not include_all):
                continue
            seen.add(pair)
            first, second = sorted((key, other))
            wanted = {(c["species"], c["model"]) for c in record["contexts"]}
            sides = []
            for relation, opposite in ((first, second), (second, first)):
                edge = graph.edges[u, v, relation]
                weighed = [e for e in compared(relation, opposite, edge.get("evidence", []))
                           if not wanted or context_key(e, articles.get(e["article"])) in wanted]
                sides.append({"relation": relation, "support": edge_support(edge),
                              "confidence": edge.get("confidence"), "evidence": weighed})
            out.append({"subject": u, "subject_name": graph.nodes[u].get("name", u), "object": v,
                        "object_name": graph.nodes[v].get("name", v), "status": record["status"],
                        "contexts": record["contexts"], "sides": sides})
    order = {"conflict": 0, "same_articles": 1, "context_differs": 2}
    out.sort(key=lambda c: (order[c["status"]], -sum(s["support"] for s in c["sides"]), c["subject_name"].lower()))
    return out


def concept_summary(graph: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    """The concept with its relations out (it acts on) and in (acted on), grouped by relation."""
    attrs = graph.nodes[node]
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    inward: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for _, target, key, edge in graph.out_edges(node, keys=True, data=True):
        out[key].append({"id": target, "name": graph.nodes[target].get("name", target), **_edge_facts(edge)})
    for source, _, key, edge in graph.in_edges(node, keys=True, data=True):
        inward[key].append({"id": source, "name": graph.nodes[source].get("name", source), **_edge_facts(edge)})
    for groups in (out, inward):
        for items in groups.values():
            items.sort(key=lambda i: (-i["support"], -i["evidence"], i["name"].lower()))
    return {
        "id": node,
        "name": attrs.get("name", node),
        "type": attrs.get("type"),
        "synonyms": list(attrs.get("synonyms", [])),
        "mentions": attrs.get("mentions", 0),
        "articles": list(attrs.get("articles", [])),
        "out": dict(sorted(out.items())),
        "in": dict(sorted(inward.items())),
    }


def mechanism_paths(
    graph: nx.MultiDiGraph,
    sources: Iterable[str],
    targets: Iterable[str],
    max_length: int = 3,
    limit: int = 20,
    exclude_relations: Iterable[str] = ("no_effect",),
) -> list[dict[str, Any]]:
    """Chains of findings from a source concept to a target concept.

    Each chain is a sequence of edges (no concept twice); ``no_effect`` edges do not
    carry an effect and are left out. Chains are ranked by the support of their weakest
    link, then by length (shorter first), then by their total support.
    """
    excluded = set(exclude_relations)
    sources, targets = list(sources), set(targets)
    found: list[dict[str, Any]] = []
    for source in sources:
        stack: list[tuple[str, list[tuple[str, str, str]]]] = [(source, [])]
        while stack:
            node, path = stack.pop()
            if len(path) >= max_length:
                continue
            visited = {source, *(v for _, v, _ in path)}
            for _, nxt, key, attrs in graph.out_edges(node, keys=True, data=True):
                if key in excluded or nxt in visited:
                    continue
                step = path + [(node, nxt, key)]
                if nxt in targets:
                    found.append(_describe(graph, step))
                else:
                    stack.append((nxt, step))
    found.sort(key=lambda p: (-p["weakest_support"], len(p["links"]), -p["total_support"]))
    return found[:limit]


def _describe(graph: nx.MultiDiGraph, step: list[tuple[str, str, str]]) -> dict[str, Any]:
    links = []
    for u, v, key in step:
        attrs = graph.edges[u, v, key]
        evidence = best_evidence(attrs)
        links.append({
            "source": u, "source_name": graph.nodes[u].get("name", u),
            "relation": key,
            "target": v, "target_name": graph.nodes[v].get("name", v),
            "support": edge_support(attrs),
            "evidence": evidence,
        })
    supports = [link["support"] for link in links]
    return {"links": links, "weakest_support": min(supports), "total_support": sum(supports)}


def graph_stats(graph: nx.MultiDiGraph, top: int = 10) -> dict[str, Any]:
    """Counts: articles, concepts by type, findings by relation, evidence, top concepts.

    The words are those of every command: a *finding* is one (subject, relation, object),
    an edge, however many articles state it; an *evidence sentence* is one sentence of one
    article that states a finding (``evidence``: all of them; ``evidence_own``: those that
    give the paper's own result, ``evidence_background``: background, citations, methods).
    """
    types = Counter(attrs.get("type", "other") for _, attrs in graph.nodes(data=True))
    relations = Counter(key for _, _, key in graph.edges(keys=True))
    sentences = [e for *_, attrs in graph.edges(data=True)
                 for e in (*attrs.get("evidence", []), *attrs.get("cited", []))]
    own = sum(1 for e in sentences if (e.get("context") or {}).get("claim", "own") == "own")
    supported = sum(1 for *_, attrs in graph.edges(data=True) if edge_support(attrs) >= 2)
    degree = sorted(graph.nodes, key=lambda n: (-(graph.in_degree(n) + graph.out_degree(n)), n))[:top]
    mentioned = sorted(graph.nodes, key=lambda n: (-int(graph.nodes[n].get("mentions", 0)), n))[:top]
    articles = graph.graph.get("articles", [])
    return {
        "articles": len(articles),
        "study_types": dict(Counter(a.get("study_type") or "unknown" for a in articles).most_common()),
        "concepts": graph.number_of_nodes(),
        "concepts_by_type": dict(types.most_common()),
        "findings": graph.number_of_edges(),
        "findings_by_relation": dict(relations.most_common()),
        "findings_with_support_2_or_more": supported,
        "evidence": len(sentences),
        "evidence_own": own,
        "evidence_background": len(sentences) - own,
        "top_connected": [{"id": n, "name": graph.nodes[n].get("name", n),
                           "findings": graph.in_degree(n) + graph.out_degree(n)} for n in degree],
        "top_mentioned": [{"id": n, "name": graph.nodes[n].get("name", n),
                           "mentions": graph.nodes[n].get("mentions", 0)} for n in mentioned],
    }
