"""The command line through click's CliRunner."""

from __future__ import annotations

import json

from click.testing import CliRunner

from miner.cli import EXIT_SKIPPED, cli
from tests.conftest import SAMPLE


def _run(*args):
    return CliRunner().invoke(cli, list(map(str, args)), catch_exceptions=False)


def test_mine_inspect_export(tmp_path):
    db = tmp_path / "e.db"
    result = _run("mine", SAMPLE, "--db", db)
    assert result.exit_code == 0, result.output
    assert "6 articles mined" in result.stderr

    shown = _run("inspect", "--db", db, "--subject", "swimming", "--object", "TNF")
    assert "Swimming (MESH:D013550) --decreases--> TNF-α (HGNC:11892)" in shown.stdout
    assert "Levels of the inflammatory cytokines TNF-α" in shown.stdout

    lines = _run("inspect", "--db", db, "--relation", "no_effect", "--json").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert records and all(r["relation"] == "no_effect" for r in records)
    assert {"subject", "object", "support", "evidence"} <= set(records[0])

    for fmt in ("json", "graphml", "gexf", "csv"):
        out = tmp_path / f"g.{fmt}"
        result = _run("export", "--db", db, "--format", fmt, "-o", out)
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0


def test_inspect_matches_synonyms_and_ids(tmp_path):
    db = tmp_path / "e.db"
    _run("mine", SAMPLE, "--db", db)
    by_synonym = _run("inspect", "--db", db, "--object", "tumour necrosis factor alpha", "--json").stdout
    by_id = _run("inspect", "--db", db, "--object", "HGNC:11892", "--json").stdout
    assert by_synonym and by_synonym == by_id


def test_skipped_files_exit_code_and_one_line_each(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "a.txt").write_text("Yoga reduced pain.")
    (folder / "b.docx").write_bytes(b"PK\x03\x04")
    (folder / "c.txt").write_bytes(b"")
    result = _run("mine", folder, "--db", tmp_path / "e.db")
    assert result.exit_code == EXIT_SKIPPED
    problem_lines = [line for line in result.stderr.splitlines() if line.startswith("skipped")]
    assert problem_lines == ["skipped: b.docx: unsupported file type '.docx'", "skipped: c.txt: empty file"]
    assert "Traceback" not in result.output


def test_errors_are_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["inspect", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [f"Error: {tmp_path / 'none.db'}: no such store; mine something "
                                                  f"first (miner mine FOLDER --db {tmp_path / 'none.db'})"]


def test_every_command_has_an_example_in_its_help():
    for name in ("mine", "export", "inspect"):
        assert "Example:" in _run(name, "-h").stdout
