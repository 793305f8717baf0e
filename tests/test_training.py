"""The pieces of the trained components, on data written for these tests: gold-format
conversion, folds, candidate features, pair candidates and features, the network's
pooling, mention grouping and the decision rule of the relation classifier."""

from __future__ import annotations

import numpy
import pytest

from miner.pipeline.grouping import Form, form_pair_features, group_forms, related
from miner.pipeline.pairs import Arm, MentionRef, SentenceFeatures, article_arms, content_words, \
    direction_features, nearest_cue, object_features, pair_features, sentence_pairs
from miner.pipeline.relation_model import segment_means, segment_means_backward
from miner.training.gold import assign_folds, locate_sentence, mention_places

TEXT = "Aerobic exercise reduced low back pain. Pain fell in both groups."


def test_mention_places_keep_the_longest_and_every_occurrence():
    entities = [{"type": "outcome", "name": "Pain", "mentions": ["pain", "Pain"]},
                {"type": "condition", "name": "Low back pain", "mentions": ["low back pain"]},
                {"type": "intervention", "name": "Aerobic exercise", "mentions": ["Aerobic exercise"]}]
    places = [(TEXT[p.start:p.end], p.concept) for p in mention_places(TEXT, entities)]
    assert places == [("Aerobic exercise", "Aerobic exercise"), ("low back pain", "Low back pain"), ("Pain", "Pain")]


def test_a_sentence_is_found_whatever_its_line_breaks():
    text = "Intro.\nPain was\nlower with yoga (p < 0.05).\n"
    start, end = locate_sentence(text, "Pain was lower with yoga (p < 0.05).")
    assert text[start:end] == "Pain was\nlower with yoga (p < 0.05)."
    assert locate_sentence(text, "Not in the text.") is None


def test_folds_are_by_article_balanced_and_stable():
    articles = [f"PMC{i}" for i in range(23)]
    folds = assign_folds(articles, 5)
    sizes = sorted(list(folds.values()).count(k) for k in range(5))
    assert sizes == [4, 4, 5, 5, 5]
    assert assign_folds(list(reversed(articles)), 5) == folds


def test_candidate_indicators_mark_type_place_and_source(nlp):
    from miner.pipeline import annotate_text
    from miner.pipeline.features import N_INDICATORS, _SOURCE, _TYPE_PLACE, candidate_indicators

    doc = annotate_text(nlp, "Swimming lowered tumour necrosis factor alpha.")
    indicators = candidate_indicators(doc)
    assert indicators.shape == (len(doc), N_INDICATORS)
    words = [t.text for t in doc]
    first, last = words.index("tumour"), words.index("alpha")
    assert indicators[first, _TYPE_PLACE[("biomarker", "B")]] == 1
    assert indicators[last, _TYPE_PLACE[("biomarker", "L")]] == 1
    assert indicators[words.index("Swimming"), _TYPE_PLACE[("intervention", "U")]] == 1
    assert indicators[first, _SOURCE["lexicon"]] == 1
    assert not indicators[words.index("lowered")].any()


def test_segment_means_and_their_gradient():
    rng = numpy.random.default_rng(0)
    tokvecs = rng.normal(size=(7, 3)).astype("float32")
    segments = numpy.array([[[0, 2], [3, 3], [1, 7]]], dtype="int64")  # the middle one is empty
    means = segment_means(tokvecs, segments)
    assert numpy.allclose(means[0, :3], tokvecs[0:2].mean(axis=0))
    assert numpy.allclose(means[0, 3:6], 0)
    assert numpy.allclose(means[0, 6:], tokvecs[1:7].mean(axis=0))
    # The gradient of sum(means * d) with respect to the tokens, against finite differences.
    d = rng.normal(size=means.shape).astype("float32")
    grad = segment_means_backward(d, segments, len(tokvecs))
    eps, numeric = 1e-3, numpy.zeros_like(tokvecs)
    for i in range(tokvecs.shape[0]):
        for j in range(tokvecs.shape[1]):
            bumped = tokvecs.copy()
            bumped[i, j] += eps
            numeric[i, j] = ((segment_means(bumped, segments) - means) * d).sum() / eps
    assert numpy.allclose(grad, numeric, atol=1e-2)


