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
