"""The store: incremental mining, refusing foreign files, transactions."""

from __future__ import annotations

import json
import sqlite3
import shutil

import pytest

from miner.errors import StoreError
from miner.mining import mine
from miner.store import Store
from tests.conftest import SAMPLE


def test_remining_an_unchanged_folder_does_nothing(tmp_path, nlp):
    folder = tmp_path / "corpus"
    shutil.copytree(SAMPLE, folder)
    db = tmp_path / "e.db"
    first = mine([folder], db, nlp=nlp)
    second = mine([folder], db, nlp=nlp)
    assert first.mined == 6 and second.mined == 0 and second.unchanged == 6
    (folder / "rct-yoga-low-back-pain.md").write_text("# Yoga\n\nYoga reduced pain compared with usual care.\n")
    third = mine([folder], db, nlp=nlp)
    assert third.mined == 1 and third.unchanged == 5
    with Store.open(db) as store:
        evidence = [e for f in store.findings(article="rct-yoga-low-back-pain.md") for e in f.evidence]
    assert [e.sentence for e in evidence] == ["Yoga reduced pain compared with usual care."]


def test_a_bad_file_is_reported_and_the_rest_kept(tmp_path, nlp):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "good.txt").write_text("Swimming reduced neuropathic pain in rats.")
    (folder / "bad.txt").write_bytes(b"\xff\xfe\xfd not text \x00")
    problems = []
    report = mine([folder], tmp_path / "e.db", nlp=nlp, on_problem=problems.append)
    assert report.mined == 1 and [p.path for p in problems] == ["bad.txt"]


def test_foreign_files_are_refused_not_overwritten(tmp_path):
    text_file = tmp_path / "notes.db"
    text_file.write_text("my notes")
    with pytest.raises(StoreError, match="not an SQLite file"):
        Store.open(text_file)
    assert text_file.read_text() == "my notes"
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(StoreError, match="not a miner store"):
        Store.open(other)
    with pytest.raises(StoreError, match="no such store"):
        Store.open(tmp_path / "missing.db", create=False)


def test_a_failed_batch_leaves_no_trace(tmp_path, nlp):
    from miner.evidence import ArticleRecord, MinedArticle

    db = tmp_path / "e.db"
    with Store.open(db) as store:
        with pytest.raises(RuntimeError):
            with store.batch():
                store.write_article(MinedArticle(ArticleRecord("x"), {}, [], []))
                raise RuntimeError("killed")
        assert store.counts()["articles"] == 0



def test_every_article_field_has_its_column_and_round_trips(tmp_path):
    from dataclasses import fields

    from miner.evidence import ArticleRecord, MinedArticle
    from miner.store.sqlite import _ARTICLE_STORE_COLUMNS

    record = ArticleRecord("PMID:1", title="Swimming and nerve pain", source="pubmed/PMID_1.xml", pmid="1",
                           pmcid="PMC2", doi="10.1000/x", year=2020, journal="Pain", study_type="animal",
                           species=["NCBITaxon:10116", "NCBITaxon:9606"], sha1="abc")
    assert [f.name for f in fields(record) if getattr(record, f.name) in (None, [])] == []  # every field set
    db = tmp_path / "e.db"
    with Store.open(db) as store:
        with store.batch():
            store.write_article(MinedArticle(record, {}, [], [], "Swimming lowered pain."), pipeline="p1")
        assert store.articles() == [record]
    connection = sqlite3.connect(db)
    columns = [row[1] for row in connection.execute("PRAGMA table_info(articles)")]
    assert columns == ["id", "source", "title", "pmid", "pmcid", "doi", "year", "journal", "study_type", "species",
                       "sha1", "pipeline", "mined_at", "text"]  # the schema as it was
    assert set(columns) == {f.name for f in fields(ArticleRecord)} | set(_ARTICLE_STORE_COLUMNS)
    assert connection.execute("SELECT species, pipeline FROM articles").fetchone() == (
        '["NCBITaxon:10116", "NCBITaxon:9606"]', "p1")
    # A row as stores written before kept it reads the same.
    connection.execute("INSERT INTO articles (id, title, species, sha1) VALUES ('b.txt', 'B', '[]', 'x')")
    connection.commit()
    connection.close()
    with Store.open(db) as store:
        assert store.articles() == [record, ArticleRecord("b.txt", title="B", sha1="x")]

