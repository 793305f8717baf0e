"""PubMed through NCBI E-utilities: esearch (with the history server) and efetch.

``miner fetch pubmed QUERY -o FOLDER`` searches (keeping the result set on the history
server), fetches the records of the first 10,000 PMIDs that the folder does not hold
yet, and the records past them straight from the history server (``WebEnv`` and
``query_key`` with ``retstart``: esearch lists no more than 10,000 ids), as PubMed XML,
one file per article (``PMID_<pmid>.xml``), each written atomically: a second run
fetches only what is missing (past 10,000, what the history server returns is written
where the folder lacks it), and an interrupted run leaves no half-written file. An
answer of the wrong shape is an error, and what was not fetched is counted as missing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lxml import etree

from miner.articles.fetch.http import Http, env_url, prepare_folder, write_atomic
from miner.articles.xmltools import child, children, parse_bytes, text_of
from miner.errors import FetchError

EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
ENV_EUTILS_URL = "MINER_EUTILS_URL"
#: esearch returns at most this many ids a call; further pages come from the history server.
ESEARCH_PAGE = 10_000
#: Id lists longer than this many characters go as a POST form, not in the URL.
POST_ABOVE = 1_500
_DATE = re.compile(r"^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?$")


@dataclass
class FetchReport:
    """What a fetch did: how many records it was after, found, fetched and missed.

    ``missing`` lists the ids still absent from the folder; ``missing_unlisted`` counts
    the records missing whose ids are not known (search results past the ones listed);
    ``problems`` says why.
    """

    source: str
    folder: Path
    matched: int = 0
    wanted: int = 0
    present: int = 0
    fetched: int = 0
    unavailable: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    missing_unlisted: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing and not self.missing_unlisted

    @property
    def missing_count(self) -> int:
        return len(self.missing) + self.missing_unlisted

    def summary(self) -> str:
        parts = [f"{self.source}: {self.matched:,} matched", f"{self.wanted:,} wanted",
                 f"{self.present:,} already in {self.folder}", f"{self.fetched:,} fetched"]
        if self.unavailable:
            parts.append(f"{len(self.unavailable):,} not available")
        parts.append(f"{self.missing_count:,} missing")
        return ", ".join(parts)


def record_file(pmid: str) -> str:
    """The file a PubMed record is saved in."""
    return f"PMID_{pmid}.xml"


def pubmed_date(value: str) -> str:
    """An ISO-ish date (2020, 2020-03, 2020-03-15) in the form E-utilities expects.

    >>> pubmed_date("2020-03-15")
    '2020/03/15'
    """
    match = _DATE.match(value.strip())
    if not match:
        raise FetchError(f"not a date: {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = match.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise FetchError(f"not a date: {value!r}") from None
    return "/".join(part.zfill(2) if i else part for i, part in enumerate(p for p in (year, month, day) if p))


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _esearch(body: bytes) -> dict[str, Any]:
    root = parse_bytes(body)
    if root.tag != "eSearchResult":
        raise ValueError(f"expected <eSearchResult>, got <{root.tag}>")
    error = text_of(child(root, "ERROR"))
    if error:
        raise FetchError(f"PubMed search refused: {error}")
    count = text_of(child(root, "Count"))
    if not count.isdigit():
        raise ValueError("no <Count> in the answer")
    ids = [text_of(node) for node in children(child(root, "IdList"), "Id")]
    return {"count": int(count), "ids": ids, "webenv": text_of(child(root, "WebEnv")),
            "query_key": text_of(child(root, "QueryKey"))}


def _pubmed_set(body: bytes) -> list[tuple[str, bytes]]:
    root = parse_bytes(body)
    if root.tag != "PubmedArticleSet":
        message = text_of(child(root, "ERROR")) if root.tag == "eFetchResult" else ""
        if message:
            raise FetchError(f"PubMed efetch refused: {message}")
        raise ValueError(f"expected <PubmedArticleSet>, got <{root.tag}>")
    records = []
    for record in root:
        if record.tag not in ("PubmedArticle", "PubmedBookArticle"):
            continue
        citation = child(record, "MedlineCitation") if record.tag == "PubmedArticle" else child(record, "BookDocument")
        pmid = text_of(child(citation, "PMID"))
        if not pmid:
            raise ValueError("a record without a PMID")
        data = (b'<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n'
                + etree.tostring(record, encoding="UTF-8").strip() + b"\n</PubmedArticleSet>\n")
        records.append((pmid, data))
    return records


class NCBIClient:
    """What every NCBI client shares: who is asking (``tool``, ``email`` from
    ``$NCBI_EMAIL``), the API key (``$NCBI_API_KEY``) and the rate limit it allows
    (3 requests a second, 10 with a key)."""

    def __init__(self, *, api_key: str | None, email: str | None, tool: str, http: Http | None,
                 http_options: dict[str, Any]) -> None:
        self.api_key = api_key if api_key is not None else os.environ.get("NCBI_API_KEY") or None
        self.email = email if email is not None else os.environ.get("NCBI_EMAIL") or None
        self.tool = tool
        self.http = http or Http(per_second=10 if self.api_key else 3, **http_options)

    def _params(self, *, with_key: bool = True, **extra: Any) -> dict[str, Any]:
        """Request parameters: ``tool``, ``email``, the API key (for E-utilities), and
        ``extra`` without its None values."""
        params: dict[str, Any] = {"tool": self.tool}
        if self.email:
            params["email"] = self.email
        if self.api_key and with_key:
            params["api_key"] = self.api_key
        params.update({k: v for k, v in extra.items() if v is not None})
        return params


class PubMed(NCBIClient):
    """A client of NCBI E-utilities for PubMed.

    Parameters
    ----------
    base_url
        E-utilities root (default ``$MINER_EUTILS_URL``, else NCBI's).
    api_key
        NCBI API key (default ``$NCBI_API_KEY``): 10 requests a second instead of 3.
    email, tool
        Sent with every request, as NCBI asks (default email ``$NCBI_EMAIL``).
    http
        An :class:`Http` to use (tests pass one with short timeouts).
    """

    def __init__(self, base_url: str | None = None, *, api_key: str | None = None, email: str | None = None,
                 tool: str = "miner", http: Http | None = None, **http_options: Any) -> None:
        super().__init__(api_key=api_key, email=email, tool=tool, http=http, http_options=http_options)
        self.base_url = env_url(base_url, ENV_EUTILS_URL, EUTILS_URL)

    def search(self, query: str, *, since: str | None = None, until: str | None = None,
               max_results: int | None = None) -> Search:
        """The search's result set, kept on the history server: how many records match,
        how many are wanted (``max_results``), the PMIDs of the first of them (at most
        :data:`ESEARCH_PAGE`) and the ``WebEnv``/``query_key`` that reach the rest."""
        dates: dict[str, Any] = {}
        if since or until:
            dates = {"datetype": "pdat", "mindate": pubmed_date(since or "1800"),
                     "maxdate": pubmed_date(until) if until else "3000"}
        first_page = ESEARCH_PAGE if max_results is None else max(0, min(max_results, ESEARCH_PAGE))
        found = self.http.get(f"{self.base_url}esearch.fcgi", f"PubMed search {query!r}", _esearch,
                              params=self._params(db="pubmed", term=query, usehistory="y", retmax=first_page,
                                                  retstart=0, **dates))
        count = found["count"]
        wanted = count if max_results is None else min(count, max_results)
        ids = list(dict.fromkeys(found["ids"]))[:wanted]
        if len(ids) < wanted and not (found["webenv"] and found["query_key"]):
            raise FetchError(f"PubMed search {query!r}: {count:,} matches but no history server session "
                             f"to fetch those past the first {len(ids):,} from")
        return Search(query, count, wanted, ids, found["webenv"], found["query_key"])

    def history(self, search: Search, retstart: int, retmax: int) -> list[tuple[str, bytes]]:
        """The records at positions ``retstart`` to ``retstart + retmax`` of a search's
        result set, straight from the history server."""
        what = f"PubMed search {search.query!r}, results {retstart + 1:,}-{retstart + retmax:,}"
        params = self._params(db="pubmed", WebEnv=search.webenv, query_key=search.query_key, retstart=retstart,
                              retmax=retmax, retmode="xml")
        return self.http.get(f"{self.base_url}efetch.fcgi", what, _pubmed_set, params=params)

    def efetch(self, pmids: Sequence[str]) -> list[tuple[str, bytes]]:
        """The PubMed XML of each PMID that PubMed returns, as (pmid, one-record file)."""
        what = f"PubMed records {pmids[0]}…{pmids[-1]} ({len(pmids)})" if len(pmids) > 1 else f"PubMed record {pmids[0]}"
        params = self._params(db="pubmed", id=",".join(pmids), retmode="xml")
        url = f"{self.base_url}efetch.fcgi"
        if len(params["id"]) > POST_ABOVE:
            return self.http.post(url, what, _pubmed_set, data=params)
        return self.http.get(url, what, _pubmed_set, params=params)

    def fetch(self, pmids: Iterable[str], folder: Path | str, *, batch_size: int = 200,
              report: FetchReport | None = None, on_progress: Callable[[FetchReport], None] | None = None) -> FetchReport:
        """Save the records of ``pmids`` that ``folder`` lacks; a batch that fails is
        reported and the rest go on. With a ``report``, adds to it."""
        folder = prepare_folder(Path(folder))
        ids = list(dict.fromkeys(str(p).strip() for p in pmids if str(p).strip()))
        if report is None:
            report = FetchReport("PubMed", folder, matched=len(ids), wanted=len(ids))
        todo = [pmid for pmid in ids if not (folder / record_file(pmid)).exists()]
        report.present += len(ids) - len(todo)
        for batch in _chunks(todo, batch_size):
            try:
                records = self.efetch(batch)
            except FetchError as exc:
                report.problems.append(str(exc))
                continue
            returned = self._save(records, folder, report)
            absent = [pmid for pmid in batch if pmid not in returned]
            if absent:
                report.problems.append(f"PubMed did not return {len(absent)} record(s): "
                                       + ", ".join(absent[:10]) + (" …" if len(absent) > 10 else ""))
            if on_progress:
                on_progress(report)
        report.missing.extend(pmid for pmid in ids if not (folder / record_file(pmid)).exists())
        return report

    @staticmethod
    def _save(records: list[tuple[str, bytes]], folder: Path, report: FetchReport) -> set[str]:
        """Write each record (once) that the folder lacks; returns the PMIDs returned."""
        returned: set[str] = set()
        for pmid, data in records:
            if pmid in returned:
                continue
            returned.add(pmid)
            path = folder / record_file(pmid)
            if path.exists():
                report.present += 1
                continue
            write_atomic(path, data)
            report.fetched += 1
        return returned

    def fetch_history(self, search: Search, folder: Path | str, *, batch_size: int = 200,
                      report: FetchReport | None = None,
                      on_progress: Callable[[FetchReport], None] | None = None) -> FetchReport:
        """Save the records of a search past the PMIDs it listed, from the history
        server, batch by batch; what a batch did not bring is counted as missing."""
        folder = prepare_folder(Path(folder))
        report = report or FetchReport("PubMed", folder, matched=search.count, wanted=search.wanted)
        for retstart in range(len(search.ids), search.wanted, batch_size):
            size = min(batch_size, search.wanted - retstart)
            try:
                records = self.history(search, retstart, size)
            except FetchError as exc:
                report.problems.append(str(exc))
                report.missing_unlisted += size
                continue
            returned = self._save(records, folder, report)
            if len(returned) < size:
                report.missing_unlisted += size - len(returned)
                report.problems.append(f"PubMed search {search.query!r}, results {retstart + 1:,}-{retstart + size:,}: "
                                       f"the history server returned {len(returned)} of {size} records")
            if on_progress:
                on_progress(report)
        return report

    def search_and_fetch(self, query: str, folder: Path | str, *, since: str | None = None, until: str | None = None,
                         max_results: int | None = None, batch_size: int = 200,
                         on_progress: Callable[[FetchReport], None] | None = None) -> FetchReport:
        """``miner fetch pubmed``: search, then fetch what the folder lacks (the listed
        PMIDs by id, the rest from the history server)."""
        search = self.search(query, since=since, until=until, max_results=max_results)
        report = FetchReport("PubMed", Path(folder), matched=search.count, wanted=search.wanted)
        self.fetch(search.ids, folder, batch_size=batch_size, report=report, on_progress=on_progress)
        return self.fetch_history(search, folder, batch_size=batch_size, report=report, on_progress=on_progress)


@dataclass
class Search:
    """A PubMed search kept on the history server (see :meth:`PubMed.search`)."""

    query: str
    count: int
    wanted: int
    ids: list[str]
    webenv: str
    query_key: str
