"""The Ray engine on a local Ray instance gives the same graph as the local engine."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from miner.export.formats import to_json_data
from miner.graph import graph_from_store
from miner.mining import mine
from miner.store import Store
from tests.conftest import SAMPLE

ray = pytest.importorskip("ray", reason="the Ray engine test needs the ray extra (installed by make test)")


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def _graph(db) -> str:
    with Store.open(db) as store:
        return json.dumps(to_json_data(graph_from_store(store)), sort_keys=True)


def test_ray_engine_gives_the_local_graph(tmp_path, nlp, local_ray):
    from miner.distributed import ingest, mine_ray

    mine([SAMPLE], tmp_path / "local.db", nlp=nlp)
    report = mine_ray([SAMPLE], tmp_path / "ray.db", workers=2, batch_size=4)
    assert report.mined == 6 and not report.problems
    assert _graph(tmp_path / "ray.db") == _graph(tmp_path / "local.db")

    again = mine_ray([SAMPLE], tmp_path / "ray.db", workers=2)
    assert again.mined == 0 and again.unchanged == 6

    mine_ray([SAMPLE], tmp_path / "unused.db", workers=2, shards=tmp_path / "shards")
    merged = ingest([tmp_path / "shards"], tmp_path / "merged.db")
    assert merged.mined == 6
    assert _graph(tmp_path / "merged.db") == _graph(tmp_path / "local.db")


def test_shards_carry_every_article_whatever_the_store(tmp_path, nlp, local_ray):
    """Shards made while the --db store already holds the articles still merge whole into a new store."""
    from miner.distributed import ingest, mine_ray

    mine([SAMPLE], tmp_path / "local.db", nlp=nlp)
    report = mine_ray([SAMPLE], tmp_path / "local.db", workers=2, shards=tmp_path / "shards")
    assert not report.problems and not report.failed
    merged = ingest([tmp_path / "shards"], tmp_path / "new.db")
    assert (merged.mined, merged.unchanged, merged.problems) == (6, 0, [])
    assert _graph(tmp_path / "new.db") == _graph(tmp_path / "local.db")


def _strict_corpus(folder):
    """Two good files, then an empty one (the first problem), a good one and another empty one."""
    folder.mkdir()
    (folder / "a-yoga.md").write_bytes((SAMPLE / "rct-yoga-low-back-pain.md").read_bytes())
    (folder / "b-treadmill.txt").write_bytes((SAMPLE / "animal-treadmill-cci.txt").read_bytes())
    (folder / "c-empty.txt").write_bytes(b"")
    (folder / "d-news.txt").write_bytes((SAMPLE / "news-swimming-nerve-pain.txt").read_bytes())
    (folder / "e-empty.txt").write_bytes(b"")
    return folder


def test_strict_stops_a_ray_run_at_the_first_bad_file_and_keeps_what_was_mined(tmp_path, local_ray):
    """As the local engine does: the same message and exit code. The run is a process of
    its own (a second driver on this Ray instance, through --address), so that whatever
    Ray Data leaves running after the stop ends with it, not inside pytest."""
    from click.testing import CliRunner

    from miner.cli import cli

    folder = _strict_corpus(tmp_path / "corpus")
    stop = "Error: stopped at the first problem (--strict): c-empty.txt: empty file"
    done = subprocess.run(
        [sys.executable, "-m", "miner.cli", "mine", str(folder), "--db", str(tmp_path / "ray.db"), "--engine", "ray",
         "--address", ray.get_runtime_context().gcs_address, "--workers", "1", "--batch-size", "4", "--strict"],
        capture_output=True, text=True, timeout=900)
    said = done.stderr.splitlines()
    assert done.returncode == 1, done.stderr
    assert said[-1] == stop and "Traceback" not in done.stderr
    assert [line for line in said if line.startswith("skipped")] == ["skipped: c-empty.txt: empty file"]
    with Store.open(tmp_path / "ray.db") as store:
        assert [a.id for a in store.articles()] == ["a-yoga.md", "b-treadmill.txt"]

    local = CliRunner().invoke(cli, ["mine", str(folder), "--db", str(tmp_path / "local.db"), "--workers", "1",
                                     "--strict"])
    assert (local.exit_code, local.stderr.splitlines()[-1]) == (1, stop)


def test_strict_with_shards_is_refused_in_one_line(tmp_path):
    from click.testing import CliRunner

    from miner.cli import cli

    folder = _strict_corpus(tmp_path / "corpus")
    refused = CliRunner().invoke(cli, ["mine", str(folder), "--db", str(tmp_path / "e.db"), "--engine", "ray",
                                       "--shards", str(tmp_path / "shards"), "--strict"])
    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        "Error: --strict stops at the first problem, and with --shards the problems go into the shards unseen: "
        "mine without --shards to stop at one, or let 'miner ingest' name them"]
    assert not (tmp_path / "shards").exists() and not (tmp_path / "e.db").exists()


def test_ingest_of_a_folder_without_shards_is_an_error(tmp_path):
    from miner.distributed import ingest
    from miner.errors import MinerError

    (tmp_path / "empty").mkdir()
    with pytest.raises(MinerError, match="no shards in"):
        ingest([tmp_path / "empty"], tmp_path / "new.db")
    assert not (tmp_path / "new.db").exists()


def test_a_ray_run_warns_of_no_deprecated_argument(tmp_path, local_ray):
    """Ray logs (and warns) when miner passes an argument it has deprecated; a run shows none."""
    import logging
    import warnings

    from miner.distributed import mine_ray

    messages: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: messages.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("ray.data")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            mine_ray([SAMPLE / "rct-yoga-low-back-pain.md"], tmp_path / "ray.db", workers=1)
    finally:
        logger.removeHandler(handler)
    said = messages + [str(w.message) for w in caught if w.filename.endswith(("miner/distributed.py",))
                       or "argument" in str(w.message)]
    assert [m for m in said if "deprecated" in m.lower()] == []
