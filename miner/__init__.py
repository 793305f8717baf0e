"""miner: text mining of the evidence on exercise and pain into an evidence graph.

The data path runs through these layers, each talking only to the next:

``miner.articles`` (files -> Article) -> ``miner.pipeline`` (spaCy Doc with entities,
effect sizes and relations, as plain offsets) -> ``miner.evidence`` (spaCy-free
Finding/Evidence records) -> ``miner.store`` (SQLite) -> ``miner.graph`` (networkx
MultiDiGraph) -> ``miner.export`` and ``miner.cli``.
"""

from __future__ import annotations

import os

# miner runs in parallel by processes (``--workers``), one core each; numpy's BLAS, which
# the recognizer's tok2vec multiplies with, would start a thread per core in every one of
# them and the workers would compete for the cores (two workers: 1.45x the speed of one,
# against 1.98x with one BLAS thread each). Set before numpy is first imported, and only
# where the user has not chosen.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"

__all__ = ["__version__"]
