"""A run killed with SIGKILL at random points, then re-run, ends with exactly the graph of
an uninterrupted run: every committed batch survives, and nothing half-written does."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from miner.export.formats import to_json_data
from miner.graph import graph_from_store
from miner.errors import StoreError
from miner.store import Store
from tests.conftest import SAMPLE


def _corpus(folder: Path, copies: int) -> list[Path]:
    """Renamed copies of the sample's plain-text articles (their ids are their paths)."""
    folder.mkdir()
    sources = sorted(p for p in SAMPLE.iterdir() if p.suffix in (".txt", ".md"))
    for i in range(copies):
        for path in sources:
            (folder / f"c{i:02d}-{path.name}").write_bytes(path.read_bytes())
    return sources


def _command(folder: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "miner.cli", "mine", str(folder), "--db", str(db), "--workers", "1",
            "--batch-size", "2", "-q"]


def _graph(db: Path) -> str:
    with Store.open(db) as store:
        return json.dumps(to_json_data(graph_from_store(store)), sort_keys=True)


def _articles(db: Path) -> int:
    with Store.open(db, create=False) as store:
        return store.counts()["articles"]


def _articles_so_far(db: Path) -> int:
    """The articles the running miner has committed; 0 while it is still creating the
    store (the SQLite file exists before its tables do, and a store without them is
    refused, rightly)."""
    try:
        return _articles(db) if db.exists() else 0
    except StoreError:
        return 0


def test_sigkill_at_random_points_then_rerun(tmp_path):
    folder = tmp_path / "corpus"
    total = 24 * len(_corpus(folder, 24))
    reference = tmp_path / "reference.db"
    subprocess.run(_command(folder, reference), check=True, capture_output=True)

    db = tmp_path / "killed.db"
    rng = random.Random(7)
    killed_at = []
    for target in sorted(rng.sample(range(4, total - 8), 3)):
        process = subprocess.Popen(_command(folder, db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            if _articles_so_far(db) >= target:
                time.sleep(rng.uniform(0, 0.2))  # anywhere in the next batch
                os.kill(process.pid, signal.SIGKILL)
                break
            time.sleep(0.02)
        process.wait()
        assert process.returncode == -signal.SIGKILL, "the run ended before it could be killed"
        count = _articles(db)  # the store opens, and holds whole batches only
        assert count % 2 == 0 and count < total
        killed_at.append(count)
    final = subprocess.run(_command(folder, db), capture_output=True, text=True)
    assert final.returncode == 0, final.stderr
    assert _articles(db) == total
    assert _graph(db) == _graph(reference)
