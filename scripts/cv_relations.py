#!/usr/bin/env python
"""Cross-validation of the relation classifier alone, on the annotated mentions.

For each fold of ``outputs/training`` (folds by article, :func:`miner.training.corpus.build_corpora`),
``spacy train training/relations.cfg`` on the fold's ``train.spacy``, then the *last*
model (the one ``make train`` ships) scored on the fold's ``heldout.spacy`` with the
component's own scorer (micro P/R/F1 over (subject, label, object) decisions). The
score of spaCy's ``model-best`` is printed beside it; it is chosen on the held-out
fold, so it is optimistic and only the last model's score counts.

With ``--grid`` the decision thresholds of ``decide()`` are also swept on each fold's
held-out predictions and a setting is chosen leave-one-fold-out (chosen on the other
four folds, scored on the fifth), so that the chosen thresholds' score is honest too.

    python scripts/cv_relations.py --out outputs/exp/cv_base [--config training/relations.cfg] \
        [--set training.max_epochs=15 ...] [--folds 0,1,2,3,4] [--grid]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)
SUBJECT_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)
SUBJECT_FLOORS = (0.0, 0.1, 0.2, 0.3)



def _value(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _counts(component, examples, predictions, settings: dict) -> tuple[int, int, int]:
    saved = dict(component.cfg)
    component.cfg.update(settings)
    tp = fp = fn = 0
    for example, (candidates, object_probs, pair_probs) in zip(examples, predictions):
        object_truth, pair_truth = component._truth(example, candidates)
        gold = {(i, component.labels[int(object_truth[candidates.owner[i]].argmax())])
                for i in range(len(candidates.pairs))
                if pair_truth[i, 1] and object_truth[candidates.owner[i], 0] == 0}
        guessed = {(i, label) for i, label, _ in component.decide(candidates, object_probs, pair_probs)}
        tp += len(gold & guessed)
        fp += len(guessed - gold)
        fn += len(gold - guessed)
    component.cfg.clear()
    component.cfg.update(saved)
    return tp, fp, fn


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--config", type=Path, default=ROOT / "training" / "relations.cfg")
    parser.add_argument("--work", type=Path, default=ROOT / "outputs" / "training")
    parser.add_argument("--set", action="append", default=[], help="config override key=value")
    parser.add_argument("--folds", default="0,1,2,3,4")
    parser.add_argument("--grid", action="store_true", help="sweep decide()'s thresholds, chosen leave-one-fold-out")
    parser.add_argument("--keep", action="store_true", help="keep model-best too")
    parser.add_argument("--rescore", action="store_true", help="score the models already in --out, no training")
    args = parser.parse_args()

    import shutil

    import spacy
    from spacy.training import Corpus  # noqa: F401  (registers the reader machinery)

    from miner.pipeline import register_components
    from miner.training.pipeline import train_component
    from miner.training.readers import training_corpus

    register_components()
    overrides = {}
    for item in args.set:
        key, _, value = item.partition("=")
        overrides[key] = _value(value)
    folds = [int(f) for f in args.folds.split(",")]
    rows, grids = [], []
    for fold in folds:
        began = time.perf_counter()
        train = args.work / f"fold{fold}" / "train.spacy"
        heldout = args.work / f"fold{fold}" / "heldout.spacy"
        out = args.out / f"fold{fold}"
        if not (args.rescore and (out / "model-last").is_dir()):
            train_component(args.config, out, train, heldout, overrides)
        row = {"fold": fold}
        for name in ("model-last", "model-best"):
            if not (out / name).is_dir():
                continue
            nlp = spacy.load(out / name)
            examples = list(training_corpus(heldout, with_mentions=True)(nlp))
            for example in examples:
                for _, component in nlp.pipeline[:-1]:
                    component(example.predicted)
            component = nlp.get_pipe("miner_relations")
            predictions = component.predict([eg.predicted for eg in examples])
            p, r, f = _prf(*_counts(component, examples, predictions, {}))
            tag = "last" if name == "model-last" else "best"
            row.update({f"{tag}_p": round(p, 4), f"{tag}_r": round(r, 4), f"{tag}_f": round(f, 4)})
            if args.grid and name == "model-last":
                grid = {}
                for t, st, fl in itertools.product(THRESHOLDS, SUBJECT_THRESHOLDS, SUBJECT_FLOORS):
                    grid[(t, st, fl)] = _counts(component, examples, predictions,
                                                {"threshold": t, "subject_threshold": st, "subject_floor": fl})
                grids.append(grid)
        row["seconds"] = round(time.perf_counter() - began)
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
        if not args.keep:
            shutil.rmtree(out / "model-best", ignore_errors=True)
    mean = {key: round(sum(r[key] for r in rows) / len(rows), 4)
            for key in ("last_p", "last_r", "last_f", "best_p", "best_r", "best_f") if all(key in r for r in rows)}
    summary = {"overrides": overrides, "config": str(args.config), "folds": rows, "mean": mean}
    if grids:
        # Leave-one-fold-out: the setting best on the summed counts of the other folds.
        chosen = []
        for k, grid in enumerate(grids):
            def others_f(setting, k=k):
                tp, fp, fn = (sum(g[setting][i] for j, g in enumerate(grids) if j != k) for i in range(3))
                return _prf(tp, fp, fn)[2]
            best = max(grid, key=others_f)
            p, r, f = _prf(*grid[best])
            chosen.append({"fold": folds[k], "setting": best, "p": round(p, 4), "r": round(r, 4), "f": round(f, 4)})
        summary["thresholds_lofo"] = chosen
        summary["thresholds_lofo_mean_f"] = round(sum(c["f"] for c in chosen) / len(chosen), 4)
        overall = max(grids[0], key=lambda s: sum(_prf(*g[s])[2] for g in grids))
        summary["thresholds_all_folds"] = {"setting": overall,
                                           "mean_f": round(sum(_prf(*g[overall])[2] for g in grids) / len(grids), 4)}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "cv.json").write_text(json.dumps(summary, indent=1, default=str))
    print(json.dumps(summary, default=str))


if __name__ == "__main__":
    main()
