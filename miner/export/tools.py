"""Exports for the tools researchers already use, each with a way to read it back.

- ``cytoscape``: Cytoscape.js JSON (``elements``: nodes and edges with ``data``), which
  Cytoscape desktop also imports; networkx reads it with ``cytoscape_graph``.
- ``neo4j``: a folder of CSV files with the headers ``neo4j-admin database import full``
  expects (``concepts.csv``, ``findings.csv``), plus ``load.cypher`` for ``LOAD CSV`` into a
  running database.
- ``jsonl``: one evidence per line, the same columns as the CSV export (the finding's
  subject, relation, object, support and confidence repeated on each, the claim kind,
  design and study context), for streaming tools and ``jq``.
- ``bioc``: the mined articles as BioC JSON, their concept mentions as annotations (with
  the concept id as ``identifier``) and their findings as relations.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import networkx as nx

from miner.errors import ExportError
from miner.export.formats import STDOUT, atomic_write, evidence_rows, graph_from_rows

ARRAY_DELIMITER = ";"


# ----------------------------------------------------------------------------- Cytoscape.js

def to_cytoscape(graph: nx.MultiDiGraph) -> dict[str, Any]:
    data = nx.cytoscape_data(graph, name="name", ident="id")
    for edge in data["elements"]["edges"]:
        edge["data"]["id"] = f"{edge['data']['source']}|{edge['data']['key']}|{edge['data']['target']}"
        edge["data"]["label"] = edge["data"].get("relation")
    data["data"] = {"schema": graph.graph.get("schema"), "articles": graph.graph.get("articles", [])}
    return data


def write_cytoscape(graph: nx.MultiDiGraph, path: Path | str) -> None:
    data = to_cytoscape(graph)
    atomic_write(path, lambda h: json.dump(data, h, ensure_ascii=False))


def read_cytoscape(path: Path | str) -> nx.MultiDiGraph:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    graph = nx.cytoscape_graph(data, name="name", ident="id")
    out = nx.MultiDiGraph()
    out.graph.update(data.get("data", {}))
    for node, attrs in graph.nodes(data=True):
        out.add_node(node, **{k: v for k, v in attrs.items() if k not in ("id", "value")})
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        out.add_edge(u, v, key=attrs.get("relation", key),
                     **{k: v2 for k, v2 in attrs.items() if k not in ("id", "label", "source", "target", "key")})
    return out


# ----------------------------------------------------------------------------- Neo4j

def neo4j_tables(graph: nx.MultiDiGraph) -> tuple[list[list[Any]], list[list[Any]]]:
    """(concept rows, finding rows), each with its header first."""
    concepts: list[list[Any]] = [["conceptId:ID(Concept)", "name", "type", f"synonyms:string[]", "mentions:int",
                                  "articles:string[]", ":LABEL"]]
    for node, attrs in sorted(graph.nodes(data=True)):
        label = str(attrs.get("type") or "other").capitalize()
        concepts.append([node, attrs.get("name", node), attrs.get("type"),
                         ARRAY_DELIMITER.join(s.replace(ARRAY_DELIMITER, ",") for s in attrs.get("synonyms", [])),
                         int(attrs.get("mentions", 0) or 0), ARRAY_DELIMITER.join(attrs.get("articles", [])),
                         f"Concept{ARRAY_DELIMITER}{label}"])
    findings: list[list[Any]] = [[":START_ID(Concept)", ":END_ID(Concept)", ":TYPE", "support:int", "sentences:int",
                                  "articles:string[]", "species:string[]", "effects:string[]", "evidence"]]
    for u, v, key, attrs in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[2], e[1])):
        evidence = attrs.get("evidence", [])
        findings.append([
            u, v, key.upper(), int(attrs.get("support", 0)), len(evidence),
            ARRAY_DELIMITER.join(sorted({e["article"] for e in evidence})),
            ARRAY_DELIMITER.join(sorted({e["species"] for e in evidence if e.get("species")})),
            ARRAY_DELIMITER.join(sorted({(e.get("effect") or {}).get("text", "") for e in evidence} - {""}))
            .replace("\n", " "),
            json.dumps(evidence, ensure_ascii=False),
        ])
    return concepts, findings


LOAD_CYPHER = """// Load miner's evidence graph into a running Neo4j with LOAD CSV.
// Copy concepts.csv and findings.csv into the database's import folder first.
CREATE CONSTRAINT concept_id IF NOT EXISTS FOR (c:Concept) REQUIRE c.id IS UNIQUE;

LOAD CSV WITH HEADERS FROM 'file:///concepts.csv' AS row
MERGE (c:Concept {id: row.`conceptId:ID(Concept)`})
SET c.name = row.name, c.type = row.type,
    c.synonyms = split(row.`synonyms:string[]`, ';'),
    c.mentions = toInteger(row.`mentions:int`),
    c.articles = split(row.`articles:string[]`, ';');