def test_forms_worth_comparing_and_their_features():
    codeine = Form("codeine", "intervention")
    phosphate = Form("codeine phosphate", "intervention")
    cci = Form("CCI", "condition", long_forms=frozenset({"chronic constriction injury"}))
    injury = Form("chronic constriction injury", "condition")
    yoga = Form("yoga", "intervention")
    assert related(codeine, phosphate) and related(cci, injury) and not related(codeine, yoga)
    features = form_pair_features(phosphate, codeine)
    assert features == form_pair_features(codeine, phosphate)  # order-free
    assert "a_in_b" in features and "extra=phosphate" in features and "b_starts_with_a" in features
    assert "defined_abbreviation" in form_pair_features(cci, injury)


def test_grouping_joins_by_average_linkage():
    forms = [Form("codeine", "intervention"), Form("codeine phosphate", "intervention"),
             Form("codeine dose", "intervention"), Form("yoga", "intervention", concept="MESH:D015013"),
             Form("Yoga", "intervention", concept="MESH:D015013")]
    scores = {(0, 1): 0.9, (0, 2): 0.8, (1, 2): 0.1}

    def score(pairs):
        return [scores.get(p, 0.0) for p in pairs]

    groups = sorted(group_forms(forms, score))
    # codeine joins its phosphate; "codeine dose" is too unlike the pair on average
    # (0.8 and 0.1: mean 0.45); the lexicon's id joins the two spellings of yoga.
    assert groups == [[0, 1], [2], [3, 4]]


def _mention(text: str, start: int, kind: str, concept: str, token: int, flags=()) -> MentionRef:
    return MentionRef(start, start + len(text), token, token + len(text.split()), kind, concept, text, frozenset(flags))


def _words(text: str) -> list[tuple[int, int]]:
    import re

    return [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]


def test_pairs_offer_the_study_arms_when_the_sentence_names_none():
    sentence = "Pain fell more in the exercise group (p < 0.05)."
    pain = _mention("Pain", 0, "outcome", "PAIN", 0, ["valence=bad"])
    arm = Arm("YOGA", 0, _mention("yoga", 500, "intervention", "YOGA", 90))
    pairs = sentence_pairs((0, len(sentence)), (0, 9), [pain], [arm])
    assert [(p.subject.concept, p.object.concept, p.arm is not None) for p in pairs] == [("YOGA", "PAIN", True)]
    features = SentenceFeatures(sentence, 0, _words(sentence), _cues(), "results")
    assert "arm" in pair_features(pairs[0], features, [pain])
    assert "p_after=sig" in object_features(pain, features, [pain])
    assert "oval=bad" in object_features(pain, features, [pain])


def test_pair_features_see_the_comparator():
    sentence = "Pain was lower with yoga than with massage."
    pain = _mention("Pain", 0, "outcome", "PAIN", 0)
    yoga = _mention("yoga", 20, "intervention", "YOGA", 4)
    massage = _mention("massage", 35, "intervention", "MASSAGE", 7)
    pairs = {p.subject.concept: p for p in sentence_pairs((0, len(sentence)), (0, 9), [pain, yoga, massage])}
    features = SentenceFeatures(sentence, 0, _words(sentence), _cues(), "results")
    assert "cmp_after_s" in pair_features(pairs["YOGA"], features, [pain, yoga, massage])
    assert "s_after_cmp" in pair_features(pairs["MASSAGE"], features, [pain, yoga, massage])


def test_a_control_arm_is_neither_subject_nor_object():
    sentence = "Pain was lower with yoga than with usual care."
    pain = _mention("Pain", 0, "outcome", "PAIN", 0)
    yoga = _mention("yoga", 20, "intervention", "YOGA", 4)
    care = _mention("usual care", 35, "intervention", "CARE", 7, ["control"])
    sedentary = _mention("sedentary rats", 35, "condition", "SEDENTARY", 7, ["control"])
    pairs = sentence_pairs((0, len(sentence)), (0, 9), [pain, yoga, care])
    assert [(p.subject.concept, p.object.concept) for p in pairs] == [("YOGA", "PAIN")]
    pairs = sentence_pairs((0, len(sentence)), (0, 9), [pain, yoga, sedentary])
    assert [(p.subject.concept, p.object.concept) for p in pairs] == [("YOGA", "PAIN")]


