"""Study context that a researcher filters and counts by: whose result a sentence states,
the species and design of a study, its sample size (texts written for these tests)."""

from __future__ import annotations

import re

import pytest

from miner.pipeline.study import claim_kind


@pytest.mark.parametrize("sentence, section", [
    ("In their trial, Novak et al. also showed less fatigue after rowing, as in the present study.", "discussion"),
    ("Okafor et al14 reported lower CRP with cycling than we found here.", "discussion"),
    ("Our data agree with those reported by Lind and Aho, who found that rowing lowered CRP.", "discussion"),
    ("A previous trial with naproxen lowered knee pain by a third.", "results"),
    ("An earlier randomised study of rowing reduced fatigue.", None),
    ("Rowing lowered fatigue in older women (Haddad 2014).", "results"),
    ("Rowing lowered fatigue in older women, as Haddad (2014) reported.", "conclusions"),
    ("Studies in rabbits have shown that rowing lowers CRP.", "discussion"),
    ("A study by Moreau found less fatigue with rowing.", "results"),
    ("Our results agree with previous trials [3-5], which showed that grip strength did not rise.", "discussion"),
    ("In another study, Vidal12 showed that rowing eased back pain, unlike in our trial.", "discussion"),
    ("Kaur (Kaur et al. 2011) reported less fatigue after rowing than we did.", "discussion"),
    ("The results of another trial show less fatigue with rowing.", None),
])
def test_other_work_is_a_citation_in_any_section(sentence, section):
    assert claim_kind(sentence, section) == "citation"


@pytest.mark.parametrize("sentence, section", [
    ("Unlike previous trials, we found that rowing lowered fatigue.", "discussion"),
    ("The lower CRP with rowing in this study is in line with previous studies.", "discussion"),
    ("Fatigue fell from 7 (5-8) to 4 (2-6) in the rowing group.", "results"),
    ("Fatigue fell more than in the other group (p = 0.02).", "results"),
    ("Compared with the previous visit, fatigue fell in both groups.", "results"),
    ("This was a randomised trial of Tai Chi in which fatigue fell.", None),
    ("As in our previous work (Brandt et al. 2015), we found less fatigue after rowing.", "discussion"),
])
def test_the_papers_own_result_stays_own(sentence, section):
    assert claim_kind(sentence, section) == "own"


# ----------------------------------------------------------------------------- species

@pytest.mark.parametrize("text, word, why", [
    ("Serum IL-6 was read with a kit (Cat. No. K6021) on a plate reader.", "Cat", "catalogue"),
    ("The kit was bought from a supplier (cat# 88-7066).", "cat", "catalogue"),
    ("Pain peaked on the second day of canine retraction.", "canine", "tooth"),
    ("Brackets were bonded on the upper canine and first premolar.", "canine", "tooth"),
    ("The canines were then retracted with elastic chains.", "canines", "tooth"),
    ("Slides were incubated with goat anti-mouse IgG for an hour.", "goat", "reagent"),
    ("A rabbit polyclonal antibody against SGLT1 was used.", "rabbit", "reagent"),
    ("Strips of porcine aorta were placed in the perfusion chamber.", "porcine", "material"),
    ("The drink was made with goat milk and honey.", "goat", "food"),
    ("Each session ended with the Dog stretch and slow breathing.", "Dog", "yoga"),
    ("Each session ended with the Cat-Cow sequence.", "Cat", "yoga"),
    ("Participants answered with a computer mouse.", "mouse", "mouse"),
    ("The horse riding simulator ran for 20 minutes.", "horse", "riding"),
    ("Forty adult male rats were used.", "adult", "age of an animal"),
    ("Pain fell in the PIG group (n = 8).", "PIG", "acronym"),
    ("Health status was measured with the CAT questionnaire.", "CAT", "acronym"),
])
def test_species_words_that_name_no_organism(text, word, why):
    from miner.pipeline.species import not_organism

    start = text.index(word)
    assert why in not_organism(text, start, start + len(word))


@pytest.mark.parametrize("text, word", [
    ("Twelve goats were fed hay and walked daily.", "goats"),
    ("Forty adult male rats were used.", "rats"),
    ("Meloxicam eased dermatitis in the canine species.", "canine"),
    ("Client-owned dogs with dermatitis were enrolled.", "dogs"),
    ("EFFECT OF SWIMMING IN RATS WITH NERVE INJURY", "RATS"),
    ("A murine model of dry eye was used.", "murine"),
])
def test_species_words_that_name_the_organism(text, word):
    from miner.pipeline.species import not_organism

    start = text.index(word)
    assert not_organism(text, start, start + len(word)) is None


