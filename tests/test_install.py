"""A non-editable install works: the wheel carries the package and every file of ``models/``.

The wheel is built offline from a copy of the sources (``pip wheel --no-deps
--no-build-isolation``) and installed with ``--no-deps`` into a fresh venv that borrows
the test venv's libraries through a ``.pth`` line (so nothing is downloaded, and the
checkout's editable install is not on the new venv's path). The installed ``miner``
then mines the sample from a folder that is not the checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import SAMPLE

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _tracked(folder: str) -> list[str]:
    """Files under ``folder`` of the checkout (caches and build leftovers left out)."""
    base = ROOT / folder
    return sorted(p.relative_to(ROOT).as_posix() for p in base.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".pyc"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in ("miner", "models"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                           "-q", "-w", str(out), str(source)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("miner-*.whl")
    return built


def test_the_wheel_holds_every_module_and_every_model_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = [name for name in _tracked("miner")]
    assert [m for m in modules if m not in names] == []
    models = ["miner_models/" + name.removeprefix("models/") for name in _tracked("models")]
    # the trained pipeline as spaCy saves it: files without a suffix, in sub-folders
    assert {"miner_models/pipeline/config.cfg", "miner_models/pipeline/tokenizer",
            "miner_models/pipeline/ner/model", "miner_models/pipeline/vocab/strings.json"} <= set(models)
    assert [m for m in models if m not in names] == []


def test_the_installed_wheel_mines_the_sample(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # the test venv's libraries, appended to the path (its own .pth hooks, such as the
    # checkout's editable install, are not run from a directory added this way)
    (site / "borrowed.pth").write_text(sysconfig.get_path("purelib") + "\n")
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                           "--no-index", "-q", str(wheel)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr

    work = tmp_path / "elsewhere"
    shutil.copytree(SAMPLE, work / "sample")
    env = {k: v for k, v in os.environ.items() if k not in ("MINER_MODELS", "PYTHONPATH")}
    where = subprocess.run([str(python), "-c", "import miner, miner.pipeline.lexicon as l; "
                            "print(miner.__file__); print(l.default_models_dir())"],
                           cwd=work, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert all(Path(p).is_relative_to(site) for p in where), where  # the installed copy, not the checkout
    weights = Path("pipeline") / "ner" / "model"
    assert (Path(where[1]) / weights).read_bytes() == (ROOT / "models" / weights).read_bytes()

    miner = env_dir / "bin" / "miner"
    mined = subprocess.run([str(miner), "mine", "sample", "--db", "e.db", "--workers", "1"], cwd=work, env=env,
                           capture_output=True, text=True)
    assert mined.returncode == 0, mined.stderr
    exported = subprocess.run([str(miner), "export", "--db", "e.db", "-o", "graph.json"], cwd=work, env=env,
                              capture_output=True, text=True)
    assert exported.returncode == 0, exported.stderr
    graph = json.loads((work / "graph.json").read_text(encoding="utf-8"))
    assert len(graph["graph"]["articles"]) == 6
    names = {node["name"] for node in graph["nodes"]}
    assert {"Swimming", "TNF-α", "Yoga"} <= names