def test_arms_are_ranked_by_mentions_without_controls():
    mentions = [_mention("yoga", 10, "intervention", "YOGA", 1), _mention("yoga", 50, "intervention", "YOGA", 9),
                _mention("placebo", 20, "intervention", "PLACEBO", 3, ["control"]),
                _mention("walking", 5000, "intervention", "WALK", 800)]
    assert [(a.concept, a.rank) for a in article_arms(mentions)] == [("YOGA", 0), ("WALK", 1)]


def _cues():
    from miner.pipeline.cues import Rules

    return Rules.load()


@pytest.mark.parametrize("object_row, pair_rows, expected", [
    ([0.1, 0.8, 0.05, 0.05, 0.0, 0.0], [[0.2, 0.8], [0.9, 0.1]], [(0, "decreases")]),  # the subject, not the comparator
    ([0.7, 0.2, 0.1, 0.0, 0.0, 0.0], [[0.1, 0.9]], []),  # no finding about the object
    # Below the subject threshold: the best subject above the floor, and those near it ...
    ([0.0, 0.0, 0.0, 0.9, 0.1, 0.0], [[0.7, 0.3], [0.75, 0.25]], [(0, "no_effect"), (1, "no_effect")]),
    # ... but not one above the floor and far below the best.
    ([0.0, 0.0, 0.0, 0.9, 0.1, 0.0], [[0.7, 0.3], [0.79, 0.21]], [(0, "no_effect")]),
    ([0.4, 0.3, 0.3, 0.0, 0.0, 0.0], [[0.1, 0.9]], [(0, "decreases")]),  # a finding, its mass split over two labels
])
def test_the_decision_rule(object_row, pair_rows, expected):
    from miner.pipeline.relation_pipe import DocCandidates, RelationClassifier

    classifier = RelationClassifier.__new__(RelationClassifier)
    classifier.cfg = {"labels": ["none", "decreases", "increases", "no_effect", "associated_with", "not_associated"],
                      "threshold": 0.5, "subject_threshold": 0.5, "subject_floor": 0.2}
    candidates = DocCandidates([None], [None] * len(pair_rows), [0] * len(pair_rows), None)
    found = classifier.decide(candidates, numpy.array([object_row]), numpy.array(pair_rows))
    assert [(index, label) for index, label, _ in found] == expected


def test_group_references_are_compared_with_the_main_arms():
    from miner.pipeline.grouping import candidate_pairs, group_reference, pair_rows

    forms = [Form("Baduanjin qigong", "intervention", count=5), Form("the experimental group", "intervention"),
             Form("control group", "intervention", count=3), Form("pain", "outcome", count=4),
             Form("stretching", "intervention", count=2)]
    assert group_reference(forms[1]) and not group_reference(forms[2]) and not group_reference(forms[0])
    pairs = candidate_pairs(forms)
    # the reference is paired with the interventions most named, never with an outcome
    assert (0, 1) in pairs and (1, 4) in pairs and (1, 3) not in pairs
    rows = dict(zip(pairs, pair_rows(forms, pairs)))
    assert "group_reference" in rows[(0, 1)] and "reference_arm_rank=0" in rows[(0, 1)]
    assert "reference_word=experimental" in rows[(0, 1)]

def test_arm_labels_are_linked_to_the_arm_their_sentence_names():
    import bisect
    import re

    from miner.pipeline.grouping import arm_label, arm_links, candidate_pairs, join_kind, pair_rows

    text = ("Patients were randomised to group A (open hydrocelectomy, n = 20) or group B (minimal access "
            "hydrocelectomy). Group B needed less analgesia than the control group.")
    names = [("group A", "intervention"), ("open hydrocelectomy", "intervention"), ("group B", "intervention"),
             ("minimal access hydrocelectomy", "intervention"), ("Group B", "intervention"),
             ("analgesia", "outcome"), ("control group", "intervention")]
    mentions = sorted({(m.start(), m.end(), name, kind) for name, kind in names
                       for m in re.finditer(re.escape(name), text)})
    second = text.index("Group B needed")
    links = arm_links(text, mentions, lambda char: bisect.bisect_right([0, second], char))
    # each label with the arm in its brackets, and (weaker) the other arm of its sentence
    assert links["group A"] == {("open hydrocelectomy", "paren"), ("minimal access hydrocelectomy", "near+other")}
    assert ("minimal access hydrocelectomy", "paren") in links["group B"]
    assert "Group B" not in links and "control group" not in links  # their sentence names no arm
    assert join_kind(" received ", label_first=True) == "verb" and join_kind(" received ", label_first=False) == "near"
    assert arm_label(Form("the control group", "intervention")) and arm_label(Form("arm II", "intervention"))
    assert not arm_label(Form("group therapy", "intervention")) and not arm_label(Form("group B", "outcome"))

    forms = [Form(name, kind, links=frozenset(links.get(name, ()))) for name, kind in names]
    pairs = candidate_pairs(forms)
    rows = dict(zip(pairs, pair_rows(forms, pairs)))
    assert "join=paren" in rows[(2, 3)] and "direct_join" in rows[(2, 3)] and "direct_join" not in rows[(0, 3)]

    def score(batch):
        return [0.9 if "direct_join" in rows[p] else 0.8 if p == (2, 4) else 0.2 for p in batch]

    # "Group B" joins "group B" (two labels), and the pair of labels the arm its
    # brackets name, although only one of its forms was linked
    assert sorted(group_forms(forms, score)) == [[0, 1], [2, 3, 4], [5], [6]]


