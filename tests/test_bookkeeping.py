"""A mining run's bookkeeping (miner.mining.Bookkeeping), shared by the local engine,
the Ray engine and ingest: the report, each problem on it and told, --strict, each
written article counted, the time. No pipeline and no Ray needed."""

from __future__ import annotations

import pytest

from miner.distributed import write_rows
from miner.errors import MinerError, ReadError
from miner.evidence import ArticleRecord, Concept, Evidence, Finding, MinedArticle
from miner.mining import MAX_SYNONYMS, Bookkeeping, MineReport, _with_synonyms
from miner.pipeline.lexicon import Entry, Lexicon
from miner.store import Store


def _told() -> tuple[list[str], Bookkeeping]:
    told: list[str] = []
    return told, Bookkeeping(on_problem=lambda error: told.append(str(error)))


def test_each_problem_goes_on_the_report_and_is_told_and_the_run_goes_on():
    told, book = _told()
    book.problem(ReadError("notes.docx", "not a supported file type"))
    book.problem(ReadError("huge.txt", "failed to mine (ValueError: no)"), failed=True)
    book.problem(ReadError("empty.txt", "empty file"))
    assert [e.path for e in book.report.problems] == ["notes.docx", "empty.txt"]
    assert [e.path for e in book.report.failed] == ["huge.txt"]
    assert told == ["notes.docx: not a supported file type", "huge.txt: failed to mine (ValueError: no)",
                    "empty.txt: empty file"]


def test_strict_stops_at_the_first_problem_after_reporting_and_telling_it():
    told: list[str] = []
    book = Bookkeeping(strict=True, on_problem=lambda error: told.append(str(error)))
    with pytest.raises(MinerError) as stop:
        book.problem(ReadError("c-empty.txt", "empty file"), failed=False)
    assert str(stop.value) == "stopped at the first problem (--strict): c-empty.txt: empty file"
    assert told == ["c-empty.txt: empty file"] and len(book.report.problems) == 1


def _mined(article_id: str, sentences: int) -> MinedArticle:
    evidence = [Evidence(article_id, f"Walking lowered pain scores in week {n}.", 0, 40, "Walking", "pain")
                for n in range(sentences)]
    findings = [Finding("MESH:D016138", "decreases", "MESH:D010146", evidence[:1]),
                Finding("MESH:D016138", "no_effect", "MINER:fatigue", evidence[1:])]
    return MinedArticle(ArticleRecord(article_id, title="Walking and pain"), {}, [], findings, "Walking lowered pain.")


def test_each_written_article_is_stored_and_counted_and_the_run_timed(tmp_path):
    seen: list[MineReport] = []
    notes: list[str] = []
    book = Bookkeeping(on_progress=seen.append, on_note=notes.append)
    with Store.open(tmp_path / "e.db", writer=True) as store, store.batch():
        book.write(store, _mined("walk-1.txt", 3), "pipeline-1")
        book.write(store, _mined("walk-2.txt", 1), "pipeline-1")
    book.progress()
    book.note("a worker process died; its batches were mined again")
    report = book.finish()
    assert (report.mined, report.findings, report.evidence) == (2, 4, 4)
    assert report.seconds > 0 and seen == [report] and report.notes == notes == [
        "a worker process died; its batches were mined again"]
    with Store.open(tmp_path / "e.db") as store:
        assert sorted(a.id for a in store.articles()) == ["walk-1.txt", "walk-2.txt"]
        assert store.article_hashes()["walk-1.txt"][1] == "pipeline-1"


def _row(article_id: str) -> dict:
    return {"kind": "mined", "article": ArticleRecord(article_id, title="Walking").to_dict(),
            "record": {"entities": [], "relations": []}, "path": article_id, "text": "Walking lowered pain."}


def test_a_strict_stop_in_the_rows_keeps_the_articles_mined_before_it(tmp_path):
    """The Ray engine's and ingest's rows: the articles that came before the first
    problem are written, though their batch was not full; none after it is."""
    told, book = _told()
    book.strict = True
    rows = [_row("a.txt"), _row("b.txt"), {"kind": "problem", "path": "c.txt", "reason": "empty file"},
            _row("d.txt"), {"kind": "problem", "path": "e.txt", "reason": "empty file"}]
    with Store.open(tmp_path / "e.db", writer=True) as store:
        with pytest.raises(MinerError, match=r"^stopped at the first problem \(--strict\): c.txt: empty file$"):
            write_rows(store, iter(rows), "pipeline-1", book, batch_size=32)
    assert told == ["c.txt: empty file"] and (book.report.read, book.report.mined) == (2, 2)
    with Store.open(tmp_path / "e.db") as store:
        assert sorted(a.id for a in store.articles()) == ["a.txt", "b.txt"]


def test_without_strict_the_rows_are_all_written_and_each_problem_told(tmp_path):
    told, book = _told()
    rows = [_row("a.txt"), {"kind": "problem", "path": "c.txt", "reason": "empty file"}, _row("d.txt"),
            {"kind": "failed", "path": "f.txt", "reason": "failed to mine"}]
    with Store.open(tmp_path / "e.db", writer=True) as store:
        seen = write_rows(store, iter(rows), "pipeline-1", book, batch_size=1)
    report = book.finish()
    assert seen == {"a.txt", "d.txt"} and report.mined == 2 and told == ["c.txt: empty file", "f.txt: failed to mine"]
    assert [e.path for e in report.problems] == ["c.txt"] and [e.path for e in report.failed] == ["f.txt"]


def test_a_concept_takes_the_lexicons_name_type_and_other_names():
    entry = Entry(Concept("MESH:D016138", "Walking", "intervention"),
                  terms=("walking", "brisk walking", *(f"walk {n}" for n in range(40))), abbrevs=("BW",))
    lexicon = Lexicon({entry.id: entry})
    found = _with_synonyms(Concept("MESH:D016138", "walking", "outcome"), lexicon)
    assert (found.id, found.name, found.type) == ("MESH:D016138", "Walking", "intervention")
    assert found.synonyms[:2] == ("brisk walking", "walk 0") and len(found.synonyms) == MAX_SYNONYMS
    unknown = Concept("MINER:stroll", "stroll", "intervention")
    assert _with_synonyms(unknown, lexicon) is unknown