def test_two_workers_give_the_same_store_as_one(tmp_path, nlp):
    from miner.export.formats import to_json_data
    from miner.graph import graph_from_store

    graphs = []
    for workers in (1, 2):
        db = tmp_path / f"w{workers}.db"
        report = mine([SAMPLE], db, nlp=nlp, workers=workers, batch_size=2)
        assert report.mined == 6
        with Store.open(db) as store:
            data = to_json_data(graph_from_store(store))
        graphs.append(json.dumps(data, sort_keys=True))
    assert graphs[0] == graphs[1]


def test_prune_forgets_articles_whose_files_are_gone(tmp_path, nlp):
    folder = tmp_path / "c"
    shutil.copytree(SAMPLE, folder)
    db = tmp_path / "e.db"
    mine([folder], db, nlp=nlp)
    (folder / "news-swimming-nerve-pain.txt").unlink()
    kept = mine([folder], db, nlp=nlp)  # without --prune nothing is forgotten
    assert kept.pruned == 0
    with Store.open(db) as store:
        assert "news-swimming-nerve-pain.txt" in {a.id for a in store.articles()}
    report = mine([folder], db, nlp=nlp, prune=True)
    assert report.pruned == 1 and report.unchanged == 5
    with Store.open(db) as store:
        assert "news-swimming-nerve-pain.txt" not in {a.id for a in store.articles()}
        assert not [f for f in store.findings() if any(e.article == "news-swimming-nerve-pain.txt" for e in f.evidence)]


def test_re_mining_an_unchanged_folder_does_not_load_spacy(tmp_path, nlp):
    """The unchanged path costs reading and hashing only: spaCy is never imported."""
    import subprocess
    import sys

    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("Swimming reduced TNF-α in rats (p < 0.05).\n")
    db = tmp_path / "e.db"
    mine([folder], db, nlp=nlp)
    code = (
        "import sys; from miner.mining import mine; "
        f"report = mine([{str(folder)!r}], {str(db)!r}); "
        "assert report.unchanged == 1 and report.mined == 0, report; "
        "assert 'spacy' not in sys.modules, 'spaCy was imported'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_no_lock_file_is_left_after_a_run(tmp_path, nlp):
    from miner.mining import mine

    db = tmp_path / "e.db"
    mine([SAMPLE / "rct-yoga-low-back-pain.md"], db, nlp=nlp)
    mine([SAMPLE / "rct-yoga-low-back-pain.md"], db, nlp=nlp)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.db"]


def test_a_writer_that_locked_a_removed_lock_file_locks_the_new_one(tmp_path, monkeypatch):
    """B opens the lock file; before B locks it, writer A removes it as it closes and C
    creates and locks a new one. B then holds a lock on a file nobody else uses: it must see
    that and try the file that is there, which C holds."""
    import fcntl

    from miner.errors import StoreError

    db = tmp_path / "e.db"
    lock = tmp_path / "e.db.lock"
    Store.open(db).close()
    real_flock = fcntl.flock
    held: list = []

    def flock_after_a_race(fd, operation):
        if not held:
            lock.unlink()  # A closes
            held.append(open(lock, "a+"))  # C takes the new file
            real_flock(held[0].fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return real_flock(fd, operation)

    monkeypatch.setattr(fcntl, "flock", flock_after_a_race)
    with pytest.raises(StoreError, match="another miner is writing"):
        Store.open(db, writer=True)
    held[0].close()
