"""The evidence graph (networkx MultiDiGraph)."""

from miner.graph.build import SCHEMA_ID, build_graph, graph_from_store

__all__ = ["SCHEMA_ID", "build_graph", "graph_from_store"]
