"""The export contract: a copy of the evidence-graph JSON schema (``miner.evidence-graph/1``).

Kept in the package so that tests and ``miner export --validate`` need nothing outside
the project. It must stay identical to the shared contract it was copied from.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def evidence_graph_schema() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("evidence-graph.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def validate_graph_json(data: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` if ``data`` breaks the contract."""
    import jsonschema

    jsonschema.validate(data, evidence_graph_schema(), cls=jsonschema.Draft202012Validator)
