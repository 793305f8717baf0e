"""Lexicon matching (the entity candidates): variants, acronyms, abbreviations defined in
the text; and how the recognizer's spans are normalised to concept ids."""

from __future__ import annotations

import pytest

from miner.errors import LexiconError
from miner.pipeline.lexicon import Lexicon
from miner.text import norm_word
from miner.pipeline.sentences import sentence_starts


def _ids(doc):
    """The lexicon's candidates of a Doc: (text, concept id)."""
    return [(c.text, c.kb_id_) for c in doc.spans["miner_candidates"]]


def _candidates(doc):
    """The candidates as mention-like records (text, type, id)."""
    return [{"text": c.text, "type": c.label_, "id": c.kb_id_} for c in doc.spans["miner_candidates"]]


@pytest.mark.parametrize("form", ["TNF-α", "TNF-alpha", "TNFα", "TNF alpha", "tumour necrosis factor alpha",
                                  "tumor necrosis factor-α"])
def test_tnf_variants_normalise_to_hgnc(annotate, form):
    doc = annotate(f"Serum {form} was measured.")
    assert (form, "HGNC:11892") in _ids(doc)


@pytest.mark.parametrize(("form", "cid"), [
    ("IL-1β", "HGNC:5992"), ("IL-1beta", "HGNC:5992"), ("interleukin-1 beta", "HGNC:5992"),
    ("IL-6", "HGNC:6018"), ("interleukin 6", "HGNC:6018"), ("heat shock protein 27", "HGNC:5246"),
    ("HSP27", "HGNC:5246"), ("heat-shock protein-27", "HGNC:5246"), ("hs-CRP", "HGNC:2367"),
])
def test_biomarker_variants(annotate, form, cid):
    assert (form, cid) in _ids(annotate(f"We measured {form} in plasma."))


def test_types_across_the_lexicon(annotate):
    doc = annotate("Rats with sciatic nerve injury swam or ran on a treadmill; neuropathic pain, "
                   "allodynia and TNF-α in the dorsal root ganglion were reduced.")
    types = {m["text"]: (m["type"], m["id"]) for m in _candidates(doc)}
    assert types["Rats"] == ("species", "NCBITaxon:10116")
    assert types["sciatic nerve injury"][0] == "condition"
    assert types["swam"] == ("intervention", "MESH:D013550")
    assert types["treadmill"][0] == "intervention"
    assert types["neuropathic pain"] == ("condition", "MESH:D009437")
    assert types["allodynia"][0] == "outcome"
    assert types["dorsal root ganglion"] == ("anatomy", "MESH:D005727")


def test_longest_match_wins(annotate):
    doc = annotate("Chronic low back pain improved.")
    assert _ids(doc)[0] == ("Chronic low back pain", "MESH:D017116")


def test_acronyms_match_only_in_upper_case(annotate):
    assert ("VAS", "MESH:D064232") in _ids(annotate("Pain on the VAS fell."))
    assert not [m for m in _candidates(annotate("The vas deferens was intact.")) if m["id"] == "MESH:D064232"]


def test_unsafe_ontology_acronym_needs_a_definition(annotate):
    # "CCI" means chronic constriction injury only where the article says so.
    undefined = annotate("CCI rats were studied.")
    assert not [m for m in _candidates(undefined) if m["text"] == "CCI"]
    defined = annotate("Rats had chronic constriction injury (CCI). Later, CCI rats swam.")
    cci = [m for m in _candidates(defined) if m["text"] == "CCI"]
    assert len(cci) == 2 and {m["id"] for m in cci} == {"MINER:chronic-constriction-injury"}


def test_defined_scale_becomes_an_outcome_concept(annotate):
    doc = annotate("Function was rated on the Lysholm Knee Scoring Scale (LKSS). The LKSS improved.")
    lkss = [m for m in _candidates(doc) if m["text"] == "LKSS"]
    assert lkss and lkss[0]["type"] == "outcome" and lkss[0]["id"].startswith("MINER:lysholm")