def test_finding_label_sums_the_labels_other_than_none():
    from miner.pipeline.relation_pipe import finding_label

    assert finding_label(numpy.array([0.4, 0.25, 0.35, 0.0]), 0.5) == 2
    assert finding_label(numpy.array([0.6, 0.25, 0.15, 0.0]), 0.5) is None
    assert finding_label(numpy.array([0.6, 0.25, 0.15, 0.0]), 0.35) == 1


def test_arm_words_leave_out_function_words_and_words_two_arms_share():
    assert content_words("Aerobic exercise with music") == {"aerobic", "exercise", "music"}
    mentions = [_mention("aerobic training", 10, "intervention", "AER", 1),
                _mention("resistance training", 40, "intervention", "RES", 6),
                _mention("aerobic exercise", 90, "intervention", "AER", 15)]
    words = {a.concept: a.words for a in article_arms(mentions)}
    assert words == {"AER": {"aerobic", "exercise"}, "RES": {"resistance"}}


def test_the_nearest_direction_cue_and_its_negation():
    sentence = "Yoga did not reduce pain, but sleep increased markedly."
    cues = SentenceFeatures(sentence, 0, _words(sentence), _cues(), "results").cues
    pain, sleep = sentence.index("pain"), sentence.index("sleep")
    assert sentence[slice(*nearest_cue(cues, pain, pain + 4)[:2])] == "did not reduce"  # the no-effect cue holds "reduce"
    assert nearest_cue(cues, sleep, sleep + 5)[2] == "increase"
    assert nearest_cue(cues, pain, pain + 4, categories=("worsen",)) is None


def test_direction_features_join_the_cue_to_the_objects_words():
    sentence = "Yoga did not reduce back pain, but sleep quality improved."
    features = SentenceFeatures(sentence, 0, _words(sentence), _cues(), "results")
    pain = _mention("back pain", sentence.index("back pain"), "outcome", "PAIN", 4, ["valence=bad"])
    sleep = _mention("sleep quality", sentence.index("sleep"), "outcome", "SLEEP", 7)
    pain_features = direction_features(pain, features, "bad")
    assert "dir=no_effect" in pain_features and "dir_ow=no_effect_pos_pain" in pain_features
    failed = "Yoga failed to lower back pain."
    negated = direction_features(_mention("back pain", failed.index("back pain"), "outcome", "PAIN", 4, ["valence=bad"]),
                                 SentenceFeatures(failed, 0, _words(failed), _cues(), "results"), "bad")
    assert "dir_n=decrease_neg" in negated
    sleep_features = direction_features(sleep, features, "none")
    assert "dir_w=improve_post_near" in sleep_features and "dir_ow=improve_pos_quality" in sleep_features
    assert direction_features(pain, SentenceFeatures("Pain.", 0, [(0, 4)], _cues(), None), "bad") == ["dir=none"]


def test_the_longer_of_two_equally_near_cues_wins():
    sentence = "Yoga did not significantly reduce pain."
    cues = SentenceFeatures(sentence, 0, _words(sentence), _cues(), "results").cues
    pain = sentence.index("pain")
    assert nearest_cue(cues, pain, pain + 4)[2] == "no_effect"


