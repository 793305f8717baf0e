"""The command line through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

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
    table = shown.stdout
    assert "Swimming" in table and "decreases" in table and "TNF-α" in table and "HGNC:11892" in table
    evidence = _run("inspect", "--db", db, "--subject", "swimming", "--object", "TNF", "--evidence").stdout
    assert "Levels of the inflammatory cytokines TNF-α" in evidence

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


def test_inspect_filters(tmp_path):
    db = tmp_path / "e.db"
    _run("mine", SAMPLE, "--db", db)
    rows = lambda *args: [json.loads(x) for x in _run("inspect", "--db", db, "--json", *args).stdout.splitlines()]  # noqa: E731
    assert rows("--species", "mouse") and all(
        e["species"] == "NCBITaxon:10090" for r in rows("--species", "mouse") for e in r["evidence"])
    assert all("hedged" not in e or not e["hedged"] for r in rows("--no-hedged") for e in r["evidence"])
    assert rows("--hedged") and all(e["hedged"] for r in rows("--hedged") for e in r["evidence"])
    types = {r["object"] for r in rows("--type", "biomarker")}
    assert "HGNC:11892" in types and "MESH:D010146" not in {r["object"] for r in rows("--type", "biomarker")
                                                             if r["subject"] != "MESH:D010146"}


def test_show_paths_stats(tmp_path):
    db = tmp_path / "e.db"
    _run("mine", SAMPLE, "--db", db)
    shown = json.loads(_run("show", "tumour necrosis factor alpha", "--db", db, "--json").stdout)
    assert shown["id"] == "HGNC:11892" and "TNF-alpha" in shown["synonyms"]
    assert {i["id"] for i in shown["in"]["decreases"]} >= {"MESH:D013550", "MESH:D026302"}
    chains = json.loads(_run("paths", "swimming", "TNF", "--db", db, "--json").stdout)
    assert chains[0]["links"][0]["relation"] == "decreases" and chains[0]["links"][-1]["target"] == "HGNC:11892"
    assert chains[0]["links"][0]["evidence"]["sentence"]
    stats = json.loads(_run("stats", "--db", db, "--json").stdout)
    assert stats["articles"] == 6 and stats["findings"] == sum(stats["findings_by_relation"].values())
    missing = CliRunner().invoke(cli, ["show", "no such thing", "--db", str(db)])
    assert missing.exit_code == 1 and "no concept matches" in missing.stderr


def test_every_command_has_an_example_in_its_help():
    for name in ("mine", "export", "inspect", "show", "paths", "stats", "view", "evaluate", "ingest"):
        assert "Example:" in _run(name, "-h").stdout


def test_annotate_draws_entities_effects_and_findings(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Swimming reduced TNF-α by 30% (p = 0.01) in rats <b>bold</b>.\n")
    out = tmp_path / "a.html"
    result = _run("annotate", article, "-o", out)
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert "intervention MESH:D013550" in page and "biomarker HGNC:11892" in page and "effect p_value" in page
    assert "<td>decreases</td>" in page
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page


def test_denied_findings_are_shown_as_evidence_against(tmp_path):
    db = tmp_path / "e.db"
    _run("mine", Path(__file__).parent / "fixtures" / "denials", "--db", db)
    rows = [json.loads(x) for x in _run("inspect", "--db", db, "--subject", "IL-6", "--json").stdout.splitlines()]
    by_relation = {r["relation"]: r for r in rows}
    assert by_relation["associated_with"]["support"] == 1 and "denies" not in by_relation["associated_with"]
    assert by_relation["no_effect"]["denies"] == {"associated_with": 2}
    table = _run("inspect", "--db", db, "--subject", "IL-6").stdout
    assert "denies associated_with (2 articles)" in table
    evidence = _run("inspect", "--db", db, "--subject", "IL-6", "--relation", "no_effect", "--evidence").stdout
    assert evidence.count("denies associated_with") == 3  # the finding's line and each of its two sentences
    shown = json.loads(_run("show", "IL-6", "--db", db, "--json").stdout)
    assert shown["out"]["no_effect"][0]["denies"] == {"associated_with": 2}
    assert shown["out"]["associated_with"][0]["conflicts_with"] == ["no_effect"]