def test_group_name_definition_is_recorded(annotate):
    doc = annotate("Rats with chronic constriction injury (CCI) were assigned to CCI with swimming "
                   "exercise (CCISE) or sedentary CCI groups.")
    defs = {d["short"]: d for d in doc._.miner_abbreviations}
    assert defs["CCISE"]["long"] == "CCI with swimming exercise"
    assert "MESH:D013550" in defs["CCISE"]["members"]


def test_class_words_are_concepts(annotate):
    ids = {m["id"] for m in _candidates(annotate("Pro-inflammatory cytokines and heat shock proteins rose."))}
    assert {"MINER:pro-inflammatory-cytokines", "MESH:D006360"} <= ids


def test_norm_word_is_idempotent_on_lower_case_words():
    for word in ["Behaviours", "cytokines", "TNF-α", "oedema", "therapies", "Programme"]:
        once = norm_word(word)
        assert norm_word(once) == once


def test_lexicon_validation_errors(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "concepts.tsv").write_text("id\ttype\tname\nX\tthing\tY\n")
    with pytest.raises(LexiconError, match="expected the columns"):
        Lexicon.load(bad)
    worse = tmp_path / "worse"
    worse.mkdir()
    (worse / "concepts.tsv").write_text(
        "id\ttype\tname\tterms\tabbrevs\tflags\txrefs\nnot-an-id\tcondition\tY\ty\t\t\t\n")
    with pytest.raises(LexiconError, match="not a concept id"):
        Lexicon.load(worse)
    with pytest.raises(LexiconError, match="no lexicon found"):
        Lexicon.load(tmp_path / "missing")


def test_sentence_starts():
    text = ("Pain fell (Smith et al. 2001). Fig. 2 shows it, vs. Table 1. P < 0.05. "
            "RESULTS:\nIt rose.\nThis line wraps\ninto the next one. New one.")
    starts = sentence_starts(text)
    sentences = [text[a:b].strip() for a, b in zip([0, *starts], [*starts, len(text)])]
    assert sentences == ["Pain fell (Smith et al. 2001).", "Fig. 2 shows it, vs. Table 1.", "P < 0.05.",
                         "RESULTS:", "It rose.", "This line wraps\ninto the next one.", "New one."]


def _sentences(text: str) -> list[str]:
    starts = sentence_starts(text)
    return [text[a:b].strip() for a, b in zip([0, *starts], [*starts, len(text)])]


def test_reference_markers_after_a_full_stop_end_the_sentence():
    text = ("Cycling lowered stiffness in older men.4 However, gait did not change. It was seen in rats.[7] "
            "Mice were not tested.(3) Knee pain was rated by Lee et al.[11,12] Walking helped most.8-10 "
            "Swimming was not studied.")
    assert _sentences(text) == [
        "Cycling lowered stiffness in older men.4", "However, gait did not change.", "It was seen in rats.[7]",
        "Mice were not tested.(3)", "Knee pain was rated by Lee et al.[11,12]", "Walking helped most.8-10",
        "Swimming was not studied."]


def test_numbers_after_a_point_that_are_not_reference_markers_stay_in_the_sentence():
    text = ("Each dose was 0.3 Units of insulin a day. Fig.2 Panels show it, see No.4 In total. "
            "Pain fell (p = 0.04) and rose again at week 12.5 Times a day they walked.")
    assert _sentences(text) == ["Each dose was 0.3 Units of insulin a day.", "Fig.2 Panels show it, see No.4 In total.",
                                "Pain fell (p = 0.04) and rose again at week 12.5 Times a day they walked."]


def test_study_arms_defined_in_the_text_are_concepts_of_their_own(annotate):
    doc = annotate("Adults were randomized to lifestyle physical activity (LPA) or fibromyalgia education (FME). "
                   "The LPA group walked more; lifestyle physical activity was well tolerated.")
    arms = {m["text"]: m["id"] for m in _candidates(doc) if m["type"] == "intervention"}
    assert arms["LPA"] == arms["lifestyle physical activity"] == "MINER:lifestyle-physical-activity"
    assert arms["FME"] == "MINER:fibromyalgia-education"
    definition = next(d for d in doc._.miner_abbreviations if d["short"] == "LPA")
    assert definition["parent"] == "MESH:D015444"


