"""Graph assembly, the JSON contract, and each export's round trip."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from miner.evidence import ArticleRecord, Concept, Evidence, Finding, filter_findings, merge_findings, support
from miner.export.formats import READERS, WRITERS, to_json_data
from miner.graph import build_graph, graph_from_store
from miner.schema import validate_graph_json
from miner.store import Store


def _evidence(article: str, **extra) -> Evidence:
    return Evidence(article=article, sentence=f"Exercise reduced pain in {article}.", start=0, end=30,
                    subject_text="Exercise", object_text="pain", **extra)


def _graph() -> nx.MultiDiGraph:
    concepts = {"MESH:D015444": Concept("MESH:D015444", "Exercise", "intervention", ("physical activity",)),
                "MESH:D010146": Concept("MESH:D010146", "Pain", "outcome")}
    stats = {"MESH:D015444": {"mentions": 3, "articles": ["a", "b"], "texts": ["exercise", "Exercise"]},
             "MESH:D010146": {"mentions": 2, "articles": ["a", "b"], "texts": ["pain"]}}
    findings = merge_findings([
        Finding("MESH:D015444", "decreases", "MESH:D010146", [_evidence("a", effect={
            "text": "30% reduction", "kind": "percent_change", "value": 30.0, "low": None, "high": None,
            "unit": "%"}, p_value="p < 0.05", species="NCBITaxon:9606")]),
        Finding("MESH:D015444", "decreases", "MESH:D010146", [_evidence("b"), _evidence("b", hedged=True)]),
    ])
    articles = [ArticleRecord("a", title="A", year=2020, species=["NCBITaxon:9606"], study_type="randomized_trial"),
                ArticleRecord("b", title=None)]
    return build_graph(articles, concepts, stats, findings)


def test_one_edge_per_claim_with_support_by_article():
    graph = _graph()
    assert graph.number_of_edges() == 1
    attrs = graph.edges["MESH:D015444", "MESH:D010146", "decreases"]
    assert attrs["support"] == 2
    assert len(attrs["evidence"]) == 3
    assert graph.nodes["MESH:D015444"]["synonyms"] == ["exercise", "physical activity"]


def test_filter_findings_by_hedging_and_support():
    findings = [Finding("s", "decreases", "o", [_evidence("a"), _evidence("b", hedged=True)])]
    assert filter_findings(findings, min_support=2)[0].support == 2
    assert filter_findings(findings, min_support=2, include_hedged=False) == []


def test_filter_findings_by_concepts_articles_species_and_negation():
    findings = [Finding("s", "decreases", "o", [_evidence("a", species="rat"), _evidence("b", negated=True)]),
                Finding("o", "increases", "t", [_evidence("a", hedged=True)])]

    def kept(**filters):
        return [(f.key(), [e.article for e in f.evidence]) for f in filter_findings(findings, **filters)]

    assert kept(subjects={"s"}) == [(("s", "decreases", "o"), ["a", "b"])]
    assert kept(objects={"o", "t"}, relations=["increases"]) == [(("o", "increases", "t"), ["a"])]
    assert kept(involving={"o"}) == kept() and kept(involving={"t"}) == [(("o", "increases", "t"), ["a"])]
    assert kept(articles={"b"}) == [(("s", "decreases", "o"), ["b"])]
    assert kept(species={"rat"}) == [(("s", "decreases", "o"), ["a"])]
    assert kept(negated=True) == [(("s", "decreases", "o"), ["b"])]
    assert kept(negated=False, hedged=False) == [(("s", "decreases", "o"), ["a"])]
    assert kept(hedged=True) == [(("o", "increases", "t"), ["a"])]


def test_filter_findings_counts_a_study_and_its_news_once():
    """Articles not counted (a news report of a study among them) add no support, unless they are all there is."""
    findings = [Finding("s", "decreases", "o", [_evidence("study"), _evidence("news")])]
    not_counted = {("s", "decreases", "o"): ["news"]}
    assert filter_findings(findings, min_support=2) != []
    assert filter_findings(findings, min_support=2, not_counted=not_counted) == []
    assert filter_findings(findings, articles={"news"}, not_counted=not_counted)[0].evidence[0].article == "news"
    assert support(findings[0].evidence, ["news"]) == 1 and support(findings[0].evidence[1:], ["news"]) == 1


def test_filter_findings_takes_the_graphs_evidence_dicts_and_keeps_them():
    graph = _graph()
    attrs = graph.edges["MESH:D015444", "MESH:D010146", "decreases"]
    edge = Finding("MESH:D015444", "decreases", "MESH:D010146", attrs["evidence"])
    (unhedged,) = filter_findings([edge], hedged=False, min_support=2)
    assert [e["article"] for e in unhedged.evidence] == ["a", "b"]
    assert all(any(e is kept for kept in attrs["evidence"]) for e in unhedged.evidence)
    assert filter_findings([edge], species={"NCBITaxon:9606"}, min_support=2) == []


def test_json_export_validates_against_the_schema():
    data = to_json_data(_graph())
    validate_graph_json(data)
    assert data["graph"]["schema"] == "miner.evidence-graph/1"
    assert data["edges"][0]["key"] == "decreases"


def test_schema_rejects_a_broken_export():
    import jsonschema

    data = to_json_data(_graph())
    data["edges"][0]["relation"] = "cures"
    with pytest.raises(jsonschema.ValidationError):
        validate_graph_json(data)


def _comparable(graph: nx.MultiDiGraph, nodes: bool = True):
    edges = sorted((u, v, k, json.dumps(d["evidence"], sort_keys=True), d["support"])
                   for u, v, k, d in graph.edges(keys=True, data=True))
    node_data = sorted((n, d.get("name"), d.get("type"), tuple(d.get("synonyms", [])), d.get("mentions"),
                        tuple(d.get("articles", []))) for n, d in graph.nodes(data=True)) if nodes else None
    return edges, node_data


@pytest.mark.parametrize("fmt", ["json", "graphml", "gexf"])
def test_round_trip(tmp_path, fmt):
    graph = _graph()
    path = tmp_path / f"graph.{fmt}"
    WRITERS[fmt](graph, path)
    again = READERS[fmt](path)
    assert _comparable(again) == _comparable(graph)
    if fmt != "gexf":  # GEXF has no graph-level attributes: the article list is not in it
        assert again.graph["articles"] == graph.graph["articles"]


def test_csv_round_trip_keeps_every_evidence(tmp_path):
    graph = _graph()
    path = tmp_path / "evidence.csv"
    WRITERS["csv"](graph, path)
    assert len(path.read_text().splitlines()) == 1 + 3
    again = READERS["csv"](path)
    original = _comparable(graph, nodes=False)[0]
    restored = _comparable(again, nodes=False)[0]
    strip = lambda rows: [(u, v, k, sorted((e["article"], e["sentence"], e.get("p_value"), e.get("hedged"),  # noqa: E731
                                            (e.get("effect") or {}).get("value")) for e in json.loads(ev)), s)
                          for u, v, k, ev, s in rows]
    assert strip(restored) == strip(original)


def test_failed_export_leaves_no_partial_file(tmp_path, monkeypatch):
    graph = _graph()
    target = tmp_path / "graph.json"
    target.write_text("previous export")

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(json, "dump", explode)
    with pytest.raises(RuntimeError):
        WRITERS["json"](graph, target)
    assert target.read_text() == "previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.json"]


def test_sample_store_export_validates(sample_db):
    with Store.open(sample_db, create=False) as store:
        graph = graph_from_store(store)
    data = to_json_data(graph)
    validate_graph_json(data)
    ids = {a["id"] for a in data["graph"]["articles"]}
    assert {"PMID:90000001", "PMID:90000002", "DOI:10.9999/miner.sample.0004",
            "news-swimming-nerve-pain.txt", "animal-treadmill-cci.txt", "rct-yoga-low-back-pain.md"} == ids
    for edge in data["edges"]:
        for ev in edge["evidence"]:
            assert ev["article"] in ids
            assert edge["support"] == len({e["article"] for e in edge["evidence"]})


def _graph_with_background() -> nx.MultiDiGraph:
    """One finding stated by a trial's result and by a citation in another paper, and one
    finding that only a background sentence states."""
    concepts = {"MESH:D015444": Concept("MESH:D015444", "Exercise", "intervention"),
                "MESH:D010146": Concept("MESH:D010146", "Pain", "outcome"),
                "HGNC:6018": Concept("HGNC:6018", "IL-6", "biomarker"),
                "NCBITaxon:9606": Concept("NCBITaxon:9606", "Human", "species")}
    trial = {"claim": "own", "design": "randomized_trial", "sample_size": 120, "dose": "3 sessions a week",
             "condition": "Low back pain", "timepoint": "12 weeks"}
    findings = merge_findings([
        Finding("MESH:D015444", "decreases", "MESH:D010146", [
            _evidence("trial", species="NCBITaxon:9606", context=trial, confidence=0.8, section="results"),
            _evidence("review", context={"claim": "citation", "design": "review"}, section="background")]),
        Finding("MESH:D015444", "decreases", "HGNC:6018", [
            _evidence("review", context={"claim": "background", "design": "review"})]),
    ])
    articles = [ArticleRecord("trial", study_type="randomized_trial"), ArticleRecord("review", study_type="review")]
    stats = {"NCBITaxon:9606": {"mentions": 1, "articles": ["trial"], "texts": ["adults"]}}
    return build_graph(articles, concepts, stats, findings)


def _flat_rows(graph: nx.MultiDiGraph, fmt: str, path) -> list[dict]:
    """The rows of a CSV or JSON Lines export of ``graph`` written to ``path``, as read back
    by a spreadsheet or a JSON reader (CSV cells are text)."""
    import csv

    WRITERS[fmt](graph, path)
    if fmt == "csv":
        with path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_flat_exports_keep_claim_design_confidence_and_context(tmp_path, fmt):
    graph = _graph_with_background()
    path = tmp_path / f"evidence.{fmt}"
    rows = _flat_rows(graph, fmt, path)
    assert len(rows) == 3  # every sentence, the citation and the background one included
    by_claim = {(row["article"], row["claim"], row["object_name"]): row for row in rows}
    trial = by_claim[("trial", "own", "Pain")]
    assert (trial["design"], str(trial["support"]), str(trial["sample_size"]), trial["dose"], trial["timepoint"],
            trial["species_name"], trial["condition"]) == (
        "randomized_trial", "1", "120", "3 sessions a week", "12 weeks", "Human", "Low back pain")
    edge = graph.edges["MESH:D015444", "MESH:D010146", "decreases"]
    assert float(trial["finding_confidence"]) == edge["confidence"] and str(trial["cited_support"]) == "1"
    citation = by_claim[("review", "citation", "Pain")]
    assert citation["design"] == "review" and str(citation["cited_only"]) in ("False", "false")
    background = by_claim[("review", "background", "IL-6")]
    assert str(background["cited_only"]) == "True"

    again = READERS[fmt](path)
    for key in (("MESH:D015444", "MESH:D010146", "decreases"), ("MESH:D015444", "HGNC:6018", "decreases")):
        for part in ("evidence", "cited"):
            assert json.dumps(again.edges[key].get(part), sort_keys=True) == \
                json.dumps(graph.edges[key].get(part), sort_keys=True), (key, part)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_flat_exports_say_what_a_sentence_denies(tmp_path, fmt):
    """'IL-6 was not associated with pain' is a row of the no_effect finding that says it
    denies associated_with (not a mere negation), and reads back so."""
    concepts = {"HGNC:6018": Concept("HGNC:6018", "IL-6", "biomarker"),
                "MESH:D010146": Concept("MESH:D010146", "Pain", "outcome")}
    own = {"claim": "own"}
    findings = merge_findings([
        Finding("HGNC:6018", "associated_with", "MESH:D010146", [_evidence("a", negated=True, context=own)]),
        Finding("HGNC:6018", "associated_with", "MESH:D010146", [_evidence("b", context=own)]),
    ])
    graph = build_graph([ArticleRecord("a"), ArticleRecord("b")], concepts, {}, findings)
    path = tmp_path / f"evidence.{fmt}"
    rows = _flat_rows(graph, fmt, path)
    by_article = {row["article"]: row for row in rows}
    assert (by_article["a"]["relation"], by_article["a"]["denies"]) == ("no_effect", "associated_with")
    assert (by_article["b"]["relation"], by_article["b"]["denies"] or None) == ("associated_with", None)
    again = READERS[fmt](path)
    for key in (("HGNC:6018", "MESH:D010146", "no_effect"), ("HGNC:6018", "MESH:D010146", "associated_with")):
        assert json.dumps(again.edges[key]["evidence"], sort_keys=True) == \
            json.dumps(graph.edges[key]["evidence"], sort_keys=True), key
