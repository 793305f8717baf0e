#!/usr/bin/env python
"""``make eval``: miner's scores where its models cannot have fitted, from ../shared.

1. **Cross-validation** on the annotated training abstracts
   (``evidence_inference_exercise/train``): 5 folds by article; each fold's models are
   trained on the other four exactly as ``make train`` trains the shipped ones (cached
   under ``outputs/training/cv``), then the held-out articles are mined and scored.
2. **Dev test set** (``evidence_inference_exercise/gold``, 20 abstracts that no model or
   rule was fitted to), with the shipped pipeline (``models/pipeline``).
3. **Evidence Inference prompts**: the dev prompts (``evidence_inference_exercise``), and
   the prompts of unseen trials of every topic (``evidence_inference_train``, the trials
   whose abstracts are not annotated).

Entities per type; relations per type, lenient and strict (an edge counts only when its
subject and object nodes are the gold concepts); effect attachment, both readings.

    python benchmarks/evaluate.py --shared ../shared [--no-cv] [--json] [--errors]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=ROOT / "outputs" / "training")
    parser.add_argument("--pipeline", type=Path, default=None, help="pipeline to score on the dev set and prompts")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validation")
    parser.add_argument("--no-pretrain", dest="pretrain", action="store_false",
                        help="fold recognizers without the pretrained tok2vec (make train pretrains it)")
    parser.add_argument("--json", action="store_true", help="scores as JSON")
    parser.add_argument("--errors", action="store_true",
                        help="list the dev set's misses and false findings, and write the cross-validation's "
                             "(train/ articles) to WORK/cv/errors.txt and errors.json")
    args = parser.parse_args()

    from miner.evaluate import run
    from miner.pipeline import build_pipeline
    from miner.training.corpus import build_corpora, unlabelled_sources
    from miner.training.crossval import cross_validate, score_articles, score_prompt_file
    from miner.training.pipeline import pretrained_tok2vec
    from miner.training.vectors import unlabelled_inputs

    corpora = args.shared / "corpora"
    exercise = corpora / "evidence_inference_exercise"
    if not exercise.is_dir():
        sys.exit(f"{exercise}: not found; give --shared PATH (the folder with corpora/)")

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.perf_counter()
    out: dict = {}
    text: list[str] = []
    if not args.no_cv:
        build_corpora(exercise / "train", args.work, args.folds)
        texts, leave_out = unlabelled_sources(corpora, exercise / "train")
        unlabelled_inputs(texts, args.work, leave_out)  # the word vectors the fold models read
        # The recognizer's pretrained tok2vec, as make train builds it (reused when it is there).
        pretrained = pretrained_tok2vec(args.work) if args.pretrain else None
        cv, per_fold = cross_validate(args.work, args.folds, pretrained, say)
        out["cross_validation"] = {**cv.to_dict(), "folds": per_fold}
        if args.errors:
            (args.work / "cv" / "errors.json").write_text(json.dumps(cv.to_dict(True), indent=1))
            (args.work / "cv" / "errors.txt").write_text(run.format_gold_errors(cv) + "\n")
            say(f"cross-validation errors: {args.work / 'cv' / 'errors.txt'}")
        text += [f"== Cross-validation on train/ ({args.folds} folds by article; models trained per fold)",
                 run.format_gold(cv), ""]
    nlp = build_pipeline(args.pipeline)
    dev = score_articles(nlp, exercise / "gold")
    out["dev"] = dev.to_dict(args.errors)
    text += ["== Dev test set (gold/, shipped pipeline)", run.format_gold(dev)]
    if args.errors:
        text.append(run.format_gold_errors(dev))
    prompts = score_prompt_file(nlp, exercise / "prompts.jsonl", exercise / "articles")
    out["dev_prompts"] = prompts.to_dict()
    text += ["", "== Evidence Inference prompts of the dev corpus (exercise trials)", run.format_prompts(prompts)]
    annotated = {p.stem for p in (exercise / "train").glob("*.json")}
    ei = corpora / "evidence_inference_train"
    if ei.is_dir():
        every = {json.loads(line)["pmcid"] for line in (ei / "prompts.jsonl").read_text().splitlines() if line.strip()}
        unseen = score_prompt_file(nlp, ei / "prompts.jsonl", ei / "articles", every - annotated)
        out["unseen_prompts"] = unseen.to_dict()
        text += ["", "== Evidence Inference prompts of unseen trials of every topic (not annotated in train/)",
                 run.format_prompts(unseen)]
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps({**out, "seconds": round(seconds, 1)}, indent=1))
        return
    print("\n".join(text))
    print(f"\n({seconds:.0f}s)")


if __name__ == "__main__":
    main()
