"""Study context that a researcher filters and counts by: whose result a sentence states,
the species and design of a study, its sample size (texts written for these tests)."""

from __future__ import annotations

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
