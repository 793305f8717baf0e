"""``miner inspect`` as a user meets it: piped into head, at 80 columns, and which
concepts a filter selects."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from miner.cli import cli


def _inspect(db, *args: str, env: dict[str, str] | None = None):
    return CliRunner(env=env).invoke(cli, ["inspect", "--db", str(db), *args])


def _miner() -> list[str]:
    return [sys.executable, "-c", "from miner.cli import main; main()"]


def test_a_reader_that_stops_early_ends_it_quietly(sample_db):
    """`miner inspect --json | head -1`: no "Broken pipe" error, exit 0."""
    for args in (["--json", "--limit", "0"], ["--limit", "0"]):
        process = subprocess.Popen([*_miner(), "inspect", "--db", str(sample_db), *args],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        process.stdout.close()  # the reader is gone before the first line
        stderr = process.stderr.read().decode()
        assert process.wait() == 0, stderr
        assert "Broken pipe" not in stderr and "Traceback" not in stderr and "Exception ignored" not in stderr


def test_the_table_fits_80_columns_without_cutting_names(sample_db):
    result = _inspect(sample_db, "--limit", "0", env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines and max(len(line) for line in lines) <= 80
    assert "…" not in result.stdout
    table_words = set(result.stdout.replace("│", " ").split())
    records = [json.loads(line) for line in _inspect(sample_db, "--json", "--limit", "0").stdout.splitlines()]
    for record in records:  # every word of every name is there whole
        for name in (record["subject_name"], record["object_name"]):
            assert set(name.split()) <= table_words, name
    assert "MESH:D" not in result.stdout  # ids only on request
    assert "MESH:D" in _inspect(sample_db, "--ids", env={"COLUMNS": "80"}).stdout
    wide = _inspect(sample_db, env={"COLUMNS": "160"}).stdout
    assert "confidence" in wide and "species" in wide and "confidence" not in result.stdout


def test_a_name_selects_that_concept_not_those_containing_the_word(sample_db):
    rows = [json.loads(line) for line in _inspect(sample_db, "--object", "control", "--json", "--limit", "0").stdout
            .splitlines()] + [json.loads(line) for line in _inspect(sample_db, "--subject", "control", "--json",
                                                                    "--limit", "0").stdout.splitlines()]
    assert all("MESH:D014850" not in (r["subject"], r["object"]) for r in rows)  # not "Wait-list control"
    said = _inspect(sample_db, "--subject", "control").stderr
    assert "also in the names of Wait-list control (MESH:D014850); not included" in said

    named = _inspect(sample_db, "--object", "inflammatory", "--json", "--limit", "0")
    assert "'inflammatory' names no concept; taking those whose names contain it: Anti-inflammatory" in named.stderr
    assert {json.loads(line)["object"] for line in named.stdout.splitlines()} <= {
        "MINER:anti-inflammatory-cytokines", "MINER:pro-inflammatory-cytokines"}
    assert named.stdout
    pattern = _inspect(sample_db, "--subject", "*exercise", "--json", "--limit", "0").stdout.splitlines()
    subjects = {json.loads(line)["subject"] for line in pattern}  # names and synonyms ("swimming exercise")
    assert {"MINER:treadmill-exercise", "MINER:aerobic-exercise"} <= subjects and "MESH:D015013" not in subjects


def test_a_filter_that_matches_no_concept_says_so(sample_db):
    result = _inspect(sample_db, "--subject", "nonexistent")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: no concept matches 'nonexistent' in {sample_db}"
    assert result.stdout == ""
    empty = _inspect(sample_db, "--subject", "yoga", "--object", "TNF")
    assert empty.exit_code == 0 and empty.stdout == ""
    assert empty.stderr.strip().endswith("0 of 0 findings shown (none matches these filters)")
