"""The recognizer's word vectors (learned from unlabelled text, one row per NORM) and
the spans it hands on."""

from __future__ import annotations

import json
import random

import numpy
import pytest

from miner.training.vectors import MIN_COUNT, build_vectors


def _raw_text(path, paragraphs: int = 300) -> None:
    """A small unlabelled corpus: a few sentence frames, arms and outcomes drawn at
    random, and one word that occurs once."""
    rng = random.Random(7)
    arms = ["Aerobic exercise", "Yoga", "Swimming", "Placebo", "Lidocaine"]
    outcomes = ["pain intensity", "TNF-α levels", "fatigue", "IL-6 concentrations", "disability"]
    frames = ["{arm} reduced {outcome} compared with usual care.",
              "{outcome} did not differ after {arm}.",
              "After twelve weeks of {arm}, {outcome} improved in the intervention group."]
    lines = [{"text": " ".join(rng.choice(frames).format(arm=rng.choice(arms), outcome=rng.choice(outcomes))
                               for _ in range(3))} for _ in range(paragraphs)]
    lines.append({"text": "Quizzaciously, the trial ended."})
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")


def test_vectors_are_learned_from_the_text_and_keyed_by_norm(tmp_path):
    import spacy

    raw = tmp_path / "raw.jsonl"
    _raw_text(raw)
    out = build_vectors(raw, tmp_path / "vectors")
    info = json.loads((out / "vectors.json").read_text())
    assert info["min_count"] == MIN_COUNT and info["dim"] == 100
    assert 0.9 < info["token_coverage"] < 1.0  # the word seen once is left out

    vectors = spacy.load(out).vocab.vectors
    strings = vectors.strings
    assert vectors.shape == (info["words"], 100)
    # One row per NORM, every spelling seen (and the NORM capitalised) a key to it.
    assert vectors.find(key="Yoga") == vectors.find(key="yoga") >= 0
    assert vectors.find(key="TNF-α") == vectors.find(key="tnfalpha") >= 0  # its NORM
    assert vectors.find(key="Fatigue") == vectors.find(key="fatigue") >= 0
    assert vectors.find(key="pain") != vectors.find(key="fatigue")
    assert "quizzaciously" not in strings or vectors.find(key="quizzaciously") < 0

    def unit(word):
        v = vectors.data[vectors.find(key=word)]
        return v / numpy.linalg.norm(v)

    # Words used alike come out alike.
    assert unit("yoga") @ unit("swimming") > unit("yoga") @ unit("the")


def test_vectors_are_reused_while_text_and_settings_are_the_same(tmp_path):
    raw = tmp_path / "raw.jsonl"
    _raw_text(raw, 120)
    out = build_vectors(raw, tmp_path / "vectors")
    built = (out / "vectors.json").stat().st_mtime_ns
    assert build_vectors(raw, tmp_path / "vectors") == out
    assert (out / "vectors.json").stat().st_mtime_ns == built
    _raw_text(raw, 130)
    build_vectors(raw, tmp_path / "vectors")
    assert (out / "vectors.json").stat().st_mtime_ns != built


def test_the_shipped_recognizer_reads_the_vectors(nlp):
    vectors = nlp.vocab.vectors
    assert vectors.shape[0] > 10000, "the shipped pipeline has no word vectors"
    tok2vec = nlp.get_pipe("tok2vec").model
    assert any(layer.name == "static_vectors" for layer in tok2vec.walk())
    doc = nlp.make_doc("Treadmill running lowered TNF-α in rats.")
    assert all(vectors.find(key=t.orth) >= 0 for t in doc if t.is_alpha or "-" in t.text)
    assert vectors.find(key="Quizzaciously") < 0


def test_a_class_term_before_a_name_leaves_the_name_its_own_mention(nlp):
    from spacy.tokens import Span

    from miner.pipeline.recognizer import _named

    doc = nlp.make_doc("Levels of the anti-inflammatory cytokine IL-10 and the opioid tramadol rose.")
    cls = Span(doc, 3, 5, label="biomarker", span_id="lexicon,class")  # anti-inflammatory cytokine
    name = Span(doc, 5, 6, label="biomarker", span_id="lexicon")  # IL-10
    whole = Span(doc, 3, 6, label="biomarker")
    other = Span(doc, 8, 10, label="intervention")  # no class term before it: kept as it is
    out = _named([whole, other], [cls, name])
    assert [(s.text, s.label_) for s in out] == [("IL-10", "biomarker"), ("opioid tramadol", "intervention")]
    # a span that only starts with the class term, its name ending elsewhere, is kept
    longer = Span(doc, 3, 7, label="biomarker")
    assert [s.text for s in _named([longer], [cls, name])] == ["anti-inflammatory cytokine IL-10 and"]