def _context(annotate, text):
    doc = annotate(text)
    species = [(m.text, m.id) for m in doc._.miner_entities if m.type == "species"]
    return species, dict(doc._.miner_context), list(doc._.miner_relations)


GOAT = "NCBITaxon:9925"
HUMAN = "NCBITaxon:9606"
RAT = "NCBITaxon:10116"


GOAT_STUDY = ("TITLE: Treadmill walking and joint pain in goats with induced arthritis\n\n"
              "ABSTRACT.METHODS::\nTwenty adult goats with carrageenan arthritis were randomly assigned to daily "
              "treadmill walking or rest for six weeks.\n\n"
              "BODY.METHODS:\nSynovial IL-1β was measured with a commercial kit (Cat. No. DY201). Sections were "
              "incubated with goat anti-rabbit IgG.\n\n"
              "BODY.RESULTS:\nTreadmill walking lowered synovial IL-1β compared with rest (p = 0.01).\n")
DENTAL_TRIAL = ("TITLE: Ibuprofen for pain during canine retraction: a randomised trial\n\n"
                "ABSTRACT.METHODS::\nThirty orthodontic patients were randomly allocated to ibuprofen (the PIG "
                "group) or placebo during maxillary canine retraction.\n\n"
                "ABSTRACT.RESULTS::\nIbuprofen reduced pain compared with placebo (p = 0.03).\n")


@pytest.mark.parametrize("text, taxon, design, mentions", [
    (GOAT_STUDY, GOAT, "animal", ["goats", "goats"]),  # not a cat ("Cat. No."), not the reagent's goat
    (DENTAL_TRIAL, HUMAN, "randomized_trial", ["patients"]),  # not a dog ("canine"), not a pig ("PIG")
])
def test_the_species_and_design_of_a_study_come_from_its_organisms(annotate, text, taxon, design, mentions):
    species, context, found = _context(annotate, text)
    # the surviving species mentions, by their head noun ("adult goats" is a mention of goats)
    assert [word.split()[-1] for word, _ in species] == mentions and {cid for _, cid in species} == {taxon}
    assert context["species"] == [taxon] and context["study_type"] == design
    assert found and all(f["species"] == taxon for f in found)


def test_background_species_set_their_sentence_only(annotate):
    species, context, found = _context(annotate, (
        "TITLE: Swimming and neck pain in office workers\n\n"
        "ABSTRACT.BACKGROUND:\nStudies in rats have shown that swimming lowers TNF-alpha in injured nerves [4]. "
        "Rats that swam had less allodynia [5,6].\n\n"
        "ABSTRACT.METHODS:\nForty office workers with chronic neck pain were randomly assigned to swimming or "
        "usual care.\n\n"
        "ABSTRACT.RESULTS:\nSwimming lowered TNF-alpha compared with usual care (p = 0.01).\n"))
    assert context["species"] == [HUMAN] and context["study_type"] == "randomized_trial"
    by_section = {f["section"]: f for f in found if f["object"] == "HGNC:11892"}
    assert by_section["background"]["species"] == RAT  # what the sentence says
    assert by_section["results"]["species"] == HUMAN  # the trial's own result


def test_mentions_are_frozen_records_that_the_species_stage_replaces(nlp):
    import dataclasses

    from miner.pipeline import doc_record, make_doc
    from miner.articles.readers import article_from_text
    from miner.pipeline.records import EntityMention

    doc = make_doc(nlp, article_from_text(GOAT_STUDY, "goats.txt"))
    for name, component in nlp.pipeline:
        doc = component(doc)
        if name == "miner_entities":
            before = list(doc._.miner_entities)
    after = doc._.miner_entities
    assert all(isinstance(m, EntityMention) for m in after)
    with pytest.raises(dataclasses.FrozenInstanceError):
        after[0].type = "other"  # type: ignore[misc]
    marked = [m for m in after if m.type == "species"]
    # (the recognizer may take "adult goats" whole: the span's words are its own business)
    assert [(m.text.split()[-1], m.section, m.claim) for m in marked] == [("goats", "title", "own"),
                                                                          ("goats", "methods", "methods")]
    # the species stage replaced the records it marked; the builder's stayed as they were
    assert all(m.section is None and m.claim is None for m in before)
    assert doc_record(doc)["entities"] == [m.to_dict() for m in after]
    assert doc_record(doc)["entities"][0].keys() >= {"start", "end", "text", "type", "id", "name", "source"}


# ----------------------------------------------------------------------------- sample size