def test_outcome_phrases_beyond_the_lexicon(annotate):
    doc = annotate("Peak force, rate of force development and EMG amplitude were lower in the trained group.")
    outcomes = {m["text"] for m in _candidates(doc) if m["type"] == "outcome"}
    assert {"Peak force", "rate of force development", "EMG amplitude"} <= outcomes


def test_measures_of_a_named_concept_stay_that_concept(annotate):
    doc = annotate("Serum VEGF concentration and RMDQ scores were lower in the yoga group.")
    ids = {m.id for m in doc._.miner_entities}
    assert "HGNC:12680" in ids and "MINER:roland-morris" in ids
    assert not any(i.startswith("MINER:vegf") or i.startswith("MINER:rmdq") for i in ids)


def test_journal_names_are_not_concepts(annotate):
    doc = annotate("Researchers report in the journal Anesthesia and Analgesia that swimming helps.")
    assert "MINER:pain-relief" not in {m.id for m in doc._.miner_entities}


def test_elliptic_coordination_of_training_types(annotate):
    doc = annotate("Strength and endurance training reduced anxiety.")
    ids = {m.text: m.id for m in doc._.miner_entities}
    assert ids["Strength"] == "MESH:D055070"


def test_cached_patterns_tag_exactly_like_freshly_built_ones(tmp_path, monkeypatch):
    """The lexicon patterns are compiled once and cached; a pipeline started from the
    cache must find the same mentions as one that tokenized every term itself."""
    from miner.pipeline import annotate_text, build_pipeline

    monkeypatch.setenv("MINER_CACHE_DIR", str(tmp_path))
    text = ("Swimming lowered TNF-α and IL-1β in Sprague-Dawley rats with chronic constriction injury; "
            "tai chi reduced WOMAC pain scores and C-reactive protein in knee osteoarthritis (p < 0.05).")
    cold = build_pipeline()
    assert len(list(tmp_path.glob("patterns-*.pickle"))) == 1
    warm = build_pipeline()
    found = [[(m.start, m.end, m.id) for m in annotate_text(nlp, text, "t.txt")._.miner_entities]
             for nlp in (cold, warm)]
    assert found[0] == found[1] and len(found[0]) >= 8
    monkeypatch.setenv("MINER_CACHE_DIR", "")  # caching off: nothing written, same result
    assert [(m.start, m.end, m.id) for m in annotate_text(build_pipeline(), text, "t.txt")._.miner_entities] \
        == found[0]


def _with_ents(nlp, text, spans):
    """``text`` through the pipeline's candidates, with the recognizer's spans replaced by
    ``spans`` ((text, type) pairs, each at its first occurrence), then the mentions built."""
    from miner.pipeline import make_doc
    from miner.articles.readers import article_from_text

    doc = make_doc(nlp, article_from_text(text, "t.txt"))
    for name in ("miner_sentences", "miner_abbreviations", "miner_candidates"):
        doc = nlp.get_pipe(name)(doc)
    ents = []
    for written, kind in spans:
        start = text.index(written)
        ents.append(doc.char_span(start, start + len(written), label=kind))
    doc.set_ents(ents, default="outside")
    return nlp.get_pipe("miner_entities")(doc)


def test_recognised_spans_take_the_lexicon_id_and_the_recognizer_type(nlp):
    doc = _with_ents(nlp, "Liraglutide lowered serum IL-6 levels and pain.",
                     [("Liraglutide", "intervention"), ("serum IL-6 levels", "biomarker"), ("pain", "outcome")])
    found = {m.text: (m.type, m.id) for m in doc._.miner_entities}
    assert found["serum IL-6 levels"] == ("biomarker", "HGNC:6018")  # what was measured of IL-6
    assert found["pain"] == ("outcome", "MESH:D010146")
    assert found["Liraglutide"][0] == "intervention"  # the arm, whatever the lexicon files it as


