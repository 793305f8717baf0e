"""What identifies the pipeline's output, computed from files alone (no spaCy import).

Kept apart from :mod:`miner.pipeline.build` so that re-mining an unchanged folder
recognises every article without importing spaCy or building anything.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from miner.pipeline.lexicon import default_models_dir


def default_config_path() -> Path:
    return default_models_dir() / "pipeline.cfg"


def pipeline_fingerprint(config: Path | str | None = None) -> str:
    """A hash of what determines the pipeline's output: config, lexicon, patterns, code.

    Computed from files alone (the pipeline need not be built), so an unchanged folder
    is recognised without loading anything. The store re-mines an article when it
    changes.
    """
    import miner

    digest = hashlib.sha1()
    path = Path(config) if config else default_config_path()
    digest.update(path.read_bytes())
    digest.update(miner.__version__.encode())
    models = default_models_dir()
    for item in sorted(models.glob("lexicon/*.tsv")) + sorted(models.glob("patterns/*.json")):
        digest.update(item.read_bytes())
    code = Path(__file__).resolve().parent
    for item in sorted(code.glob("*.py")):
        digest.update(item.read_bytes())
    return digest.hexdigest()[:16]
