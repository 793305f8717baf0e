"""Static word vectors for the entity recognizer, learned from unlabelled trial text.

No vectors can be downloaded, so ``make train`` learns its own: floret (fastText, with
its words' vectors built from character n-grams too) on the same unlabelled text that
pretraining reads (``raw.jsonl`` of :func:`miner.training.corpus.build_raw_text`, which
leaves out every article whose abstract is annotated, in ``train/`` or ``gold/``).
floret learns one vector per NORM (:func:`miner.text.norm_word` over miner's
tokenizer: "Pain" and "pain" are one word), and the table keeps the words seen at
least :data:`MIN_COUNT` times, as a plain spaCy vectors table in which every spelling
seen in the text (and the NORM, capitalised or not) is a key to its NORM's row. (spaCy
looks such a table up by ORTH: a table's ``attr`` is not saved unless it is in floret
mode. Floret mode would give a vector to every word, but hashing each word's n-grams
at run time costs more than tokenizing the text.)

Measured on the recognizer alone (``spacy train training/ner.cfg``, spaCy's entity F1
on the held-out fold): 60.6 -> 63.3 on fold 0 (both without pretraining), 60.7
(pretrained, no vectors) -> 63.6 (vectors, no pretraining) on fold 1; README
(Evaluation, *Word vectors*) for the whole pipeline. The relation classifier does not
use them: with the same vectors its cross-validated F1 on the annotated mentions was
0.5223 against 0.5225.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import numpy

#: floret's settings: CBOW, 100 dimensions, n-grams of 4-5 characters and the whole
#: word hashed into 20,000 rows (each twice). One thread (and floret's fixed seed), so
#: that a rebuild on the same text gives the same table.
SETTINGS: dict[str, Any] = {"model": "cbow", "mode": "floret", "dim": 100, "bucket": 20000, "minn": 4, "maxn": 5,
                            "hashCount": 2, "minCount": 2, "epoch": 10, "thread": 1}


#: The table keeps the words seen at least this often: 27,000 words, 98% of the tokens
#: of the trial texts, 11 MB. The other words get no vector (zeros).
MIN_COUNT = 2


def settings_digest() -> str:
    return hashlib.sha1(json.dumps([SETTINGS, MIN_COUNT], sort_keys=True).encode()).hexdigest()[:16]


def tokenized_text(raw_jsonl: Path, out: Path) -> tuple[Counter[str], dict[str, set[str]]]:
    """``raw_jsonl``'s paragraphs as lines of space-separated NORMs; how often each NORM
    occurs, and the spellings (ORTH) that it stands for."""
    import spacy

    from miner.pipeline.tokenizer import create_tokenizer

    nlp = spacy.blank("en")
    nlp.tokenizer = create_tokenizer()(nlp)
    counts: Counter[str] = Counter()
    spellings: dict[str, set[str]] = {}
    with raw_jsonl.open(encoding="utf-8") as source, out.open("w", encoding="utf-8") as handle:
        texts = (json.loads(line)["text"] for line in source if line.strip())
        for doc in nlp.tokenizer.pipe(texts, batch_size=256):
            words = []
            for token in doc:
                if token.is_space or " " in token.norm_ or " " in token.text:
                    continue
                words.append(token.norm_)
                spellings.setdefault(token.norm_, set()).add(token.text)
            counts.update(words)
            handle.write(" ".join(words) + "\n")
    return counts, spellings


def build_vectors(raw_jsonl: Path, out_dir: Path) -> Path:
    """Learn floret vectors on ``raw_jsonl`` and save the vectors of the words seen at
    least :data:`MIN_COUNT` times as a spaCy vectors folder at ``out_dir``, one row per
    NORM, every spelling of it seen in the text a key to that row; reused when built from
    the same text with the same settings."""
    import floret
    import spacy
    from spacy.vectors import Vectors

    key = "|".join([hashlib.sha1(raw_jsonl.read_bytes()).hexdigest()[:16], settings_digest(), spacy.__version__])
    stamp = out_dir / "key.txt"
    if stamp.exists() and stamp.read_text() == key:
        return out_dir
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "text.txt"
        counts, spellings = tokenized_text(raw_jsonl, text)
        model = floret.train_unsupervised(str(text), **SETTINGS, verbose=0)
    words = sorted((w for w, n in counts.items() if n >= MIN_COUNT), key=lambda w: (-counts[w], w))
    nlp = spacy.blank("en")
    data = numpy.vstack([model.get_word_vector(w) for w in words]).astype("float32")
    table = Vectors(strings=nlp.vocab.strings, data=data)
    for row, word in enumerate(words):
        for form in sorted(spellings[word] | {word, word[:1].upper() + word[1:]}):
            table.add(nlp.vocab.strings.add(form), row=row)
    nlp.vocab.vectors = table
    if out_dir.exists():
        shutil.rmtree(out_dir)
    nlp.to_disk(out_dir)
    tokens = sum(counts.values())
    covered = sum(counts[w] for w in words)
    (out_dir / "vectors.json").write_text(json.dumps({"tokens": tokens, "words": len(words), "keys": table.n_keys,
                                                      "token_coverage": round(covered / tokens, 4),
                                                      "min_count": MIN_COUNT, **SETTINGS}, indent=1) + "\n")
    stamp.write_text(key)
    return out_dir


def unlabelled_inputs(texts: list[Path], work: Path, leave_out: set[str]) -> tuple[dict[str, Any], Path]:
    """The unlabelled text of ``texts`` (``work/raw.jsonl``, without the articles in
    ``leave_out``) and the vectors learned from it (``work/vectors``): what it was built
    from, and the vectors folder. Both ``make train`` and ``make eval`` call it, so that
    the fold models and the shipped ones start from the same vectors."""
    from miner.training.corpus import build_raw_text

    raw = build_raw_text(texts, work / "raw.jsonl", leave_out)
    vectors = build_vectors(work / "raw.jsonl", work / "vectors")
    return {**raw, "vectors": json.loads((vectors / "vectors.json").read_text())}, vectors


def vectors_key(vectors: Path) -> str:
    """What the vectors at ``vectors`` were built from (for the fold models' key)."""
    stamp = vectors / "key.txt"
    if not stamp.exists():
        raise FileNotFoundError(f"{vectors}: no word vectors (make train or make eval builds them)")
    return stamp.read_text()
