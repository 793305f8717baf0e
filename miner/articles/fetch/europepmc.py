"""Europe PMC: REST search with ``cursorMark`` paging, and ``fullTextXML`` (JATS) for
open-access articles.

Each hit is saved as its core search record (``PMID_<id>.json``, ``PMC<id>.json`` or
``<SOURCE>_<id>.json``: title, abstract, MeSH headings, publication types), or with
``--fulltext`` as JATS (``PMC<id>.xml``) when the article is open access. Files are
written atomically; what the folder holds is not fetched again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from miner.articles.fetch.eutils import FetchReport
from miner.articles.fetch.http import Http, NotFound, env_url, prepare_folder, write_atomic
from miner.articles.model import normalise_pmcid
from miner.articles.xmltools import local_name, parse_bytes
from miner.errors import FetchError

EUROPEPMC_URL = "https://www.ebi.ac.uk/europepmc/webservices/rest/"
ENV_EUROPEPMC_URL = "MINER_EUROPEPMC_URL"
PAGE_SIZE = 1000


def _page(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON at line {exc.lineno}, column {exc.colno}") from None
    if not isinstance(data, dict):
        raise ValueError("not a search answer")
    if "errMsg" in data and "resultList" not in data:
        raise FetchError(f"Europe PMC search refused: {data['errMsg']}")
    results = (data.get("resultList") or {}).get("result")
    if not isinstance(results, list):
        raise ValueError("no resultList")
    return data


def _full_text(body: bytes) -> bytes:
    root = parse_bytes(body)
    if local_name(root) != "article":
        raise ValueError(f"expected a JATS <article>, got <{local_name(root)}>")
    return body


def record_file(record: dict[str, Any]) -> str:
    """The file a search record is saved in."""
    if record.get("pmid"):
        return f"PMID_{record['pmid']}.json"
    if record.get("pmcid"):
        return f"{normalise_pmcid(record['pmcid'])}.json"
    source = "".join(c for c in str(record.get("source") or "EPMC") if c.isalnum())
    ident = "".join(c if c.isalnum() or c in "-_." else "_" for c in str(record.get("id") or "unknown"))
    return f"{source}_{ident}.json"


class EuropePMC:
    """A client of the Europe PMC REST API (base URL from ``$MINER_EUROPEPMC_URL``)."""

    def __init__(self, base_url: str | None = None, *, http: Http | None = None, per_second: float = 5,
                 **http_options: Any) -> None:
        self.base_url = env_url(base_url, ENV_EUROPEPMC_URL, EUROPEPMC_URL)
        self.http = http or Http(per_second=per_second, **http_options)

    def search(self, query: str, *, max_results: int | None = None, page_size: int = PAGE_SIZE,
               counted: Callable[[int], None] | None = None) -> Iterator[dict[str, Any]]:
        """Core records of the hits, page after page (``cursorMark``), up to ``max_results``."""
        cursor = "*"
        given = 0
        hits: int | None = None
        while max_results is None or given < max_results:
            size = page_size if max_results is None else max(1, min(page_size, max_results - given))
            page = self.http.get(f"{self.base_url}search", f"Europe PMC search {query!r} (after {given:,})", _page,
                                 params={"query": query, "format": "json", "resultType": "core",
                                         "pageSize": size, "cursorMark": cursor})
            if hits is None:
                hits = int(page.get("hitCount") or 0)
                if counted:
                    counted(hits)
            results = page["resultList"]["result"]
            for record in results:
                if isinstance(record, dict):
                    yield record
                    given += 1
                    if max_results is not None and given >= max_results:
                        return
            following = page.get("nextCursorMark")
            if not results or not following or following == cursor or len(results) < size or given >= hits:
                return
            cursor = following

    def full_text(self, pmcid: str) -> bytes | None:
        """JATS XML of an open-access article, or None when Europe PMC has none."""
        try:
            return self.http.get(f"{self.base_url}{pmcid}/fullTextXML", f"Europe PMC full text {pmcid}", _full_text)
        except NotFound:
            return None

    def fetch(self, query: str, folder: Path | str, *, fulltext: bool = False, max_results: int | None = None,
              page_size: int = PAGE_SIZE, on_progress: Callable[[FetchReport], None] | None = None) -> FetchReport:
        """``miner fetch europepmc``: save every hit's record (or full text) the folder lacks."""
        folder = prepare_folder(Path(folder))
        report = FetchReport("Europe PMC", folder)
        answered: list[int] = []

        def counted(hits: int) -> None:
            report.matched = hits
            answered.append(hits)

        try:
            for record in self.search(query, max_results=max_results, page_size=page_size, counted=counted):
                report.wanted += 1
                pmcid = normalise_pmcid(record["pmcid"]) if record.get("pmcid") else None
                open_access = record.get("isOpenAccess") == "Y" and pmcid
                if fulltext and open_access and pmcid:
                    path = folder / f"{pmcid}.xml"
                    if path.exists():
                        report.present += 1
                        continue
                    try:
                        data = self.full_text(pmcid)
                    except FetchError as exc:
                        report.problems.append(str(exc))
                        report.missing.append(pmcid)
                        continue
                    if data is not None:
                        write_atomic(path, data)
                        (folder / record_file(record)).unlink(missing_ok=True)  # one file per article
                        report.fetched += 1
                        continue
                    report.unavailable.append(pmcid)  # no full text after all: keep the abstract
                path = folder / record_file(record)
                if path.exists() or (pmcid and (folder / f"{pmcid}.xml").exists()):
                    report.present += 1
                    continue
                write_atomic(path, json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"))
                report.fetched += 1
                if on_progress:
                    on_progress(report)
        except FetchError as exc:
            if not answered:
                raise  # not even the first page: nothing was fetched, an error, not a partial fetch
            report.problems.append(f"{exc} (the search stopped there; run again to go on)")
            report.missing.append(f"hits after the first {report.wanted:,}")
        return report
