"""Where an export may write: ``-o`` on a folder, a symbolic link, a device or pipe, ``-``;
and the temporary files that a killed export leaves behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from miner.cli import cli


def _export(db, *args: str):
    return CliRunner().invoke(cli, ["export", "--db", str(db), *args])


def test_a_folder_is_named_as_a_folder(sample_db, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    result = _export(sample_db, "-o", str(folder))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {folder}: is a folder; give the file to write (e.g. -o {folder}/graph.json)"
    assert list(tmp_path.iterdir()) == [folder] and list(folder.iterdir()) == []  # no temporary file left


def test_a_symbolic_link_keeps_pointing_at_the_new_export(sample_db, tmp_path):
    real = tmp_path / "exports" / "graph.json"
    real.parent.mkdir()
    real.write_text("old")
    os.chmod(real, 0o640)
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    result = _export(sample_db, "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == real
    assert json.loads(real.read_text())["graph"]["schema"] == "miner.evidence-graph/1"
    assert oct(real.stat().st_mode & 0o777) == oct(0o640)  # the replaced file keeps its permissions
    assert sorted(p.name for p in real.parent.iterdir()) == ["graph.json"]


def test_a_pipe_or_device_is_never_replaced(sample_db, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = _export(sample_db, "-o", str(fifo))
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"Error: {fifo}: exists and is a named pipe; refusing to replace it "
                                     "(-o - writes to stdout)")
    assert fifo.is_fifo()
    from miner.errors import ExportError
    from miner.export.formats import export_target

    with pytest.raises(ExportError, match="is a device"):
        export_target("/dev/null")  # checked without writing: as root, a rename would replace the device


def test_dash_writes_to_stdout(sample_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _export(sample_db, "--format", "jsonl", "-o", "-")
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines and {"subject", "relation", "object", "sentence"} <= set(lines[0])
    assert list(tmp_path.iterdir()) == []  # no file named "-"
    graph = json.loads(_export(sample_db, "-o", "-").stdout)
    assert graph["graph"]["schema"] == "miner.evidence-graph/1"
    neo4j = _export(sample_db, "--format", "neo4j", "-o", "-")
    assert neo4j.exit_code == 1 and "folder" in neo4j.stderr


def test_temporary_files_of_killed_exports_are_cleaned_up(sample_db, tmp_path):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stale = tmp_path / f".graph.json.{dead_pid}.k3j2h1.tmp"
        busy = tmp_path / f".graph.json.{alive.pid}.a8s7d6.tmp"
        other = tmp_path / f".other.json.{dead_pid}.q1w2e3.tmp"
        for leftover in (stale, busy, other):
            leftover.write_text("half an export")
        result = _export(sample_db, "-o", str(tmp_path / "graph.json"))
        assert result.exit_code == 0, result.output
        assert not stale.exists()
        assert busy.exists() and other.exists()  # another export still writing; another target
    finally:
        alive.kill()
        alive.wait()


def test_an_export_killed_midway_leaves_the_old_file(sample_db, tmp_path):
    """kill -9 while writing: the target keeps its old content; the next export cleans up."""
    target = tmp_path / "graph.json"
    target.write_text("previous export")
    code = ("import sys, os, signal\n"
            "from miner.export import formats\n"
            "def die(handle):\n"
            "    handle.write('half'); handle.flush(); os.kill(os.getpid(), signal.SIGKILL)\n"
            f"formats.atomic_write({str(target)!r}, die)\n")
    killed = subprocess.run([sys.executable, "-c", code], capture_output=True)
    assert killed.returncode == -9
    assert target.read_text() == "previous export"
    assert len(list(tmp_path.glob(".graph.json.*.tmp"))) == 1
    assert _export(sample_db, "-o", str(target)).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.json"]
