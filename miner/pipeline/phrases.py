"""Outcome and study-arm phrases that no lexicon names (pure functions).

Trials measure many things no ontology lists ("rate of force development", "number of
tender joints", "time to pain relief") and test arms with names of their own ("the
CXDT-HFG group", "patients taking rizatriptan"). Those phrases sit in a few telling
places of a sentence:

- outcomes: after a change noun ("improvement in X", "no difference in X", "effect on
  X"), after a change verb ("reduced X"), and before a result ("X was lower",
  "X did not differ"); coordinated lists there give one phrase per item;
- arms: before "group"/"arm" ("the ketorolac group"), after "received", "taking",
  "treated with", "randomized to".

:func:`find_phrases` returns such phrases with character offsets, keeping only noun
phrases whose head word says what they are (an outcome ends in "score", "strength",
"time", "count"...). The entity tagger adds the ones no lexicon term covers.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from miner.pipeline.caseless import Caseless, lowered

_WORD = r"[A-Za-z0-9][\w'’/+.-]*"
_NP = rf"{_WORD}(?:(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:of|and|or|to)\s+|\s+|-){_WORD}){{0,12}}"

_CHANGE_NOUN = (r"(?:improvements?|reductions?|decreases?|increases?|changes?|differences?|gains?|declines?|"
                r"deteriorations?|rises?|falls?|effects?|impacts?|benefits?|worsening|alterations?)")
_CHANGE_VERB = (r"(?:improved|improves|improve|reduced|reduces|reduce|increased|increases|decreased|decreases|"
                r"enhanced|lowered|attenuated|alleviated|raised|relieved|affected|affect|altered|"
                r"influenced|changed)")
_RESULT = (r"(?:(?:tended|tend|tends|appeared|seemed)\s+to\s+\w+|(?:did\s+not\s+|also\s+)?(?:show|showed|demonstrate|demonstrated|reveal|revealed|display|displayed)\s+"
           r"(?:a|an|the|no|any)?\s*(?:\w+\s+)?(?:significant|nonsignificant|non-significant|statistically)?\s*"
           r"(?:changes?|differences?|improvements?|reductions?|increases?|decreases?)|"
           r"(?:was|were|is|are|had|has|have|did|showed|remained|became)\s+(?:\w+ly\s+|not\s+|no\s+|also\s+){0,3}"
           r"(?:reduced|increased|improved|decreased|higher|lower|greater|better|worse|different|differ|"
           r"similar|unchanged|changed|elevated|comparable|shorter|longer|smaller|larger|affected|"
           r"significant|insignificant|statistically))")

_OUTCOME_SLOTS = [
    Caseless(rf"\b{_CHANGE_NOUN}(?:\s+[\w-]+){{0,3}}?\s+(?:in|of|on|for|regarding|concerning)\s+(?P<np>{_NP})"),
    Caseless(rf"\b(?:present|observed|seen|found|noted|detected|shown)\s+(?:for|in|regarding)\s+(?P<np>{_NP})"),
    Caseless(rf"\b{_CHANGE_VERB}\s+(?P<np>{_NP})"),
    Caseless(rf"\b(?:lower|higher|greater|less|more|fewer|better|worse|shorter|longer|smaller|larger|"
             rf"significant|no)\s+(?P<np>{_NP})"),
]
_GROUP_NOUN = Caseless(r"\s+(?:groups?|arms?)\b")
_DOSED = re.compile(r"(?<![\w-])(?P<np>[A-Za-z][\w-]{3,})\s+\d+(?:[.·]\d+)?\s?(?:mg|µg|μg|mcg|g|IU|mL|ml|U)(?:/(?:kg|day|d|m2))?\b")
_ARM_SLOT = Caseless(rf"\b(?:received|receiving|taking|took|treated\s+with|randomi[sz]ed\s+to(?:\s+receive)?|"
                     rf"assigned\s+to(?:\s+receive)?|allocated\s+to|administered|given)\s+(?:either\s+)?(?P<np>{_NP})")

#: Words that end an outcome noun phrase (singular, lower case).
OUTCOME_HEADS = frozenset("""
score scale index level function functioning strength capacity force rate time duration distance test
performance quality activity amplitude variability expansion uptake consumption flexibility mobility
balance pressure concentration count number frequency intensity severity pain symptom discomfort
satisfaction health well-being wellbeing status tone resistance endurance volume mass weight composition
circumference power speed velocity latency threshold tolerance use intake day attack episode event
incidence proportion percentage dilation dilatation stiffness tenderness fatigue sleep mood anxiety
depression disability impact relief freedom response length width angle range
movement motion coordination dexterity hunger satiety appetite fitness ability limitation deficit
independence participation adherence compliance dose requirement need consumption absenteeism
stay admission readmission recurrence relapse remission healing recovery survival mortality cost
usage demand dosage
""".split())

_STOP_START = frozenset("""the a an their its his her our this these those both all each any some mean
median average total overall significant significantly statistically no not only also more less very
further other such either changed reducing increasing improving decreasing lowering enhancing reduced
increased improved decreased lowered enhanced elevated attenuated alleviated relieved greater lower higher
better worse""".split())
#: Words that qualify a group but do not name an intervention ("the experimental group").
_ARM_STOP = frozenset("""experimental experiment intervention interventions control controls treatment treatments study
comparison reference age both each two three four first second third active same different other all
whole respective dependent independent matched particular assigned allocated randomized randomised
randomly divided usual standard conventional healthy normal sham waitlist wait-list placebo
intervention-group treated untreated older younger male female men women patients participants subjects
high low moderate mild severe these those this that which who the a an either neither new old""".split())
_REJECT = frozenset("""group groups patient patients participant participants subject subjects study
studies trial trials baseline week weeks month months year years day days treatment intervention
control controls result results analysis analyses data p value values difference differences effect
effects change changes measure measures outcome outcomes variable variables""".split())
_CUT = Caseless(
    r"\s+(?:of\s+(?:the\s+)?(?:men|women|patients|participants|subjects|children|adults|rats|mice|animals|"
    r"individuals|people|groups?)\b|(?<!time )to|in|at|after|before|during|between|among|compared|versus|vs\.?|from|for|than|with|by|within|"
    r"over|across|following|when|while|which|that|who|whom|whose|(?<!well )as(?! well as)|on|were|was|is|are|did|had|has|have|showed|"
    r"remained|using|measured|assessed|p|i\.e\.|e\.g\.)\b.*$", re.S)
# Item separators: ", and", ",", " and ", " or ", ";", " as well as " (written so that
# the scan fails fast where there is no comma, semicolon or space).
_SPLIT = Caseless(r"\s*[,;]\s*(?:(?:and|or)\s+)?|\s+(?:and|or|as\s+well\s+as)\s+")


@dataclass(frozen=True)
class Phrase:
    """A candidate mention: local character offsets into the text searched."""

    start: int
    end: int
    text: str
    type: str  # "outcome" or "intervention"


_NOT_ARM_WORDS = frozenset("""in of to and or with for at by from on between among versus vs vs. than
compared was were is are that which who""".split())


def _singular(word: str) -> str:
    word = word.lower()
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def _items(np_text: str, np_start: int) -> list[tuple[int, str]]:
    """Split a captured region into coordinated items, each cut before a preposition or
    verb that ends the noun phrase, and trimmed; (offset, text)."""
    out = []
    low = lowered(np_text)
    pieces, position = [], 0
    for separator in _SPLIT.finditer(np_text, low):
        pieces.append((position, np_text[position:separator.start()]))
        position = separator.end()
    pieces.append((position, np_text[position:]))
    for index, part in pieces:
        if not part:
            continue
        cut = _CUT.search(part, lowered(part))
        if cut:
            part = part[: cut.start()]
        words = part.split()
        while words and words[0].lower() in _STOP_START:
            index += len(words[0]) + (len(part[len(words[0]):]) - len(part[len(words[0]):].lstrip()))
            part = part[len(words[0]):].lstrip()
            words = part.split()
        part = part.rstrip(" .,;:)(")
        if part:
            out.append((np_start + index, part))
    return out


_ARM_VERB = re.compile(r"^(?:achieved|showed|had|has|have|reported|experienced|was|were|is|are|did|demonstrated|"
                       r"exhibited|presented|obtained|improved|reduced|increased|decreased|\w+ing)$", re.I)


def _is_outcome(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 7:
        return False
    if any(ch.isdigit() for ch in words[0]) and len(words) == 1:
        return False
    head_words = words
    lowered = [w.lower() for w in words]
    for link in ("of", "to"):
        if link in lowered[1:]:
            before_link = words[: lowered.index(link, 1)]
            if _singular(before_link[-1]) in OUTCOME_HEADS:
                head_words = before_link  # "number of tender joints", "time to pain relief"
                break
    head = _singular(re.sub(r"[^\w-]", "", head_words[-1]))
    if len(words) == 1 and not (words[0].isupper() and len(words[0]) >= 2):
        return False  # "score", "function": too generic to stand alone
    return head in OUTCOME_HEADS or (len(words) == 1 and words[0].isupper() and len(words[0]) >= 2)


def _is_arm(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 6:
        return False
    lowered = {w.lower() for w in words}
    if lowered & _REJECT or lowered & _STOP_START or lowered & _ARM_STOP:
        return False
    if any(re.fullmatch(r"[\d.,%/-]+", w) for w in words) or "," in text:
        return False
    return any(c.isalpha() for c in text)


_DRUG_STEM = re.compile(r"(?:ine|ol|ide|ate|mab|nib|azole|pril|sartan|statin|cillin|mycin|oxacin|profen|coxib|"
                        r"triptan|caine|pam|lam|done|dipine|olol|parin|tide|gliptin|afil|vir|cycline|sone|lone)$", re.I)
_ARM_HEADS = re.compile(r"(?:therapy|therapies|training|exercises?|program(?:me)?s?|injections?|infusions?|"
                        r"supplements?|supplementation|drugs?|tablets?|capsules?|treatment|surgery|block|"
                        r"analgesia|anesthesia|anaesthesia|stimulation|massage|acupuncture|diet|care|education|"
                        r"counsel+ing|intervention|gel|cream|patch|spray|placebo|vaccine|extract|music|hypnosis)$", re.I)


def _named_like_treatment(text: str) -> bool:
    """What follows "received"/"taking" names a treatment, not "support" or "information":
    a proper name or code, a drug-like stem, or a treatment head word."""
    words = text.split()
    return (any(w[:1].isupper() or any(c.isdigit() for c in w) or "-" in w for w in words)
            or bool(_DRUG_STEM.search(words[-1])) or bool(_ARM_HEADS.search(words[-1])))


def _mask_brackets(text: str) -> str:
    """Parenthesised asides ("(p = 0.02)", "(95% CI ...)") blanked out, offsets kept,
    so that a list of outcomes with their statistics reads as a list."""
    return re.sub(r"\([^()]*\)|\[[^\[\]]*\]", lambda m: " " * len(m.group(0)), text)


_RESULT_LEAD = Caseless(r"(?<=\s)(?:tended|tends?|appeared|seemed|did|also|show(?:ed)?|demonstrated?|revealed?|"
                        r"displayed?|was|were|is|are|had|has|have|remained|became)\b")
_RESULT_RE = Caseless(_RESULT)
_ANCHOR = re.compile(r"(?:^|[;:(]\s*|\b(?:but|while|whereas|that|which|although|however),?\s+)", re.I)


def _subjects_of_results(text: str, low: str | None) -> list[tuple[int, str]]:
    """Noun phrases right before a result ("X was lower", "X did not differ"): found by
    looking back from the result to the last clause anchor, without backtracking."""
    out = []
    for lead in _RESULT_LEAD.finditer(text, low):
        match = _RESULT_RE.match(text, low, lead.start())
        if match is None:
            continue
        end = match.start()
        while end > 0 and text[end - 1].isspace():
            end -= 1
        window_start = max(0, end - 160)
        window = text[window_start:end]
        anchors = [a.end() for a in _ANCHOR.finditer(window)]
        begin = anchors[-1] if anchors else 0
        if begin >= len(window):
            continue
        out.append((window_start + begin, window[begin:]))
    return out


def find_phrases(text: str) -> list[Phrase]:
    """Outcome and arm phrases in a sentence (see the module's docstring)."""
    found: dict[tuple[int, int], Phrase] = {}
    text = _mask_brackets(text)
    low = lowered(text)
    for start_np, np_text in _subjects_of_results(text, low):
        for start, item in _items(np_text, start_np):
            if _is_outcome(item):
                found.setdefault((start, start + len(item)), Phrase(start, start + len(item), item, "outcome"))
    for pattern in _OUTCOME_SLOTS:
        for match in pattern.finditer(text, low):
            for start, item in _items(text[match.start("np"):match.end("np")], match.start("np")):
                if _is_outcome(item):
                    found.setdefault((start, start + len(item)), Phrase(start, start + len(item), item, "outcome"))
    # "the ketorolac group", "in the CXDT-HFG and placebo groups": the words right before.
    for match in _GROUP_NOUN.finditer(text, low):
        words = list(re.finditer(r"[\w+/.-]+", text[max(0, match.start() - 60):match.start()]))
        base = max(0, match.start() - 60)
        kept: list[re.Match[str]] = []
        for word in reversed(words):
            if word.group(0).lower() in _STOP_START or word.group(0).lower() in _NOT_ARM_WORDS:
                break
            kept.insert(0, word)
            if len(kept) == 3:
                break
        if kept:
            start, end = base + kept[0].start(), base + kept[-1].end()
            item = text[start:end]
            if _is_arm(item) and not _is_outcome(item):
                found.setdefault((start, end), Phrase(start, end, item, "intervention"))
    for match in itertools.chain(_DOSED.finditer(text), _ARM_SLOT.finditer(text, low)):
        np_text = text[match.start("np"):match.end("np")]
        words = list(re.finditer(r"\S+", np_text))
        verb = next((w for w in words[1:] if _ARM_VERB.match(w.group(0))), None)
        if verb is not None:
            np_text = np_text[: verb.start()].rstrip()
        for start, item in _items(np_text, match.start("np"))[:2]:
            if _is_arm(item) and not _is_outcome(item) and _named_like_treatment(item):
                key = (start, start + len(item))
                found.setdefault(key, Phrase(start, start + len(item), item, "intervention"))
    return sorted(found.values(), key=lambda p: (p.start, -p.end))
