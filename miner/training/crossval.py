"""Scoring where the models cannot have fitted: k-fold cross-validation by article on
the training abstracts, and the dev test set, each scored leniently and strictly.

Articles are mined as a user mines them (readers, pipeline, store), then scored by
:mod:`miner.evaluate.scoring`. Each fold's models are trained on the other folds with
the same configs and settings as the shipped ones (:mod:`miner.training.pipeline`),
and kept under the work folder, keyed by what decided their weights (corpus, configs,
the code that trains them, the pretrained tok2vec), so that a second run reuses them;
the pipeline is assembled anew each time.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

from spacy.language import Language

from miner.evaluate.scoring import GoldReport, Predictions, PromptReport, load_gold, load_prompts, score_gold, \
    score_prompts
from miner.store import Store


def _mine_and_read(nlp: Language, files: list[Path], workers: int = 1) -> Predictions:
    from miner.mining import mine

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "scored.db"
        mine(files, db, nlp=nlp, workers=workers)
        with Store.open(db, create=False) as store:
            return Predictions.from_store(store)


def score_articles(nlp: Language, gold_dir: Path, articles: set[str] | None = None, workers: int = 1) -> GoldReport:
    """Mine the ``.txt`` of the gold annotations in ``gold_dir`` (only ``articles``,
    when given) with ``nlp`` and score them."""
    gold = [g for g in load_gold(gold_dir) if articles is None or g["article"] in articles]
    files = [Path(g["_text_path"]) for g in gold if g.get("_text_path")]
    return score_gold(gold, _mine_and_read(nlp, files, workers))


def score_prompt_file(nlp: Language, prompts_path: Path, articles_dir: Path, keep: set[str] | None = None,
                      workers: int = 1) -> PromptReport:
    """Mine the articles of the labelled prompts (only those in ``keep``) and score them."""
    prompts = [p for p in load_prompts(prompts_path) if keep is None or p["pmcid"] in keep]
    files = [articles_dir / f"{a}.txt" for a in sorted({p["pmcid"] for p in prompts})]
    files = [f for f in files if f.exists()]
    return score_prompts(prompts, _mine_and_read(nlp, files, workers))


#: Modules that change how trained parts are put together or run, not the weights.
_ASSEMBLY_ONLY = frozenset({"pipeline.py", "crossval.py", "recognizer.py", "findings.py", "build.py", "fingerprint.py",
                            "concepts.py", "effects.py"})


#: Modules that decide the relation classifier's weights but not the recognizer's (the
#: recognizer's training pipeline, ``training/ner.cfg``, runs none of their code).
_RELATIONS_ONLY = frozenset({"pairs.py", "relation_model.py", "relation_pipe.py"})


def _code_digest(leave_out: frozenset[str] = frozenset()) -> str:
    digest = hashlib.sha1()
    root = Path(__file__).resolve().parent.parent
    for folder in ("pipeline", "training"):
        for path in sorted((root / folder).glob("*.py")):
            if path.name not in _ASSEMBLY_ONLY and path.name not in leave_out:
                digest.update(path.read_bytes())
    digest.update((root / "text.py").read_bytes())
    return digest.hexdigest()[:16]


def fold_pipelines(work: Path, folds: int, pretrained: Path | None = None, log: Any = None) -> list[Path]:
    """Each fold's pipeline, its recognizer and relation classifier trained on the other
    folds (each reused while what decides its weights is unchanged: a change to the
    relation classifier's code or config retrains only the relation classifiers),
    assembled anew; the concept judge not yet fitted. ``work`` holds the corpora of
    :func:`build_corpora` and the word vectors
    (:func:`miner.training.vectors.unlabelled_inputs`)."""
    from miner.training.pipeline import CONFIGS, assemble, config_digest, train_component
    from miner.training.vectors import vectors_key

    corpus = json.loads((work / "corpus.json").read_text())
    vectors = work / "vectors"
    keys = {"ner": "|".join([corpus["sha1"], config_digest(CONFIGS / "ner.cfg"), _code_digest(_RELATIONS_ONLY),
                             hashlib.sha1(pretrained.read_bytes()).hexdigest()[:16] if pretrained else "-",
                             vectors_key(vectors)]),
            "relations": "|".join([corpus["sha1"], config_digest(CONFIGS / "relations.cfg"), _code_digest()])}
    overrides = {"ner": {"paths.vectors": str(vectors)}, "relations": {}}
    if pretrained:
        overrides["ner"]["paths.init_tok2vec"] = str(pretrained)
    out = []
    for fold in range(folds):
        folder = work / "cv" / f"fold{fold}"
        train, heldout = work / f"fold{fold}" / "train.spacy", work / f"fold{fold}" / "heldout.spacy"
        models = {}
        for name, key in keys.items():
            stamp, model = folder / f"{name}.key", folder / name / "model-last"
            if not (stamp.exists() and stamp.read_text() == key and model.is_dir()):
                if log:
                    log(f"fold {fold}: training {name}")
                stamp.unlink(missing_ok=True)
                model = train_component(CONFIGS / f"{name}.cfg", folder / name, train, heldout, overrides[name])
                stamp.write_text(key)
            models[name] = model
        out.append(assemble(models["ner"], models["relations"], folder / "pipeline", {"fold": fold, **keys}))
    return out


def cross_validate(work: Path, folds: int, pretrained: Path | None = None,
                   log: Any = None) -> tuple[GoldReport, list[dict[str, Any]]]:
    """Train on k-1 folds, score the held-out one, for every fold; the summed report
    and each fold's scores. Each fold's concept judge is fitted on the out-of-fold
    concepts of the other folds (:mod:`miner.training.concepts`), and saved into the
    fold's pipeline. ``work`` holds the corpora of :func:`build_corpora`."""
    from miner.pipeline import build_pipeline
    from miner.training.concepts import JUDGE, fit_judge, out_of_fold_rows

    corpus = json.loads((work / "corpus.json").read_text())
    assigned = json.loads((work / "folds.json").read_text())
    shared_train = Path(corpus["source_path"])
    pipelines, rows = out_of_fold_rows(work, folds, pretrained, log)
    total = GoldReport()
    per_fold = []
    for fold, pipeline_dir in enumerate(pipelines):
        nlp = build_pipeline(pipeline_dir)
        fit_judge(nlp, rows, leave_out=fold)
        nlp.get_pipe(JUDGE).to_disk(pipeline_dir / JUDGE)
        report = score_articles(nlp, shared_train, {a for a, f in assigned.items() if f == fold})
        total.add(report)
        per_fold.append({"fold": fold, "entities_f1": round(report.entity_total.f1, 4),
                         "relations_f1": round(report.relation_total.f1, 4),
                         "strict_relations_f1": round(report.strict_relation_total.f1, 4),
                         "effect_attachment": round(report.effect_attachment, 4)})
        if log:
            log(f"fold {fold}: {per_fold[-1]}")
    return total, per_fold
