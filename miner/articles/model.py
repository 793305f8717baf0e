"""The article record that every reader produces and the pipeline consumes."""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any

#: Section kinds, normalised from the labels that articles use.
SECTION_KINDS = (
    "title",
    "abstract",
    "background",
    "methods",
    "results",
    "conclusions",
    "discussion",
    "other",
)


@dataclass(frozen=True)
class Section:
    """A labelled stretch of an article's text.

    Attributes
    ----------
    label
        The label as written ("ABSTRACT.RESULTS", "Results", "Conclusion").
    kind
        One of :data:`SECTION_KINDS`.
    start, end
        Character offsets into :attr:`Article.text` (end exclusive).
    """

    label: str
    kind: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "kind": self.kind, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Section:
        return cls(data["label"], data["kind"], int(data["start"]), int(data["end"]))


@dataclass
class ArticleMetadata:
    """What is known about an article besides its text: the fields that every record of
    it carries, the :class:`Article` that readers make and the
    :class:`~miner.evidence.model.ArticleRecord` that the store keeps.

    Attributes
    ----------
    id
        ``PMID:…``, ``PMC…``, ``DOI:…``, else the file's path relative to the mined
        folder (to the first folder mined into the store that holds it, see
        :func:`miner.articles.readers.source_files`).
    source
        Where it was read from (path relative to the mined folder, or URL).
    species
        NCBI Taxonomy ids of the organisms studied (from the indexing, or the pipeline's guess).
    study_type
        The study's design (:func:`miner.articles.study.study_type_from_index`).
    """

    id: str
    title: str | None = None
    source: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    doi: str | None = None
    year: int | None = None
    journal: str | None = None
    species: list[str] = field(default_factory=list)
    study_type: str | None = None

    def metadata(self) -> dict[str, Any]:
        """The fields of :class:`ArticleMetadata` (lists copied), to make another record of the article."""
        return {f.name: copy.copy(getattr(self, f.name)) for f in fields(ArticleMetadata)}


@dataclass
class Article(ArticleMetadata):
    """One article: its stable id, its text as read, and what is known about it
    (:class:`ArticleMetadata`).

    Attributes
    ----------
    text
        The text that is mined; every offset in miner points into it (keyword-only).
    sections
        Labelled stretches of ``text``, in order; may be empty.
    mesh_terms, publication_types
        The indexing that a source gives (PubMed, Europe PMC), if any.
    """

    text: str = field(kw_only=True)
    sections: list[Section] = field(default_factory=list)
    mesh_terms: list[str] = field(default_factory=list)
    publication_types: list[str] = field(default_factory=list)

    @property
    def sha1(self) -> str:
        """Hash of the text and title: the store re-mines an article when it changes."""
        digest = hashlib.sha1()
        digest.update((self.title or "").encode("utf-8"))
        digest.update(b"\x00")
        digest.update(self.text.encode("utf-8"))
        return digest.hexdigest()

    def section_at(self, offset: int) -> Section | None:
        """The section that contains character ``offset``, if any."""
        for section in self.sections:
            if section.start <= offset < section.end:
                return section
        return None

    def to_dict(self) -> dict[str, Any]:
        """Every field as plain data (sections as :meth:`Section.to_dict`); :meth:`from_dict` reads it back."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        fields = dict(data)
        fields["sections"] = [Section.from_dict(s) for s in data.get("sections") or []]
        return cls(**fields)


def make_article_id(
    pmid: str | None, pmcid: str | None, doi: str | None, fallback: str
) -> str:
    """The stable id of an article: PMID, else PMCID, else DOI, else ``fallback``.

    >>> make_article_id("123", None, None, "a.txt")
    'PMID:123'
    >>> make_article_id(None, "pmc99", None, "a.txt")
    'PMC99'
    """
    if pmid:
        return f"PMID:{normalise_pmid(pmid)}"
    if pmcid:
        return normalise_pmcid(pmcid)
    if doi:
        return f"DOI:{normalise_doi(doi)}"
    return fallback


def article_with_ids(*, pmid: Any, pmcid: Any, doi: Any, fallback: str, **fields: Any) -> Article:
    """An :class:`Article` whose ids are normalised and whose id follows from them
    (:func:`make_article_id`); empty ids are None."""
    pmid_s = normalise_pmid(pmid) if pmid else None
    pmcid_s = normalise_pmcid(pmcid) if pmcid else None
    doi_s = normalise_doi(str(doi)) if doi else None
    return Article(id=make_article_id(pmid_s, pmcid_s, doi_s, fallback), pmid=pmid_s, pmcid=pmcid_s, doi=doi_s,
                   **fields)


def normalise_pmid(pmid: str | int) -> str:
    text = str(pmid).strip()
    if text.upper().startswith("PMID:"):
        text = text[5:].strip()
    return text


def normalise_pmcid(pmcid: str | int) -> str:
    text = str(pmcid).strip().upper()
    if not text.startswith("PMC"):
        text = "PMC" + text
    return text


def normalise_doi(doi: str) -> str:
    text = doi.strip()
    for prefix in ("https://doi.org/", "http://doi.org/", "http://dx.doi.org/", "doi:", "DOI:"):
        if text.lower().startswith(prefix.lower()):
            text = text[len(prefix):]
    return text.strip()


def normalise_year(value: Any) -> int | None:
    """The publication year in a field (``2019``, ``"May 2019"``, ``"2019/03/01"``), or None.

    >>> normalise_year("2019/03/01"), normalise_year("n.d.")
    (2019, None)
    """
    if isinstance(value, int) and 1000 < value < 3000:
        return value
    match = re.search(r"\b(1[89]\d\d|2[01]\d\d)\b", str(value))
    return int(match.group(1)) if match else None
