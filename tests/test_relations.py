"""Relations on sentences written for these tests: direction, negation, hedging,
comparisons, coordination, subjects from context."""

from __future__ import annotations

import pytest

#: What the trained classifier does not do yet (strict: a test that starts passing fails,
#: so that the mark comes off when a model learns it).
NOT_YET = "the trained relation classifier does not learn this yet from the annotated abstracts"

EXERCISE = "MESH:D015444"
SWIM = "MESH:D013550"
TREADMILL = "MINER:treadmill-exercise"
YOGA = "MESH:D015013"
PAIN = "MESH:D010146"
NEUROPATHIC = "MESH:D009437"
TNF = "HGNC:11892"
IL1B = "HGNC:5992"
IL6 = "HGNC:6018"
HSP27 = "HGNC:5246"
FUNCTION = "MINER:physical-function"
QOL = "MESH:D011788"


def test_verb_directions(relations):
    assert (EXERCISE, "decreases", PAIN) in relations("Exercise reduced pain in older adults.")
    assert (SWIM, "increases", HSP27) in relations("Swimming increased HSP27 in the sciatic nerve.")


def test_passive_and_coordination_give_one_finding_per_object(relations):
    found = relations("In the swimming group, TNF-α, IL-1β and IL-6 were significantly reduced.")
    assert {(SWIM, "decreases", t) for t in (TNF, IL1B, IL6)} <= found


def test_improved_reads_through_the_object(relations):
    found = relations("Yoga improved pain and physical function compared with usual care.")
    assert (YOGA, "decreases", PAIN) in found
    assert (YOGA, "increases", FUNCTION) in found
    assert not any(s == "MINER:usual-care" for s, _, _ in found)


def test_negation_gives_no_effect(relations):
    found = relations("Yoga did not significantly reduce pain compared with usual care.")
    assert found == {(YOGA, "no_effect", PAIN)}
    assert (YOGA, "no_effect", QOL) in relations("There was no significant difference in quality of life "
                                                 "between the yoga group and the control group.")


def test_comparative_with_the_control_first_is_inverted(relations):
    found = relations("Pain scores were higher in the control group than in the yoga group (p < 0.05).")
    assert found == {(YOGA, "decreases", PAIN)}
    found = relations("Pain scores were lower in the yoga group than in the control group (p < 0.05).")
    assert found == {(YOGA, "decreases", PAIN)}


def test_population_condition_is_not_an_object(relations):
    found = relations("Exercise reduced pain in patients with fibromyalgia.")
    assert found == {(EXERCISE, "decreases", PAIN)}


def test_within_group_change_is_not_a_finding(relations):
    assert relations("Pain decreased from baseline in both groups.") == set()


def test_hedging_and_biomarker_subject_in_relative_clause(annotate):
    doc = annotate("Exercised rats showed more HSP27, which may lower TNF-α in the nerve.")
    found = {(r["subject"], r["relation"], r["object"]): r for r in doc._.miner_relations}
    assert (HSP27, "decreases", TNF) in found
    assert found[(HSP27, "decreases", TNF)]["hedged"] is True


def test_subject_carried_over_from_the_previous_sentence(annotate):
    doc = annotate("Rats with nerve injury ran on a treadmill for four weeks. "
                   "These rats also showed reduced neuropathic pain behaviours.")
    found = {(r["subject"], r["relation"], r["object"]): r for r in doc._.miner_relations}
    finding = found[(TREADMILL, "decreases", NEUROPATHIC)]
    assert finding["subject_source"] == "previous"


def test_effect_and_p_value_attach_to_their_own_object(annotate):
    doc = annotate("Swimming reduced TNF-α by 30% (p = 0.01) and IL-6 by 45% (p = 0.002).")
    found = {r["object"]: r for r in doc._.miner_relations}
    assert found[TNF]["effect"]["text"].startswith("reduced TNF-α by 30%") or found[TNF]["effect"]["value"] == 30
    assert found[TNF]["p_value"] == "p = 0.01"
    assert found[IL6]["effect"]["value"] == 45
    assert found[IL6]["p_value"] == "p = 0.002"


