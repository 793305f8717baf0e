"""Exports of the evidence graph (JSON, GraphML, GEXF, CSV), with their readers."""

from miner.export.formats import READERS, WRITERS, export_graph, to_json_data

__all__ = ["READERS", "WRITERS", "export_graph", "to_json_data"]