def test_the_previous_sentences_interventions_are_candidate_subjects():
    from miner.pipeline.pairs import with_previous

    yoga = _mention("yoga", 10, "intervention", "YOGA", 1)
    swim = _mention("swam", 300, "intervention", "SWIM", 50)
    arms = with_previous([Arm("YOGA", 0, yoga)], [swim, yoga])
    assert [(a.concept, a.rank, a.previous) for a in arms] == [("YOGA", 0, True), ("SWIM", 9, True)]
    sentence = "They had less pain."
    pain = _mention("pain", 14, "outcome", "PAIN", 3)
    pairs = sentence_pairs((0, len(sentence)), (0, 5), [pain], arms)
    features = SentenceFeatures(sentence, 0, _words(sentence), _cues(), "results")
    assert {p.subject.concept for p in pairs} == {"YOGA", "SWIM"}
    assert all("arm_previous" in pair_features(p, features, [pain]) for p in pairs)


def test_fold_models_are_retrained_only_when_what_decides_them_changed(tmp_path, monkeypatch):
    import json

    from miner.training import crossval, pipeline

    work = tmp_path / "work"
    (work / "vectors").mkdir(parents=True)
    (work / "vectors" / "key.txt").write_text("vectors-1")
    (work / "corpus.json").write_text(json.dumps({"sha1": "corpus-1"}))
    trained: list[tuple[str, int]] = []

    def fake_train(config, output, train, dev, overrides=None, quiet=True):
        trained.append((config.stem, int(output.parent.name[-1])))
        (output / "model-last").mkdir(parents=True, exist_ok=True)
        if config.stem == "ner":
            assert overrides["paths.vectors"] == str(work / "vectors")
        return output / "model-last"

    code = {"shared": "s1", "relations": "r1"}
    monkeypatch.setattr(pipeline, "train_component", fake_train)
    monkeypatch.setattr(pipeline, "assemble", lambda ner, relations, out, info: out)
    monkeypatch.setattr(crossval, "_code_digest",
                        lambda leave_out=frozenset(): code["shared"] + ("" if leave_out else code["relations"]))

    crossval.fold_pipelines(work, 2)
    assert sorted(trained) == [("ner", 0), ("ner", 1), ("relations", 0), ("relations", 1)]
    trained.clear()
    crossval.fold_pipelines(work, 2)
    assert trained == []  # nothing changed: both reused
    code["relations"] = "r2"  # the relation classifier's code only
    crossval.fold_pipelines(work, 2)
    assert sorted(trained) == [("relations", 0), ("relations", 1)]
    trained.clear()
    (work / "vectors" / "key.txt").write_text("vectors-2")  # the recognizer's inputs only
    crossval.fold_pipelines(work, 2)
    assert sorted(trained) == [("ner", 0), ("ner", 1)]
    trained.clear()
    code["shared"] = "s2"  # code both read
    crossval.fold_pipelines(work, 1)
    assert sorted(trained) == [("ner", 0), ("relations", 0)]


def test_the_pretrained_tok2vec_is_reused_until_what_it_is_made_from_changes(tmp_path, monkeypatch):
    from miner.training import pipeline

    work = tmp_path / "work"
    (work / "vectors").mkdir(parents=True)
    (work / "vectors" / "key.txt").write_text("vectors-1")
    (work / "raw.jsonl").write_text('{"text": "Pain fell."}\n')
    runs: list[int] = []

    def fake_pretrain(config, output, raw_text, train, dev, epochs, vectors):
        assert (raw_text, vectors) == (work / "raw.jsonl", work / "vectors")
        runs.append(epochs)
        output.mkdir(parents=True, exist_ok=True)
        (output / "model-last.bin").write_bytes(b"weights")
        return output / "model-last.bin"

    monkeypatch.setattr(pipeline, "pretrain_tok2vec", fake_pretrain)
    weights = pipeline.pretrained_tok2vec(work)
    assert weights == work / "pretrain" / "model-last.bin" and runs == [pipeline.PRETRAIN_EPOCHS]
    assert pipeline.pretrained_tok2vec(work) == weights and len(runs) == 1  # reused
    (work / "vectors" / "key.txt").write_text("vectors-2")  # other word vectors: pretrained anew
    pipeline.pretrained_tok2vec(work)
    (work / "raw.jsonl").write_text('{"text": "Pain rose."}\n')  # other text: anew
    pipeline.pretrained_tok2vec(work)
    pipeline.pretrained_tok2vec(work, epochs=1)  # other epochs: anew
    every = pipeline.PRETRAIN_EPOCHS
    assert runs == [every, every, every, 1]
