"""Effect sizes: parse and find them in text (pure functions), then the component.

:func:`parse_effect_size` reads one expression ("HR 0.72 (95% CI 0.61–0.85)",
"30-50% reduction", "p < 0.05", "SMD −0.6 (95% CI −0.9 to −0.3)") into an
:class:`Effect`; :func:`find_effects` finds every such expression in a text, longest
first, without overlaps. Kinds follow the gold format: percent_change, fold_change,
mean_difference, smd, odds_ratio, risk_ratio, hazard_ratio, correlation, p_value, ci,
sample_size.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, fields
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from miner.pipeline import extensions

# ----------------------------------------------------------------------------- numbers

_MINUS = "-−–‒﹣－"
NUM = rf"[{_MINUS}+]?\s?(?:\d{{1,3}}(?:,\d{{3}})+|\d+)?(?:[.·]\d+)?"
_NUM_STRICT = rf"(?:[{_MINUS}+]\s?)?(?:\d{{1,3}}(?:,\d{{3}})+(?:[.·]\d+)?|\d+(?:[.·]\d+)?|[.·]\d+)"
_DASH = r"\s?(?:-|–|—|to|‒|−)\s?"
_RANGE = rf"{_NUM_STRICT}(?:{_DASH}{_NUM_STRICT})?"
_CI_LEVEL = r"(?:9[059](?:\.\d)?\s?%\s?)"
_CI = (
    rf"(?:{_CI_LEVEL}?(?:(?i:confidence\s+intervals?)|CI)(?:\s?\(CI\))?\s?[:=,]?\s?(?:of\s+)?"
    rf"[\[(]?\s?(?P<ci_low>{_NUM_STRICT})\s?(?:-|–|—|to|,|‒|;|−)\s?(?P<ci_high>{_NUM_STRICT})\s?[\])]?)"
)
_UNITS = (r"(?:points?|pts|mm|cm|m|km|kg|g|mg|ng/ml|pg/ml|ng/mL|pg/mL|mg/dl|mg/dL|mmol/l|mmol/L|"
          r"mmHg|mm\s?Hg|bpm|beats/min|ml/kg/min|mL/kg/min|s|sec|seconds|min|minutes|h|hours|days|"
          r"weeks|units?|%)")

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100,
}
_UNIT_WORDS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_BELOW_100 = (r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ]" + _UNIT_WORDS + r")?|"
              r"ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|" + _UNIT_WORDS + r")")
#: A number in words: "forty-seven", "seventy five", "two hundred and eighty six".
_WORD_NUM = rf"(?:(?:{_UNIT_WORDS}\s?)?hundred(?:\s(?:and\s)?{_BELOW_100})?|{_BELOW_100})"


def to_number(text: str) -> float | None:
    """A number as written in an article ("−0.6", "0·72", "1,234", "Forty-seven")."""
    cleaned = text.strip().replace(" ", "")
    for dash in _MINUS:
        cleaned = cleaned.replace(dash, "-")
    cleaned = cleaned.replace("·", ".")
    if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    try:
        return float(cleaned)
    except ValueError:
        pass
    words = re.split(r"[\s-]+", text.strip().lower())
    total, found = 0, False
    for word in words:
        if word in ("and", ""):
            continue
        if word not in _WORD_NUMBERS:
            return None
        value = _WORD_NUMBERS[word]
        if value == 100:
            total = max(total, 1) * 100
        else:
            total += value
        found = True
    return float(total) if found else None


# ----------------------------------------------------------------------------- effects

@dataclass
class Effect:
    """One effect size or statistic as stated in the text.

    ``start``/``end`` are character offsets into the text that was searched (plus
    the offset given to :func:`find_effects`). ``direction`` is "decrease" or
    "increase" where the wording says so ("30% reduction"), else None.
    """

    text: str
    kind: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    start: int = 0
    end: int = 0
    direction: str | None = None
    comparator: str | None = None  # for p-values: "<", "=", ">", "≤", "≥"

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _EFFECT_FIELDS}


_EFFECT_FIELDS = tuple(f.name for f in fields(Effect))

_DECREASE_WORDS = r"(?:reductions?|decreases?|declines?|drops?|falls?|lower|less|lowering|attenuation|improvements?|relief)"
_INCREASE_WORDS = r"(?:increases?|rises?|higher|greater|more|elevations?|gains?|augmentation)"

@dataclass(frozen=True)
class _Cue:
    """A cheap test that a pattern can match in a text: substrings, else one small regex.

    ``lower`` are looked for in the lower-cased text, ``exact`` in the text as written,
    and ``regex`` is searched only when no substring was found. Substring tests run in
    C over the whole sentence, far faster than a regular expression tried at each
    character, so most patterns are never run on most sentences.
    """

    lower: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()
    regex: re.Pattern[str] | None = None

    def __call__(self, text: str, lowered: str) -> bool:
        return (any(word in lowered for word in self.lower) or any(word in text for word in self.exact)
                or (self.regex is not None and self.regex.search(text) is not None))


def _cue(*lower: str, exact: tuple[str, ...] = (), regex: str | None = None, flags: int = 0) -> _Cue:
    return _Cue(lower, exact, re.compile(regex, flags) if regex else None)


#: What a sample counts: people and animals (plural nouns).
SUBJECT_WORDS = ("patients", "participants", "subjects", "women", "men", "adults", "children", "adolescents",
                 "volunteers", "individuals", "people", "persons", "athletes", "students", "workers", "employees",
                 "elderly", "infants", "girls", "boys", "outpatients", "inpatients", "survivors", "runners",
                 "nurses", "smokers", "mothers",
                 "rats", "mice", "animals", "dogs", "cats", "pigs", "piglets", "goats", "sheep", "rabbits",
                 "horses", "monkeys", "macaques", "hamsters", "guinea pigs", "ewes", "cows", "calves")
#: Nouns whose number is part of a name, not a count: "protein 27", "group 2 patients",
#: "day 14 rats", "patient 12".
_NAME_NOUNS = frozenset(
    """group groups arm arms type types grade stage class phase day days week weeks month months year years hour
    hours minute minutes visit visits session sessions cycle cycles wave step level levels score item items table
    tables figure figures fig no nr number version protein proteins receptor receptors factor interleukin chemokine
    ligand kinase antigen cluster chapter section study studies trial trials experiment cohort series model batch
    block round lot lane plate well patient subject participant case rat mouse dog animal ward room bed site
    centre center station lead channel""".split())
#: Words that cannot stand between a count and what it counts ("27 compared with rats").
_NOT_BETWEEN = (r"(?:with|than|in|of|to|from|for|by|compared|versus|vs|and|or|at|on|were|was|are|is|had|have|"
                r"who|that|which|per|after|before|during|between|among|received|receiving|the|a|an)")

#: Per kind, what must appear in a text for the kind's patterns to be tried there.
_CUES = {
    "odds_ratio": _cue("odds", exact=("OR",)),
    "risk_ratio": _cue("risk", "rate ratio", exact=("RR",)),
    "hazard_ratio": _cue("hazard", exact=("HR",)),
    "smd": _cue("smd", "standardi", "cohen", "hedges", "effect size", regex=r"\b(?:ES|d|g)\s?="),
    "mean_difference": _cue("differ", "change", "effect", "confidence", exact=("MD", "CI")),
    "correlation": _cue("spearman", "pearson", "correlation", "rho", "ρ", regex=r"\b(?:r|R|rs|r s)[2²]?\s?(?:[=:]|of\b)"),
    "other": _cue("η", "eta2", "eta 2", "eta²", "eta squared", "eta-squared"),
    "fold_change": _cue("fold", " times "),
    "percent_change": _cue("%"),
    "p_value": _cue("n.s", exact=("NS",),
                    regex=r"\b[pP]s?\s?(?:-?\s?values?)?\s?(?:for\s+(?:trend|interaction)\s?)?(?:[<>=≤≥:]|&[lg]t;|less|of|was)"),
    "sample_size": _cue(*SUBJECT_WORDS, "hundred", regex=r"\b[nN]\s?="),
    "ci": _cue("confidence", exact=("CI",)),
}

_PATTERNS: list[tuple[str, re.Pattern[str], _Cue]] = []


def _add(kind: str, pattern: str, flags: int = re.I, cue: _Cue | None = None) -> None:
    _PATTERNS.append((kind, re.compile(pattern, flags), cue or _CUES[kind]))


#: An interval in brackets with no name: "(0.54–0.94)", "(−3.73 to 0.75)", "[0.5, 1.9]".
_BARE_CI = (rf"[(\[]\s?(?P<bare_low>{_NUM_STRICT})\s?(?:to|–|—|,|;|‒|(?<=\d)-)\s?"
            rf"(?P<bare_high>{_NUM_STRICT})\s?[)\]]")
_CI_TAIL = rf"(?:\s?[,;(\[]\s?{_CI}\s?[)\]]?|\s?{_BARE_CI})?"
# Names in words match in any case; abbreviations only in capitals ("3 or 4 sessions",
# "hr" for hours are not ratios).
_RATIO_NAMES = {
    "odds_ratio": r"(?i:(?:adjusted\s+)?odds\s+ratios?)|a?ORs?",
    "risk_ratio": r"(?i:relative\s+risks?|risk\s+ratios?|(?:incidence\s+)?rate\s+ratios?)|RRs?|IRRs?",
    "hazard_ratio": r"(?i:(?:adjusted\s+)?hazard\s+ratios?)|a?HRs?",
}
for _kind, _name in _RATIO_NAMES.items():
    _add(_kind, rf"\b(?P<name>{_name})\s?[:=,]?\s?(?i:of\s+|was\s+|were\s+)?(?P<value>{_NUM_STRICT}){_CI_TAIL}", 0)
_add("smd", rf"\b(?P<name>SMDs?|standardi[sz]ed\s+mean\s+differences?|Cohen['’]?s\s+d|Hedges['’]?\s*g|effect\s+sizes?(?:\s+\((?:ES|d|g)\))?)"
            rf"\s?(?:[:=,]|of|was|were)?\s?(?P<value>{_NUM_STRICT}){_CI_TAIL}")
_add("smd", rf"\b(?P<name>ES|d|g)\s?=\s?(?P<value>{_NUM_STRICT}){_CI_TAIL}", 0)
_add("mean_difference", rf"\b(?P<name>(?:adjusted\s+|weighted\s+)?mean\s+differences?|WMDs?|MDs?|(?:mean|net)\s+changes?|(?:between[- ]group|group|treatment)\s+differences?|differences?\s+between\s+(?:the\s+)?groups|treatment\s+effects?)"
                        rf"\s?(?:[:=,]|of|was|were|in\s+\w+\s+of)?\s?(?P<value>{_NUM_STRICT})\s?(?P<unit>{_UNITS})?(?:\s?(?:vs\.?|versus)\s?{_NUM_STRICT})?{_CI_TAIL}")
_add("mean_difference", rf"\b(?:reduced|decreased|improved|increased|lowered|declined|rose|fell|dropped|changed)\s+(?:[\w-]+\s+){{0,4}}?by\s+(?:approximately\s+|about\s+|an\s+average\s+of\s+|a\s+mean\s+of\s+)?(?P<span>(?P<value>{_NUM_STRICT})\s?(?P<unit>points?|pts|mm|cm|kg|mmHg|mm\s?Hg|units?|s|seconds|min|minutes|steps|m|meters|metres)\b{_CI_TAIL})",
     cue=_cue(regex=rf"\bby\s+(?:approximately\s+|about\s+|an\s+average\s+of\s+|a\s+mean\s+of\s+)?[{_MINUS}+.\d]"))
_add("mean_difference", rf"(?<![\w.%])(?P<value>{_NUM_STRICT})\s?(?P<unit>{_UNITS})?\s?[(\[]\s?{_CI}\s?[)\]]")
_add("correlation", rf"\b(?P<name>r|rho|ρ|r\s?s|rs|R|Spearman['’]?s?\s+(?:rho|ρ|r)|Pearson['’]?s?\s+r|correlation\s+coefficient)\s?(?:=|:|of)\s?(?P<value>{_NUM_STRICT})(?![\d%])")
_add("fold_change", rf"(?P<value>{_NUM_STRICT}|{_WORD_NUM})\s?(?:-|\s)?fold(?:\s+(?P<dir>{_DECREASE_WORDS}|{_INCREASE_WORDS}))?")
_add("percent_change", rf"(?:(?P<pre>{_DECREASE_WORDS}|{_INCREASE_WORDS}|reduced|decreased|increased|improved|declined|fell|rose|lowered|dropped)\s+(?:[\w\u0370-\u03ff-]+\s+){{0,3}}?(?:by|of)\s+(?:approximately\s+|about\s+|around\s+|nearly\s+|almost\s+|up\s+to\s+|over\s+|more\s+than\s+|~\s?)?)?"
                       rf"(?P<range>{_RANGE})\s?%(?:\s?(?:-|–)?\s?(?P<post>{_DECREASE_WORDS}|{_INCREASE_WORDS}))?")
_add("percent_change", rf"(?<=\bby\s)(?P<range>{_RANGE})\s?%(?!\s?(?:of|CI|confidence))")
_add("percent_change", rf"(?<=\()\s?(?P<range>{_RANGE})\s?%(?=\s?[,;)])")
_add("p_value", rf"\b(?P<name>p|P)s?(?:\s?-?\s?values?)?(?:\s?for\s+(?:trend|interaction))?\s?(?P<cmp><|>|=|≤|≥|<=|>=|&lt;|&gt;|less\s+than|of|was|:)\s?(?P<value>\.?\d+(?:[.·]\d+)?(?:\s?[x×]\s?10\s?[{_MINUS}]\s?\d+)?|NS)", 0)
# "not significant" written as a statistic: "(NS)", "(N.S.)".
_add("p_value", r"(?<=[(\[,;])\s?(?P<value>N\.?S\.?)(?=\s?[)\],;])", 0)
# An estimate with its interval, without the words "confidence interval": "−1.49 (−3.73 to
# 0.75)", "0.71 (0.54–0.94)", "1.2 (0.5, 1.9) kg" (kept only when the value lies inside).
_add("mean_difference", rf"(?<![\w.%/])(?P<value>{_NUM_STRICT})\s?(?P<unit>{_UNITS})?\s?{_BARE_CI}"
                        rf"(?:\s?(?P<unit2>{_UNITS})\b)?", cue=_cue(regex=rf"\d\s?[(\[]\s?[{_MINUS}+]?\s?[.·]?\d"))
# A change given as a signed percentage: "+18%", "−15 %".
_add("percent_change", rf"(?<![\w.%)])(?P<range>[{_MINUS}+]\s?(?:\d+(?:[.·]\d+)?|[.·]\d+))\s?%")
# "2.2 times more likely", "three times lower".
_add("fold_change", rf"\b(?P<value>{_NUM_STRICT}|{_WORD_NUM})\s?times\s+(?P<dir>{_DECREASE_WORDS}|{_INCREASE_WORDS}|larger|smaller|"
                    rf"as\s+(?:many|much|high|low|likely|often|great|large))\b")
# Explained variance: "η2 = 0.12", "partial η² = 0.3", "R2 = 0.2".
_add("other", rf"(?<![A-Za-z])(?P<name>(?:partial\s+)?(?:η|eta)\s?(?:2|²|squared)|ηp2|ηp²)\s?(?:[=:]|of)\s?(?P<value>{_NUM_STRICT})(?![\d%])")
_add("correlation", rf"\b(?P<name>[rR][2²])\s?(?:=|:|of)\s?(?P<value>{_NUM_STRICT})(?![\d%])", 0)
_add("sample_size", rf"\b(?P<name>[nN])\s?=\s?(?P<value>\d{{1,7}})\b", 0)
_SPACE = r"(?:(?!\n\s*\n)\s)+"  # within a paragraph
_add("sample_size", rf"(?<![\w.,/–-])(?P<value>{_WORD_NUM}|\d{{1,3}}(?:,\d{{3}})+|\d{{1,5}}){_SPACE}"
                   rf"(?:(?!{_NOT_BETWEEN}\b)[A-Za-z][\w-]*{_SPACE}){{0,3}}?(?P<name>{'|'.join(SUBJECT_WORDS)})\b")
_add("ci", _CI)

#: Two words with the initials N and S right before a bracket: the long form that "(NS)"
#: abbreviates ("normal saline (NS)", "nephrotic syndrome (NS)"; "not significant (NS)"
#: is the statistic's own).
_DEFINES_NS = re.compile(r"\b(?![Nn]o[nt]?\b)[Nn][\w-]*\s+[Ss][\w-]*\s?[(\[]\s?$")

_PRIORITY = {kind: i for i, kind in enumerate(
    ["odds_ratio", "risk_ratio", "hazard_ratio", "smd", "mean_difference", "fold_change",
     "percent_change", "correlation", "other", "ci", "p_value", "sample_size"])}


def _direction(*words: str | None) -> str | None:
    for word in words:
        if not word:
            continue
        if re.fullmatch(_DECREASE_WORDS, word, re.I) or word.lower() in {"reduced", "decreased", "declined", "fell", "lowered", "dropped"}:
            return "decrease"
        if re.fullmatch(_INCREASE_WORDS, word, re.I) or word.lower() in {"increased", "rose"}:
            return "increase"
    return None


def _build(kind: str, match: re.Match[str], offset: int) -> Effect | None:
    groups = match.groupdict()
    whole = match.group("span") if groups.get("span") else match.group(0)
    whole = whole.rstrip()
    while whole and whole[-1] in ")]" and whole.count("(") + whole.count("[") < whole.count(")") + whole.count("]"):
        whole = whole[:-1].rstrip()
    text = whole.strip()
    lead = len(whole) - len(whole.lstrip())
    start = offset + (match.start("span") if groups.get("span") else match.start()) + lead
    effect = Effect(text=text, kind=kind, start=start, end=start + len(text))
    if groups.get("ci_low") is not None:
        effect.low = to_number(groups["ci_low"])
        effect.high = to_number(groups["ci_high"])
    elif groups.get("bare_low") is not None:
        effect.low = to_number(groups["bare_low"])
        effect.high = to_number(groups["bare_high"])
    if kind == "ci":
        return effect if effect.low is not None else None
    if kind == "percent_change":
        signed = groups["range"].strip()[:1] in _MINUS + "+"
        parts = [groups["range"]] if signed else re.split(_DASH, groups["range"].strip(), maxsplit=1)
        numbers = [to_number(p) for p in parts]
        if any(n is None for n in numbers):
            return None
        bracketed = match.string[max(0, match.start() - 1):match.start()] == "("
        if not groups.get("pre") and not groups.get("post") and not bracketed and not signed \
                and match.string[max(0, match.start() - 3):match.start()].lower() != "by ":
            return None  # a bare percentage is not a change
        effect.unit = "%"
        effect.direction = _direction(groups.get("pre"), groups.get("post"))
        if len(numbers) == 2:
            effect.low, effect.high = numbers  # type: ignore[assignment]
            effect.value = (numbers[0] + numbers[1]) / 2  # type: ignore[operator]
        else:
            effect.value = numbers[0]
        return effect
    if kind == "p_value":
        raw = groups["value"]
        if groups.get("cmp") is None and _DEFINES_NS.search(match.string, max(0, match.start() - 80), match.start()):
            return None  # "normal saline (NS)": an abbreviation being defined, not a statistic
        if groups.get("cmp") is None or raw.replace(".", "") == "NS":
            return effect  # "NS", "(N.S.)": not significant, no value
        effect.comparator = {"&lt;": "<", "&gt;": ">", "less than": "<", "of": "=", "was": "=", ":": "=", "<=": "≤", ">=": "≥"}.get(
            re.sub(r"\s+", " ", groups["cmp"]), groups["cmp"])
        sci = re.match(r"(\.?\d+(?:[.·]\d+)?)\s?[x×]\s?10\s?[" + _MINUS + r"]\s?(\d+)", raw)
        if sci:
            effect.value = float(to_number(sci.group(1)) or 0) * 10 ** (-int(sci.group(2)))
        else:
            effect.value = to_number(raw if not raw.startswith(".") else "0" + raw)
        if effect.value is None or effect.value > 1:
            return None
        return effect
    value = to_number(groups.get("value") or "")
    if value is None:
        return None
    effect.value = value
    if kind == "sample_size":
        if value < 2 or value != int(value) or (groups.get("name") not in ("n", "N") and _inside_a_name(match)):
            return None
        return effect
    if kind == "fold_change":
        effect.direction = _direction(groups.get("dir"))
        effect.unit = "fold"
    if groups.get("unit") or groups.get("unit2"):
        effect.unit = groups.get("unit") or groups["unit2"]
    if groups.get("bare_low") is not None:
        # An interval in brackets: the value must lie inside it. Without a name before
        # the value, one of the three must also have a sign or decimals - what a
        # confidence interval looks like, not a median and its range ("aged 45 (30-60)").
        inside = effect.low is not None and effect.high is not None and effect.low <= value <= effect.high \
            and effect.low < effect.high
        if groups.get("name") is None and not (inside and any(
                re.search(rf"[.·{_MINUS}+]", n) for n in (groups["value"], groups["bare_low"], groups["bare_high"]))):
            return None
        if not inside:
            effect.low = effect.high = None
    if kind == "correlation" and not -1 <= value <= 1:
        return None
    if kind in ("odds_ratio", "risk_ratio", "hazard_ratio") and value <= 0:
        return None
    if kind == "smd" and groups.get("name") in ("d", "g") and abs(value) > 5:
        return None
    return effect


_WORD_BEFORE = re.compile(r"([A-Za-z][\w-]*)[ -]$")


def _inside_a_name(match: re.Match[str]) -> bool:
    """Whether a count's number belongs to the name before it: "heat shock protein 27
    ... rats", "group 2 patients", "HSP 70", "CD4 cells" (a noun of
    :data:`_NAME_NOUNS`, a word in capitals or with digits, just before the number)."""
    before = _WORD_BEFORE.search(match.string, max(0, match.start() - 40), match.start())
    if before is None:
        return False
    word = before.group(1)
    letters = [c for c in word if c.isalpha()]
    return (word.lower() in _NAME_NOUNS or any(c.isdigit() for c in word)
            or (len(letters) >= 2 and all(c.isupper() for c in letters)))


def find_effects(text: str, offset: int = 0, kinds: frozenset[str] | None = None) -> list[Effect]:
    """Every effect-size expression in ``text`` (of ``kinds``, default all), in order,
    without overlaps.

    Where expressions overlap, the longer one wins, then the more specific kind.
    """
    candidates: list[Effect] = []
    lowered = text.lower()
    cued: dict[int, bool] = {}
    for kind, pattern, cue in _PATTERNS:
        if kinds is not None and kind not in kinds:
            continue
        key = id(cue)
        if key not in cued:
            cued[key] = cue(text, lowered)
        if not cued[key]:
            continue
        for match in pattern.finditer(text):
            if not match.group(0).strip():
                continue
            effect = _build(kind, match, offset)
            if effect is not None:
                candidates.append(effect)
    candidates.sort(key=lambda e: (-(e.end - e.start), _PRIORITY[e.kind], e.start))
    chosen: list[Effect] = []
    for effect in candidates:
        if any(effect.start < other.end and other.start < effect.end for other in chosen):
            continue
        chosen.append(effect)
    chosen.sort(key=lambda e: e.start)
    return chosen


def parse_effect_size(text: str) -> Effect | None:
    """The effect size that ``text`` states, or None.

    The longest expression found wins (so "HR 0.72 (95% CI 0.61–0.85)" is one hazard
    ratio with its interval, not a ratio and a CI).

    >>> e = parse_effect_size("HR 0.72 (95% CI 0.61–0.85)")
    >>> (e.kind, e.value, e.low, e.high)
    ('hazard_ratio', 0.72, 0.61, 0.85)
    """
    effects = find_effects(text)
    if not effects:
        return None
    return max(effects, key=lambda e: (e.end - e.start, -_PRIORITY[e.kind]))


# ----------------------------------------------------------------------------- component

_DIGIT = re.compile(r"\d")


class EffectTagger:
    """Finds effect sizes sentence by sentence into ``doc._.miner_effects``."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        effects = extensions.get(doc, "miner_effects")
        text = extensions.doc_text(doc)
        if _DIGIT.search(text) is None:
            return doc
        # Effect sizes matter where something is measured: sentences without a single
        # concept mention (reference lists, table debris) are not searched.
        mentions = extensions.get(doc, "miner_entities")
        starts = sorted(m.start for m in mentions) if mentions else None
        for sent_start, sent_end in extensions.sentence_bounds(doc):
            if starts is not None:
                index = bisect.bisect_left(starts, sent_start)
                if index >= len(starts) or starts[index] >= sent_end:
                    continue
            chunk = text[sent_start:sent_end]
            if _DIGIT.search(chunk) is None:
                continue
            for effect in find_effects(chunk, sent_start):
                effects.append(effect.to_dict())
        return doc


@Language.factory("miner_effects", assigns=["doc._.miner_effects"], requires=["token.is_sent_start"])
def make_effect_tagger(nlp: Language, name: str) -> EffectTagger:
    """Effect sizes, statistics and sample sizes, as plain dicts with char offsets."""
    return EffectTagger(nlp, name)
