"""Faults that lost data or locked users out of a store (issue 13): a prune or a fresh
start on the wrong folder, unreadable folders, file names that are not UTF-8, a damaged
store, the same file reached through two folders, the store's own files in the mined
folder, a store reached through a symbolic link."""

from __future__ import annotations

import os
import random
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from miner.cli import EXIT_SKIPPED, cli
from miner.evidence import ArticleRecord, MinedArticle
from miner.store import Store


def _text(subject: str) -> str:
    return f"In this trial, {subject} reduced TNF-alpha in rats with nerve injury (p < 0.05).\n"


def _folder(path: Path, count: int, prefix: str = "a") -> Path:
    path.mkdir(parents=True, exist_ok=True)
    subjects = ["swimming", "treadmill running", "yoga", "tai chi", "cycling", "walking"]
    for i in range(count):
        (path / f"{prefix}{i:02d}.txt").write_text(_text(subjects[i % len(subjects)]) + f"Article {prefix}{i}.\n")
    return path


def _mine(*args: object):
    result = CliRunner().invoke(cli, ["mine", *map(str, args), "--workers", "1"])
    assert "Traceback" not in result.output, result.output
    return result


def _ids(db: Path) -> set[str]:
    with Store.open(db, create=False) as store:
        return {a.id for a in store.articles()}


def _refused(folder: Path, db: Path, flag: str) -> str:
    """Mine ``folder`` with ``flag`` where nobody can be asked: refused, with one line."""
    result = _mine(folder, "--db", db, flag)
    assert result.exit_code == 1
    [line] = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert "--yes" in line
    return line


# ----------------------------------------------------------------------------- --fresh, --prune

def test_fresh_on_a_store_with_articles_is_refused_without_a_terminal_unless_yes(tmp_path):
    db = tmp_path / "e.db"
    assert _mine(_folder(tmp_path / "corpus", 4), "--db", db).exit_code == 0
    typo = tmp_path / "corpsu"
    typo.mkdir()
    assert "--fresh would forget the 4 articles" in _refused(typo, db, "--fresh")
    assert len(_ids(db)) == 4  # nothing was forgotten
    confirmed = _mine(typo, "--db", db, "--fresh", "--yes")
    assert confirmed.exit_code == 0 and _ids(db) == set()


def test_fresh_on_an_empty_store_asks_nothing(tmp_path):
    result = _mine(_folder(tmp_path / "corpus", 2), "--db", tmp_path / "new.db", "--fresh")
    assert result.exit_code == 0 and len(_ids(tmp_path / "new.db")) == 2


def test_a_prune_of_most_of_the_store_is_refused_without_a_terminal_unless_yes(tmp_path):
    db = tmp_path / "e.db"
    corpus = _folder(tmp_path / "corpus", 12)
    assert _mine(corpus, "--db", db).exit_code == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "--prune not done: it would delete 12 of the 12 stored articles (100%)" in _refused(empty, db, "--prune")
    assert len(_ids(db)) == 12
    # one file gone of twelve: a small prune goes on without asking
    (corpus / "a00.txt").unlink()
    small = _mine(corpus, "--db", db, "--prune")
    assert small.exit_code == 0 and "1 pruned" in small.stderr and len(_ids(db)) == 11
    confirmed = _mine(empty, "--db", db, "--prune", "--yes")
    assert confirmed.exit_code == 0 and _ids(db) == set()


def test_the_library_asks_through_confirm(tmp_path, nlp):
    from miner.mining import mine

    db = tmp_path / "e.db"
    corpus = _folder(tmp_path / "corpus", 3)
    mine([corpus], db, nlp=nlp)
    questions: list[str] = []

    def no(question: str) -> bool:
        questions.append(question)
        return False

    report = mine([tmp_path / "corpus" / "a00.txt"], db, nlp=nlp, prune=True, confirm=no)
    assert report.pruned == 0 and report.prune_refused and len(_ids(db)) == 3
    assert questions == [f"--prune deletes 2 of the 3 articles in {db} (e.g. a01.txt); go on?"]


# ----------------------------------------------------------------------------- unreadable folders

