"""Cue words of findings: compiled from ``models/patterns/relations.json`` (pure, no spaCy).

Each category ("decrease", "no_effect", "negation", "hedge", "comparator_before", ...)
is a list of regular expressions matched case-insensitively on word boundaries. The
relation classifier reads where they occur as features; hedging is read from them.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from miner.errors import LexiconError
from miner.pipeline.caseless import lower_pattern
from miner.pipeline.lexicon import default_models_dir

_CATEGORIES = (
    "decrease", "increase", "improve", "worsen", "no_effect", "association", "effect_of",
    "negation", "hedge", "comparator_before", "population_before", "within_group",
    "group_reference", "comparison_cue", "purpose", "clause_break", "weak", "co_intervention",
    "non_significance",
)


class Cue(NamedTuple):
    """A cue found in a sentence: local character offsets and its category."""

    start: int
    end: int
    text: str
    category: str


class Rules:
    """Compiled cue patterns, one regular expression per category."""

    def __init__(self, patterns: dict[str, list[str]]) -> None:
        missing = [c for c in _CATEGORIES if c not in patterns]
        if missing:
            raise LexiconError(f"relation patterns lack the categories: {', '.join(missing)}")
        self.regex: dict[str, re.Pattern[str]] = {}
        self._lower: dict[str, re.Pattern[str]] = {}
        for category in _CATEGORIES:
            items = patterns[category]
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                raise LexiconError(f"relation patterns: '{category}' must be a list of strings")
            try:
                ordered = sorted(items, key=len, reverse=True)
                body = "|".join(f"(?:{item})" for item in ordered)
                source = rf"(?<![\w-])(?:{body})(?![\w-])"
                self.regex[category] = re.compile(source, re.I)
                # The same expression in lower case, run on the lower-cased text: the
                # same matches, several times faster than a case-insensitive scan.
                self._lower[category] = re.compile(lower_pattern(source))
            except re.error as exc:
                raise LexiconError(f"relation patterns: bad expression in '{category}': {exc}") from None
        self._text: str | None = None
        self._lowered: str | None = None

    def _scan(self, category: str, text: str) -> tuple[re.Pattern[str], str]:
        """The pattern to run and the text to run it on (the lower-cased copy when it
        keeps every offset, which it does for all but a few exotic characters)."""
        if text is not self._text:
            lowered = text.lower()
            self._text, self._lowered = text, lowered if len(lowered) == len(text) else None
        if self._lowered is None:
            return self.regex[category], text
        return self._lower[category], self._lowered

    def find(self, category: str, text: str, start: int = 0, end: int | None = None) -> list[Cue]:
        end = len(text) if end is None else end
        pattern, haystack = self._scan(category, text)
        return [Cue(m.start(), m.end(), text[m.start():m.end()], category) for m in pattern.finditer(haystack, start, end)]

    def search(self, category: str, text: str, start: int = 0, end: int | None = None) -> bool:
        end = len(text) if end is None else end
        pattern, haystack = self._scan(category, text)
        return pattern.search(haystack, start, end) is not None

    @classmethod
    def load(cls, path: Path | str | None = None) -> Rules:
        return _load_rules(str(Path(path) if path else default_models_dir() / "patterns" / "relations.json"))


@lru_cache(maxsize=4)
def _load_rules(path: str) -> Rules:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LexiconError(f"{path}: relation patterns not found") from None
    except json.JSONDecodeError as exc:
        raise LexiconError(f"{path}: invalid JSON ({exc.msg}, line {exc.lineno})") from None
    return Rules({k: v for k, v in data.items() if not k.startswith("_")})


#: The cue categories of a sentence that may state a finding.
FINDING_CATEGORIES = ("decrease", "increase", "improve", "worsen", "no_effect", "association", "effect_of",
                      "non_significance", "comparison_cue")
_FINDING_WORDS = re.compile(
    r"\b(?:signific|differ|effect|affect|alter|versus|vs\b|caus|induc|trend|risk|chang|similar|compar|superior|"
    r"inferior|fall|steep|impact|role|adverse|safe|toler)|\bp\s?[<=>≤]", re.I)


def may_state_finding(text: str, rules: Rules, start: int = 0, end: int | None = None) -> bool:
    """Whether ``text[start:end]`` has any cue of a finding (a change, a difference, an
    effect, an association, a statistic): the sentences the trained models look at.
    About 96% of the annotated findings' sentences have one."""
    if _FINDING_WORDS.search(text, start, len(text) if end is None else end):
        return True
    return any(rules.search(category, text, start, end) for category in FINDING_CATEGORIES)
