#!/usr/bin/env python
"""``make eval``: mine the annotated corpus in ../shared and print miner's scores.

Scores the gold abstracts (entities, relations, effect attachment) and the labelled
Evidence Inference prompts (pair recall, finding recall, direction accuracy), as
``miner evaluate`` defines them. Nothing from ../shared is copied into the project.

    python benchmarks/evaluate.py --shared ../shared [--json] [--errors]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from miner.evaluate import run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--json", action="store_true", help="scores as JSON")
    parser.add_argument("--errors", action="store_true", help="list misses and false findings")
    args = parser.parse_args()
    corpus = args.shared / "corpora" / "evidence_inference_exercise"
    if not corpus.is_dir():
        sys.exit(f"{corpus}: not found; give --shared PATH (the folder with corpora/)")
    started = time.perf_counter()
    gold = run.evaluate_gold(corpus / "gold", mine_them=True)
    prompts = run.evaluate_prompts(corpus / "prompts.jsonl", corpus / "articles", mine_them=True)
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps({**run.report_dict(gold, prompts, args.errors), "seconds": round(seconds, 1)}, indent=1))
        return
    print(run.format_gold(gold))
    if args.errors:
        print(run.format_gold_errors(gold))
    print()
    print(run.format_prompts(prompts))
    if args.errors:
        print(run.format_prompt_errors(prompts))
    print(f"\n({seconds:.0f}s, mining included)")


if __name__ == "__main__":
    main()
