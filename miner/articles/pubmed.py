"""PubMed XML (``PubmedArticleSet``, as efetch and the baseline files give it) -> articles.

One ``PubmedArticle`` becomes one :class:`Article`: id ``PMID:…``, the title, the
abstract with each structured section (``Label``/``NlmCategory``) as a section, the
journal, the year, the DOI and PMCID, MeSH headings and publication types, and from
those the study type and species. Whole baseline files (``.xml.gz``) stream.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from miner.articles.layout import Block, lay_out
from miner.articles.model import Article, normalise_doi, normalise_pmcid
from miner.articles.sections import section_kind
from miner.articles.study import species_from_mesh, study_type_from_index
from miner.articles.xmltools import child, children, iter_elements, read_records, text_of
from miner.errors import ReadError

#: The elements a PubMed XML file holds articles in.
RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle")
_YEAR = re.compile(r"\b(1[89]\d\d|2[01]\d\d)\b")


def _path(element: Any, *names: str) -> Any:
    for name in names:
        element = child(element, name)
        if element is None:
            return None
    return element


def _year(citation: Any, article: Any) -> int | None:
    issue_date = _path(article, "Journal", "JournalIssue", "PubDate")
    candidates = [
        text_of(child(issue_date, "Year")),
        text_of(child(issue_date, "MedlineDate")),
        text_of(child(child(article, "ArticleDate"), "Year")),
        text_of(_path(citation, "DateCompleted", "Year")),
    ]
    for value in candidates:
        match = _YEAR.search(value)
        if match:
            return int(match.group(1))
    return None


def _abstract_blocks(article: Any) -> list[Block]:
    blocks: list[Block] = []
    abstract = child(article, "Abstract")
    for part in children(abstract, "AbstractText"):
        text = text_of(part)
        if not text:
            continue
        label = (part.get("Label") or "").strip()
        category = (part.get("NlmCategory") or "").strip()
        kind = section_kind(label) if label else "abstract"
        if kind in ("other", "abstract") and category and category != "UNASSIGNED":
            kind = section_kind(category)
        if kind == "other":
            kind = "abstract"
        blocks.append(Block(f"ABSTRACT.{label.upper()}" if label else "ABSTRACT", kind, text))
    return blocks


def pubmed_article(record: Any, name: str) -> Article:
    """An article from one ``PubmedArticle`` element (or :class:`ReadError`).

    Parameters
    ----------
    record
        The lxml element.
    name
        Where it was read from, for messages and :attr:`Article.source`.
    """
    if record.tag == "PubmedBookArticle" or str(record.tag).endswith("PubmedBookArticle"):
        return _book_article(record, name)
    citation = child(record, "MedlineCitation")
    pmid = text_of(child(citation, "PMID"))
    if not pmid:
        raise ReadError(name, "PubmedArticle without a PMID")
    where = f"{name} (PMID {pmid})"
    article = child(citation, "Article")
    title = text_of(child(article, "ArticleTitle")) or text_of(child(article, "VernacularTitle"))
    blocks = [Block("TITLE", "title", title)] if title else []
    blocks += _abstract_blocks(article)
    if not blocks:
        raise ReadError(where, "no title and no abstract")
    text, sections = lay_out(blocks)

    ids = {
        (node.get("IdType") or "").lower(): text_of(node)
        for node in children(_path(record, "PubmedData", "ArticleIdList"), "ArticleId")
    }
    doi = ids.get("doi") or next(
        (text_of(node) for node in children(article, "ELocationID") if node.get("EIdType") == "doi"), None)
    pmcid = ids.get("pmc") or None
    mesh = [text_of(child(heading, "DescriptorName"))
            for heading in children(child(citation, "MeshHeadingList"), "MeshHeading")]
    mesh = [m for m in mesh if m]
    publication_types = [text_of(node) for node in children(child(article, "PublicationTypeList"), "PublicationType")]
    journal = text_of(_path(article, "Journal", "Title")) or text_of(_path(citation, "MedlineJournalInfo", "MedlineTA"))
    return Article(
        id=f"PMID:{pmid}",
        text=text,
        title=title or None,
        source=name,
        pmid=pmid,
        pmcid=normalise_pmcid(pmcid) if pmcid else None,
        doi=normalise_doi(doi) if doi else None,
        year=_year(citation, article),
        journal=journal or None,
        sections=sections,
        study_type=study_type_from_index(publication_types, mesh),
        species=species_from_mesh(mesh),
        mesh_terms=mesh,
        publication_types=publication_types,
    )


def _book_article(record: Any, name: str) -> Article:
    document = child(record, "BookDocument")
    pmid = text_of(child(document, "PMID"))
    if not pmid:
        raise ReadError(name, "PubmedBookArticle without a PMID")
    title = text_of(child(document, "ArticleTitle")) or text_of(_path(document, "Book", "BookTitle"))
    blocks = [Block("TITLE", "title", title)] if title else []
    blocks += _abstract_blocks(document)
    if not blocks:
        raise ReadError(f"{name} (PMID {pmid})", "no title and no abstract")
    text, sections = lay_out(blocks)
    year = _YEAR.search(text_of(_path(document, "Book", "PubDate")))
    return Article(id=f"PMID:{pmid}", text=text, title=title or None, source=name, pmid=pmid,
                   year=int(year.group(1)) if year else None, sections=sections,
                   publication_types=["Book chapter"])


def read_pubmed_xml(path: Path, name: str) -> Iterator[Article | ReadError]:
    """Every article in a PubMed XML file (plain or gzip), streamed one at a time.

    A record is named by the file (and its PMID where it cannot be read), not by its place in the file.
    """
    yield from read_records(iter_elements(path, name, RECORD_TAGS), name,
                            lambda record, _: pubmed_article(record, name),
                            none="no PubmedArticle records in the file", count_read=True)


def pmids_and_pmcids(path: Path, name: str) -> Iterator[tuple[str, str | None]]:
    """(PMID, PMCID or None) of each record in a PubMed XML file, without building articles."""
    for record in iter_elements(path, name, RECORD_TAGS):
        pmid = text_of(child(child(record, "MedlineCitation"), "PMID"))
        pmcid = next((text_of(node) for node in children(_path(record, "PubmedData", "ArticleIdList"), "ArticleId")
                      if (node.get("IdType") or "").lower() == "pmc"), None)
        if pmid:
            yield pmid, normalise_pmcid(pmcid) if pmcid else None
