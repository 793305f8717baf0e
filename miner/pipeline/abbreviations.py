"""Abbreviations defined in the text ("chronic constriction injury (CCI)").

scispaCy's AbbreviationDetector finds the pairs; its long forms follow Schwartz &
Hearst and are often too short ("constriction injury" for CCI). :func:`expand_long_form`
extends a long form to the words whose initials spell the short form, counting an
acronym inside the long form for all its letters ("CCI with swimming exercise" for
CCISE). Pure functions over word lists, then a helper that reads the detector's output.
"""

from __future__ import annotations

import re
from typing import Any

import numpy
from spacy.language import Language
from spacy.tokens import Doc

_SKIPPABLE = {"of", "the", "and", "in", "with", "for", "to", "on", "a", "an", "by", "-", "&", "/"}


def _letters(word: str) -> str:
    """What a word contributes to an acronym: an acronym all its capitals, else its initial."""
    if re.fullmatch(r"[A-Z0-9]{2,}[a-z]?", word):
        return word.lower().rstrip("s") if word.endswith("s") and len(word) > 2 else word.lower()
    parts = [p for p in re.split(r"[-/]", word) if p]
    return "".join(p[0].lower() for p in parts if p[0].isalnum()) or ""


def expand_long_form(words: list[str], short: str) -> int | None:
    """How many of the trailing ``words`` spell ``short`` by their initials, or None.

    Hyphenated words may count once or once per part; small function words may be
    skipped.

    >>> expand_long_form("rats with chronic constriction injury".split(), "CCI")
    3
    >>> expand_long_form("CCI with swimming exercise".split(), "CCISE")
    4
    >>> expand_long_form("health-related quality of life".split(), "HRQOL")
    4
    """
    target = re.sub(r"[^a-z0-9]", "", short.lower())
    if len(target) < 2:
        return None
    best: int | None = None

    def search(index: int, remaining: str, used: int) -> None:
        nonlocal best
        if not remaining:
            if best is None or used < best:
                best = used
            return
        if index < 0 or used > len(target) + 4:
            return
        word = words[index]
        options = {_letters(word)}
        if "-" in word or "/" in word:
            options.add(word[0].lower())
        if word.isalpha() and word.islower():
            options.add(word[:2].lower())
        for option in options:
            if option and remaining.endswith(option):
                search(index - 1, remaining[: -len(option)], used + 1)
        if word.lower() in _SKIPPABLE:
            search(index - 1, remaining, used + 1)

    search(len(words) - 1, target, 0)
    if best is not None and words[len(words) - best].lower() in _SKIPPABLE:
        return None
    return best


def find_definitions(doc: Doc, text: str | None = None) -> list[dict[str, Any]]:
    """Abbreviation definitions and uses from scispaCy's detector, long forms expanded.

    Returns dicts ``{short, long, long_start, long_end, uses: [(start, end), ...]}``
    with character offsets; one per distinct short form (its first definition).
    """
    if not Doc.has_extension("abbreviations"):
        return []
    found: dict[str, dict[str, Any]] = {}
    items = doc._.abbreviations or []
    if items and text is None:
        from miner.pipeline.extensions import doc_text

        text = doc_text(doc)
    text = text or ""
    for item in items:
        if isinstance(item, dict):
            short_start, short_end = item["short_start"], item["short_end"]
            long_start, long_end = item["long_start"], item["long_end"]
        else:
            long_span = item._.long_form
            short_start, short_end = item.start, item.end
            long_start, long_end = long_span.start, long_span.end
        short = doc[short_start:short_end]
        key = short.text
        entry = found.get(key)
        if entry is None:
            long_span = doc[long_start:long_end]
            long_start_char, long_end_char = long_span.start_char, long_span.end_char
            # Extend to the left when initials call for more words.
            lookback_start = max(long_span.sent.start if doc.has_annotation("SENT_START") else 0,
                                 long_end - 3 * len(key) - 2)
            window = [t for t in doc[lookback_start:long_end] if not t.is_space]
            count = expand_long_form([t.text for t in window], key)
            if count is not None and count <= len(window):
                first = window[len(window) - count]
                if first.idx < long_start_char:
                    long_start_char = first.idx
            entry = {
                "short": key,
                "long": text[long_start_char:long_end_char],
                "long_start": long_start_char,
                "long_end": long_end_char,
                "uses": [],
            }
            found[key] = entry
        span = (short.start_char, short.end_char)
        if span not in entry["uses"]:
            entry["uses"].append(span)
    for entry in found.values():
        entry["uses"].sort()  # in the text's order (scispaCy's matches come in no set order)
    return list(found.values())


