"""``miner evaluate`` on a gold article and prompts written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from miner.cli import cli
from miner.evaluate.matching import ConceptForms, matches_text, one_to_one, same_concept
from miner.evaluate.scoring import Predictions, effect_overlaps, score_gold
from miner.evidence.model import Evidence, Finding, Mention

FIXTURES = Path(__file__).parent / "fixtures"


def test_gold_scores_on_a_known_article():
    result = CliRunner().invoke(cli, ["evaluate", str(FIXTURES / "gold"), "--mine", "--json", "--errors"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    gold = json.loads(result.stdout)["gold"]
    relations = gold["relations"]["all"]
    # Two of the three gold relations are stated in the text and found; nothing else is.
    assert (relations["tp"], relations["gold"], relations["predicted"]) == (2, 3, 2)
    assert gold["effect_attachment"] == {"gold_with_effect": 1, "attached": 1, "score": 1.0,
                                         "strict_attached": 1, "strict_score": 1.0}
    assert gold["strict_relations"]["all"]["tp"] == 2
    assert [m["object"] for m in gold["misses"]] == ["Walking speed"]
    outcome = gold["entities"]["outcome"]
    assert outcome["tp"] == 2 and outcome["gold"] == 3


def test_prompt_scores_on_known_prompts():
    result = CliRunner().invoke(cli, ["evaluate", "--prompts", str(FIXTURES / "prompts.jsonl"), "--mine", "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    prompts = json.loads(result.stdout)["prompts"]
    assert prompts["prompts"] == 4  # the unlabelled prompt is left out
    assert prompts["pairs_found"] == 3  # grip strength is not in the text
    # prompt 2 is labelled "increased" but the text says no difference: wrong direction;
    # prompt 3 names the change ("pain reduction increased"): found, as "decreases pain".
    assert prompts["findings_found"] == 2 and prompts["direction_correct"] == 2


def _predictions(subject_node: tuple[str, str], subject_text: str) -> Predictions:
    """One article where a finding's subject node is ``subject_node`` (id, name) and its
    evidence writes the subject as ``subject_text``."""
    cid, name = subject_node
    evidence = Evidence("A1", "Aerobic training reduced pain.", 0, 30, subject_text, "pain")
    return Predictions(
        concepts={cid: {"name": name, "type": "intervention"},
                  "MESH:D010146": {"name": "Pain", "type": "outcome"}},
        mentions={"A1": [Mention("A1", cid, name.lower(), 0, len(name)),
                         Mention("A1", "MESH:D010146", "pain", 25, 29)]},
        findings={"A1": [Finding(cid, "decreases", "MESH:D010146", [evidence])]},
    )


def test_strict_relations_need_the_right_nodes():
    gold = [{"article": "A1", "entities": [
        {"type": "intervention", "name": "Aerobic training", "ids": [], "mentions": ["Aerobic training"]},
        {"type": "intervention", "name": "Exercise", "ids": ["MESH:D015444"], "mentions": ["exercise"]},
        {"type": "outcome", "name": "Pain", "ids": ["MESH:D010146"], "mentions": ["pain"]}],
        "relations": [{"subject": "Aerobic training", "relation": "decreases", "object": "Pain",
                       "sentence": "Aerobic training reduced pain."}], "effects": []}]
    # The edge leaves the generic node "Exercise" although its evidence says "aerobic
    # training": lenient counts it, strict does not.
    generic = score_gold(gold, _predictions(("MESH:D015444", "Exercise"), "Aerobic training"))
    assert generic.relation_total.tp == 1 and generic.strict_relation_total.tp == 0
    # The edge leaves the node that stands for the gold concept: both count it.
    right = score_gold(gold, _predictions(("MINER:aerobic-training", "Aerobic training"), "Aerobic training"))
    assert right.relation_total.tp == 1 and right.strict_relation_total.tp == 1


def test_matching_rules():
    gold = ConceptForms.make("Pain intensity", ["MESH:D010146"], ["Pain intensity", "pain scores"])
    by_id = ConceptForms.make("x", ["MESH:D010146"], ["Pain"])
    by_words = ConceptForms.make("y", ["MINER:pain-scores"], ["pain score"])
    other = ConceptForms.make("z", ["MINER:fatigue"], ["fatigue"])
    assert same_concept(gold, by_id) and same_concept(gold, by_words) and not same_concept(gold, other)
    assert one_to_one([gold], [other, by_words, by_id]) in ({0: 1}, {0: 2})
    assert matches_text(by_words, "the mean pain scores at 12 weeks")
    assert not matches_text(other, "pain scores")


def test_effect_overlap():
    assert effect_overlaps("−1.9 points (95% CI −2.8 to −1.0)", ["-1.9 points (95% CI -2.8 to -1.0)"])
    assert effect_overlaps("P < 0.05", [None, "P\u2009<\u20090.05"])
    assert not effect_overlaps("p = 0.01", ["p = 0.03"])


def test_a_prompt_naming_a_change_is_read_on_the_node_name():
    from miner.evaluate.scoring import _expected_for

    # "weight reduction significantly increased": the node "Body weight" went down, even
    # when its evidence wrote "weight loss"; a node that is itself the change keeps the label.
    body_weight = ConceptForms.make("MESH:D001835", ["MESH:D001835"], ["Body weight", "weight loss"])
    weight_loss = ConceptForms.make("MESH:D015431", ["MESH:D015431"], ["Weight loss", "body weight"])
    assert _expected_for("increases", "weight reduction", body_weight) == "decreases"
    assert _expected_for("increases", "weight reduction", weight_loss) == "increases"
    assert _expected_for("no_effect", "weight reduction", body_weight) == "no_effect"
