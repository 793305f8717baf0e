"""Worker processes: they die with their parent, never hold the store on their own, and a
worker that dies never costs a batch silently (issue 13)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from miner.mining import mine
from miner.store import Store
from tests.robustness.test_kill import _articles, _corpus

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process parents from /proc")


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def _mine_command(folder: Path, db: Path, workers: int = 2) -> list[str]:
    return [sys.executable, "-m", "miner.cli", "mine", str(folder), "--db", str(db), "--workers", str(workers),
            "--batch-size", "1", "-q"]


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_with_their_parent_and_the_store_stays_usable(tmp_path, sig):
    folder = tmp_path / "corpus"
    _corpus(folder, 30)
    db = tmp_path / "e.db"
    parent = subprocess.Popen(_mine_command(folder, db), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and parent.poll() is None:
            workers = _children(parent.pid)
            if len(workers) >= 2 and db.exists() and _articles(db) >= 2:
                break
            time.sleep(0.05)
        assert len(workers) >= 2 and parent.poll() is None, "the run ended before its workers could be seen"
        parent.send_signal(sig)
        parent.wait(30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.1)
        assert not any(_alive(w) for w in workers), "workers outlived their parent"
    finally:
        parent.kill()
        for worker in workers:  # only the workers this test started
            if _alive(worker):
                os.kill(worker, signal.SIGKILL)
    again = subprocess.run(_mine_command(folder, db, workers=1), capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert _articles(db) == len(list(folder.iterdir()))


def test_a_lock_held_only_by_a_dead_miners_leftover_does_not_block(tmp_path):
    """A process that inherited the lock (a child forked by a miner that died) while the
    miner named in the lock file is gone: the lock is stale and is taken over."""
    db = tmp_path / "e.db"
    Store.open(db).close()
    ready = tmp_path / "ready"
    # A parent takes the write lock and forks a child that keeps the inherited lock
    # descriptor (as an old worker would), then the parent dies.
    script = f"""
import os, sys, time
from pathlib import Path
from miner.store import sqlite
lock = sqlite._write_lock(Path({str(db)!r}))
copy = os.dup(lock.fileno())  # a copy of the descriptor that no fork hook knows about
child = os.fork()
if child == 0:
    time.sleep(0.3)
    Path({str(ready)!r}).write_text(str(os.getpid()))
    time.sleep(60)
    os._exit(0)
os._exit(0)
"""
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    deadline = time.monotonic() + 20
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    leftover = int(ready.read_text())
    try:
        assert _alive(leftover)
        with Store.open(db, writer=True) as store:  # not "another miner is writing (pid N)"
            assert store.counts()["articles"] == 0
    finally:
        os.kill(leftover, signal.SIGKILL)


def test_a_lock_whose_holder_lives_still_blocks(tmp_path):
    db = tmp_path / "e.db"
    with Store.open(db, writer=True):
        from miner.errors import StoreError

        with pytest.raises(StoreError, match="another miner is writing to this store"):
            Store.open(db, writer=True)


def test_a_worker_killed_mid_run_costs_no_article(tmp_path, nlp, monkeypatch):
    """The first worker to mine ``0die.txt`` is killed; the pool breaks while the next
    batches are being submitted. Every article still ends up in the store, or is named."""
    import miner.mining as mining
    from miner.articles import readers

    folder = tmp_path / "corpus"
    folder.mkdir()
    names = ["0die.txt", *(f"a{i:02d}.txt" for i in range(12))]
    for name in names:
        (folder / name).write_text(f"In {name}, swimming reduced TNF-alpha in rats with nerve injury (p < 0.05).\n")
    parent = os.getpid()
    real_mine_batch = mining._mine_batch
    real_read = readers.read_text_file

    def mine_batch(nlp, batch):
        if os.getpid() != parent and any(a.source == "0die.txt" for a in batch):
            os.kill(os.getpid(), signal.SIGKILL)
        return real_mine_batch(nlp, batch)

    def read_slowly(path, name):
        if name == "a00.txt":
            time.sleep(1.5)  # the dead worker is noticed while this batch is read
        yield from real_read(path, name)

    monkeypatch.setattr(mining, "_mine_batch", mine_batch)
    monkeypatch.setitem(readers.READERS, ".txt", read_slowly)
    problems = []
    report = mine([folder], tmp_path / "e.db", nlp=nlp, workers=2, batch_size=1, on_problem=problems.append)
    with Store.open(tmp_path / "e.db") as store:
        stored = {a.source for a in store.articles()}
    failed = {p.path for p in report.failed}
    assert stored | failed == set(names), f"lost: {set(names) - stored - failed}"
    assert report.mined + len(report.failed) == len(names)
