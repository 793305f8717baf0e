"""Evidence that adds up: study context, support, pooled effects, conflicts, confidence.

The articles here are short texts written for these tests, where the answer is known.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from miner.evidence.pooling import Estimate, hedges_g, normalise, pool, random_effects
from miner.graph import graph_from_store
from miner.graph.query import conflict_list
from miner.mining import mine
from miner.pipeline.study import article_study_context, claim_kind, dose, evidence_context, sample_size
from miner.store import Store

# The 13 BCG vaccine trials (Colditz et al. 1994): tb cases / no tb, vaccinated then controls.
BCG = [(4, 119, 11, 128), (6, 300, 29, 274), (3, 228, 11, 209), (62, 13536, 248, 12619), (33, 5036, 47, 5761),
       (180, 1361, 372, 1079), (8, 2537, 10, 619), (505, 87886, 499, 87892), (29, 7470, 45, 7232),
       (17, 1699, 65, 1600), (186, 50448, 141, 27197), (5, 2493, 3, 2338), (27, 16886, 29, 17825)]


def test_random_effects_match_metafor_on_the_bcg_trials():
    """metafor's rma(measure="RR", method="DL") on dat.bcg gives estimate -0.7141,
    SE 0.1787, tau² 0.3088, I² 92.12%, Q 152.23."""
    y = [math.log((a / (a + b)) / (c / (c + d))) for a, b, c, d in BCG]
    v = [1 / a - 1 / (a + b) + 1 / c - 1 / (c + d) for a, b, c, d in BCG]
    result = random_effects(y, v)
    assert result["estimate"] == pytest.approx(-0.7141, abs=1e-4)
    assert result["se"] == pytest.approx(0.1787, abs=1e-4)
    assert result["tau2"] == pytest.approx(0.3088, abs=1e-4)
    assert result["i2"] == pytest.approx(92.12, abs=0.01)
    assert result["q"] == pytest.approx(152.23, abs=0.01)


def test_identical_studies_pool_to_themselves_with_no_heterogeneity():
    result = random_effects([-0.5, -0.5, -0.5], [0.04, 0.04, 0.04])
    assert result["estimate"] == pytest.approx(-0.5) and result["tau2"] == 0 and result["i2"] == 0
    assert result["se"] == pytest.approx(math.sqrt(0.04 / 3))


def test_normalise_puts_effects_on_poolable_scales():
    ratio = normalise({"kind": "odds_ratio", "value": 0.5, "low": 0.25, "high": 1.0}, "a")
    assert ratio.kind == "log_odds_ratio" and ratio.value == pytest.approx(math.log(0.5))
    assert ratio.variance == pytest.approx(((math.log(1.0) - math.log(0.25)) / (2 * 1.959964)) ** 2, rel=1e-4)
    assert normalise({"kind": "percent_change", "value": 40.0, "direction": "decrease"}, "a").value == -40.0
    assert normalise({"kind": "p_value", "value": 0.01}, "a") is None
    g, v = hedges_g(10.0, 2.0, 20, 12.0, 2.0, 20)
    # by hand: d = -1, J = 1 - 3/151, var(d) = 40/400 + 1/80 = 0.1125, var(g) = J² · 0.1125
    assert g == pytest.approx(-0.9801, abs=1e-4) and v == pytest.approx(0.1081, abs=1e-4)


def test_pool_without_variances_gives_median_and_range():
    pooled = pool([Estimate("a", "percent_change", -30.0), Estimate("b", "percent_change", -50.0),
                   Estimate("c", "percent_change", -20.0), Estimate("c", "percent_change", -25.0)])
    assert pooled["method"] == "median and range (variances unknown)"
    assert (pooled["k"], pooled["estimate"], pooled["low"], pooled["high"]) == (3, -30.0, -50.0, -20.0)
    assert pool([Estimate("a", "smd", -0.4, 0.01)]) is None  # one study is not a pool


def test_study_context_of_a_methods_section():
    methods = ("Forty male Sprague-Dawley rats underwent chronic constriction injury (CCI) of the sciatic nerve. "
               "Rats ran on a treadmill at 16 m/min, 30 min/day, 5 days/week for 4 weeks.")
    sections = [{"kind": "methods", "start": 0, "end": len(methods)}]
    article = article_study_context(methods, sections)
    assert article["strain"] == "Sprague-Dawley" and article["sex"] == "male"
    assert article["models"][0] == "chronic constriction injury" and article["sample_size"] == 40
    assert dose(methods)["text"] == "16 m/min, 30 min/day, 5 days/week, for 4 weeks"
    found = evidence_context(article, "At 2 weeks, running reduced allodynia (p < 0.01).", "results")
    assert found == {"claim": "own", "strain": "Sprague-Dawley", "sex": "male", "model": "chronic constriction injury",
                     "sample_size": 40, "dose": "16 m/min, 30 min/day, 5 days/week, for 4 weeks",
                     "timepoint": "At 2 weeks"}
    assert sample_size("Sixty women (n = 60) were randomized.") == 60
    assert claim_kind("Exercise reduces TNF-α (Smith et al., 2010).", "discussion") == "citation"
    assert claim_kind("Previous studies found that exercise lowers IL-6.", None) == "citation"
    assert claim_kind("In this study, swimming lowered IL-6 [3].", "discussion") == "own"


def _rct(name: str, smd: float, low: float, high: float) -> str:
    return (f"Aerobic exercise for chronic neck pain: randomized trial {name}\n\n"
            "METHODS: Adults with chronic neck pain were randomly assigned to aerobic exercise or usual care "
            "for 12 weeks.\n\n"
            f"RESULTS: Aerobic exercise reduced pain intensity compared with usual care (SMD {smd}, 95% CI {low} "
            f"to {high}).\n")


RAT_CCI_DOWN = ("Swimming and TNF-α after nerve injury in rats\n\nMETHODS: Male Wistar rats underwent chronic "
                "constriction injury of the sciatic nerve and swam daily for 4 weeks.\n\nRESULTS: Swimming "
                "decreased TNF-α in the sciatic nerve of rats with chronic constriction injury (p < 0.01).\n")
RAT_CCI_UP = ("Swimming raises TNF-α after constriction injury\n\nMETHODS: Male Wistar rats underwent chronic "
              "constriction injury of the sciatic nerve and swam daily for 6 weeks.\n\nRESULTS: Swimming "
              "increased TNF-α in the sciatic nerve of rats with chronic constriction injury (p < 0.05).\n")
MICE_STZ_UP = ("Swimming in diabetic mice\n\nMETHODS: C57BL/6 mice were made diabetic with streptozotocin and "
               "swam daily for 8 weeks.\n\nRESULTS: Swimming increased TNF-α in the sciatic nerve of "
               "streptozotocin-diabetic mice (p < 0.05).\n")
CITING = ("Yoga and sleep in older adults\n\nBACKGROUND: Swimming decreased TNF-α in rats with nerve injury [4]. "
          "Aerobic exercise reduced pain intensity in adults with neck pain [5]. Tai chi lowered IL-6 in older adults [6].\n\nMETHODS: Older adults did yoga twice a "
          "week for 8 weeks.\n\nRESULTS: Yoga improved sleep quality compared with usual care (p = 0.02).\n")


@pytest.fixture(scope="module")
def graph(tmp_path_factory, nlp):
    folder = tmp_path_factory.mktemp("studies")
    for name, smd, low, high in (("A", -0.8, -1.2, -0.4), ("B", -0.3, -0.6, 0.0), ("C", -0.5, -0.9, -0.1)):
        (folder / f"neck-{name}.txt").write_text(_rct(name, smd, low, high))
    (folder / "rat-cci-down.txt").write_text(RAT_CCI_DOWN)
    (folder / "rat-cci-up.txt").write_text(RAT_CCI_UP)
    (folder / "mice-stz-up.txt").write_text(MICE_STZ_UP)
    (folder / "citing.txt").write_text(CITING)
    db = tmp_path_factory.mktemp("store") / "e.db"
    report = mine([folder], db, nlp=nlp)
    assert report.mined == 7 and not report.problems
    with Store.open(db) as store:
        return graph_from_store(store)


def _edge(graph, subject_name: str, relation: str, object_name: str):
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        if key == relation and graph.nodes[u]["name"] == subject_name and graph.nodes[v]["name"] == object_name:
            return attrs
    raise AssertionError(f"no edge {subject_name} {relation} {object_name}")


def test_three_trials_give_support_3_and_a_pooled_smd(graph):
    edge = _edge(graph, "Aerobic exercise", "decreases", "Pain")
    assert edge["support"] == 3  # the citing article's background sentence does not count
    assert edge["cited_support"] == 1 and edge["cited"][0]["article"] == "citing.txt"
    pooled = edge["pooled"]
    assert pooled["method"].startswith("random effects") and pooled["kind"] == "smd" and pooled["k"] == 3
    # the same three studies pooled directly (variance from each 95% CI)
    values = [-0.8, -0.3, -0.5]
    variances = [((high - low) / (2 * 1.959964)) ** 2 for low, high in ((-1.2, -0.4), (-0.6, 0.0), (-0.9, -0.1))]
    expected = random_effects(values, variances)
    assert pooled["estimate"] == pytest.approx(expected["estimate"], abs=1e-4)
    assert pooled["low"] == pytest.approx(expected["low"], abs=1e-4)
    assert pooled["i2"] == pytest.approx(expected["i2"], abs=0.1)
    assert edge["support_by_design"] == {"randomized_trial": 3}
    assert 0.9 < edge["confidence"] < 1
    single = _edge(graph, "Yoga", "increases", "Sleep quality")  # one trial
    assert single["confidence"] < edge["confidence"]


def test_contradiction_is_a_conflict_only_in_the_same_species_and_model(graph):
    down = _edge(graph, "Swimming", "decreases", "TNF-α")
    up = _edge(graph, "Swimming", "increases", "TNF-α")
    assert down["support"] == 1 and up["support"] == 2
    assert up["support_by_species"] == {"NCBITaxon:10090": 1, "NCBITaxon:10116": 1}
    (record,) = down["conflicts"]
    assert record["status"] == "conflict" and record["relation"] == "increases"
    assert record["contexts"] == [{"species": "NCBITaxon:10116", "model": "chronic constriction injury"}]
    found = conflict_list(graph)
    assert [(c["subject_name"], c["object_name"], c["status"]) for c in found] == [("Swimming", "TNF-α", "conflict")]
    sides = {side["relation"]: {e["article"] for e in side["evidence"]} for side in found[0]["sides"]}
    assert sides == {"decreases": {"rat-cci-down.txt"}, "increases": {"rat-cci-up.txt"}}  # the mouse study is apart
    # the mouse study alone would not be a conflict: its species and model differ
    mice = [e for e in up["evidence"] if e["article"] == "mice-stz-up.txt"][0]
    assert mice["context"]["model"] == "streptozotocin diabetes" and mice["species"] == "NCBITaxon:10090"
    assert down["confidence"] < 0.5  # halved by the conflict


def test_cited_only_findings_are_marked_and_weak(graph):
    cited_only = [d for _, _, d in graph.edges(data=True) if d.get("cited_only")]
    assert graph.edges["MESH:D026302", "HGNC:6018", "decreases"]["cited_only"] is True  # tai chi lowers IL-6
    assert all({e["article"] for e in d["evidence"]} == {"citing.txt"} for d in cited_only)
    assert all(d["confidence"] == 0.1 and "conflicts" not in d for d in cited_only)
    assert all(e["context"]["claim"] == "own" for _, _, d in graph.edges(data=True) if not d.get("cited_only")
               for e in d["evidence"])


#: Four trials written for these tests: two deny that IL-6 goes with pain, one affirms it,
#: one denies it of CRP.
DENIALS = Path(__file__).parent / "fixtures" / "denials"


@pytest.fixture(scope="module")
def denial_graph(tmp_path_factory, nlp):
    db = tmp_path_factory.mktemp("store") / "e.db"
    report = mine([DENIALS], db, nlp=nlp)
    assert report.mined == 4 and not report.problems
    with Store.open(db) as store:
        return graph_from_store(store)


def test_a_denied_association_is_evidence_against_it_not_support(denial_graph):
    found = denial_graph.edges["HGNC:6018", "MESH:D010146", "associated_with"]  # IL-6, pain
    assert found["support"] == 1 and {e["article"] for e in found["evidence"]} == {"affirm.txt"}
    assert not any(e["negated"] for e in found["evidence"]) and "denies" not in found
    against = denial_graph.edges["HGNC:6018", "MESH:D010146", "no_effect"]
    assert against["support"] == 2 and against["denies"] == {"associated_with": 2}
    assert all(e["negated"] and e["denies"] == "associated_with" for e in against["evidence"])
    # the two readings contradict each other, and the confidence of both says so
    (record,) = found["conflicts"]
    assert record["relation"] == "no_effect" and record["status"] == "conflict"
    assert record["articles"] == ["deny-a.txt", "deny-b.txt"]
    assert found["confidence"] == pytest.approx(float(found["confidence_basis"][0].split(": ")[1].split()[0]) / 2,
                                                abs=0.002)
    # a finding that is only ever denied is no association at all
    assert not denial_graph.has_edge("HGNC:2367", "MESH:D010146", "associated_with")
    assert _edge(denial_graph, "C-reactive protein", "no_effect", "Pain")["denies"] == {"associated_with": 1}


def test_a_null_finding_contradicts_an_association_only_where_it_denies_it():
    from miner.graph.aggregate import find_conflicts

    def evidence(article, **extra):
        return {"article": article, "section": "results", "species": "NCBITaxon:9606", "context": {}, **extra}

    association = {"evidence": [evidence("a")]}
    no_difference = {"evidence": [evidence("b")]}
    denial = {"evidence": [evidence("c", negated=True, denies="associated_with")]}
    assert find_conflicts([("x", "y", "associated_with", association), ("x", "y", "no_effect", no_difference)], {}) == {}
    found = find_conflicts([("x", "y", "associated_with", association),
                            ("x", "y", "no_effect", {"evidence": no_difference["evidence"] + denial["evidence"]})], {})
    assert found[("x", "y", "associated_with")][0]["articles"] == ["c"]
    assert found[("x", "y", "no_effect")][0]["status"] == "conflict"
