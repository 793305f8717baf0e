"""Fitting the concept judge (:mod:`miner.pipeline.concepts`) on out-of-fold concepts.

Each fold's pipeline (trained without the fold's abstracts) reads the abstracts held
out of it; each concept it finds there is labelled with the type of the annotated
concept it matches (one-to-one, by id or content words, whatever the types: the
scorer's matching) or ``none``. The judge of a fold's pipeline is fitted on the other
folds' concepts; the judge that ``make train`` ships, on all of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from spacy.language import Language

from miner.evaluate.matching import ConceptForms, one_to_one
from miner.evaluate.scoring import _gold_concepts, load_gold
from miner.pipeline.concepts import fit

JUDGE = "miner_concepts"


def concept_rows(nlp: Language, annotations: Iterable[dict[str, Any]], fold: int) -> list[dict[str, Any]]:
    """The concepts that ``nlp`` (its judge switched off) finds in annotated articles,
    each with its features and its gold label."""
    from miner.articles.readers import article_from_text
    from miner.pipeline.build import make_doc

    judge = nlp.get_pipe(JUDGE)
    disabled = [n for n in nlp.pipe_names[nlp.pipe_names.index("miner_entities") + 1:] if n not in nlp.disabled]
    rows = []
    with nlp.select_pipes(disable=disabled):
        for annotation in annotations:
            if not annotation.get("_text_path"):
                continue  # an annotation without its text: nothing to read
            text = Path(annotation["_text_path"]).read_text(encoding="utf-8")
            grouped, features = judge.features(nlp(make_doc(nlp, article_from_text(text, annotation["article"]))))
            predicted = [ConceptForms.make(cid, [cid], [mentions[0].name, *(m.text for m in mentions)])
                         for cid, mentions in grouped.items()]
            gold = _gold_concepts(annotation["entities"])
            matched = {p: g for g, p in one_to_one([forms for _, forms in gold], predicted).items()}
            for index, (cid, row) in enumerate(zip(grouped, features)):
                rows.append({"fold": fold, "article": annotation["article"], "id": cid,
                             "label": gold[matched[index]][0] if index in matched else "none", "features": row})
    return rows


def out_of_fold_rows(work: Path, folds: int, pretrained: Path | None = None,
                     log: Any = None) -> tuple[list[Path], list[dict[str, Any]]]:
    """The fold pipelines of ``work`` (:func:`miner.training.crossval.fold_pipelines`)
    and the concept rows of every fold's held-out articles, read by that fold's
    pipeline; the rows are also written to ``work/cv/concepts.jsonl``."""
    from miner.pipeline import build_pipeline
    from miner.training.crossval import fold_pipelines

    source = Path(json.loads((work / "corpus.json").read_text())["source_path"])
    assigned = json.loads((work / "folds.json").read_text())
    pipelines = fold_pipelines(work, folds, pretrained, log)
    if log:
        log("concepts of the held-out folds, for the concept judge")
    gold = load_gold(source)
    rows: list[dict[str, Any]] = []
    for fold, folder in enumerate(pipelines):
        rows += concept_rows(build_pipeline(folder), [g for g in gold if assigned.get(g["article"]) == fold], fold)
    (work / "cv" / "concepts.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return pipelines, rows


def fit_judge(nlp: Language, rows: Sequence[dict[str, Any]], leave_out: int | None = None) -> None:
    """Fit ``nlp``'s judge on the rows (but those of fold ``leave_out``)."""
    chosen = [r for r in rows if r["fold"] != leave_out]
    judge = nlp.get_pipe(JUDGE)
    judge.model = fit([r["features"] for r in chosen], [r["label"] for r in chosen])
    judge.cfg["trained"] = True
    judge.cfg["fitted_on"] = {"concepts": len(chosen), "articles": len({r["article"] for r in chosen}),
                              "left_out_fold": leave_out}

