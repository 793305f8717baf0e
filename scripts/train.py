#!/usr/bin/env python
"""``make train``: build miner's trained default pipeline from the annotations in ../shared.

1. the annotated training abstracts (``evidence_inference_exercise/train``; never
   ``gold/``, the dev test set) -> spaCy DocBins under ``outputs/training``;
2. unlabelled trial texts (none whose abstract is annotated) -> ``raw.jsonl``, and
   ``spacy pretrain`` of the recognizer's tok2vec on them (``--pretrain-epochs``, 0 for none);
3. ``spacy train training/ner.cfg``: tok2vec, entity recognizer, mention grouper;
4. ``spacy train training/relations.cfg``: the relation classifier;
5. the default pipeline assembled and saved to ``models/pipeline`` with ``TRAINING.json``.

Seeds are fixed (``[system] seed`` in the configs); on 2 cores it takes about 25 minutes.
To train on your own annotations instead, see the README ("Retraining").

    python scripts/train.py --shared ../shared [--out models/pipeline] [--annotations DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PRETRAIN_EPOCHS = 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=ROOT / "outputs" / "training", help="intermediate files")
    parser.add_argument("--out", type=Path, default=ROOT / "models" / "pipeline")
    parser.add_argument("--pretrain-epochs", type=int, default=PRETRAIN_EPOCHS)
    args = parser.parse_args()

    from miner.pipeline import register_components
    from miner.training.corpus import build_corpora, build_raw_text
    from miner.training.pipeline import CONFIGS, assemble, config_digest, pretrain_tok2vec, train_component

    register_components()
    started = time.perf_counter()
    steps: dict[str, float] = {}

    def step(name: str, began: float) -> None:
        steps[name] = round(time.perf_counter() - began, 1)
        print(f"{name}: {steps[name]:.0f}s", file=sys.stderr, flush=True)

    began = time.perf_counter()
    try:
        corpus = build_corpora(args.shared, args.work)
        raw = build_raw_text(args.shared, args.work / "raw.jsonl") if args.pretrain_epochs else None
    except FileNotFoundError as exc:
        sys.exit(f"{exc}; give --shared PATH (the folder with corpora/)")
    step("corpus", began)
    everything, dev = args.work / "all.spacy", args.work / "fold0" / "heldout.spacy"
    overrides = {}
    if args.pretrain_epochs:
        began = time.perf_counter()
        weights = pretrain_tok2vec(CONFIGS / "ner.cfg", args.work / "pretrain", args.work / "raw.jsonl",
                                   everything, dev, args.pretrain_epochs)
        overrides["paths.init_tok2vec"] = str(weights)
        step("pretrain", began)
    began = time.perf_counter()
    ner = train_component(CONFIGS / "ner.cfg", args.work / "ner", everything, dev, overrides)
    step("ner", began)
    began = time.perf_counter()
    relations = train_component(CONFIGS / "relations.cfg", args.work / "relations", everything, dev)
    step("relations", began)
    info = {
        "trained_on": {**corpus, "pretraining_text": raw},
        "configs": {"ner.cfg": config_digest(CONFIGS / "ner.cfg"),
                    "relations.cfg": config_digest(CONFIGS / "relations.cfg")},
        "pretrain_epochs": args.pretrain_epochs,
        "seconds": steps,
    }
    assemble(ner, relations, args.out, info)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(json.dumps({"out": str(args.out), "megabytes": round(size / 1e6, 1),
                      "minutes": round((time.perf_counter() - started) / 60, 1)}))


if __name__ == "__main__":
    main()
