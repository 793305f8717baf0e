"""Exports of the evidence graph (JSON, GraphML, GEXF, CSV, Cytoscape.js, Neo4j, JSON Lines, BioC), with readers."""

from miner.export.formats import FORMATS, READERS, STORE_FORMATS, WRITERS, export_graph, to_json_data

__all__ = ["FORMATS", "READERS", "STORE_FORMATS", "WRITERS", "export_graph", "to_json_data"]
