"""Long articles in pieces: spaCy refuses a text longer than ``nlp.max_length`` (E088).

An article longer than that is cut at paragraph breaks (else line breaks, sentence ends
or spaces) into pieces that each fit, each piece is annotated as an article of its own,
and the pieces' records are put back together with their offsets moved to where the
piece starts, so that every offset points into the whole article's text, as for any
article. The article-level context (species, study type, main interventions) is the
first piece's: the one with the title and the abstract.

Pure functions; no spaCy here.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from miner.articles.model import Article, Section

_BREAKS = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"[.!?]\s"), re.compile(r"\s"))


def cut_points(text: str, limit: int) -> list[int]:
    """Where the pieces of ``text`` start (the first at 0), none longer than ``limit``.

    Each cut is the last paragraph break in the piece's second half, else the last
    line break, sentence end or space there, else at ``limit`` itself.

    >>> cut_points("aaaa\\n\\nbbbb\\n\\ncccc", 8)
    [0, 6, 12]
    """
    if limit < 2:
        raise ValueError("a piece must be allowed at least two characters")
    starts = [0]
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = limit
        for pattern in _BREAKS:
            ends = [m.end() for m in pattern.finditer(window, limit // 2)]
            if ends:
                cut = ends[-1]
                break
        start += cut
        starts.append(start)
    return starts


def pieces(article: Article, limit: int) -> list[tuple[int, Article]]:
    """(offset, piece) for each piece of ``article``: the same article (id, title,
    metadata) with a stretch of its text and the sections in it, moved to the piece."""
    starts = cut_points(article.text, limit)
    if len(starts) == 1:
        return [(0, article)]
    out = []
    for start, end in zip(starts, [*starts[1:], len(article.text)]):
        sections = [Section(s.label, s.kind, max(s.start, start) - start, min(s.end, end) - start)
                    for s in article.sections if s.start < end and s.end > start]
        out.append((start, replace(article, text=article.text[start:end], sections=sections)))
    return out


def _is_offset(key: str) -> bool:
    return key in ("start", "end") or key.endswith(("_start", "_end"))


def shift(value: Any, chars: int, tokens: int) -> Any:
    """A record with its offsets moved: every int field named ``start``/``end`` or
    ``*_start``/``*_end`` by ``chars``, ``token_start``/``token_end`` by ``tokens``
    (the convention of :mod:`miner.pipeline.extensions`); -1 (none) stays."""
    if isinstance(value, list):
        return [shift(item, chars, tokens) for item in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if _is_offset(key) and isinstance(item, int) and not isinstance(item, bool) and item >= 0:
            out[key] = item + (tokens if key.startswith("token_") else chars)
        else:
            out[key] = shift(item, chars, tokens)
    return out


def merge_records(parts: list[tuple[int, int, dict[str, Any]]]) -> dict[str, Any]:
    """One article's record from its pieces' ``(char offset, token offset, record)``."""
    merged: dict[str, Any] = {}
    for chars, tokens, record in parts:
        for key, value in record.items():
            if isinstance(value, list):
                merged.setdefault(key, []).extend(shift(value, chars, tokens))
            elif key not in merged:
                merged[key] = shift(value, chars, tokens)  # article-level: the first piece's
    return merged
