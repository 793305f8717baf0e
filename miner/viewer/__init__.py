"""``miner view``: the evidence graph as one self-contained HTML page.

The page inlines Cytoscape.js (vendored, see ``vendor/README.md``) and the graph, so it
opens with no network; its Content-Security-Policy forbids any request. Text from the
articles enters the page only as JSON inside a ``<script type="application/json">``
element, with ``<``, ``>`` and ``&`` escaped, and is put into the document with
``textContent``: an article cannot inject markup or script.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from importlib import resources
from typing import Any

import networkx as nx

from miner.export.formats import to_json_data


@lru_cache(maxsize=1)
def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def safe_json(data: Any) -> str:
    """JSON that can sit inside a <script> element: no '<', '>' or '&' left raw."""
    text = json.dumps(data, ensure_ascii=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def select(graph: nx.MultiDiGraph, max_nodes: int | None) -> nx.MultiDiGraph:
    """The ``max_nodes`` concepts with the most support (summed over their findings) and
    the findings between them."""
    if max_nodes is None or graph.number_of_nodes() <= max_nodes:
        return graph
    weight: Counter[str] = Counter()
    for u, v, attrs in graph.edges(data=True):
        weight[u] += int(attrs.get("support") or 1)
        weight[v] += int(attrs.get("support") or 1)
    ranked = sorted(graph.nodes, key=lambda n: (-weight[n], -(graph.in_degree(n) + graph.out_degree(n)),
                                                -int(graph.nodes[n].get("mentions", 0) or 0), n))
    return graph.subgraph(ranked[:max_nodes]).copy()


def render_page(graph: nx.MultiDiGraph, max_nodes: int | None = 400, top: int = 60) -> str:
    """The page for ``graph``: its ``max_nodes`` best-supported concepts and the findings
    between them, of which the ``top`` best supported are drawn first (the page says how
    many it leaves out; its controls draw more)."""
    data = to_json_data(select(graph, max_nodes))
    data["view"] = {
        "top": top,
        "concepts": graph.number_of_nodes(),
        "findings": graph.number_of_edges(),
        # species and anatomy by name, also where their node is not on the page
        "names": {n: a.get("name", n) for n, a in graph.nodes(data=True) if a.get("type") in ("species", "anatomy")},
    }
    script = _asset("vendor/cytoscape.min.js").replace("</script", "<\\/script")
    page = _asset("page.html")
    return page.replace("__GRAPH_DATA__", safe_json(data)).replace("__CYTOSCAPE__", script)
