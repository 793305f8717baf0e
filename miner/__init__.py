"""miner: text mining of the evidence on exercise and pain into an evidence graph.

The data path runs through these layers, each talking only to the next:

``miner.articles`` (files -> Article) -> ``miner.pipeline`` (spaCy Doc with entities,
effect sizes and relations, as plain offsets) -> ``miner.evidence`` (spaCy-free
Finding/Evidence records) -> ``miner.store`` (SQLite) -> ``miner.graph`` (networkx
MultiDiGraph) -> ``miner.export`` and ``miner.cli``.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
