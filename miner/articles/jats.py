"""JATS XML (PMC full texts, Europe PMC ``fullTextXML``, ``.nxml`` files) -> articles.

The front matter gives the ids (PMID, PMCID, DOI), title, journal, year and abstract;
the body gives sections by their titles (nested sections stay under their top-level
section, their titles written as headings); figure captions and tables are kept as text
where they stand, a table row per line with its cells apart by `` | ``. The back matter
(references, acknowledgements) and formulas are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from miner.articles.layout import Block, lay_out
from miner.articles.model import Article, article_with_ids
from miner.articles.sections import section_kind
from miner.articles.study import study_type_from_index
from miner.articles.xmltools import child, children, descendants, iter_elements, local_name, read_records, text_of
from miner.errors import ReadError

#: Elements whose text is not prose: formulas, and floats handled on their own.
_FORMULAS = ("disp-formula", "tex-math", "math", "alternatives")
_NOT_PROSE = (*_FORMULAS, "fig", "table-wrap", "supplementary-material", "graphic", "media")
#: An inline formula this short is a symbol or a value ("d", "p < 0.05"): kept as text.
_SHORT_FORMULA = 30
_FLOATS = ("fig", "table-wrap")
_SKIPPED_ABSTRACTS = {"graphical", "teaser", "toc", "web-summary", "precis"}
_ARTICLE_TYPES = {
    "review-article": "Review", "systematic-review": "Systematic Review", "meta-analysis": "Meta-Analysis",
    "case-report": "Case Reports", "news": "News", "research-article": "Journal Article",
}
_YEAR = re.compile(r"\b(1[89]\d\d|2[01]\d\d)\b")


def _caption(node: Any) -> str:
    label = text_of(child(node, "label"))
    caption = text_of(child(node, "caption"), skip=_FORMULAS)
    if label and caption:
        return f"{label}. {caption}" if not label.endswith((".", ":")) else f"{label} {caption}"
    return label or caption


def _table_text(node: Any) -> str:
    lines = [_caption(node)]
    for row in descendants(node, "tr"):
        cells = [text_of(cell, skip=_FORMULAS) for cell in row if local_name(cell) in ("td", "th")]
        if any(cells):
            lines.append(" | ".join(cells))
    foot = child(node, "table-wrap-foot")
    if foot is not None:
        lines.append(text_of(foot, skip=_FORMULAS))
    return "\n".join(line for line in lines if line)


def _float_blocks(node: Any, label: str, kind: str) -> list[Block]:
    blocks = []
    for found in node.iter():
        name = local_name(found)
        if name == "fig":
            blocks.append(Block(label, kind, _caption(found)))
        elif name == "table-wrap":
            blocks.append(Block(label, kind, _table_text(found)))
    return blocks


def _section_blocks(section: Any, label: str, kind: str, heading: str | None) -> list[Block]:
    blocks: list[Block] = []
    pending_heading = heading
    for node in section:
        name = local_name(node)
        if name in ("title", "label", "sec-meta"):
            continue
        if name == "sec":
            title = text_of(child(node, "title"))
            sub_kind = kind if kind != "other" else section_kind(title) if title else "other"
            sub_heading = "\n".join(h for h in (pending_heading, title) if h) or None
            pending_heading = None
            blocks += _section_blocks(node, label, sub_kind, sub_heading)
            continue
        if name in _FLOATS:
            blocks += _float_blocks(node, label, kind)
            continue
        text = text_of(node, skip=_NOT_PROSE)
        if text:
            blocks.append(Block(label, kind, text, pending_heading))
            pending_heading = None
        blocks += _float_blocks(node, label, kind)  # figures and tables inside the paragraph
    return blocks


def _body_blocks(body: Any) -> list[Block]:
    blocks: list[Block] = []
    for node in body:
        name = local_name(node)
        if name == "sec":
            title = text_of(child(node, "title"))
            label = f"BODY.{title}" if title else "BODY"
            kind = section_kind(title) if title else "other"
            blocks += _section_blocks(node, label, kind, title or None)
        elif name in _FLOATS:
            blocks += _float_blocks(node, "BODY", "other")
        else:
            text = text_of(node, skip=_NOT_PROSE)
            if text:
                blocks.append(Block("BODY", "other", text))
            blocks += _float_blocks(node, "BODY", "other")
    return blocks


def _abstract_blocks(meta: Any) -> list[Block]:
    blocks: list[Block] = []
    for abstract in children(meta, "abstract"):
        if (abstract.get("abstract-type") or "").lower() in _SKIPPED_ABSTRACTS:
            continue
        for node in abstract:
            name = local_name(node)
            if name == "sec":
                title = text_of(child(node, "title"))
                kind = section_kind(title) if title else "abstract"
                label = f"ABSTRACT.{title.upper()}" if title else "ABSTRACT"
                for part in node:
                    if local_name(part) not in ("title", "label", "sec"):
                        blocks.append(Block(label, kind if kind != "other" else "abstract",
                                            text_of(part, skip=_NOT_PROSE)))
            elif name not in ("title", "label"):
                blocks.append(Block("ABSTRACT", "abstract", text_of(node, skip=_NOT_PROSE)))
    return blocks


def _flatten_formulas(element: Any) -> None:
    """Inline formulas become their text when short (a symbol, a value), else nothing."""
    for formula in descendants(element, "inline-formula"):
        value = text_of(formula, skip=("tex-math", "annotation"))
        tail = formula.tail
        formula.clear()
        formula.text = value if len(value) <= _SHORT_FORMULA else None
        formula.tail = tail


def _year(meta: Any) -> int | None:
    dates = children(meta, "pub-date")
    preferred = ("epub", "ppub", "collection", "pub")
    dates.sort(key=lambda d: next((i for i, p in enumerate(preferred)
                                   if p in ((d.get("pub-type") or "") + (d.get("date-type") or ""))), len(preferred)))
    for date in dates:
        match = _YEAR.search(text_of(child(date, "year")))
        if match:
            return int(match.group(1))
    return None


def jats_article(element: Any, name: str) -> Article:
    """An article from one JATS ``<article>`` element (or :class:`ReadError`)."""
    _flatten_formulas(element)
    front = child(element, "front")
    meta = child(front, "article-meta")
    if meta is None:
        raise ReadError(name, "JATS article without <front>/<article-meta>")
    ids: dict[str, str] = {}
    for node in children(meta, "article-id"):
        kind = (node.get("pub-id-type") or "").lower()
        value = text_of(node)
        if value and kind not in ids:
            ids[kind] = value
    pmid = ids.get("pmid")
    pmcid = ids.get("pmcid") or ids.get("pmc")
    if pmcid and not pmcid.upper().startswith("PMC") and not pmcid.isdigit():
        pmcid = None
    doi = ids.get("doi")
    title = text_of(child(child(meta, "title-group"), "article-title"), skip=_NOT_PROSE)
    blocks = [Block("TITLE", "title", title)] if title else []
    blocks += _abstract_blocks(meta)
    body = child(element, "body")
    if body is not None:
        blocks += _body_blocks(body)
    floats = child(element, "floats-group")
    if floats is not None:
        blocks += _float_blocks(floats, "BODY.FIGURES AND TABLES", "results")
    text, sections = lay_out(blocks)
    if not text:
        raise ReadError(name, "JATS article without title, abstract or body text")
    journal_meta = child(front, "journal-meta")
    journal = text_of(child(child(journal_meta, "journal-title-group"), "journal-title")) or \
        text_of(child(journal_meta, "journal-title"))
    types = [_ARTICLE_TYPES.get((element.get("article-type") or "").lower(), "")]
    types += [text_of(node) for node in descendants(child(meta, "article-categories"), "subject")]
    return article_with_ids(
        pmid=pmid, pmcid=pmcid, doi=doi, fallback=name,
        text=text,
        title=title or None,
        source=name,
        year=_year(meta),
        journal=journal or None,
        sections=sections,
        study_type=study_type_from_index([t for t in types if t], []),
        publication_types=[t for t in types if t],
    )


def read_jats_xml(path: Path, name: str) -> Iterator[Article | ReadError]:
    """Every ``<article>`` of a JATS file (one article, or a ``pmc-articleset``)."""
    yield from read_records(iter_elements(path, name, ("article",)), name, jats_article,
                            none="no <article> in the file (an access-restricted PMC record?)")