@pytest.mark.parametrize("text, n", [
    ("Two hundred and forty participants with hip pain were randomly assigned.", 240),
    ("Of 96 patients enrolled, 12 were lost to follow-up.", 96),
    ("Thirty-two client-owned dogs were treated (n = 16 per group).", 32),
    ("We randomized 86 older adults; 410 patients were screened for eligibility.", 86),
    ("Eighteen adult goats were housed in pairs.", 18),
    ("The first 1,204 patients of the registry were analysed.", 1204),
    ("One hundred and twenty three patients took part.", 123),
    ("A pain diary validated in 1,500 adults was used. Sixty-two patients were randomly assigned to yoga.", 62),
    ("A previous trial of 300 patients found less pain. Here 48 patients took part (n = 24 per group).", 48),
])
def test_a_sample_size_is_a_count_of_subjects_or_animals(text, n):
    from miner.pipeline.study import sample_size

    assert sample_size(text) == n


@pytest.mark.parametrize("text", [
    "Running raised heat shock protein 27 compared with sedentary rats.",
    "Group 4 patients walked twice a week.",
    "Pain fell on day 14 in the treated mice.",
    "Cycling lowered IL-6 in COVID-19 patients.",
    "They played a group game with 3–4 persons.",
    "Records from 2016 patients were not used.",
    "Fatigue was rated as before (refs 14 22\n\nPatients and methods follow).",
])
def test_a_number_inside_a_name_is_no_sample_size(text):
    from miner.pipeline.study import sample_size

    assert sample_size(text) is None


def test_an_evidence_takes_the_articles_count_not_a_number_in_a_name(annotate):
    doc = annotate("TITLE: Running and heat shock protein 27 in rats\n\n"
                   "ABSTRACT.METHODS::\nTwenty-four male rats were randomly assigned to treadmill running or rest.\n\n"
                   "ABSTRACT.RESULTS::\nTreadmill running raised heat shock protein 27 compared with sedentary rats "
                   "(p < 0.01).\n")
    (found,) = [r for r in doc._.miner_relations if r["object"] == "HGNC:5246"]
    assert found["context"]["sample_size"] == 24


def test_bad_species_patterns_are_one_clear_error(tmp_path):
    from miner.errors import LexiconError
    from miner.pipeline.species import load_rules

    cases = {
        "broken.json": ('{"not_organism": [', "invalid JSON"),
        "no-list.json": ('{"not_organism": {}}', "expected a list 'not_organism'"),
        "no-why.json": ('{"not_organism": [{"after": "^x"}]}', "entry 1 needs 'why'"),
        "bad-regex.json": ('{"not_organism": [{"why": "w", "after": "(x"}]}', "entry 1: bad expression in 'after'"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_text(content)
        with pytest.raises(LexiconError, match=re.escape(message)) as raised:
            load_rules(path)
        assert str(path) in str(raised.value) and "\n" not in str(raised.value)
    with pytest.raises(LexiconError, match="species patterns not found"):
        load_rules(tmp_path / "missing.json")


# ----------------------------------------------------------------------------- design

@pytest.mark.parametrize("title, text, design", [
    ("Rowing for knee pain",
     "ABSTRACT.METHODS::\nSixty adults were randomly divided into rowing and control groups.\n\n"
     "BODY.INTRODUCTION:\nA meta-analysis of twelve trials found less knee pain with exercise [2].\n", "randomized_trial"),
    ("Rowing and knee pain in a cohort of older adults",
     "ABSTRACT.METHODS::\nWe followed 400 older adults in a prospective cohort for five years.\n\n"
     "BODY.INTRODUCTION:\nRandomized trials have shown that rowing eases knee pain [3].\n", "observational"),
    ("Exercise for knee pain: a systematic review and meta-analysis",
     "ABSTRACT.METHODS::\nWe searched five databases for trials of exercise.\n", "meta_analysis"),
    ("Exercise for knee pain",
     "ABSTRACT.METHODS::\nWe conducted a meta-analysis of 14 randomised trials of exercise.\n", "meta_analysis"),
    ("Rowing and knee pain",
     "ABSTRACT.METHODS::\nForty adults rowed twice a week for eight weeks.\n\n"
     "BODY.DISCUSSION:\nUnlike the randomised trials of others, this study had no control group.\n", None),
])
def test_the_design_is_what_the_article_says_it_did(title, text, design):
    from miner.pipeline.context import study_type

    full = f"TITLE: {title}\n\n{text}"
    assert study_type(full, title, [HUMAN], True) == design
