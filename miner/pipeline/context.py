"""Article-level context: main interventions, species, study type (pure functions).

A finding's sentence does not always name its subject or species ("The rats also
showed..."); these are the article-level defaults that the relation extractor falls
back on, and the study type that the export records.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from miner.articles.sections import detect_sections
from miner.pipeline.lexicon import Lexicon, default_lexicon_path
from miner.pipeline.records import EntityMention
from miner.pipeline.study import claim_kind


def role_ids(role: str) -> frozenset[str]:
    """The ids of the concepts that the default lexicon gives a role
    (:data:`~miner.pipeline.lexicon.ROLES`): ``control`` (comparators, never the tested
    intervention), ``generic`` (broad concepts that a more specific tested intervention
    wins over)."""
    return Lexicon.load(default_lexicon_path()).flagged(role)


def human_id() -> str:
    """The id of the species of people (flagged ``human`` in the lexicon)."""
    return Lexicon.load(default_lexicon_path()).the_one("human")


_ALLOCATED = r"(?:assigned|allocated|divided|distributed|grouped|split|stratified|placed|enrolled|sorted)"
_RCT = re.compile(rf"\brandomi[sz](?:ed|ation)\b|\brandomly\s+(?:and\s+\w+\s+)?{_ALLOCATED}|"
                  rf"\b{_ALLOCATED}\s+(?:\w+\s+){{0,3}}?(?:at\s+)?random(?:ly)?\b|\bRCT\b|controlled trial", re.I)
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


def main_interventions(mentions: Sequence[EntityMention], head_end: int) -> list[str]:
    """The article's tested interventions: the most mentioned non-control ones.

    Mentions in the head of the article (title and abstract, ``[0, head_end)``) count
    three times. Returns up to two ids, the second only if it is mentioned at least half
    as often as the first.
    """
    control, generic = role_ids("control"), role_ids("generic")
    counts: Counter[str] = Counter()
    for mention in mentions:
        if mention.type != "intervention" or mention.id in control:
            continue
        counts[mention.id] += 3 if mention.start < head_end else 1
    if not counts:
        return []
    ranked = counts.most_common()
    if ranked[0][0] in generic:
        # "Exercise" is most mentioned in most exercise trials; the arm is more specific.
        specific = [(cid, n) for cid, n in ranked if cid not in generic and n * 3 >= ranked[0][1]]
        if specific:
            ranked = specific + [(cid, n) for cid, n in ranked if (cid, n) not in specific]
    top = [ranked[0][0]]
    if len(ranked) > 1 and ranked[1][1] * 2 >= ranked[0][1]:
        top.append(ranked[1][0])
    return top


def main_condition(mentions: Sequence[EntityMention], head_end: int) -> str | None:
    """The condition the article studies: the most mentioned one in its head (title and
    abstract), else in the whole text; its name, or None."""
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    for mention in mentions:
        if mention.type == "condition":
            counts[mention.id] += 3 if mention.start < head_end else 1
            names.setdefault(mention.id, mention.name or mention.text)
    if not counts:
        return None
    return names[counts.most_common(1)[0][0]]


#: Sections that do not describe the study's own subjects.
_ABOUT_OTHERS = frozenset({"background", "discussion"})
#: Claims of sentences that describe the study's own subjects.
_OWN_CLAIMS = frozenset({"own", "methods", "baseline"})


def describes_the_study(mention: EntityMention) -> bool:
    """Whether a mention is in a sentence about the study itself: not in the background
    or discussion, not citing other work (``section`` and ``claim`` as the species stage
    marks them; a mention without them counts)."""
    return mention.section not in _ABOUT_OTHERS and (mention.claim or "own") in _OWN_CLAIMS


def article_species(mentions: Sequence[EntityMention]) -> list[str]:
    """The species the study is about, most mentioned first; an animal before humans
    when it is mentioned at least twice and at least a quarter as often as humans (an
    animal study still says "patients"; a trial's table row "has a dog" is not one).

    Only mentions in sentences about the study itself count (:func:`describes_the_study`):
    "studies in rats have shown" in the introduction gives that sentence its species,
    never the article.
    """
    counts = Counter(m.id for m in mentions if m.type == "species" and describes_the_study(m))
    if not counts:
        return []
    human = human_id()
    animals = [(cid, n) for cid, n in counts.most_common() if cid != human and n >= 2 and n * 4 >= counts[human]]
    ordered = [cid for cid, _ in animals]
    ordered += [cid for cid, _ in counts.most_common() if cid not in ordered]
    return ordered


#: Sections that may say what the study did; a discussion compares it with others.
_NOT_DESIGN = frozenset({"discussion"})
_THIS_META = re.compile(
    r"\b(?:this|the present|the current|our|we (?:\w+ )?(?:conducted|performed|carried out|did|undertook|report|present))"
    r"(?: \w+){0,4}? (?:meta-?analys[ie]s|systematic review)\b", re.I)
#: A word that each design pattern above needs (looked for in lower case, which is fast).
_DESIGN_WORDS = re.compile(r"random|\brct\b|controlled trial|meta-?analys|review|cohort|cross-sectional|case-control|"
                           r"observational|prospective study|survey")
#: A sentence about the article's own study ("this trial", "we compared").
_SELF = re.compile(r"\b(?:this|the present|the current|our)\b|\bwe\b", re.I)


def _sentence_around(text: str, start: int, end: int, reach: int = 300) -> tuple[int, str]:
    """(offset, text) of the sentence around ``text[start:end]``: from the full stop or
    blank line before it to the one after it (at most ``reach`` characters each way)."""
    floor = max(0, start - reach)
    stops = [i + 2 for i in (text.rfind(". ", floor, start), text.rfind("\n\n", floor, start)) if i >= 0]
    lo = max(stops or [floor])
    ends = [i + 1 for i in (text.find(". ", end, end + reach), text.find("\n\n", end, end + reach)) if i >= 0]
    return lo, text[lo:min(ends or [min(len(text), end + reach)])]


def design_sentences(text: str, title: str | None, has_sections: bool, head: int = 4000,
                     methods: int = 8000) -> list[tuple[int, str]]:
    """What an article says about its own design, as (offset, sentence): the sentences
    naming a design (randomised, meta-analysis, review, cohort...) in its first ``head``
    characters and in its methods (their first ``methods`` characters) that describe its
    own study, its title first (offset -1). A sentence that cites other work does not;
    in the body's introduction only a sentence that says it is about this study does
    ("this trial", "we compared"); a discussion is left out. Without sections, the first
    ``head`` characters less the sentences that cite other work.
    """
    sections = detect_sections(text) if has_sections else []
    chunks: list[tuple[str | None, int, int]] = []
    in_body, methods_left = False, methods
    for section in sections:
        in_body = in_body or section.label.upper().startswith("BODY")
        if section.kind == "methods" and methods_left > 0:
            chunks.append(("methods", section.start, min(section.end, section.start + methods_left)))
            methods_left -= section.end - section.start
        elif section.start < head and section.kind not in _NOT_DESIGN:
            kind = "introduction" if in_body and section.kind == "background" else section.kind
            chunks.append((kind, section.start, min(section.end, head)))
    if not chunks:
        chunks = [(None, 0, min(len(text), head))]
    kept = [(-1, title or "")]
    seen: set[int] = set()
    for kind, begin, end in chunks:
        chunk = text[begin:end]
        for match in _DESIGN_WORDS.finditer(chunk.lower()):
            lo, sentence = _sentence_around(chunk, match.start(), match.end())
            if begin + lo in seen:
                continue
            seen.add(begin + lo)
            if kind == "introduction":
                if _SELF.search(sentence) and claim_kind(sentence, None) == "own":
                    kept.append((begin + lo, sentence))
            elif claim_kind(sentence, None if kind == "background" else kind) in ("own", "methods", "baseline"):
                kept.append((begin + lo, sentence))
    return kept


def study_type(text: str, title: str | None, species: Sequence[str], has_sections: bool) -> str | None:
    """randomized_trial / meta_analysis / review / animal / observational / news, or None.

    From what the article says it did (:func:`design_sentences`: "we conducted a
    meta-analysis", "patients were randomly assigned", the species of its own
    subjects), never from a design it mentions ("a meta-analysis of trials found...").
    """
    sentences = design_sentences(text, title, has_sections)
    own = "\n".join(sentence for _, sentence in sentences)
    if _META.search(title or "") or _THIS_META.search(own):
        return "meta_analysis"
    if _REVIEW.search(title or "") or any(_REVIEW.search(sentence) for start, sentence in sentences if start < 1500):
        return "review"
    if not has_sections and (_NEWS.search(text) or _NEWS_TITLE.search((title or "").strip())):
        return "news"  # a news report, whatever study it reports on
    if species and species[0] != human_id():
        return "animal"
    if _RCT.search(own):
        return "randomized_trial"
    if _OBSERVATIONAL.search(own):
        return "observational"
    return None
