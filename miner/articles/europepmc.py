"""Europe PMC search records (``resultType=core`` JSON) -> articles.

A core record has the title, ``abstractText`` (HTML: structured abstracts carry their
labels as ``<h4>`` headings), ``pubYear``, ``journalInfo``, ids, publication types and
MeSH headings; each is read into the article, the labels into sections.
"""

from __future__ import annotations

import html
import re
from typing import Any

from miner.articles.layout import Block, lay_out
from miner.articles.model import Article, article_with_ids
from miner.articles.sections import section_kind
from miner.articles.study import species_from_mesh, study_type_from_index
from miner.errors import ReadError

_HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
_YEAR = re.compile(r"\b(1[89]\d\d|2[01]\d\d)\b")


def is_europepmc_record(record: Any) -> bool:
    """Whether a JSON object looks like a Europe PMC search result."""
    return isinstance(record, dict) and ("abstractText" in record or "pubYear" in record
                                         or ("source" in record and "id" in record and "title" in record))


def plain(fragment: str) -> str:
    """Text of an HTML fragment: tags dropped, entities decoded, spaces collapsed.

    >>> plain("Effect of <i>exercise</i> on IL-1&beta;")
    'Effect of exercise on IL-1β'
    """
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split()).replace(" ,", ",").replace(" .", ".")


def _abstract_blocks(abstract: str) -> list[Block]:
    blocks: list[Block] = []
    pieces = _HEADING.split(abstract)
    lead = plain(pieces[0])
    if lead:
        blocks.append(Block("ABSTRACT", "abstract", lead))
    for heading, body in zip(pieces[1::2], pieces[2::2]):
        label = plain(heading)
        kind = section_kind(label) if label else "abstract"
        blocks.append(Block(f"ABSTRACT.{label.upper()}" if label else "ABSTRACT",
                            "abstract" if kind == "other" else kind, plain(body)))
    return blocks


def _names(container: Any, list_key: str, item_key: str | None = None) -> list[str]:
    items = (container or {}).get(list_key) if isinstance(container, dict) else None
    out = []
    for item in items or []:
        value = item.get(item_key) if item_key and isinstance(item, dict) else item
        if isinstance(value, str) and value.strip():
            out.append(value.strip())
    return out


def europepmc_article(record: dict[str, Any], name: str) -> Article:
    """An article from one Europe PMC core search result (or :class:`ReadError`)."""
    title = plain(str(record.get("title") or ""))
    abstract = record.get("abstractText") or ""
    if not isinstance(abstract, str):
        raise ReadError(name, "field 'abstractText' is not text")
    blocks = ([Block("TITLE", "title", title)] if title else []) + _abstract_blocks(abstract)
    text, sections = lay_out(blocks)
    if not text:
        raise ReadError(name, "Europe PMC record without title or abstract")
    pmid = record.get("pmid") or (record.get("id") if record.get("source") == "MED" else None)
    pmcid = record.get("pmcid")
    doi = record.get("doi")
    journal_info = record.get("journalInfo") if isinstance(record.get("journalInfo"), dict) else {}
    journal = (journal_info.get("journal") or {}).get("title") if isinstance(journal_info.get("journal"), dict) else None
    year = _YEAR.search(str(record.get("pubYear") or journal_info.get("yearOfPublication") or ""))
    mesh = _names(record.get("meshHeadingList"), "meshHeading", "descriptorName")
    types = _names(record.get("pubTypeList"), "pubType")
    fallback = f"{record.get('source')}:{record.get('id')}" if record.get("source") and record.get("id") else name
    return article_with_ids(
        pmid=pmid, pmcid=pmcid, doi=doi, fallback=fallback,
        text=text,
        title=title or None,
        source=name,
        year=int(year.group(1)) if year else None,
        journal=journal or record.get("journalTitle") or None,
        sections=sections,
        study_type=study_type_from_index(types, mesh),
        species=species_from_mesh(mesh),
        mesh_terms=mesh,
        publication_types=types,
    )