def test_an_unreadable_subfolder_is_named_exits_3_and_is_never_pruned(tmp_path, monkeypatch):
    db = tmp_path / "e.db"
    corpus = _folder(tmp_path / "corpus", 3)
    _folder(corpus / "locked", 3, prefix="b")
    assert _mine(corpus, "--db", db).exit_code == 0
    assert len(_ids(db)) == 6
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(os.fsdecode(path)).name == "locked":  # as chmod 000 does to anyone but root
            raise PermissionError(13, "Permission denied", os.fsdecode(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = _mine(corpus, "--db", db, "--prune", "--yes")
    assert result.exit_code == EXIT_SKIPPED
    assert "skipped: locked/: cannot read the folder (permission denied)" in result.stderr
    assert len(_ids(db)) == 6  # what was mined from it is kept


def test_a_folder_that_cannot_be_read_at_all_as_root_neither(tmp_path):
    """The same with a real permission (only where permissions bind: not as root)."""
    if os.geteuid() == 0:
        pytest.skip("root reads every folder; the test above covers it")
    corpus = _folder(tmp_path / "corpus", 2)
    locked = _folder(corpus / "locked", 2, prefix="b")
    locked.chmod(0)
    try:
        result = _mine(corpus, "--db", tmp_path / "e.db")
    finally:
        locked.chmod(0o755)
    assert result.exit_code == EXIT_SKIPPED and "locked/: cannot read the folder" in result.stderr


# ----------------------------------------------------------------------------- file names

def test_a_file_name_that_is_not_utf8_is_mined_and_stored(tmp_path):
    corpus = _folder(tmp_path / "corpus", 2)
    bad = os.fsencode(corpus) + b"/badbyte\xff\xfe.txt"
    with open(bad, "wb") as handle:
        handle.write(_text("dancing").encode())
    db = tmp_path / "e.db"
    result = _mine(corpus, "--db", db)
    assert result.exit_code == 0, result.stderr
    assert _ids(db) == {"a00.txt", "a01.txt", "badbyte\\xff\\xfe.txt"}
    again = _mine(corpus, "--db", db)
    assert again.exit_code == 0 and "0 articles mined, 3 unchanged" in again.stderr


# ----------------------------------------------------------------------------- damaged store

def _big_store(db: Path, articles: int = 40) -> None:
    """A store of 1.6 MB, most of it the stored texts (which mining does not read)."""
    rng = random.Random(5)
    with Store.open(db, writer=True) as store, store.batch():
        for i in range(articles):
            text = "".join(rng.choices("abcdefghij klmnopqrstuvwxyz", k=60_000))
            record = ArticleRecord(id=f"doc{i:03d}.txt", title=f"Doc {i}", source=f"doc{i:03d}.txt", sha1="x")
            store.write_article(MinedArticle(record, {}, [], [], text))


def test_a_damaged_store_is_refused_with_one_line(tmp_path):
    db = tmp_path / "e.db"
    _big_store(db)
    size = db.stat().st_size
    assert size > 1_000_000
    data = bytearray(db.read_bytes())
    middle = size // 2
    data[middle:middle + 32 * 1024] = random.Random(1).randbytes(32 * 1024)
    db.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    corpus = _folder(tmp_path / "corpus", 1)
    result = _mine(corpus, "--db", db)
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert "the store is damaged" in line and str(db) in line
    assert zlib.crc32(db.read_bytes()) == zlib.crc32(bytes(data))  # left as it was


# ----------------------------------------------------------------------------- the same file twice

def test_the_same_file_through_two_folders_is_one_article(tmp_path):
    corpus = _folder(tmp_path / "corpus", 2)
    _folder(corpus / "sub", 1, prefix="x")
    db = tmp_path / "e.db"
    assert _mine(corpus, "--db", db).exit_code == 0
    assert _ids(db) == {"a00.txt", "a01.txt", "sub/x00.txt"}
    inner = _mine(corpus / "sub", "--db", db)
    assert inner.exit_code == 0 and "0 articles mined, 1 unchanged" in inner.stderr
    both = _mine(corpus, corpus / "sub", "--db", db)  # named twice in one run: read once
    assert both.exit_code == 0 and "0 articles mined, 3 unchanged" in both.stderr
    assert _ids(db) == {"a00.txt", "a01.txt", "sub/x00.txt"}
    support = CliRunner().invoke(cli, ["inspect", "--db", str(db), "--json", "--limit", "0"])
    for line in support.stdout.splitlines():
        import json

        row = json.loads(line)
        articles = [e["article"] for e in row["evidence"]]
        assert len(articles) == len(set(articles)) == row["support"]


def test_a_sub_folder_mined_first_keeps_its_ids_when_the_parent_is_mined(tmp_path):
    corpus = _folder(tmp_path / "corpus", 1)
    _folder(corpus / "sub", 1, prefix="x")
    db = tmp_path / "e.db"
    assert _mine(corpus / "sub", "--db", db).exit_code == 0
    assert _ids(db) == {"x00.txt"}
    outer = _mine(corpus, "--db", db)
    assert outer.exit_code == 0 and "1 articles mined, 1 unchanged" in outer.stderr
    assert _ids(db) == {"x00.txt", "a00.txt"}


# ----------------------------------------------------------------------------- the store's own files

def test_the_stores_own_files_in_the_mined_folder_are_passed_over(tmp_path):
    corpus = _folder(tmp_path / "corpus", 3)
    db = corpus / "evidence.db"
    first = _mine(corpus, "--db", db)
    assert first.exit_code == 0 and "skipped: " not in first.stderr
    (corpus / "a02.txt").unlink()
    again = _mine(corpus, "--db", db, "--prune")
    assert again.exit_code == 0, again.stderr
    assert "skipped: " not in again.stderr and "1 pruned" in again.stderr
    assert _ids(db) == {"a00.txt", "a01.txt"}


# ----------------------------------------------------------------------------- symbolic links

def test_a_symlinked_db_takes_the_lock_of_the_store_it_points_to(tmp_path):
    corpus = _folder(tmp_path / "corpus", 1)
    real = tmp_path / "real.db"
    link = tmp_path / "link.db"
    Store.open(real).close()
    link.symlink_to(real)
    with Store.open(real, writer=True):
        result = _mine(corpus, "--db", link)
        assert result.exit_code == 1 and "another miner is writing to this store" in result.stderr
    assert _mine(corpus, "--db", link).exit_code == 0
    assert _ids(real) == {"a00.txt"} and link.is_symlink()


# ----------------------------------------------------------------------------- reading while mining

def test_a_graph_read_while_mine_commits_is_one_snapshot(tmp_path, nlp, monkeypatch):
    """``mine`` commits a batch between the reads of an export: the graph holds either
    all of the new article or none of it, never its evidence without it."""
    from miner.graph import graph_from_store
    from miner.mining import mine

    db = tmp_path / "e.db"
    mine([_folder(tmp_path / "first", 2)], db, nlp=nlp)
    later = _folder(tmp_path / "later", 2, prefix="z")
    real_concepts = Store.concepts
    calls = []

    def concepts_while_mining(self):
        if not calls:
            calls.append(mine([later], db, nlp=nlp))  # another writer commits, here
        return real_concepts(self)

    monkeypatch.setattr(Store, "concepts", concepts_while_mining)
    with Store.open(db, create=False) as store:
        graph = graph_from_store(store)
    assert calls and calls[0].mined == 2
    listed = {a["id"] for a in graph.graph["articles"]}
    cited = {e["article"] for _, _, data in graph.edges(data=True) for e in data["evidence"]}
    assert cited <= listed, f"evidence of articles not listed: {cited - listed}"
    assert listed == {"a00.txt", "a01.txt"}  # the snapshot from before the commit
    assert len(_ids(db)) == 4


@pytest.mark.parametrize("answer, kept", [(b"n\n", 12), (b"y\n", 0)])
def test_at_a_terminal_a_large_prune_asks(tmp_path, answer, kept):
    import subprocess
    import sys
    import time

    db = tmp_path / "e.db"
    assert _mine(_folder(tmp_path / "corpus", 12), "--db", db).exit_code == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    leader, follower = os.openpty()
    process = subprocess.Popen([sys.executable, "-m", "miner.cli", "mine", str(empty), "--db", str(db), "--prune"],
                               stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    said = b""
    deadline = time.monotonic() + 60
    while b"go on?" not in said and time.monotonic() < deadline:
        said += os.read(leader, 4096)
    assert f"--prune deletes 12 of the 12 articles in {db}".encode() in said
    os.write(leader, answer)
    process.wait(60)
    os.close(leader)
    assert process.returncode == (1 if kept else 0)
    assert len(_ids(db)) == kept
