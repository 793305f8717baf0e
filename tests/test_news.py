"""A news report linked to the study it describes, and where the two part ways."""

from __future__ import annotations

import json

import pytest

from miner.graph import graph_from_store
from miner.mining import mine
from miner.store import Store

NEWS = """Swimming eases nerve pain in rats, study finds

Researchers found that swimming reduced neuropathic pain in rats with sciatic nerve injury, in work published in the journal Pain Reports this month.

The rats that swam every day showed a 50% reduction in neuropathic pain behaviours compared with rats that did not exercise.

Swimming also lowered TNF-α in the injured nerve, the researchers said. Swimming also raised IL-10 in the nerve.
"""
STUDY = {"pmid": "31000001", "title": "Swimming reduces neuropathic pain after sciatic nerve injury in rats",
         "journal": "Pain Reports", "year": 2021,
         "abstract": {"METHODS": "Male Wistar rats with chronic constriction injury of the sciatic nerve swam 30 min a "
                                 "day for 4 weeks.",
                      "RESULTS": "Swimming reduced neuropathic pain behaviours by 35% compared with sedentary rats "
                                 "(p < 0.01). Swimming may decrease TNF-α in the sciatic nerve."}}
OTHER = {"pmid": "31000002", "title": "Yoga for chronic low back pain", "journal": "Spine", "year": 2020,
         "abstract": {"RESULTS": "Yoga reduced pain intensity in adults with chronic low back pain compared with "
                                 "education (p = 0.02)."}}


@pytest.fixture(scope="module")
def news_db(tmp_path_factory, nlp):
    folder = tmp_path_factory.mktemp("news")
    (folder / "swim-news.txt").write_text(NEWS)
    (folder / "swim-study.json").write_text(json.dumps(STUDY))
    (folder / "yoga.json").write_text(json.dumps(OTHER))
    db = tmp_path_factory.mktemp("store") / "e.db"
    assert mine([folder], db, nlp=nlp).mined == 3
    return db


@pytest.fixture(scope="module")
def graph(news_db):
    with Store.open(news_db) as store:
        return graph_from_store(store)


def test_the_news_is_linked_to_its_study_only(graph):
    articles = {a["id"]: a for a in graph.graph["articles"]}
    assert articles["swim-news.txt"]["study_type"] == "news"
    (link,) = articles["swim-news.txt"]["reports_on"]
    assert link["article"] == "PMID:31000001"
    assert link["shared"]["journal"] == "Pain Reports" and link["shared"]["species"] == ["NCBITaxon:10116"]
    assert "Swimming decreases Neuropathic pain" in link["shared"]["findings"]
    assert "reports_on" not in articles["PMID:31000001"]


def test_the_differences_are_listed(graph):
    (link,) = {a["id"]: a for a in graph.graph["articles"]}["swim-news.txt"]["reports_on"]
    differences = link["differences"]
    assert "Swimming decreases TNF-α: stated firmly in the news, hedged in the study" in differences
    assert "Swimming increases IL-10: in the news only" in differences
    assert any(d.startswith("Swimming decreases Neuropathic pain: the news gives 50% reduction, the study")
               and "35%" in d for d in differences)


def test_a_news_report_does_not_count_as_a_second_study(graph):
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        if graph.nodes[u]["name"] == "Swimming" and graph.nodes[v]["name"] == "Neuropathic pain" and key == "decreases":
            assert {e["article"] for e in attrs["evidence"]} == {"swim-news.txt", "PMID:31000001"}
            assert attrs["support"] == 1 and attrs["news_of_the_same_study"] == ["swim-news.txt"]
            assert "pooled" not in attrs  # one study: nothing to pool
            return
    raise AssertionError("no Swimming decreases Neuropathic pain edge")


def test_inspect_counts_a_study_and_its_news_once(news_db):
    from click.testing import CliRunner

    from miner.cli import cli

    def swimming_rows(*options):
        result = CliRunner().invoke(cli, ["inspect", "--db", str(news_db), "--subject", "swimming", "--object",
                                          "neuropathic pain", "--relation", "decreases", "--json", *options])
        assert result.exit_code == 0, result.stderr
        return [json.loads(line) for line in result.stdout.splitlines()]

    (both,) = swimming_rows()
    assert {e["article"] for e in both["evidence"]} == {"swim-news.txt", "PMID:31000001"} and both["support"] == 1
    assert swimming_rows("--min-support", "2") == []
    (news,) = swimming_rows("--article", "swim-news.txt")  # the news alone still counts, once
    assert news["support"] == 1 and {e["article"] for e in news["evidence"]} == {"swim-news.txt"}


@pytest.mark.parametrize("title, text", [
    ("Swimming eases nerve pain in rats, study finds", "Rats that swam had less pain."),
    ("Walking helps knees", "According to a new study of 300 adults, walking eased knee pain."),
    ("Tai chi and balance", "The research team followed older adults for a year."),
])
def test_a_news_piece_is_told_by_its_headline_or_its_wording(title, text):
    from miner.pipeline.context import study_type

    assert study_type(text, title, ["NCBITaxon:10116"], has_sections=False) == "news"
    assert study_type(text, "Swimming and nerve pain in rats", ["NCBITaxon:10116"], has_sections=False) \
        == ("animal" if "study" not in text and "research team" not in text else "news")


def test_the_sample_news_piece_is_listed_by_news(sample_db):
    from click.testing import CliRunner

    from miner.cli import cli

    result = CliRunner().invoke(cli, ["news", "--db", str(sample_db)])
    assert result.exit_code == 0, result.stderr
    assert "Swimming eases nerve pain in rats, study finds" in result.stdout
    assert result.stderr.strip().startswith("1 news report")
    helped = CliRunner().invoke(cli, ["news", "-h"]).stdout
    from tests.conftest import ROOT

    paths = [word for word in helped.split() if word.startswith("corpora/")]
    assert paths and all((ROOT / p).exists() for p in paths)  # its example names folders that exist
