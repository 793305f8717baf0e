"""Article-level context: main interventions, species, study type (pure functions).

A finding's sentence does not always name its subject or species ("The rats also
showed..."); these are the article-level defaults that the relation extractor falls
back on, and the study type that the export records.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

HUMAN = "NCBITaxon:9606"
#: Broad concepts that a more specific tested intervention should win over.
GENERIC_IDS = frozenset({"MESH:D015444", "MESH:D005081", "MESH:D013812", "MESH:D026741", "MESH:D012046"})
#: Concepts that are comparators, never the tested intervention.
CONTROL_IDS = frozenset({"MINER:control", "MESH:D010919", "MESH:D014850", "MINER:usual-care"})

_RCT = re.compile(r"\brandomi[sz]ed\b|\brandomly (?:assigned|allocated)\b|\bRCT\b|controlled trial", re.I)
_META = re.compile(r"\bmeta-?analys[ie]s\b", re.I)
_REVIEW = re.compile(r"\bsystematic review\b|\breview of (?:the )?literature\b|\bnarrative review\b|\bwe review\b", re.I)
_OBSERVATIONAL = re.compile(r"\bcohort\b|\bcross-sectional\b|\bcase-control\b|\bobservational\b|\bprospective study\b|\bsurvey\b", re.I)
_NEWS = re.compile(r"\bresearchers\b.{0,80}\b(?:report|found|say|said|show)|\bthe study\b.{0,40}\bsaid\b"
                   r"|\bpublished (?:today|yesterday|this (?:week|month)|last (?:week|month)|in the journal)\b"
                   r"|\boriginally published\b|\bthe research team\b"
                   r"|\baccording to (?:a|the) (?:new |recent )?(?:[a-z]+ )?(?:study|trial|paper)\b", re.I)
#: A headline that reports a finding: "Swimming eases nerve pain in rats, study finds".
_NEWS_TITLE = re.compile(r"[,:;]\s*(?:a |new |a new )?(?:study|research|researchers|scientists|trial)\s+"
                         r"(?:finds?|says?|suggests?|shows?|reports?)\s*[.!]?$", re.I)


def main_interventions(mentions: Sequence[dict[str, Any]], head_end: int) -> list[str]:
    """The article's tested interventions: the most mentioned non-control ones.

    Mentions in the head of the article (title and abstract, ``[0, head_end)``) count
    three times. Returns up to two ids, the second only if it is mentioned at least half
    as often as the first.
    """
    counts: Counter[str] = Counter()
    for mention in mentions:
        if mention["type"] != "intervention" or mention["id"] in CONTROL_IDS:
            continue
        counts[mention["id"]] += 3 if mention["start"] < head_end else 1
    if not counts:
        return []
    ranked = counts.most_common()
    if ranked[0][0] in GENERIC_IDS:
        # "Exercise" is most mentioned in most exercise trials; the arm is more specific.
        specific = [(cid, n) for cid, n in ranked if cid not in GENERIC_IDS and n * 3 >= ranked[0][1]]
        if specific:
            ranked = specific + [(cid, n) for cid, n in ranked if (cid, n) not in specific]
    top = [ranked[0][0]]
    if len(ranked) > 1 and ranked[1][1] * 2 >= ranked[0][1]:
        top.append(ranked[1][0])
    return top


def main_condition(mentions: Sequence[dict[str, Any]], head_end: int) -> str | None:
    """The condition the article studies: the most mentioned one in its head (title and
    abstract), else in the whole text; its name, or None."""
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    for mention in mentions:
        if mention["type"] == "condition":
            counts[mention["id"]] += 3 if mention["start"] < head_end else 1
            names.setdefault(mention["id"], mention.get("name") or mention["text"])
    if not counts:
        return None
    return names[counts.most_common(1)[0][0]]


def article_species(mentions: Sequence[dict[str, Any]]) -> list[str]:
    """Species mentioned in the article, most mentioned first; animals before humans
    when animals are mentioned at least twice (an animal study still says "patients")."""
    counts = Counter(m["id"] for m in mentions if m["type"] == "species")
    if not counts:
        return []
    animals = [(cid, n) for cid, n in counts.most_common() if cid != HUMAN and n >= 2]
    ordered = [cid for cid, _ in animals]
    ordered += [cid for cid, _ in counts.most_common() if cid not in ordered]
    return ordered


def study_type(text: str, title: str | None, species: Sequence[str], has_sections: bool) -> str | None:
    """randomized_trial / meta_analysis / review / animal / observational / news, or None."""
    head = f"{title or ''}\n{text[:4000]}"
    if _META.search(head):
        return "meta_analysis"
    if _REVIEW.search(title or "") or _REVIEW.search(text[:1500]):
        return "review"
    if not has_sections and (_NEWS.search(text) or _NEWS_TITLE.search((title or "").strip())):
        return "news"  # a news report, whatever study it reports on
    if species and species[0] != HUMAN:
        return "animal"
    if _RCT.search(head):
        return "randomized_trial"
    if _OBSERVATIONAL.search(head):
        return "observational"
    return None
