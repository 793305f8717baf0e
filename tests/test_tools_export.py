"""Exports for Cytoscape, Neo4j, JSON Lines and BioC: each reads back or validates."""

from __future__ import annotations

import csv
import json

import networkx as nx
import pytest
from click.testing import CliRunner

from miner.cli import cli
from miner.export.formats import READERS
from miner.graph import graph_from_store
from miner.store import Store


@pytest.fixture(scope="module")
def sample_graph(sample_db):
    with Store.open(sample_db, create=False) as store:
        return graph_from_store(store)


def _edges(graph: nx.MultiDiGraph):
    return sorted((u, v, k, d["support"], json.dumps(d["evidence"], sort_keys=True))
                  for u, v, k, d in graph.edges(keys=True, data=True))


def _export(db, fmt, out):
    result = CliRunner().invoke(cli, ["export", "--db", str(db), "--format", fmt, "-o", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_cytoscape_reads_back_with_networkx(sample_db, sample_graph, tmp_path):
    out = tmp_path / "graph.cyjs"
    _export(sample_db, "cytoscape", out)
    data = json.loads(out.read_text())
    assert {"nodes", "edges"} == set(data["elements"])
    assert all({"id", "source", "target"} <= set(e["data"]) for e in data["elements"]["edges"])
    again = nx.cytoscape_graph(data, name="name", ident="id")
    assert again.number_of_nodes() == sample_graph.number_of_nodes()
    assert _edges(READERS["cytoscape"](out)) == _edges(sample_graph)


def test_neo4j_csvs_have_consistent_ids(sample_db, sample_graph, tmp_path):
    folder = tmp_path / "neo4j"
    _export(sample_db, "neo4j", folder)
    assert {p.name for p in folder.iterdir()} == {"concepts.csv", "findings.csv", "load.cypher"}
    with (folder / "concepts.csv").open() as handle:
        concepts = list(csv.DictReader(handle))
    with (folder / "findings.csv").open() as handle:
        findings = list(csv.DictReader(handle))
    ids = {row["conceptId:ID(Concept)"] for row in concepts}
    assert len(ids) == len(concepts)  # unique node ids
    assert all(row[":START_ID(Concept)"] in ids and row[":END_ID(Concept)"] in ids for row in findings)
    assert {row[":TYPE"] for row in findings} <= {"DECREASES", "INCREASES", "NO_EFFECT", "ASSOCIATED_WITH"}
    assert all(row[":LABEL"].startswith("Concept;") for row in concepts)
    assert _edges(READERS["neo4j"](folder)) == _edges(sample_graph)


def test_jsonl_is_one_evidence_per_line(sample_db, sample_graph, tmp_path):
    out = tmp_path / "evidence.jsonl"
    _export(sample_db, "jsonl", out)
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == sum(len(d["evidence"]) for *_, d in sample_graph.edges(data=True))
    assert {"subject", "relation", "object", "sentence", "article"} <= set(lines[0])
    assert _edges(READERS["jsonl"](out)) == _edges(sample_graph)


def test_bioc_parses_with_the_bioc_package(sample_db, tmp_path):
    bioc = pytest.importorskip("bioc")
    from bioc import biocjson

    out = tmp_path / "articles.bioc.json"
    _export(sample_db, "bioc", out)
    collection = biocjson.loads(out.read_text())
    assert len(collection.documents) == 6
    for document in collection.documents:
        passage = document.passages[0]
        assert passage.annotations
        for annotation in passage.annotations:
            location = annotation.locations[0]
            assert passage.text[location.offset:location.offset + location.length] == annotation.text
            assert annotation.infons["identifier"]
