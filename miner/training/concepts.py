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
from miner.pipeline.concepts import concept_features, concepts_of, fit

JUDGE = "miner_concepts"


def concept_rows(nlp: Language, annotations: Iterable[dict[str, Any]], fold: int) -> list[dict[str, Any]]:
    """The concepts that ``nlp`` (its judge switched off) finds in annotated articles,
    each with its features and its gold label."""
    from miner.articles.readers import article_from_text
    from miner.pipeline import extensions
    from miner.pipeline.build import make_doc

    lexicon = nlp.get_pipe(JUDGE).lexicon
    disabled = [n for n in nlp.pipe_names[nlp.pipe_names.index("miner_entities") + 1:] if n not in nlp.disabled]
    rows = []
    with nlp.select_pipes(disable=disabled):
        for annotation in annotations:
            text = Path(annotation["_text_path"]).read_text(encoding="utf-8")
            doc = nlp(make_doc(nlp, article_from_text(text, annotation["article"])))
            grouped = concepts_of(extensions.get(doc, "miner_entities"))
            ids = list(grouped)
            predicted = [ConceptForms.make(cid, [cid], [grouped[cid][0].name, *(m.text for m in grouped[cid])])
                         for cid in ids]
            gold = _gold_concepts(annotation["entities"])
            matched = {p: g for g, p in one_to_one([forms for _, forms in gold], predicted).items()}
            doc_text = extensions.doc_text(doc)
            for index, cid in enumerate(ids):
                rows.append({"fold": fold, "article": annotation["article"], "id": cid,
                             "label": gold[matched[index]][0] if index in matched else "none",
                             "features": concept_features(grouped[cid], doc_text, lexicon)})
    return rows


def out_of_fold_rows(pipelines: Sequence[Path], source: Path, assigned: dict[str, int]) -> list[dict[str, Any]]:
    """The concept rows of every fold's held-out articles, read by that fold's pipeline."""
    from miner.pipeline import build_pipeline

    gold = load_gold(source)
    rows: list[dict[str, Any]] = []
    for fold, folder in enumerate(pipelines):
        nlp = build_pipeline(folder)
        rows += concept_rows(nlp, [g for g in gold if assigned.get(g["article"]) == fold], fold)
    return rows


def fit_judge(nlp: Language, rows: Sequence[dict[str, Any]], leave_out: int | None = None) -> None:
    """Fit ``nlp``'s judge on the rows (but those of fold ``leave_out``)."""
    chosen = [r for r in rows if r["fold"] != leave_out]
    judge = nlp.get_pipe(JUDGE)
    judge.model = fit([r["features"] for r in chosen], [r["label"] for r in chosen])
    judge.cfg["trained"] = True
    judge.cfg["fitted_on"] = {"concepts": len(chosen), "articles": len({r["article"] for r in chosen}),
                              "left_out_fold": leave_out}


def write_rows(rows: Sequence[dict[str, Any]], path: Path) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def read_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
