"""The SQLite evidence store."""

from miner.store.sqlite import Store

__all__ = ["Store"]
