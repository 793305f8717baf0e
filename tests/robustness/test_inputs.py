"""The battery of bad inputs: each gets the behaviour it must get (issue "Hardening").

Every skipped file is named once, on one line, with its reason; the run goes on and keeps
everything else; no input gives a traceback.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from miner.cli import EXIT_SKIPPED, cli
from miner.mining import mine
from miner.store import Store

GOOD = "Swimming reduced TNF-α in rats with nerve injury (p < 0.05).\n"


def _mine(folder: Path, db: Path, *args: str):
    result = CliRunner().invoke(cli, ["mine", str(folder), "--db", str(db), "--workers", "1", *args])
    assert "Traceback" not in result.output
    return result


def _problems(result) -> dict[str, str]:
    lines = [line[len("skipped: "):] for line in result.stderr.splitlines() if line.startswith("skipped: ")]
    out = {}
    for line in lines:
        name, _, reason = line.partition(": ")
        assert name not in out, f"{name} reported twice"
        out[name] = reason
    return out


@pytest.fixture()
def folder(tmp_path):
    path = tmp_path / "corpus"
    path.mkdir()
    (path / "good.txt").write_text(GOOD)
    return path


def test_the_battery(folder, tmp_path):
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_text("   \n\n\t\n")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "latin1.txt").write_bytes("Caf\xe9 au lait; la douleur a diminu\xe9.".encode("latin-1"))
    (folder / "utf16.txt").write_bytes(GOOD.encode("utf-16"))
    with open(folder / "huge.txt", "wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.truncate(200 * 1024 * 1024)
    (folder / "long-line.txt").write_text("Swimming reduced pain " + "and more pain " * 20000 + ".\n")
    (folder / "bad.json").write_text('{"title": "Broken", "abstract": "Swimming reduced pain"')
    (folder / "half.jsonl").write_text('{"title": "One", "abstract": "Yoga reduced pain."}\n{"title": "Tw')
    (folder / "list.json").write_text('[1, "two", {"title": "Three", "abstract": "Tai chi reduced pain."}]')
    (folder / "page.html").write_text("<html><body><script>alert(1)</script><p>Yoga reduced pain.</p></body></html>")
    (folder / "broken.html").write_bytes(b"<html><body><p>Yoga reduced pain<div><<<>>>&&&\x00")
    (folder / "truncated.html").write_text("<html><head><title>T</title></head><body><p>Yoga reduced pain in <b>older")
    (folder / "odd name ☃ (1).txt").write_text(GOOD)
    (folder / "newline\nname.txt").write_text(GOOD)
    (folder / "french.txt").write_text("La natation réduit la douleur neuropathique chez le rat.\n")
    (folder / "numbers.txt").write_text("\n".join(" | ".join(str(i * j) for j in range(12)) for i in range(300)))
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    (folder / "xxe.xml").write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><PubmedArticleSet>'
        b"<PubmedArticle><MedlineCitation><PMID>77</PMID><Article><ArticleTitle>Yoga &x; eased pain"
        b"</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>")
    (folder / "bomb.xml").write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10) for i in range(9))
        + b"]><PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>78</PMID><Article><ArticleTitle>&j;"
          b"</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>")
    (folder / "cut.xml.gz").write_bytes(b"\x1f\x8b\x08\x00\x00\x00\x00\x00")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog")
    (folder / "sub").mkdir()
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "self.txt").symlink_to(folder / "self.txt")
    (folder / "dangling.txt").symlink_to(folder / "missing.txt")
    (folder / "dir.txt").mkdir()
    (folder / "fifo.txt").unlink(missing_ok=True)
    os.mkfifo(folder / "fifo.txt")

    started = time.perf_counter()
    result = _mine(folder, tmp_path / "e.db")
    assert time.perf_counter() - started < 120
    assert result.exit_code == EXIT_SKIPPED
    problems = _problems(result)
    assert problems["empty.txt"] == "empty file"
    assert problems["blank.md"] == "empty file"
    assert problems["binary.txt"] == "binary file, not text"
    assert problems["latin1.txt"].startswith("not UTF-8 text")
    assert problems["huge.txt"].startswith("file too large (209.7 MB; the limit is")
    assert problems["bad.json"].startswith("invalid JSON")
    assert problems["half.jsonl:2"].startswith("invalid JSON")
    assert problems["list.json#1"].startswith("expected a JSON object")
    assert problems["notes.docx"] == "unsupported file type '.docx'"
    assert problems["broken.html"] == "binary file, not HTML"
    assert "self.txt" in problems and "dangling.txt" in problems
    assert "fifo.txt" in problems
    assert problems["bomb.xml"].startswith("invalid XML (entity expansion refused")
    assert problems["cut.xml.gz"].startswith("cannot read")
    assert problems["broken.pdf"].startswith("unreadable PDF")
    assert "xxe.xml" not in problems
    assert "utf16.txt" not in problems and "french.txt" not in problems and "numbers.txt" not in problems
    with Store.open(tmp_path / "e.db") as store:
        ids = {a.id for a in store.articles()}
    assert {"good.txt", "utf16.txt", "long-line.txt", "page.html", "truncated.html", "odd name ☃ (1).txt",
            "newline\nname.txt", "french.txt", "numbers.txt", "half.jsonl#1", "list.json#3", "PMID:77"} <= ids
    with Store.open(tmp_path / "e.db") as store:
        assert "root:" not in (store.article_text("PMID:77") or "")
    assert "sub/loop/good.txt" not in ids  # the link loop is not followed
    summary = result.stderr.strip().splitlines()[-1]
    assert "articles mined" in summary and "skipped" in summary


def test_strict_stops_at_the_first_problem_and_keeps_what_was_mined(folder, tmp_path):
    (folder / "z-empty.txt").write_bytes(b"")
    result = _mine(folder, tmp_path / "e.db", "--strict")
    assert result.exit_code == 1
    assert "stopped at the first problem (--strict): z-empty.txt: empty file" in result.stderr


def test_a_file_that_vanishes_during_the_run(folder, tmp_path, monkeypatch):
    import miner.articles.textfiles as textfiles

    (folder / "vanishing.txt").write_text(GOOD)
    original = textfiles.read_bytes

    def read_then_vanish(path, name):
        if path.name == "vanishing.txt":
            path.unlink()
        return original(path, name)

    monkeypatch.setattr(textfiles, "read_bytes", read_then_vanish)
    problems = []
    report = mine([folder], tmp_path / "e.db", on_problem=problems.append)
    assert [(p.path, p.reason) for p in problems] == [("vanishing.txt", "file vanished before it could be read")]
    assert report.mined == 1


def test_a_foreign_or_damaged_store_is_refused_not_overwritten(folder, tmp_path):
    foreign = tmp_path / "foreign.db"
    foreign.write_text("a spreadsheet, really")
    result = _mine(folder, foreign)
    assert result.exit_code == 1 and "not a miner store" in result.stderr
    assert foreign.read_text() == "a spreadsheet, really"
    damaged = tmp_path / "damaged.db"
    _mine(folder, damaged)
    data = bytearray(damaged.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    for suffix in ("-wal", "-shm"):
        Path(str(damaged) + suffix).unlink(missing_ok=True)
    damaged.write_bytes(bytes(data))
    result = CliRunner().invoke(cli, ["inspect", "--db", str(damaged)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_two_writers_on_one_store(folder, tmp_path):
    db = tmp_path / "e.db"
    first = Store.open(db, writer=True)
    try:
        result = _mine(folder, db)
        assert result.exit_code == 1
        assert "another miner is writing to this store" in result.stderr
    finally:
        first.close()
    assert _mine(folder, db).exit_code == 0


def test_debug_shows_the_traceback(tmp_path):
    result = CliRunner().invoke(cli, ["--debug", "inspect", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and result.exception is not None