def test_species_from_sentence_or_article(annotate):
    doc = annotate("Mice ran on wheels. Exercise lowered IL-6 in the exercised group compared with controls.")
    [finding] = [r for r in doc._.miner_relations if r["object"] == IL6]
    assert finding["species"] == "NCBITaxon:10090"


def test_association(relations):
    found = relations("Higher IL-6 was associated with more severe pain.")
    assert (IL6, "associated_with", PAIN) in found


def test_purpose_sentences_are_not_findings(relations):
    assert relations("We aimed to determine whether yoga reduces pain.") == set()


def test_a_non_significant_difference_overrides_the_direction(relations):
    found = relations("Pain was lower in the yoga group than in the control group, but this difference "
                      "was not significant.")
    assert found == {(YOGA, "no_effect", PAIN)}
    assert relations("Yoga reduced pain compared with usual care (p = 0.21).") == {(YOGA, "no_effect", PAIN)}


def test_respectively_pairs_statistics_with_objects(annotate):
    doc = annotate("Compared with placebo, swimming lowered TNF-α and IL-6 (p = 0.01 and p = 0.03, respectively).")
    found = {r["object"]: r["p_value"] for r in doc._.miner_relations}
    assert found == {TNF: "p = 0.01", IL6: "p = 0.03"}


def test_a_statistic_after_a_list_belongs_to_every_item(annotate):
    doc = annotate("Swimming reduced TNF-α, IL-1β and IL-6 (p < 0.05).")
    assert {r["object"]: r["p_value"] for r in doc._.miner_relations} == {TNF: "p < 0.05", IL1B: "p < 0.05",
                                                                          IL6: "p < 0.05"}


@pytest.mark.xfail(strict=True, reason=NOT_YET)
def test_case_control_comparison_makes_the_condition_the_subject(annotate):
    doc = annotate("Compared with healthy volunteers, men with chronic neck pain showed reduced grip strength.")
    [finding] = doc._.miner_relations
    assert (finding["subject"], finding["relation"], finding["object"]) == (
        "MESH:D019547", "associated_with", "MESH:D018737")


@pytest.mark.xfail(strict=True, reason=NOT_YET)
def test_pronoun_clause_speaks_of_the_previous_objects(relations):
    found = relations("Pain did not differ between yoga and tai chi; however, they were lower than in the "
                      "control group.")
    assert (YOGA, "decreases", PAIN) in found


@pytest.mark.xfail(strict=True, reason=NOT_YET)
def test_parallel_description_of_arms_is_not_a_finding(relations):
    assert relations("On average, pain improved by 2.4 points in the yoga arm and by 2.1 points in the education arm.") == set()


def test_introduction_claims_do_not_borrow_the_article_subject(annotate):
    text = ("TITLE:\nYoga for back pain\n\nABSTRACT.BACKGROUND:\nMigraine causes severe pain in many people.\n"
            "ABSTRACT.RESULTS:\nYoga reduced pain compared with usual care (p < 0.01).\n")
    doc = annotate(text)
    sentences = {r["sentence"] for r in doc._.miner_relations}
    assert sentences == {"Yoga reduced pain compared with usual care (p < 0.01)."}


@pytest.mark.parametrize("sentence, p_value, expected", [
    ("Yoga reduced pain (p = 0.21).", "p = 0.21", True),
    ("Yoga reduced pain (p > 0.05).", "p > 0.05", True),
    ("Yoga reduced pain (p = 0.049).", "p = 0.049", False),
    ("Yoga reduced pain (p < 0.05), but this was not significant for fatigue.", "p < 0.05", False),
    ("Yoga reduced pain, but the difference was not statistically significant.", None, True),
    ("Pain fell with yoga; the difference did not reach significance.", None, True),
    ("The difference was not significant, and yoga reduced pain.", None, False),
])
def test_a_difference_is_not_significant_by_its_own_statistic(sentence, p_value, expected):
    from miner.pipeline.cues import Rules
    from miner.pipeline.findings import not_significant
    from miner.pipeline.records import EntityMention

    start = sentence.lower().index("pain")
    target = EntityMention(start, start + 4, 0, 1, sentence[start:start + 4], "outcome", "MESH:D010146", "Pain", "lexicon")
    assert not_significant(sentence, 0, target, p_value, Rules.load()) is expected
