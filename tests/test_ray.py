"""The Ray engine on a local Ray instance gives the same graph as the local engine."""

from __future__ import annotations

import json

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
