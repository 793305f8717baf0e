"""The bookkeeping every engine shares (miner.mining.Bookkeeping): problems, written articles, time."""

from __future__ import annotations

import pytest

from miner.errors import MinerError, ReadError
from miner.evidence import ArticleRecord, Evidence, Finding, MinedArticle
from miner.mining import Bookkeeping
from miner.store import Store


def test_problems_go_on_the_report_and_are_told():
    told: list[ReadError] = []
    book = Bookkeeping(on_problem=told.append)
    book.problem(ReadError("a.txt", "empty file"))
    book.problem(ReadError("b.txt", "failed to mine"), failed=True)
    assert [e.path for e in book.report.problems] == ["a.txt"] and [e.path for e in book.report.failed] == ["b.txt"]
    assert [e.path for e in told] == ["a.txt", "b.txt"]


def test_strict_stops_at_the_first_problem_once_it_is_on_the_report():
    told: list[ReadError] = []
    book = Bookkeeping(on_problem=told.append, strict=True)
    with pytest.raises(MinerError, match=r"stopped at the first problem \(--strict\): a.txt: empty file"):
        book.problem(ReadError("a.txt", "empty file"))
    assert len(book.report.problems) == len(told) == 1


def test_written_articles_are_counted_and_the_run_timed(tmp_path):
    evidence = [Evidence("a", f"Exercise reduced pain ({n}).", 0, 20, "Exercise", "pain") for n in range(3)]
    mined = MinedArticle(ArticleRecord("a", title="A"), {}, [],
                         [Finding("s", "decreases", "o", evidence[:2]), Finding("s", "increases", "t", evidence[2:])],
                         "Exercise reduced pain.")
    book = Bookkeeping()
    with Store.open(tmp_path / "e.db", writer=True) as store, store.batch():
        book.write(store, mined, "fingerprint")
    report = book.finish()
    assert (report.mined, report.findings, report.evidence) == (1, 2, 3) and report.seconds >= 0
    with Store.open(tmp_path / "e.db") as store:
        assert store.counts()["articles"] == 1