LOAD CSV WITH HEADERS FROM 'file:///findings.csv' AS row
MATCH (s:Concept {id: row.`:START_ID(Concept)`}), (o:Concept {id: row.`:END_ID(Concept)`})
CALL apoc.create.relationship(s, row.`:TYPE`, {
    support: toInteger(row.`support:int`), sentences: toInteger(row.`sentences:int`),
    articles: split(row.`articles:string[]`, ';'), species: split(row.`species:string[]`, ';'),
    effects: split(row.`effects:string[]`, ';'), evidence: row.evidence}, o) YIELD rel
RETURN count(rel);

// Without APOC, one statement per relation type, e.g.:
// LOAD CSV WITH HEADERS FROM 'file:///findings.csv' AS row WITH row WHERE row.`:TYPE` = 'DECREASES'
// MATCH (s:Concept {id: row.`:START_ID(Concept)`}), (o:Concept {id: row.`:END_ID(Concept)`})
// MERGE (s)-[r:DECREASES]->(o) SET r.support = toInteger(row.`support:int`), r.evidence = row.evidence;
"""


def write_neo4j(graph: nx.MultiDiGraph, path: Path | str) -> None:
    """A folder with concepts.csv, findings.csv and load.cypher."""
    if str(path) == STDOUT:
        raise ExportError("the neo4j export is a folder of files; give its path to -o")
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder}: the neo4j export is a folder; this is a file")
    folder.mkdir(parents=True, exist_ok=True)
    concepts, findings = neo4j_tables(graph)
    for name, rows in (("concepts.csv", concepts), ("findings.csv", findings)):
        def write(handle: io.TextIOBase, rows: list[list[Any]] = rows) -> None:
            csv.writer(handle).writerows(rows)

        atomic_write(folder / name, write, newline="")
    atomic_write(folder / "load.cypher", lambda h: h.write(LOAD_CYPHER))


def read_neo4j(path: Path | str) -> nx.MultiDiGraph:
    folder = Path(path)
    graph = nx.MultiDiGraph()
    with (folder / "concepts.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            synonyms = row["synonyms:string[]"]
            articles = row["articles:string[]"]
            graph.add_node(row["conceptId:ID(Concept)"], name=row["name"], type=row["type"],
                           synonyms=synonyms.split(ARRAY_DELIMITER) if synonyms else [],
                           mentions=int(row["mentions:int"]), articles=articles.split(ARRAY_DELIMITER) if articles else [])
    with (folder / "findings.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            relation = row[":TYPE"].lower()
            graph.add_edge(row[":START_ID(Concept)"], row[":END_ID(Concept)"], key=relation, relation=relation,
                           support=int(row["support:int"]), evidence=json.loads(row["evidence"]))
    return graph


# ----------------------------------------------------------------------------- JSON Lines

def write_jsonl(graph: nx.MultiDiGraph, path: Path | str) -> None:
    """One evidence per line: the CSV export's columns (:func:`~miner.export.formats.evidence_rows`) as JSON."""
    lines = evidence_rows(graph)
    atomic_write(path, lambda h: h.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))


def read_jsonl(path: Path | str) -> nx.MultiDiGraph:
    with Path(path).open(encoding="utf-8") as handle:
        return graph_from_rows(json.loads(line) for line in handle if line.strip())


# ----------------------------------------------------------------------------- BioC

def to_bioc(store: Any) -> dict[str, Any]:
    """A BioC collection: one document per article, one passage with its text."""
    concepts = store.concepts()
    documents = []
    for article in store.articles():
        text = store.article_text(article.id)
        if text is None:
            continue
        annotations = []
        for number, mention in enumerate(store.mentions(article.id), 1):
            concept = concepts.get(mention.concept)
            annotations.append({
                "id": f"T{number}",
                "infons": {"type": concept.type if concept else "other", "identifier": mention.concept,
                           "name": concept.name if concept else mention.concept},
                "text": mention.text,
                "locations": [{"offset": mention.start, "length": mention.end - mention.start}],
            })
        relations = []
        for number, finding in enumerate(store.findings(article.id), 1):
            relations.append({
                "id": f"R{number}",
                "infons": {"type": finding.relation, "subject": finding.subject, "object": finding.object,
                           "sentences": str(len(finding.evidence))},
                "nodes": [],
            })
        infons = {k: str(v) for k, v in (("title", article.title), ("pmid", article.pmid), ("pmcid", article.pmcid),
                                          ("doi", article.doi), ("year", article.year),
                                          ("study_type", article.study_type)) if v}
        documents.append({
            "id": article.id,
            "infons": infons,
            "passages": [{"offset": 0, "infons": {"type": "text"}, "text": text, "sentences": [],
                          "annotations": annotations, "relations": []}],
            "annotations": [],
            "relations": relations,
        })
    return {"source": "miner", "date": "", "key": "miner.key", "infons": {}, "documents": documents}


def write_bioc(store: Any, path: Path | str) -> None:
    data = to_bioc(store)
    atomic_write(path, lambda h: json.dump(data, h, ensure_ascii=False))
