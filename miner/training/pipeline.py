"""Training miner's components with ``spacy train`` and assembling the default pipeline.

``make train`` (``scripts/train.py``) and the cross-validation of ``make eval``
(``benchmarks/evaluate.py``) both call these:

- :func:`train_component`: ``spacy train`` on one config of ``training/`` (the entity
  recognizer with its tok2vec and the mention grouper: ``ner.cfg``; the relation
  classifier: ``relations.cfg``), seeds fixed, ``model-last`` kept;
- :func:`assemble`: the full pipeline - sentences, abbreviations, candidates, tok2vec,
  entity recognizer, mentions, concept judge (fitted afterwards on out-of-fold concepts:
  :mod:`miner.training.concepts`), species vetting, effect sizes, relation classifier - saved with
  ``nlp.to_disk``, with ``TRAINING.json`` beside the weights (what it was trained on,
  with which configs and library versions).
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import warnings
from pathlib import Path
from typing import Any

from spacy.language import Language

ROOT = Path(__file__).resolve().parent.parent.parent
CONFIGS = ROOT / "training"
#: Candidate types that stand for mentions where the recognizer found nothing over them.
#: Measured by 5-fold cross-validation against none of them: entity F1 0.584 -> 0.584,
#: relation F1 0.239 -> 0.248, strict 0.165 -> 0.172.
FILL_TYPES = ("intervention", "species", "anatomy", "biomarker")
#: Candidate types whose lexicon terms replace the recognizer's spans inside them.
EXTEND_TYPES = ("biomarker", "condition", "species", "anatomy")
#: The mention grouping's threshold (average "same concept" score at which two groups of
#: forms join). Chosen by 5-fold cross-validation (``scripts/tune_decide.py --set
#: miner_entities.threshold=...``, 2026-12-03): 0.5 -> 0.3 took strict relation F1 from
#: 0.212 to 0.239 and entity F1 from 0.597 to 0.612 (0.25: 0.237 / 0.614; 0.1: 0.220 /
#: 0.611). The pair scorer is trained on annotated forms; over a recognizer's noisier
#: forms a lower bar joins the splits of one concept.
GROUPING_THRESHOLD = 0.3
#: The settings of the trained components that assembly sets (config overrides).
ASSEMBLY_SETTINGS = {"components.miner_entities.threshold": GROUPING_THRESHOLD}


def config_digest(*paths: Path) -> str:
    """A hash of training configs (and any other files that decide the weights)."""
    digest = hashlib.sha1()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def train_component(config: Path, output: Path, train: Path, dev: Path,
                    overrides: dict[str, Any] | None = None, quiet: bool = True) -> Path:
    """Run ``spacy train`` and return the folder of the last model."""
    import contextlib
    import io

    from spacy.cli.train import train as spacy_train

    settings = {"paths.train": str(train), "paths.dev": str(dev), **(overrides or {})}
    if output.exists():
        shutil.rmtree(output)
    output.mkdir(parents=True)
    log = output / "train.log"
    with log.open("w") as handle:
        redirect = contextlib.redirect_stdout(handle) if quiet else contextlib.nullcontext()
        errors = contextlib.redirect_stderr(handle) if quiet else contextlib.nullcontext()
        with redirect, errors:
            spacy_train(config, output, overrides=settings)
    return output / "model-last"


def pretrain_tok2vec(config: Path, output: Path, raw_text: Path, train: Path, dev: Path, epochs: int,
                     vectors: Path) -> Path:
    """``spacy pretrain`` of the recognizer's tok2vec (with the word ``vectors`` it
    trains with) on unlabelled text; the weights of the last epoch."""
    import contextlib

    from spacy.training.pretrain import pretrain
    from spacy.util import load_config

    settings = {"paths.raw_text": str(raw_text), "paths.train": str(train), "paths.dev": str(dev),
                "paths.vectors": str(vectors), "pretraining.max_epochs": epochs}
    if output.exists():
        shutil.rmtree(output)
    output.mkdir(parents=True)
    loaded = load_config(config, overrides=settings, interpolate=False).interpolate()  # as `spacy pretrain` does
    with (output / "pretrain.log").open("w") as handle, contextlib.redirect_stdout(handle):
        pretrain(loaded, output, silent=True)
    return output / "model-last.bin"


#: Epochs of ``spacy pretrain`` for the recognizer's tok2vec (``make train`` and ``make eval``).
PRETRAIN_EPOCHS = 3


def pretrained_tok2vec(work: Path, epochs: int = PRETRAIN_EPOCHS) -> Path:
    """The recognizer's pretrained tok2vec weights under ``work/pretrain``, pretrained
    on ``work/raw.jsonl`` with the word vectors of ``work/vectors`` - or the ones there
    from an earlier run on the same text, vectors, config and epochs (``make train`` and
    ``make eval`` share them, so the fold models are trained as the shipped ones are)."""
    from miner.training.vectors import vectors_key

    raw, vectors, folder = work / "raw.jsonl", work / "vectors", work / "pretrain"
    digest = hashlib.sha1(raw.read_bytes()).hexdigest()[:16]
    key = "|".join([digest, vectors_key(vectors), config_digest(CONFIGS / "ner.cfg"), str(epochs)])
    stamp, weights = folder / "key.txt", folder / "model-last.bin"
    if stamp.exists() and stamp.read_text() == key and weights.exists():
        return weights
    weights = pretrain_tok2vec(CONFIGS / "ner.cfg", folder, raw, work / "all.spacy", work / "fold0" / "heldout.spacy",
                               epochs, vectors)
    stamp.write_text(key)
    return weights


def assemble(ner_dir: Path, relations_dir: Path, out_dir: Path, info: dict[str, Any] | None = None) -> Path:
    """The default pipeline from the trained parts, saved to ``out_dir``."""
    import spacy

    from miner.pipeline.build import register_components

    register_components()
    nlp = with_assembly_settings(spacy.load(ner_dir, config=ASSEMBLY_SETTINGS))
    relations = spacy.load(relations_dir)
    nlp.add_pipe("miner_recognizer", after="ner", config={"fill": list(FILL_TYPES), "extend": list(EXTEND_TYPES)})
    nlp.disable_pipe("tok2vec")  # run by miner_recognizer where it matters
    nlp.disable_pipe("ner")
    nlp.add_pipe("miner_concepts", after="miner_entities")  # fitted by miner.training.concepts
    nlp.add_pipe("miner_species", after="miner_concepts")
    nlp.add_pipe("miner_effects", after="miner_species")
    with warnings.catch_warnings():
        # W113: the relation classifier's pipeline has no word vectors; it reads none.
        warnings.filterwarnings("ignore", message=r"\[W113\]")
        nlp.add_pipe("miner_relations", source=relations, after="miner_effects")
    nlp.meta.update({"name": "miner_default", "version": _version(),
                     "description": "miner's default pipeline: lexicon candidates, trained entity recognizer, "
                                    "mention grouping and relation classifier (see TRAINING.json)"})
    if out_dir.exists():
        shutil.rmtree(out_dir)
    nlp.to_disk(out_dir)
    record = {**(info or {}), "spacy": spacy.__version__, "python": platform.python_version(),
              "pipeline": nlp.pipe_names, "run_by_miner_recognizer": list(nlp.disabled)}
    (out_dir / "TRAINING.json").write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    return out_dir


def with_assembly_settings(nlp: Language) -> Language:
    """``nlp`` with :data:`ASSEMBLY_SETTINGS` in its components' cfg too: a trained
    component reads its saved cfg after the config, so a config override alone is lost
    on it. Load the pipeline with ``config=ASSEMBLY_SETTINGS`` so that its config agrees."""
    for key, value in ASSEMBLY_SETTINGS.items():
        _, component, name = key.split(".")
        nlp.get_pipe(component).cfg[name] = value
    return nlp


def _version() -> str:
    import miner

    return miner.__version__
