"""HTML pages (``.html``, ``.htm``) -> articles.

A page's visible text is the article: scripts, styles, navigation and forms are
dropped, block elements become line breaks, headings become sections. ``citation_*``
(and Dublin Core) meta tags give the title, ids, year and journal. Nothing is fetched:
external resources and entities are not resolved.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from miner.articles.model import Article, Section, normalise_year
from miner.articles.sections import section_kind
from miner.articles.textfiles import looks_binary, read_bytes, text_article
from miner.errors import ReadError

_BLOCK_TAGS = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "li", "ul", "ol",
    "table", "tr", "td", "th", "thead", "tbody", "br", "hr", "blockquote", "pre", "dd", "dt",
    "dl", "figure", "figcaption", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "title",
}
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "object", "embed",
              "nav", "form", "button", "select")
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
#: Meta tag names (lower case) and the article field each gives.
_META_FIELDS = {
    "citation_title": "title", "dc.title": "title",
    "citation_pmid": "pmid", "citation_pmcid": "pmcid",
    "citation_doi": "doi", "dc.identifier": "doi",
    "citation_journal_title": "journal",
    "citation_publication_date": "year", "citation_date": "year", "dc.date": "year",
}


def html_to_text(data: bytes, name: str) -> tuple[str, list[Section], dict[str, Any]]:
    """Visible text of an HTML page, its headings as sections, and citation metadata.

    Scripts, styles and other non-text elements are dropped; block elements become
    line breaks. Nothing is fetched: external resources and entities are not resolved.
    """
    from lxml import etree
    from lxml import html as lxml_html

    try:
        parser = lxml_html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
        root = lxml_html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(name, f"unreadable HTML ({exc})") from None
    meta = _html_meta(root)
    for element in root.xpath("|".join(f"//{tag}" for tag in _DROP_TAGS)):
        element.drop_tree()
    head = root.find("head")
    if head is not None:
        head.drop_tree()

    parts: list[str] = []
    headings: list[tuple[int, str]] = []
    length = 0

    def emit(chunk: str) -> None:
        nonlocal length
        if chunk:
            parts.append(chunk)
            length += len(chunk)

    def newline() -> None:
        if parts and not parts[-1].endswith("\n"):
            emit("\n")

    def walk(element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower()
        block = tag in _BLOCK_TAGS
        if block:
            newline()
        if tag in _HEADING_TAGS:
            headings.append((length, " ".join(element.text_content().split())))
        if element.text:
            emit(re.sub(r"\s+", " ", element.text) if tag != "pre" else element.text)
        for child in element:
            walk(child)
            if child.tail:
                emit(re.sub(r"\s+", " ", child.tail))
        if block:
            newline()
            if tag in _HEADING_TAGS or tag == "p":
                emit("\n")

    walk(root)
    raw = "".join(parts)
    lines = [line.strip() for line in raw.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
    sections = _sections_from_headings(text, [h for _, h in headings if h])
    return text, sections, meta


def _sections_from_headings(text: str, headings: list[str]) -> list[Section]:
    found: list[tuple[int, int, str]] = []
    cursor = 0
    for heading in headings:
        index = text.find(heading, cursor)
        if index < 0:
            continue
        line_end = text.find("\n", index)
        line_end = len(text) if line_end < 0 else line_end + 1
        found.append((index, line_end, heading))
        cursor = line_end
    sections = []
    for i, (_, start, heading) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else len(text)
        if end > start:
            sections.append(Section(heading, section_kind(heading), start, end))
    return sections


def _html_meta(root: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for element in root.xpath("//meta[@name and @content]"):
        key = _META_FIELDS.get(element.get("name", "").strip().lower())
        value = element.get("content", "").strip()
        if not key or not value or key in meta:
            continue
        if key == "doi" and not value.lower().lstrip("doi:").strip().startswith("10."):
            continue
        meta[key] = value
    if "title" not in meta:
        titles = root.xpath("//title")
        if titles:
            title = " ".join(titles[0].text_content().split())
            if title:
                meta["title"] = title
    if "year" in meta:
        meta["year"] = normalise_year(meta["year"])
    return meta


def read_html_file(path: Path, name: str) -> Iterator[Article | ReadError]:
    """An ``.html``/``.htm`` page: its visible text as one article."""
    try:
        data = read_bytes(path, name)
        if not data.strip():
            raise ReadError(name, "empty file")
        if looks_binary(data):
            raise ReadError(name, "binary file, not HTML")
        text, sections, meta = html_to_text(data, name)
    except ReadError as error:
        yield error
        return
    if not text.strip():
        yield ReadError(name, "no visible text in the page")
        return
    yield text_article(text, name, sections, meta)
