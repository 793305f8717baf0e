#!/usr/bin/env python
"""Score the relation classifier's decision settings end to end, by cross-validation.

``make eval`` leaves one pipeline per fold under ``outputs/training/cv/fold*/pipeline``,
each trained without its fold's articles. This script mines each fold's held-out
abstracts with those pipelines under every setting asked for (``--set NAME=V1,V2,...``,
any key of the ``miner_relations`` cfg: ``floor_ratio``, ``subject_floor``,
``non_significance``...; ``COMPONENT.NAME`` for another component's, e.g.
``miner_entities.threshold``, the form grouping's) and prints the summed entity and
lenient and strict relation scores, so that a setting is chosen on articles the models
never saw, never on the dev set.

    python scripts/tune_decide.py --set floor_ratio=1.0,0.8,0.6 [--set non_significance=1,0]
    python scripts/tune_decide.py --set miner_entities.threshold=0.3,0.4,0.5
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=ROOT / "outputs" / "training")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=V1,V2",
                        help="a setting of miner_relations (or COMPONENT.NAME) and the values to try")
    args = parser.parse_args()

    from miner.evaluate.scoring import GoldReport
    from miner.pipeline import build_pipeline
    from miner.training.crossval import score_articles

    grid: dict[str, list[float]] = {}
    for item in args.set:
        name, _, values = item.partition("=")
        if not values:
            parser.error(f"--set {item}: expected NAME=V1,V2,...")
        grid[name] = [float(v) for v in values.split(",")]
    corpus = json.loads((args.work / "corpus.json").read_text())
    assigned = json.loads((args.work / "folds.json").read_text())
    folds = sorted(args.work.glob("cv/fold*/pipeline"))
    if not folds:
        sys.exit(f"{args.work / 'cv'}: no fold pipelines; run `make eval` first")
    settings = [dict(zip(grid, combo)) for combo in itertools.product(*grid.values())] or [{}]
    totals = {i: GoldReport() for i in range(len(settings))}
    for folder in folds:
        fold = int(folder.parent.name.removeprefix("fold"))
        nlp = build_pipeline(folder)
        base = {name: dict(nlp.get_pipe(name).cfg) for name in {_component(key)[0] for key in grid} | {"miner_relations"}}
        for i, setting in enumerate(settings):
            for name, cfg in base.items():
                nlp.get_pipe(name).cfg = {**cfg, **{_component(k)[1]: v for k, v in setting.items()
                                                    if _component(k)[0] == name}}
            report = score_articles(nlp, Path(corpus["source_path"]), {a for a, f in assigned.items() if f == fold})
            totals[i].add(report)
            print(f"fold {fold} {setting}: entities {report.entity_total.f1:.3f} rel {report.relation_total.f1:.3f} "
                  f"strict {report.strict_relation_total.f1:.3f}", file=sys.stderr, flush=True)
    for i, setting in enumerate(settings):
        lenient, strict = totals[i].relation_total, totals[i].strict_relation_total
        print(f"{json.dumps(setting)}: relations P/R/F1 {lenient.precision:.3f}/{lenient.recall:.3f}/{lenient.f1:.3f}, "
              f"strict {strict.precision:.3f}/{strict.recall:.3f}/{strict.f1:.3f}, effect {totals[i].effect_attachment:.3f}"
              f" / {totals[i].strict_effect_attachment:.3f}, entities F1 {totals[i].entity_total.f1:.3f}")


def _component(key: str) -> tuple[str, str]:
    """The component and the cfg key a ``--set`` name is about (``miner_relations`` unless named)."""
    component, _, name = key.rpartition(".")
    return component or "miner_relations", name


if __name__ == "__main__":
    main()
