"""Lay labelled pieces of an article out as one text with sections (pure functions).

Structured sources (PubMed XML, JATS, BioC, JSON records) give an article as pieces:
a title, abstract sections with their labels, body sections with their headings. The
pipeline mines one text, so :func:`lay_out` joins them (paragraphs apart by a blank
line, a heading on a line of its own) and records where each labelled stretch lies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from miner.articles.model import Section


@dataclass(frozen=True)
class Block:
    """One paragraph of an article.

    Attributes
    ----------
    label
        Section label, by convention ``TITLE``, ``ABSTRACT.<label>``, ``BODY.<heading>``.
        Consecutive blocks with one label make one section.
    kind
        Section kind (see :data:`miner.articles.model.SECTION_KINDS`).
    text
        The paragraph, whitespace already normalised.
    heading
        A heading written on its own line before the paragraph (kept out of the section).
    """

    label: str
    kind: str
    text: str
    heading: str | None = None


def lay_out(blocks: Iterable[Block]) -> tuple[str, list[Section]]:
    """The text and sections of ``blocks``, in order; empty blocks are dropped.

    >>> text, sections = lay_out([Block("TITLE", "title", "Running and pain"),
    ...                           Block("ABSTRACT.RESULTS", "results", "Pain fell.")])
    >>> text
    'Running and pain\\n\\nPain fell.'
    >>> [(s.label, text[s.start:s.end]) for s in sections]
    [('TITLE', 'Running and pain'), ('ABSTRACT.RESULTS', 'Pain fell.')]
    """
    chunks: list[str] = []
    sections: list[Section] = []
    length = 0
    open_label: str | None = None
    open_kind = ""
    open_start = 0
    open_end = 0

    def close() -> None:
        if open_label is not None and open_end > open_start:
            sections.append(Section(open_label, open_kind, open_start, open_end))

    for block in blocks:
        text = block.text.strip()
        if not text:
            continue
        if chunks:
            chunks.append("\n\n")
            length += 2
        if block.heading:
            chunks.append(block.heading + "\n")
            length += len(block.heading) + 1
        if block.label != open_label or block.heading:
            close()
            open_label, open_kind, open_start = block.label, block.kind, length
        chunks.append(text)
        length += len(text)
        open_end = length
    close()
    return "".join(chunks), sections
