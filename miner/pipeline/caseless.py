"""Case-insensitive regular expressions, run fast (pure functions, no spaCy).

Python's ``re`` scans several times slower with ``re.IGNORECASE`` than without it. A
:class:`Caseless` pattern is compiled twice: as written with ``re.I``, and with its
letters in lower case without it. Run on the lower-cased text, the second finds the
same matches at the same offsets, which holds whenever lower-casing keeps the text's
length (all but a few exotic characters such as "İ"); otherwise the first is used.
"""

from __future__ import annotations

import re
from collections.abc import Iterator


def lower_pattern(source: str) -> str:
    """A regular expression's literal letters in lower case; escapes (``\\S``, ``\\B``)
    and group syntax (``(?P<name>``, ``(?i)``) left as written.

    >>> lower_pattern(r"(?P<Name>\\(NS\\)|Foo\\S+)")
    '(?P<Name>\\\\(ns\\\\)|foo\\\\S+)'
    """
    out, index = [], 0
    while index < len(source):
        char = source[index]
        if char == "\\":
            out.append(source[index:index + 2])
            index += 2
            continue
        if source.startswith("(?", index):
            close = index + 2
            while close < len(source) and source[close] not in ":)=!<>":
                close += 1
            if source.startswith(("(?P<", "(?P="), index):
                close = source.index(">" if source[index + 3] == "<" else ")", index)
            out.append(source[index:close + 1])
            index = close + 1
            continue
        out.append(char.lower())
        index += 1
    return "".join(out)


def lowered(text: str) -> str | None:
    """``text.lower()`` when it keeps every offset, else None."""
    low = text.lower()
    return low if len(low) == len(text) else None


class Caseless:
    """A case-insensitive pattern with ``finditer``/``search``/``match`` over a text and
    its :func:`lowered` copy (computed once by the caller for many patterns)."""

    __slots__ = ("any_case", "lower_case", "pattern")

    def __init__(self, source: str, flags: int = 0) -> None:
        self.pattern = source
        self.any_case = re.compile(source, flags | re.I)
        self.lower_case = re.compile(lower_pattern(source), flags & ~re.I)

    def _pick(self, text: str, low: str | None) -> tuple[re.Pattern[str], str]:
        return (self.lower_case, low) if low is not None else (self.any_case, text)

    def finditer(self, text: str, low: str | None, start: int = 0, end: int | None = None) -> Iterator[re.Match[str]]:
        pattern, haystack = self._pick(text, low)
        return pattern.finditer(haystack, start, len(text) if end is None else end)

    def search(self, text: str, low: str | None, start: int = 0, end: int | None = None) -> re.Match[str] | None:
        pattern, haystack = self._pick(text, low)
        return pattern.search(haystack, start, len(text) if end is None else end)

    def match(self, text: str, low: str | None, start: int = 0) -> re.Match[str] | None:
        pattern, haystack = self._pick(text, low)
        return pattern.match(haystack, start)
