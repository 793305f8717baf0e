"""BioC (XML and JSON: the PMC BioC API, PubTator exports) -> articles.

A BioC document is a list of passages, each with an offset, a text and infons; PMC's
passages carry ``section_type`` (TITLE, ABSTRACT, INTRO, METHODS, RESULTS, DISCUSS,
CONCL, FIG, TABLE, REF...) and ``type`` (front, abstract, paragraph, title_1,
fig_caption...). Passages are taken in offset order; titles become headings; reference
lists, acknowledgements, author contributions and the like are left out. The front
passage's infons give the ids, the year and the journal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from miner.articles.layout import Block, lay_out
from miner.articles.model import Article, article_with_ids
from miner.articles.sections import section_kind
from miner.articles.xmltools import child, children, iter_elements, read_records, text_of
from miner.errors import ReadError

_KINDS = {
    "TITLE": "title", "ABSTRACT": "abstract", "INTRO": "background", "METHODS": "methods",
    "RESULTS": "results", "DISCUSS": "discussion", "CONCL": "conclusions", "FIG": "results",
    "TABLE": "results", "CASE": "other",
}
_LEFT_OUT = {"REF", "COMP_INT", "ACK_FUND", "AUTH_CONT", "SUPPL", "ABBR", "KEYWORD", "REVIEW_INFO",
             "APPENDIX", "ref", "footnote"}
_TITLE_TYPE = re.compile(r"(?:^|_)title(?:_\d+)?$")
_YEAR = re.compile(r"\b(1[89]\d\d|2[01]\d\d)\b")


def _infons(passage: dict[str, Any]) -> dict[str, str]:
    return {str(k): str(v) for k, v in (passage.get("infons") or {}).items() if v is not None}


def bioc_document_article(document: dict[str, Any], name: str, source: str = "") -> Article:
    """An article from one BioC document given as a dict (the BioC JSON shape).

    Parameters
    ----------
    document
        ``{"id", "infons", "passages": [{"offset", "infons", "text"}]}``.
    name
        Where it was read from.
    source
        The collection's ``source`` ("PMC", "PubMed"), used to read a bare numeric id.
    """
    if not isinstance(document, dict):
        raise ReadError(name, f"BioC document is not an object ({type(document).__name__})")
    passages = document.get("passages")
    if not isinstance(passages, list):
        raise ReadError(name, "BioC document without passages")
    try:
        passages = sorted((p for p in passages if isinstance(p, dict)), key=lambda p: int(p.get("offset") or 0))
    except (TypeError, ValueError):
        raise ReadError(name, "BioC passage with a non-numeric offset") from None
    meta = dict(_infons(document))
    blocks: list[Block] = []
    title = None
    label, kind, heading = "BODY", "other", None
    current = None
    for passage in passages:
        infons = _infons(passage)
        for key, value in infons.items():
            meta.setdefault(key, value)
        text = " ".join(str(passage.get("text") or "").split())
        section = infons.get("section_type") or infons.get("section") or ""
        ptype = infons.get("type", "")
        if section in _LEFT_OUT or ptype in _LEFT_OUT or not text:
            continue
        upper = section.upper()
        if upper == "TITLE" or ptype == "front" or (ptype == "title" and title is None and not blocks):
            if title is None:
                title = text
                blocks.append(Block("TITLE", "title", text))
            continue
        in_abstract = upper == "ABSTRACT" or (not section and ptype.startswith("abstract"))
        if (upper or ptype[:8]) != current:
            current = upper or ptype[:8]
            if in_abstract:
                label, kind = "ABSTRACT", "abstract"
            else:
                label = f"BODY.{section}" if section else "BODY"
                kind = _KINDS.get(upper) or (section_kind(section) if section else "other")
            heading = None
        if _TITLE_TYPE.search(ptype):
            if in_abstract:
                label, kind = f"ABSTRACT.{text.upper()}", section_kind(text)
                kind = "abstract" if kind == "other" else kind
            elif ptype.endswith("title_1") or ptype == "title" or label in ("BODY", f"BODY.{section}"):
                label = f"BODY.{text}"
                own = section_kind(text)
                kind = own if own != "other" else kind
                heading = text
            else:
                heading = text  # a sub-heading: same section, its title on a line of its own
            continue
        blocks.append(Block(label, kind, text, heading))
        heading = None
    text, sections = lay_out(blocks)
    if not text:
        raise ReadError(name, "BioC document without text")
    raw_id = str(document.get("id") or "").strip()
    pmid = meta.get("article-id_pmid") or meta.get("pmid")
    pmcid = meta.get("article-id_pmc") or meta.get("pmcid")
    doi = meta.get("article-id_doi") or meta.get("doi")
    if raw_id and not (pmid or pmcid):
        if raw_id.upper().startswith("PMC"):
            pmcid = raw_id
        elif raw_id.isdigit():
            pmcid, pmid = (raw_id, None) if "pmc" in source.lower() else (None, raw_id)
    year = _YEAR.search(meta.get("year", "") or meta.get("date", ""))
    return article_with_ids(
        pmid=pmid, pmcid=pmcid, doi=doi, fallback=f"{name}#{raw_id}" if raw_id else name,
        text=text,
        title=title,
        source=name,
        year=int(year.group(1)) if year else None,
        journal=meta.get("journal") or meta.get("source") or None,
        sections=sections,
    )


def is_bioc_json(data: Any) -> bool:
    """Whether parsed JSON is a BioC collection (or a list of them, as the PMC API gives)."""
    if isinstance(data, list):
        return bool(data) and all(isinstance(item, dict) and "documents" in item for item in data)
    return isinstance(data, dict) and isinstance(data.get("documents"), list)


def bioc_json_articles(data: Any, name: str) -> Iterator[Article | ReadError]:
    """Articles from parsed BioC JSON: a collection or a list of collections."""
    collections = data if isinstance(data, list) else [data]
    documents = [(c.get("source") or "", d) for c in collections for d in c.get("documents") or []]
    if not documents:
        yield ReadError(name, "BioC collection without documents")
        return
    for index, (source, document) in enumerate(documents, 1):
        where = name if len(documents) == 1 else f"{name}#{index}"
        try:
            yield bioc_document_article(document, where, str(source))
        except ReadError as error:
            yield error


def _xml_document(element: Any) -> dict[str, Any]:
    def infons(node: Any) -> dict[str, str]:
        return {(i.get("key") or ""): text_of(i) for i in children(node, "infon")}

    return {
        "id": text_of(child(element, "id")),
        "infons": infons(element),
        "passages": [
            {"offset": text_of(child(p, "offset")) or "0", "infons": infons(p), "text": text_of(child(p, "text"))}
            for p in children(element, "passage")
        ],
    }


def _xml_documents(path: Path, name: str) -> Iterator[tuple[dict[str, Any], str]]:
    """(document as a dict, the collection's source) of each ``<document>``, streamed."""
    source = ""
    for element in iter_elements(path, name, ("document", "source")):
        if element.tag == "source":
            source = text_of(element)
        else:
            yield _xml_document(element), source


def read_bioc_xml(path: Path, name: str) -> Iterator[Article | ReadError]:
    """Every document of a BioC XML collection, streamed."""
    yield from read_records(_xml_documents(path, name), name,
                            lambda item, where: bioc_document_article(item[0], where, item[1]),
                            none="BioC collection without documents")
