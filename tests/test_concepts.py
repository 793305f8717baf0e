"""The concept judge: features of a concept, fitting, what it does to a Doc's mentions,
and how its out-of-fold training rows are labelled."""

from __future__ import annotations

import json

import pytest

from miner.pipeline import extensions
from miner.pipeline.concepts import LABELS, concept_features, concepts_of, fit, probabilities

TEXT = ("Swimming reduced pain intensity in rats with sciatic nerve injury (p < 0.05). "
        "Swimming also lowered TNF-alpha in the spinal cord.")


@pytest.fixture(scope="module")
def doc(annotate):
    return annotate(TEXT, "judge.txt")


def test_a_concept_is_described_by_all_its_mentions(doc, nlp):
    grouped = concepts_of(doc._.miner_entities)
    swimming = next(ms for ms in grouped.values() if ms[0].text.lower() == "swimming")
    assert len(swimming) == 2  # both mentions, in order
    features = concept_features(swimming, extensions.doc_text(doc), nlp.get_pipe("miner_concepts").lexicon)
    assert "count=2-3" in features and "head=swimming" in features and "early" in features
    assert "after=reduced" in features and "after=also" in features  # the words after each mention
    assert f"major={swimming[0].type}" in features


def test_fitting_learns_which_features_go_with_which_label():
    rows = [["head=p", "capitals"], ["head=pain", "before=in"], ["head=rats"]] * 30
    labels = ["none", "outcome", "species"] * 30
    model = fit(rows, labels, epochs=10)
    best = [LABELS[int(i)] for i in probabilities(model, [["head=p"], ["head=pain"], ["head=rats"]]).argmax(axis=1)]
    assert best == ["none", "outcome", "species"]


def test_the_judge_drops_concepts_that_name_nothing_and_retypes_the_others(nlp, doc):
    from miner.pipeline.build import make_doc
    from miner.articles.readers import article_from_text

    judge = nlp.get_pipe("miner_concepts")
    saved = judge.model, dict(judge.cfg)
    grouped = concepts_of(doc._.miner_entities)
    text = extensions.doc_text(doc)
    rows, labels = [], []
    for mentions in grouped.values():  # teach it: swimming is an outcome, pain intensity names nothing
        word = mentions[0].text.lower()
        rows.append(concept_features(mentions, text, judge.lexicon))
        labels.append("outcome" if word == "swimming" else "none" if word == "pain intensity" else mentions[0].type)
    try:
        judge.model = fit(rows * 40, labels * 40, epochs=10)
        judge.cfg.update(trained=True, threshold=0.6)
        judged = nlp(make_doc(nlp, article_from_text(TEXT, "judge.txt")))
        texts = {m.text.lower(): m.type for m in judged._.miner_entities}
        assert texts["swimming"] == "outcome"
        assert "pain intensity" not in texts
        assert "tnf-alpha" in texts
    finally:
        judge.model, judge.cfg = saved[0], saved[1]


def test_the_shipped_pipeline_has_a_fitted_judge(nlp):
    judge = nlp.get_pipe("miner_concepts")
    assert judge.cfg["trained"] and judge.cfg["fitted_on"]["concepts"] > 1000
    assert nlp.pipe_names.index("miner_entities") < nlp.pipe_names.index("miner_concepts")
    assert nlp.get_pipe("miner_entities").cfg["threshold"] == pytest.approx(0.3)


def test_out_of_fold_rows_are_labelled_by_the_annotations(nlp, tmp_path):
    from miner.evaluate.scoring import load_gold
    from miner.training.concepts import concept_rows

    (tmp_path / "a1.txt").write_text(TEXT)
    (tmp_path / "a1.json").write_text(json.dumps({"article": "a1", "entities": [
        {"type": "intervention", "name": "Swimming", "ids": [], "mentions": ["Swimming"]},
        {"type": "outcome", "name": "Pain intensity", "ids": [], "mentions": ["pain intensity"]},
    ], "relations": []}))
    rows = concept_rows(nlp, load_gold(tmp_path), fold=3)
    by_text = {next(f for f in r["features"] if f.startswith("text=")): r for r in rows}
    assert by_text["text=swimming"]["label"] == "intervention"
    assert by_text["text=pain intensity"]["label"] == "outcome"
    assert {r["label"] for r in rows if r["id"] not in (by_text["text=swimming"]["id"],
                                                         by_text["text=pain intensity"]["id"])} == {"none"}
    assert all(r["fold"] == 3 for r in rows)
