"""What identifies the pipeline's output, computed from files alone (no spaCy import).

Kept apart from :mod:`miner.pipeline.build` so that re-mining an unchanged folder
recognises every article without importing spaCy or building anything.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from miner.pipeline.lexicon import default_models_dir


def default_pipeline_path() -> Path:
    """The trained default pipeline (a spaCy pipeline folder written by ``make train``)."""
    return default_models_dir() / "pipeline"


def pipeline_fingerprint(config: Path | str | None = None) -> str:
    """A hash of what determines the pipeline's output: config and weights, lexicon,
    patterns, code.

    Computed from files alone (the pipeline need not be built), so an unchanged folder
    is recognised without loading anything. The store re-mines an article when it
    changes.
    """
    import miner

    digest = hashlib.sha1()
    path = Path(config) if config else default_pipeline_path()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for item in files:
        digest.update(item.relative_to(path if path.is_dir() else path.parent).as_posix().encode())
        digest.update(item.read_bytes())
    digest.update(miner.__version__.encode())
    models = default_models_dir()
    for item in sorted(models.glob("lexicon/*.tsv")) + sorted(models.glob("patterns/*.json")):
        digest.update(item.read_bytes())
    code = Path(__file__).resolve().parent
    for item in sorted(code.glob("*.py")):
        digest.update(item.read_bytes())
    return digest.hexdigest()[:16]
