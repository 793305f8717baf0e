#!/usr/bin/env python
"""``make train``: build miner's trained default pipeline from the annotations in ../shared.

1. the annotated training abstracts (``evidence_inference_exercise/train``; never
   ``gold/``, the dev test set) -> spaCy DocBins under ``outputs/training``;
2. unlabelled trial texts (none whose abstract is annotated) -> ``raw.jsonl``; word
   vectors learned from them (floret, :mod:`miner.training.vectors`) and ``spacy
   pretrain`` of the recognizer's tok2vec on them (``--pretrain-epochs``, 0 for none);
3. ``spacy train training/ner.cfg``: tok2vec, entity recognizer, mention grouper;
4. ``spacy train training/relations.cfg``: the relation classifier;
5. the default pipeline assembled and saved to ``models/pipeline`` with ``TRAINING.json``;
6. the concept judge fitted on out-of-fold concepts: five fold pipelines trained as in
   steps 3-4 without one fold each (the ones ``make eval`` cross-validates with, reused
   when unchanged) read their held-out abstracts, and what they find there, labelled by
   the annotations, is what the judge learns from (:mod:`miner.training.concepts`).

Seeds are fixed (``[system] seed`` in the configs); on 2 cores it takes about 35 minutes.
``--refit-judge`` does step 6 alone on the pipeline at ``--out`` (and sets the assembly's
decision settings on it, e.g. the grouping threshold), keeping its trained weights.
To train on your own annotations instead (README, "Retraining"), give ``--annotations``
(a folder in the gold format) and, for the word vectors and pretraining, ``--texts``
(folders of ``.txt`` articles).

    python scripts/train.py --shared ../shared [--out models/pipeline]
    python scripts/train.py --annotations my/annotations [--texts my/articles ...] [--out DIR]
    python scripts/train.py --refit-judge [--out models/pipeline]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from miner.training.pipeline import PRETRAIN_EPOCHS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=ROOT / "outputs" / "training", help="intermediate files")
    parser.add_argument("--out", type=Path, default=ROOT / "models" / "pipeline")
    parser.add_argument("--annotations", type=Path, default=None,
                        help="annotations in the gold format (default: SHARED/.../evidence_inference_exercise/train)")
    parser.add_argument("--texts", type=Path, nargs="*", default=None,
                        help="folders of unlabelled .txt articles for the word vectors and pretraining "
                             "(default: the trials in SHARED)")
    parser.add_argument("--pretrain-epochs", type=int, default=PRETRAIN_EPOCHS)
    parser.add_argument("--pretrained", type=Path, default=None,
                        help="tok2vec weights from an earlier `spacy pretrain` of training/ner.cfg (skips pretraining)")
    parser.add_argument("--folds", type=int, default=5, help="folds of the out-of-fold concepts for the judge")
    parser.add_argument("--refit-judge", action="store_true",
                        help="only fit the concept judge (and set the assembly's settings) on the pipeline at --out")
    args = parser.parse_args()
    corpora = args.shared / "corpora"
    exercise = corpora / "evidence_inference_exercise"
    annotations = args.annotations or exercise / "train"

    from miner.pipeline import register_components
    from miner.training.corpus import build_corpora, unlabelled_sources
    from miner.training.pipeline import CONFIGS, assemble, config_digest, pretrained_tok2vec, train_component
    from miner.training.vectors import unlabelled_inputs

    # Pretraining and the word vectors never read an article whose abstract is scored
    # (train/ and the dev set gold/).
    texts, leave_out = unlabelled_sources(corpora, annotations)
    if args.texts is not None:
        texts = args.texts

    register_components()
    started = time.perf_counter()
    steps: dict[str, float] = {}

    def step(name: str, began: float) -> None:
        steps[name] = round(time.perf_counter() - began, 1)
        print(f"{name}: {steps[name]:.0f}s", file=sys.stderr, flush=True)

    began = time.perf_counter()
    try:
        corpus = build_corpora(annotations, args.work, args.folds)
        raw, vectors = unlabelled_inputs(texts, args.work, leave_out)
    except FileNotFoundError as exc:
        sys.exit(f"{exc}; give --shared PATH (the folder with corpora/) or --annotations DIR")
    step("corpus and word vectors", began)
    if args.refit_judge:
        if not (args.out / "config.cfg").exists():
            sys.exit(f"{args.out}: no pipeline to refit the judge of")
        pretrained = args.pretrained or (args.work / "pretrain" / "model-last.bin")
        refit_judge(args.out, args.work, args.folds, pretrained if pretrained.exists() else None, steps, step)
        return
    everything, dev = args.work / "all.spacy", args.work / "fold0" / "heldout.spacy"
    overrides = {"paths.vectors": str(vectors)}
    if args.pretrained is not None:
        overrides["paths.init_tok2vec"] = str(args.pretrained)
    elif args.pretrain_epochs:
        began = time.perf_counter()
        weights = pretrained_tok2vec(args.work, args.pretrain_epochs)
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
        "pretrain_epochs": args.pretrain_epochs if args.pretrained is None else f"given: {args.pretrained.name}",
        "seconds": steps,
    }
    assemble(ner, relations, args.out, info)
    weights = overrides.get("paths.init_tok2vec")
    refit_judge(args.out, args.work, args.folds, Path(weights) if weights else None, steps, step)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(json.dumps({"out": str(args.out), "megabytes": round(size / 1e6, 1),
                      "minutes": round((time.perf_counter() - started) / 60, 1)}))


def refit_judge(pipeline: Path, work: Path, folds: int, pretrained: Path | None, steps: dict, step) -> None:
    """Fit the concept judge of the pipeline at ``pipeline`` on the out-of-fold concepts
    of ``folds`` fold pipelines (trained here unless ``make eval`` left them), and set
    the assembly's decision settings; the pipeline's other weights are kept."""
    from miner.pipeline import build_pipeline
    from miner.training.concepts import JUDGE, fit_judge, out_of_fold_rows
    from miner.training.pipeline import ASSEMBLY_SETTINGS, GROUPING_THRESHOLD, with_assembly_settings

    began = time.perf_counter()
    _, rows = out_of_fold_rows(work, folds, pretrained, lambda m: print(m, file=sys.stderr, flush=True))
    nlp = with_assembly_settings(build_pipeline(pipeline, ASSEMBLY_SETTINGS))
    if JUDGE not in nlp.pipe_names:
        nlp.add_pipe(JUDGE, after="miner_entities")
    fit_judge(nlp, rows)
    nlp.to_disk(pipeline)
    step("judge", began)
    record_path = pipeline / "TRAINING.json"
    record = json.loads(record_path.read_text()) if record_path.exists() else {}
    record.update({"pipeline": nlp.pipe_names, "concept_judge": {
        **nlp.get_pipe(JUDGE).cfg["fitted_on"], "folds": folds,
        "corpus_sha1": json.loads((work / "corpus.json").read_text())["sha1"],
        "fold_key": {name: (work / "cv" / "fold0" / f"{name}.key").read_text() for name in ("ner", "relations")},
        "grouping_threshold": GROUPING_THRESHOLD}})
    record.setdefault("seconds", {}).update(steps)
    record_path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