def test_a_defined_short_form_and_its_long_form_are_one_concept(nlp):
    doc = _with_ents(nlp, "Patients did Baduanjin qigong exercise (BQE). BQE lowered fatigue.",
                     [("Baduanjin qigong exercise", "intervention"), ("BQE. BQE"[5:8], "intervention"),
                      ("fatigue", "outcome")])
    ids = {m.text: m.id for m in doc._.miner_entities}
    assert ids["BQE"] == ids["Baduanjin qigong exercise"]


def test_a_recognised_span_outside_the_lexicon_is_a_concept_of_its_own(nlp):
    doc = _with_ents(nlp, "Handgrip endurance time rose.", [("Handgrip endurance time", "outcome")])
    (mention,) = doc._.miner_entities
    assert mention.id == "MINER:handgrip-endurance-time" and mention.name == "Handgrip endurance time"


def test_header_labels_are_outside_the_recognizers_focus():
    from miner.pipeline.cues import Rules
    from miner.pipeline.recognizer import in_focus

    text = "TITLE: Swimming and pain\n\nABSTRACT.RESULTS::\nSwimming reduced pain (p < 0.01).\n"
    sections = [{"start": 7, "end": 24, "kind": "title", "label": "TITLE"},
                {"start": 45, "end": len(text), "kind": "results", "label": "ABSTRACT.RESULTS"}]
    sentences = [(0, 6), (7, 24), (26, 44), (45, len(text) - 1)]
    assert in_focus(text, sentences, 3000, Rules.load(), sections) == [False, True, False, True]


def test_a_recognised_name_does_not_end_in_a_verb_of_change(nlp):
    from spacy.tokens import Doc, Span

    from miner.pipeline.cues import Rules
    from miner.pipeline.recognizer import _trimmed

    doc = Doc(nlp.vocab, words="Treadmill running raised IL-6 ; the journal Pain ; reduced pain".split())
    spans = [Span(doc, 0, 3, label="intervention"), Span(doc, 6, 8, label="outcome"),
             Span(doc, 9, 11, label="outcome")]
    assert [(s.text, s.label_) for s in _trimmed(spans, Rules.load())] == [
        ("Treadmill running", "intervention"), ("reduced pain", "outcome")]


def test_the_discussion_is_read_where_it_speaks_of_this_study():
    from miner.pipeline.cues import Rules
    from miner.pipeline.recognizer import in_focus

    text = ("Yoga reduced pain in our trial (p < 0.01). Massage reduced pain in older adults (p < 0.01).")
    sections = [{"start": 0, "end": len(text), "kind": "discussion", "label": "BODY.DISCUSSION"}]
    sentences = [(0, 42), (43, len(text))]
    assert in_focus(text, sentences, 0, Rules.load(), sections) == [True, False]


def test_a_defined_short_form_takes_its_long_forms_type():
    from miner.pipeline.lexicon import Lexicon, default_lexicon_path
    from miner.pipeline.mentions import one_type_per_concept
    from miner.pipeline.records import EntityMention

    def mention(text, kind, cid="MINER:mmt"):
        return EntityMention(0, len(text), 0, 1, text, kind, cid, text, "new")

    lexicon = Lexicon.load(default_lexicon_path())
    mentions = [mention("Mulligan mobilization technique", "intervention"), mention("MMT", "outcome"),
                mention("MMT", "outcome"), mention("MMT", "intervention"),
                mention("knee pain", "outcome", "MINER:knee-pain"), mention("knee pain", "condition", "MINER:knee-pain"),
                mention("knee pain", "outcome", "MINER:knee-pain")]
    mentions = one_type_per_concept(mentions, lexicon, {"MMT": {"Mulligan mobilization technique"}})
    # the letters were read as an outcome twice, but the article defines them as the technique
    assert [m.type for m in mentions[:4]] == ["intervention"] * 4
    # without a definition, the majority decides
    assert {m.type for m in mentions[4:]} == {"outcome"}
    undefined = [mention("MMT", "outcome"), mention("MMT", "outcome"),
                 mention("Mulligan mobilization technique", "intervention")]
    undefined = one_type_per_concept(undefined, lexicon)
    assert {m.type for m in undefined} == {"outcome"}
