"""Evaluation runs: mine what is scored (or read a store), score it, format the report."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from miner.evaluate.scoring import (
    TYPES,
    GoldReport,
    Predictions,
    PromptReport,
    load_gold,
    load_prompts,
    score_gold,
    score_prompts,
)
from miner.errors import EvaluationError
from miner.store import Store


def _predictions(db: Path | None, files: list[Path], mine_them: bool) -> Predictions:
    from miner.mining import mine

    if mine_them:
        if db is None:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "evaluate.db"
                mine(files, path)
                with Store.open(path, create=False) as store:
                    return Predictions.from_store(store)
        mine(files, db, fresh=True)
    if db is None:
        raise EvaluationError("say where the predictions are: --db PATH, or --mine")
    with Store.open(db, create=False) as store:
        return Predictions.from_store(store)


def evaluate_gold(gold_dir: Path, db: Path | None = None, mine_them: bool = False) -> GoldReport:
    gold = load_gold(gold_dir)
    files = [Path(g["_text_path"]) for g in gold if g.get("_text_path")]
    if mine_them and not files:
        raise EvaluationError(f"{gold_dir}: no .txt files beside the annotations to mine")
    return score_gold(gold, _predictions(db, files, mine_them))


def evaluate_prompts(prompts_path: Path, articles: Path | None = None, db: Path | None = None,
                     mine_them: bool = False) -> PromptReport:
    prompts = load_prompts(prompts_path)
    folder = articles or prompts_path.parent / "articles"
    files = []
    if mine_them:
        for pmcid in sorted({p["pmcid"] for p in prompts}):
            path = folder / f"{pmcid}.txt"
            if path.exists():
                files.append(path)
        if not files:
            raise EvaluationError(f"{folder}: none of the prompts' articles (PMC….txt) found; use --articles")
    return score_prompts(prompts, _predictions(db, files, mine_them))


# ----------------------------------------------------------------------------- formatting

def format_gold(report: GoldReport) -> str:
    lines = [f"Gold: {report.articles} articles" + (f" ({len(report.missing_articles)} not mined)"
                                                     if report.missing_articles else ""),
             "", f"{'entities':<16}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'pred':>6}{'gold':>6}"]
    for kind in TYPES:
        prf = report.entities[kind]
        lines.append(f"  {kind:<14}{prf.precision:7.3f}{prf.recall:7.3f}{prf.f1:7.3f}{prf.tp:6d}{prf.predicted:6d}{prf.gold:6d}")
    total = report.entity_total
    lines.append(f"  {'all':<14}{total.precision:7.3f}{total.recall:7.3f}{total.f1:7.3f}{total.tp:6d}{total.predicted:6d}{total.gold:6d}")
    for title, table, total in (("relations", report.relations, report.relation_total),
                                ("strict relations", report.strict_relations, report.strict_relation_total)):
        lines += ["", f"{title:<16}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'pred':>6}{'gold':>6}"]
        for relation, prf in sorted(table.items()):
            lines.append(f"  {relation:<14}{prf.precision:7.3f}{prf.recall:7.3f}{prf.f1:7.3f}{prf.tp:6d}{prf.predicted:6d}{prf.gold:6d}")
        lines.append(f"  {'all':<14}{total.precision:7.3f}{total.recall:7.3f}{total.f1:7.3f}{total.tp:6d}{total.predicted:6d}{total.gold:6d}")
    lines += ["", f"effect attachment: {report.effect_attachment:.3f} "
                  f"({report.effect_attached} of {report.effect_gold} gold relations with an effect); "
                  f"strict {report.strict_effect_attachment:.3f} ({report.strict_effect_attached})",
              "(strict: an edge counts only when its subject and object nodes are the gold concepts;"
              " lenient: the words its evidence gives for them may match instead)"]
    return "\n".join(lines)


def format_gold_errors(report: GoldReport) -> str:
    lines = ["", f"MISSED RELATIONS ({len(report.misses)})"]
    for miss in report.misses:
        lines.append(f"- [{miss['article']}] {miss['subject']} {miss['relation']} {miss['object']}")
        lines.append(f"    {' '.join((miss['sentence'] or '').split())}")
        if miss["predicted_in_sentence"]:
            lines.append(f"    predicted here: {'; '.join(miss['predicted_in_sentence'])}")
    lines += ["", f"FALSE FINDINGS ({len(report.false_findings)})"]
    for false in report.false_findings:
        lines.append(f"- [{false['article']}] {false['subject']} {false['relation']} {false['object']}")
        lines.append(f"    {' '.join(false['sentence'].split())}")
    lines += ["", f"MISSED ENTITIES ({len(report.entity_misses)})"]
    for miss in report.entity_misses:
        lines.append(f"- [{miss['article']}] {miss['type']}: {miss['name']} {miss['mentions']}")
    lines += ["", f"FALSE ENTITIES ({len(report.false_entities)})"]
    for false in report.false_entities:
        lines.append(f"- [{false['article']}] {false['type']}: {false['id']} {false['mentions']}")
    return "\n".join(lines)


def format_prompts(report: PromptReport) -> str:
    lines = [f"Prompts: {report.prompts} labelled prompts in {report.articles} articles"
             + (f" ({len(report.missing_articles)} articles not mined)" if report.missing_articles else ""),
             f"  pair recall         {report.pair_recall:.3f}  ({report.pairs_found})",
             f"  finding recall      {report.finding_recall:.3f}  ({report.findings_found})",
             f"  direction accuracy  {report.direction_accuracy:.3f}  ({report.direction_correct} of {report.pairs_found} found pairs; "
             f"best edge)",
             f"  any edge right      {report.direction_any:.3f}  (found pairs with an edge in the labelled direction)"]
    for label, counts in sorted(report.by_label.items()):
        total = sum(counts.values())
        lines.append(f"  {label:<16} {total:4d} prompts: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return "\n".join(lines)


def format_prompt_errors(report: PromptReport) -> str:
    lines = ["", f"PROMPTS NOT FOUND OR WRONG ({len(report.errors)})"]
    for error in report.errors:
        lines.append(f"- [{error['article']}] {error['status']}: {error['intervention']} vs {error['comparator']} -> "
                     f"{error['outcome']} (expected {error['label']}; predicted {error['predicted'] or '-'})")
        if error.get("evidence"):
            lines.append(f"    {' '.join(error['evidence'].split())}")
    return "\n".join(lines)


def report_dict(gold: GoldReport | None, prompts: PromptReport | None, errors: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if gold is not None:
        out["gold"] = gold.to_dict(errors)
    if prompts is not None:
        out["prompts"] = prompts.to_dict(errors)
    return out