# ----------------------------------------------------------------------------- component

def _detector_class() -> type:
    from scispacy.abbreviation import AbbreviationDetector

    return AbbreviationDetector


class ParenthesisAbbreviationDetector(_detector_class()):  # type: ignore[misc]
    """scispaCy's AbbreviationDetector, with its candidate search done in one pass.

    scispaCy finds candidates with a Matcher pattern ``( + )``, which tries every span
    between brackets and costs several times the tokenizer on long articles. The same
    candidates (an opening and a closing bracket at most nine tokens apart) are found
    here from the bracket positions; scispaCy's own ``filter_matches`` and
    ``find_matches_for`` (Schwartz & Hearst) then do the rest, unchanged.
    """

    def find_matches_for(self, filtered: list, doc: Doc) -> list:
        """scispaCy's definitions (``find_abbreviation``), with every later use of each
        short form found from the token ids at once rather than by a Matcher per doc."""
        from scispacy.abbreviation import find_abbreviation

        occurrences: dict[Any, set] = {}
        seen_long: set[str] = set()
        seen_short: set[str] = set()
        for long_candidate, short_candidate in filtered:
            short, long = find_abbreviation(long_candidate, short_candidate)
            if long is None or long.text in seen_long or short.text in seen_short:
                continue
            seen_long.add(long.text)
            seen_short.add(short.text)
            occurrences[long] = {short}
        if not occurrences:
            return []
        orth = doc.to_array("ORTH")
        for long, shorts in occurrences.items():
            short = next(iter(shorts))
            ids = [t.orth for t in short]
            for start in numpy.flatnonzero(orth == ids[0]):
                end = int(start) + len(ids)
                if end <= len(orth) and all(orth[int(start) + k] == ids[k] for k in range(1, len(ids))):
                    shorts.add(doc[int(start):end])
        return list(occurrences.items())

    def __call__(self, doc: Doc) -> Doc:
        from scispacy.abbreviation import filter_matches

        doc._.abbreviations = []
        orth = doc.to_array("ORTH")
        open_id = doc.vocab.strings["("]
        close_id = doc.vocab.strings[")"]
        opens = numpy.flatnonzero(orth == open_id)
        if len(opens) == 0:
            return doc
        closes = numpy.flatnonzero(orth == close_id)
        matches = []
        for start in opens:
            first = numpy.searchsorted(closes, start + 2)  # at least one token inside
            for end in closes[first:]:
                if end - start - 1 > 8:
                    break
                matches.append((0, int(start) + 1, int(end)))  # brackets already removed
        filtered = filter_matches(matches, doc)
        for long_form, short_forms in self.find_matches_for(filtered, doc):
            for short in short_forms:
                short._.long_form = long_form
                doc._.abbreviations.append(short)
        if self.make_serializable:
            doc._.abbreviations = [self.make_short_form_serializable(a) for a in doc._.abbreviations]
        return doc


@Language.factory(
    "miner_abbreviations",
    default_config={"make_serializable": True},
    assigns=["doc._.abbreviations"],
)
def make_abbreviation_detector(nlp: Language, name: str, make_serializable: bool) -> ParenthesisAbbreviationDetector:
    """Abbreviation definitions (scispaCy's algorithm), with a fast candidate search."""
    return ParenthesisAbbreviationDetector(nlp, name=name, make_serializable=make_serializable)
