"""Study context of a finding: strain, sex, disease model, sample size, dose, timepoint,
and whether the sentence states the paper's own result or cites someone else's
(pure functions on text).

Article-level facts (strain, sex, model, dose, sample size) are read once per article,
from its methods when it has them; each finding then takes what its own sentence says,
falling back on the article's.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from miner.pipeline.caseless import Caseless, lowered
from miner.pipeline.effects import find_effects

_STRAINS: tuple[tuple[str, str], ...] = (
    ("Sprague-Dawley", r"\bSprague[- ]Dawley\b|\bSD rats?\b"),
    ("Wistar", r"\bWistar\b"),
    ("Long-Evans", r"\bLong[- ]Evans\b"),
    ("Lewis", r"\bLewis rats?\b"),
    ("C57BL/6", r"\bC57BL?/6\w*"),
    ("BALB/c", r"\bBALB/c\w*"),
    ("CD-1", r"\bCD-?1 mice\b"),
    ("ICR", r"\bICR mice\b"),
    ("Swiss", r"\bSwiss(?: albino| Webster)? mice\b"),
    ("db/db", r"\bdb/db\b"),
)
_MODELS: tuple[tuple[str, str], ...] = (
    ("chronic constriction injury", r"\bchronic constriction injury\b|\bCCI\b"),
    ("spared nerve injury", r"\bspared nerve injury\b|\bSNI\b"),
    ("spinal nerve ligation", r"\bspinal nerve ligation\b|\bSNL\b"),
    ("partial sciatic nerve ligation", r"\bpartial (?:sciatic )?nerve ligation\b|\bPSNL\b|\bSeltzer model\b"),
    ("sciatic nerve crush", r"\b(?:sciatic )?nerve crush\b"),
    ("sciatic nerve transection", r"\b(?:sciatic )?nerve transection\b"),
    ("sciatic nerve injury", r"\bsciatic nerve injur(?:y|ies)\b"),
    ("streptozotocin diabetes", r"\bstreptozoto?cin\b|\bSTZ\b"),
    ("complete Freund's adjuvant", r"\bcomplete Freund[’'`]?s adjuvant\b|\bCFA\b"),
    ("carrageenan inflammation", r"\bcarrageenan\b"),
    ("formalin test", r"\bformalin[- ](?:test|induced|injection)\b|\b(?:intraplantar|subcutaneous) formalin\b"),
    ("paclitaxel neuropathy", r"\bpaclitaxel\b"),
    ("vincristine neuropathy", r"\bvincristine\b"),
    ("oxaliplatin neuropathy", r"\boxaliplatin\b"),
    ("monosodium iodoacetate arthritis", r"\bmono-?sodium iodoacetate\b"),
    ("acidic saline muscle pain", r"\bacid(?:ic)? saline\b"),
    ("spinal cord injury", r"\bspinal cord injur(?:y|ies)\b"),
    ("plantar incision", r"\b(?:plantar|paw) incision\b"),
    ("high-fat diet", r"\bhigh[- ]fat diet\b"),
)

#: A lower-case word that each entry's pattern cannot match without (checked first: a
#: substring test costs far less than a regular-expression search).
_KEYS = {
    "Sprague-Dawley": ("sprague", "sd rat"), "Wistar": ("wistar",), "Long-Evans": ("evans",), "Lewis": ("lewis",),
    "C57BL/6": ("c57b",), "BALB/c": ("balb",), "CD-1": ("cd",), "ICR": ("icr",), "Swiss": ("swiss",),
    "db/db": ("db/db",),
    "chronic constriction injury": ("constriction", "cci"), "spared nerve injury": ("spared", "sni"),
    "spinal nerve ligation": ("ligation", "snl"), "partial sciatic nerve ligation": ("ligation", "psnl", "seltzer"),
    "sciatic nerve crush": ("crush",), "sciatic nerve transection": ("transection",),
    "sciatic nerve injury": ("sciatic",), "streptozotocin diabetes": ("streptozo", "stz"),
    "complete Freund's adjuvant": ("freund", "cfa"), "carrageenan inflammation": ("carrageenan",),
    "formalin test": ("formalin",), "paclitaxel neuropathy": ("paclitaxel",),
    "vincristine neuropathy": ("vincristine",), "oxaliplatin neuropathy": ("oxaliplatin",),
    "monosodium iodoacetate arthritis": ("iodoacetate",), "acidic saline muscle pain": ("saline",),
    "spinal cord injury": ("spinal cord",), "plantar incision": ("incision",), "high-fat diet": ("fat diet",),
}
_STRAIN_RES = tuple((name, re.compile(p), _KEYS[name]) for name, p in _STRAINS)
_MODEL_RES = tuple((name, re.compile(p), _KEYS[name]) for name, p in _MODELS)
_ANY_KEY = {id(table): re.compile("|".join(sorted({re.escape(k) for _, _, keys in table for k in keys}, key=len,
                                                  reverse=True)))
            for table in (_STRAIN_RES, _MODEL_RES)}
_MALE = Caseless(r"\b(?:male|males|men|boys)\b")
_FEMALE = Caseless(r"\b(?:female|females|women|girls)\b")
_BOTH_SEXES = Caseless(r"\bboth sexes\b|\bmen and women\b|\bwomen and men\b|\bmale and female\b|"
                         r"\bfemale and male\b|\bmales and females\b|\bfemales and males\b")

_NUM = r"(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|sixteen|twenty)"
_SPEED = re.compile(r"\b\d+(?:\.\d+)?\s*(?:[–-]\s*\d+(?:\.\d+)?\s*)?(?:m/min|m·min-1|m min-1|km/h)\b")
_INTENSITY = Caseless(r"\b\d+(?:\s*(?:[–-]|to)\s*\d+)?\s*%\s*(?:of\s+(?:the\s+)?(?:their\s+)?)?(?:V̇?O2\s?(?:max|peak)|"
                        r"maximal (?:oxygen uptake|heart rate)|HR\s?max|heart rate reserve|HRR|1\s?RM|"
                        r"one[- ]repetition maximum|maximum heart rate|peak heart rate)")
_SESSION = Caseless(rf"\b{_NUM}(?:\s*(?:[–-]|to)\s*{_NUM})?\s*(?:min|minutes?|h|hours?)\s*"
                      r"(?:/|per |a |each |every )(?:day|d|session)\b")
_FREQUENCY = Caseless(rf"\b(?:{_NUM}(?:\s*(?:[–-]|to)\s*{_NUM})?\s*(?:days?|times?|sessions?|d)\s*"
                        r"(?:/|per |a |each |every )(?:week|wk)|(?:once|twice|three times) (?:a|per) (?:week|day)|daily)\b")
_LENGTH = Caseless(rf"\bfor\s+(?:a\s+period\s+of\s+)?{_NUM}(?:\s*(?:[–-]|to)\s*{_NUM})?\s*(?:consecutive\s+)?"
                     r"(?:weeks?|wks?|days?|months?)\b|\b\d+[- ](?:week|day|month)\b")
_TIMEPOINT = Caseless(
    rf"\b(?:at|after|by|on|over|following|within|through)\s+(?:the\s+)?(?:first\s+|last\s+|end\s+of\s+)?"
    rf"(?:{_NUM}(?:\s*(?:[–-]|to|and)\s*{_NUM})?[- ](?:weeks?|wks?|days?|months?|years?|hours?|h|min)"
    r"(?:\s+(?:of\s+(?:training|treatment|exercise|intervention|follow-up)|post-?\w+|after\s+\w+))?)"
    r"|\b(?:at\s+)?(?:week|day|month|visit)\s+\d+\b|\bpost-?operative day \d+\b|\bat (?:the )?(?:end of|follow-up)\b[^,;.]{0,30}")
_COUNTS = frozenset({"sample_size"})
#: A count of those in whom a measure was developed, not of this study's subjects.
_VALIDATED = Caseless(r"\b(?:validated|developed|normed|standardi[sz]ed) (?:in|on|with|by|among)\b")
#: Counts that are not the sample studied: those screened or approached for it.
_NOT_STUDIED = Caseless(r"[^.;]{0,30}?\b(?:were |was )?(?:screened|approached|contacted|invited|assessed for eligibility)\b")

#: Citation markers: numbered references, author-year references, reporting of others' work.
_AUTHOR_YEAR = (r"\(\s*[A-Z][A-Za-z'-]+(?:\s+et\s+al\.?|\s+(?:and|&)\s+[A-Z][A-Za-z'-]+)?,?\s+(?:19|20)\d\d[a-z]?\s*[;),]|"
                r"\b[A-Z][A-Za-z'-]+(?:\s+et\s+al\.?|\s+(?:and|&)\s+[A-Z][A-Za-z'-]+)?\s+\(\s*(?:19|20)\d\d[a-z]?\s*[;),]|"
                r"\bet al\.?")
_CITATION = re.compile(r"\[\s*\d+(?:\s*[,–-]\s*\d+)*\s*\]|\(\s*\d+(?:\s*[,–-]\s*\d+)+\s*\)|" + _AUTHOR_YEAR)
#: In a results section a bracketed pair of numbers is a range ("3 (1-5)"), not a reference.
_RESULTS_CITATION = re.compile(r"\[\s*\d+(?:\s*[,–-]\s*\d+)*\s*\]|" + _AUTHOR_YEAR)
_OTHER_WORK = (r"(?:previous|prior|earlier|recent|past|former|other)\s+(?:[\w-]+\s+){0,2}?(?:study|studies|trials?|"
               r"reports?|work|research(?:es)?|investigations?|meta-analys[ie]s|reviews?|findings|results|literature|"
               r"authors|investigators|researchers)\b|"
               r"\banother\s+(?:[\w-]+\s+){0,2}?(?:study|trial)\b|"
               r"\b(?:one|a)\s+(?:[\w-]+\s+){0,2}?(?:study|trial)\s+(?:has\s+|had\s+)?"
               r"(?:showed|shown|found|reported|demonstrated|observed)\b")
_REPORTED = Caseless(
    r"\bpreviously\s+(?:reported|shown|described|demonstrated|found|published)\b|\b" + _OTHER_WORK + r"|"
    r"\b(?:and|&) colleagues\b|\bin their (?:study|trial|work|review|experiments?|cohort)\b|"
    r"\b(?:has|have) (?:long |previously |also |consistently |recently |repeatedly )?been (?:shown|reported|demonstrated|found|documented)\b|"
    r"\b(?:is|are) (?:well[- ])?known to\b|\bit is (?:well )?(?:known|established)\b|"
    r"\bstudies (?:(?:in|of|on|with) [^.;]{1,40}? )?(?:have|had) (?:also )?(?:shown|found|reported|demonstrated)\b|"
    r"\b(?:was|were) (?:previously )?reported (?:by|in)\b")
#: Others named as the ones who found it: "Lee et al. also showed", "a previous trial
#: found", "reported by Kim and Park". Such a sentence states their result even when it
#: compares it with "the present study".
_ATTRIBUTED = re.compile(
    r"\b(?:study|trial|review|studies|trials|work)\s+(?:by|of)\s+[A-Z][A-Za-z'-]+(?:\s+et\s+al\b|\s+(?:and|&)\s+[A-Z]|"
    r"\s*\[\d|\s*\(\s*(?:19|20)\d\d|\d)|\b(?:study|trial|review)\s+by\s+[A-Z]|"
    r"\bet\s+al\.?,?\s*(?:\[[^\]]{1,20}\]|\(\s*\d[^)]{0,20}\)|\d{1,3}(?:[,–-]\d{1,3})*)?,?\s+(?:\w+ly\s+|also\s+)?"
    r"(?:have\s+|had\s+|has\s+)?(?:showed|shown|found|reported|demonstrated|observed|noted|concluded|described|"
    r"revealed|indicated|suggested)\b|"
    r"\b(?:reported|described|shown|demonstrated|found|observed|conducted|prescribed|proposed|published)\s+by\s+"
    r"(?:[A-Z][A-Za-z'-]+\s+(?:et\s+al|and|&)|others\b|previous|prior|earlier|other)|"
    r"\b(?:[Ii]n|[Bb]y) their (?:study|trial|work|review|experiments?)\b|"
    r"\b(?:[Ii]n|[Oo]f) (?:another|an earlier|a previous|a prior|a separate|one other) (?:[\w-]+\s+){0,2}?(?:study|trial)\b|"
    r"(?:\((?:[^()]{0,40}[,; ])?(?:19|20)\d\d[a-z]?\)|\bet\s+al\.?,?\s+(?:19|20)\d\d[a-z]?\)?)\s+(?:also\s+)?"
    r"(?:showed|found|reported|demonstrated|observed|noted|concluded|described|revealed|indicated|suggested)\b|"
    r"\b(?:[Pp]revious|[Pp]rior|[Ee]arlier|[Oo]ther|[Aa]nother|[Rr]ecent)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:study|studies|trials?|reports?|investigations?|meta-analys[ie]s|reviews?|work)\s*"
    r"(?:\[[^\]]{1,20}\]|\(\s*\d[^)]{0,20}\)|\d{1,3}(?:[,–-]\d{1,3})*)?,?\s*(?:(?:which|that|who)\s+)?"
    r"(?:(?:also|have|has|had)\s+)*(?:showed|shown|found|reported|demonstrated|observed|concluded|revealed|indicated)\b")
#: Statements about the groups before the intervention: not a result of it.
_BASELINE = Caseless(
    r"\bat baseline\b|\bbaseline (?:characteristics|values|data|levels|measurements|scores)\b|"
    r"\b(?:were|was) (?:comparable|similar|matched|balanced|not (?:significantly )?different) (?:on|in|for|with respect to|"
    r"regarding|between (?:the )?groups (?:in|on|for)) (?:\w+ ){0,3}?(?:age|sex|gender|height|weight|demographic|baseline)\b|"
    r"\b(?:prior to|before) (?:the )?(?:intervention|enrol?lment|randomi[sz]ation|treatment)\b")
_FROM_BASELINE = Caseless(r"\bfrom baseline\b|\bcompared (?:with|to) baseline\b")
_OWN = Caseless(r"\b(?:in (?:this|the present|our|the current) (?:study|trial|work)|we (?:found|show|observed|report)|"
                  r"our (?:results|findings|data))\b")


def _first(patterns: Sequence[tuple[str, re.Pattern[str], tuple[str, ...]]], text: str) -> list[str]:
    """Names of the patterns found in ``text``, most often found first."""
    lowered = text.lower()
    present = set(_ANY_KEY[id(patterns)].findall(lowered))
    if not present:
        return []
    counts: Counter[str] = Counter()
    for name, pattern, keys in patterns:
        if not present.intersection(keys):
            continue
        found = len(pattern.findall(text))
        if found:
            counts[name] = found
    return [name for name, _ in counts.most_common()]


def _sex(text: str) -> str | None:
    low = lowered(text)
    if _BOTH_SEXES.search(text, low):
        return "both"
    male, female = bool(_MALE.search(text, low)), bool(_FEMALE.search(text, low))
    if male and female:
        return "both"
    return "male" if male else "female" if female else None


def dose(text: str) -> dict[str, str]:
    """Intensity, speed, session length, frequency and duration of a training programme.

    >>> dose("Rats ran on a treadmill at 16 m/min, 30 min/day, 5 days/week for 4 weeks.")["text"]
    '16 m/min, 30 min/day, 5 days/week, for 4 weeks'
    """
    parts: dict[str, str] = {}
    low = lowered(text)
    match = _SPEED.search(text)
    if match:
        parts["speed"] = " ".join(match.group(0).split())
    for key, pattern in (("intensity", _INTENSITY), ("session", _SESSION), ("frequency", _FREQUENCY),
                         ("duration", _LENGTH)):
        found = pattern.search(text, low)
        if found:
            parts[key] = " ".join(text[found.start():found.end()].split())
    if parts:
        parts["text"] = ", ".join(parts[k] for k in ("speed", "intensity", "session", "frequency", "duration")
                                  if k in parts)
    return parts


def sample_size(text: str) -> int | None:
    """How many participants or animals a text reports: the largest count of subjects it
    gives ("60 patients were randomized" over "5 patients dropped out"; see the
    ``sample_size`` effects of :func:`miner.pipeline.effects.find_effects`), never a
    number inside a name ("heat shock protein 27 ... rats"). Counts in a sentence about
    other work ("a questionnaire validated in 1,500 adults", "a previous trial of 90
    patients") are not this study's; numbers that look like years are passed over
    unless written "n = ...", and so are the counts of those screened.

    >>> sample_size("Sixty women (n = 60) were randomized; 5 patients dropped out in 2019 patients' files.")
    60
    >>> sample_size("Two hundred and fifty participants were randomly assigned; 320 patients were screened.")
    250
    """
    candidates: list[int] = []
    low = lowered(text)
    for effect in find_effects(text, kinds=_COUNTS):
        if effect.value is None:
            continue
        value = int(effect.value)
        named_n = effect.text.lstrip()[:1] in "nN" and "=" in effect.text
        if not named_n and (value < 4 or 1900 <= value <= 2100 or _NOT_STUDIED.match(text, low, effect.end)):
            continue
        lo = max(text.rfind(". ", 0, effect.start) + 1, text.rfind("\n", 0, effect.start) + 1, effect.start - 200)
        ends = [i for i in (text.find(". ", effect.end), text.find("\n", effect.end)) if i >= 0]
        sentence = text[lo:min(ends + [len(text), effect.end + 200])]
        if _VALIDATED.search(sentence, lowered(sentence)) or claim_kind(sentence, None) == "citation":
            continue
        candidates.append(value)
    return max(candidates) if candidates else None


def article_study_context(text: str, sections: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """What the article says about its subjects and its intervention, once per article.

    The methods (and the abstract) are read when the article has them, else its first
    8,000 characters.
    """
    methods = "\n".join(text[s["start"]:s["end"]] for s in sections if s.get("kind") in ("methods",))
    head = "\n".join(text[s["start"]:s["end"]] for s in sections
                     if s.get("kind") in ("abstract", "title") or s.get("label", "").upper().startswith("ABSTRACT"))
    where = methods or text[:8000]
    strains = _first(_STRAIN_RES, where)
    models = _first(_MODEL_RES, f"{head}\n{where}")
    context: dict[str, Any] = {
        "strain": strains[0] if strains else None,
        "sex": _sex(where),
        "models": models,
        "sample_size": sample_size(head) or sample_size(where),
        "dose": dose(where) or None,
    }
    return context


def claim_kind(sentence: str, section: str | None) -> str:
    """``own`` (the paper's result), ``background`` or ``citation`` (someone else's),
    ``methods`` (what was done) or ``baseline`` (the groups before the intervention).

    A sentence that names others as the ones who found it ("Lee et al. also showed", "a
    previous trial found") is a citation in any section, even beside "in this study";
    other citation markers (numbered and author-year references, "previous studies",
    "has been shown") make a citation unless the sentence says it is the paper's own
    ("in the present study", "we found"). In a results section a pair of numbers in
    brackets is a range, not a reference.

    >>> claim_kind("Exercise reduces pain in rats [12].", "background")
    'background'
    >>> claim_kind("Exercise has long been shown to decrease pain.", None)
    'citation'
    >>> claim_kind("Swimming reduced allodynia by 40% (p < 0.01).", "results")
    'own'
    >>> claim_kind("The two groups were comparable on age, education and BMI.", "results")
    'baseline'
    >>> claim_kind("Park et al. also showed less pain with yoga, as in the present study.", "discussion")
    'citation'
    """
    if section == "background":
        return "background"
    if section == "methods":
        return "methods"  # what was done, not what was found
    low = lowered(sentence)
    if _BASELINE.search(sentence, low) and not _FROM_BASELINE.search(sentence, low):
        return "baseline"
    if section == "title":
        return "own"
    if _ATTRIBUTED.search(sentence):
        return "citation"
    if _OWN.search(sentence, low):
        return "own"
    markers = _RESULTS_CITATION if section == "results" else _CITATION
    if markers.search(sentence) or _REPORTED.search(sentence, low):
        return "citation"
    return "own"


@lru_cache(maxsize=512)
def _sentence_facts(sentence: str) -> tuple[list[str], list[str], int | None, str | None, str | None]:
    """(models, strains, sample size, timepoint, sex) a sentence states; several findings
    of one sentence share them."""
    timepoint = _TIMEPOINT.search(sentence, lowered(sentence))
    return (_first(_MODEL_RES, sentence), _first(_STRAIN_RES, sentence), sample_size(sentence),
            " ".join(sentence[timepoint.start():timepoint.end()].split()) if timepoint else None, _sex(sentence))


def evidence_context(article: dict[str, Any], sentence: str, section: str | None,
                     effect: dict[str, Any] | None = None) -> dict[str, Any]:
    """The study context of one finding's sentence, the article's facts as fallback."""
    models, strains, stated_n, timepoint, sex = _sentence_facts(sentence)
    models = models or article.get("models") or []
    n = None
    if effect and effect.get("kind") == "sample_size" and effect.get("value"):
        n = int(effect["value"])
    n = n or stated_n or article.get("sample_size")
    context = {
        "claim": claim_kind(sentence, section),
        "strain": strains[0] if strains else article.get("strain"),
        "sex": sex or article.get("sex"),
        "model": models[0] if models else None,
        "condition": article.get("condition"),
        "sample_size": n,
        "dose": (article.get("dose") or {}).get("text"),
        "timepoint": timepoint,
    }
    return {key: value for key, value in context.items() if value is not None}
