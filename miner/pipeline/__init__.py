"""The spaCy pipeline: load it from ``models/pipeline`` and run it on articles.

``build_pipeline()`` loads the trained default pipeline (scispaCy's tokenizer and
abbreviation detector, lexicon candidates, entity recognizer, mentions, species vetting, effect sizes,
relation classifier, all registered spaCy factories). ``annotate(nlp, articles)`` runs it and yields Docs
whose ``doc._.miner_*`` extensions hold plain data (see :mod:`.extensions`).

The names are loaded on first use (PEP 562), so that code which only needs the
pipeline's fingerprint or the lexicon (re-mining an unchanged folder, the CLI's
start-up) does not pay for importing spaCy.
"""

from __future__ import annotations

import importlib
from typing import Any

from miner.pipeline.fingerprint import default_pipeline_path, pipeline_fingerprint

_LAZY = {name: "miner.pipeline.build" for name in
         ("annotate", "annotate_records", "annotate_text", "build_pipeline", "cached_pipeline", "doc_record", "make_doc",
          "register_components", "tokenizer_pipeline")}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'miner.pipeline' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = ["annotate", "annotate_records", "annotate_text", "build_pipeline", "cached_pipeline", "default_pipeline_path", "doc_record",
           "make_doc", "pipeline_fingerprint", "register_components", "tokenizer_pipeline"]
