"""PMC open-access full texts: BioC JSON from the PMC BioC API, or JATS XML from
E-utilities (``db=pmc``), with PMID -> PMCID conversion by the PMC ID Converter.

Each article is saved as ``PMC<id>.json`` (BioC) or ``PMC<id>.xml`` (JATS), written
atomically; what the folder holds already is not fetched again. An article outside the
open-access subset is reported as not available, not as a failure.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from miner.articles.bioc import is_bioc_json
from miner.articles.fetch.eutils import EUTILS_URL, ENV_EUTILS_URL, FetchReport, NCBIClient, _chunks
from miner.articles.fetch.http import Http, NotFound, env_url, prepare_folder, write_atomic
from miner.articles.model import normalise_pmcid
from miner.articles.xmltools import descendants, local_name, parse_bytes
from miner.errors import FetchError

BIOC_URL = "https://www.ncbi.nlm.nih.gov/research/bionlp/RESTful/pmcoa.cgi/"
ENV_BIOC_URL = "MINER_BIOC_URL"
IDCONV_URL = "https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles/"
ENV_IDCONV_URL = "MINER_IDCONV_URL"
#: The ID Converter takes at most this many ids a request.
IDCONV_BATCH = 200
FORMATS = ("bioc", "jats")


class Unavailable(FetchError):
    """The article exists but its full text is not open access (nothing to retry)."""


def _idconv(body: bytes) -> dict[str, str]:
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON at line {exc.lineno}") from None
    if not isinstance(data, dict) or not isinstance(data.get("records"), list):
        if isinstance(data, dict) and data.get("status") == "error":
            raise FetchError(f"PMC ID Converter refused: {data.get('message') or 'error'}")
        raise ValueError("no 'records' list")
    found = {}
    for record in data["records"]:
        if isinstance(record, dict) and record.get("pmid") and record.get("pmcid"):
            found[str(record["pmid"])] = normalise_pmcid(record["pmcid"])
    return found


def _bioc(body: bytes) -> bytes:
    head = body.lstrip()[:200].lower()
    if head.startswith((b"no record", b"[error]", b"<html")) or b"not available" in head:
        raise Unavailable("not in the PMC open-access subset")
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON at line {exc.lineno}, column {exc.colno}") from None
    if not is_bioc_json(data):
        raise ValueError("not a BioC collection")
    return body


def _jats(body: bytes) -> bytes:
    root = parse_bytes(body)
    articles = [node for node in root.iter() if local_name(node) == "article"]
    if not articles:
        raise Unavailable("no article in the answer (not open access?)")
    if not any(descendants(article, "body") for article in articles):
        raise Unavailable("the publisher does not allow the full text to be downloaded")
    return body


class PMC(NCBIClient):
    """A client for PMC full texts.

    Parameters
    ----------
    bioc_url, idconv_url, eutils_url
        Service roots (default ``$MINER_BIOC_URL``, ``$MINER_IDCONV_URL``,
        ``$MINER_EUTILS_URL``, else NCBI's).
    """

    def __init__(self, bioc_url: str | None = None, *, idconv_url: str | None = None, eutils_url: str | None = None,
                 api_key: str | None = None, email: str | None = None, tool: str = "miner",
                 http: Http | None = None, **http_options: Any) -> None:
        super().__init__(api_key=api_key, email=email, tool=tool, http=http, http_options=http_options)
        self.bioc_url = env_url(bioc_url, ENV_BIOC_URL, BIOC_URL)
        self.idconv_url = env_url(idconv_url, ENV_IDCONV_URL, IDCONV_URL)
        self.eutils_url = env_url(eutils_url, ENV_EUTILS_URL, EUTILS_URL)

    def pmcids(self, pmids: Iterable[str]) -> dict[str, str]:
        """PMID -> PMCID for the PMIDs that have a PMC article."""
        ids = list(dict.fromkeys(str(p) for p in pmids))
        found: dict[str, str] = {}
        for batch in _chunks(ids, IDCONV_BATCH):
            found.update(self.http.get(self.idconv_url, f"PMC ID conversion of {len(batch)} PMIDs", _idconv,
                                       params=self._params(with_key=False, ids=",".join(batch), idtype="pmid", format="json")))
        return found

    def download(self, pmcid: str, fmt: str = "bioc") -> bytes:
        """The full text of one article (BioC JSON or JATS XML); :class:`Unavailable` if not open access."""
        if fmt == "bioc":
            try:
                return self.http.get(f"{self.bioc_url}BioC_json/{pmcid}/unicode", f"PMC full text {pmcid}", _bioc)
            except NotFound:
                raise Unavailable(f"PMC full text {pmcid}: not in the PMC open-access subset") from None
        if fmt == "jats":
            return self.http.get(f"{self.eutils_url}efetch.fcgi", f"PMC full text {pmcid}", _jats,
                                 params=self._params(db="pmc", id=pmcid[3:], retmode="xml"))
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")

    def fetch(self, pmcids: Sequence[str], folder: Path | str, *, fmt: str = "bioc",
              report: FetchReport | None = None,
              on_progress: Callable[[FetchReport], None] | None = None) -> FetchReport:
        """Save the full texts of ``pmcids`` that ``folder`` lacks."""
        folder = prepare_folder(Path(folder))
        suffix = ".json" if fmt == "bioc" else ".xml"
        ids = list(dict.fromkeys(normalise_pmcid(p) for p in pmcids if str(p).strip()))
        report = report or FetchReport("PMC", folder, matched=len(ids))
        report.wanted = len(ids)
        for pmcid in ids:
            path = folder / f"{pmcid}{suffix}"
            if path.exists():
                report.present += 1
                continue
            try:
                data = self.download(pmcid, fmt)
            except Unavailable as exc:
                report.unavailable.append(pmcid)
                report.problems.append(str(exc) if pmcid in str(exc) else f"PMC full text {pmcid}: {exc}")
                continue
            except FetchError as exc:
                report.problems.append(str(exc))
                continue
            write_atomic(path, data)
            report.fetched += 1
            if on_progress:
                on_progress(report)
        report.missing = [p for p in ids if p not in report.unavailable and not (folder / f"{p}{suffix}").exists()]
        return report

    def fetch_all(self, pmcids: Sequence[str], folder: Path | str, *, pmids: Sequence[str] = (),
                  from_pubmed: Path | str | None = None, fmt: str = "bioc",
                  on_note: Callable[[str], None] | None = None,
                  on_progress: Callable[[FetchReport], None] | None = None) -> FetchReport:
        """Save the full texts of ``pmcids``, of the PMC articles of ``pmids`` (converted by
        the PMC ID Converter) and of the articles in ``from_pubmed`` (a folder of PubMed XML:
        the PMCIDs it gives, and its other PMIDs converted), that ``folder`` lacks;
        ``report.matched`` counts the distinct articles found to fetch. ``on_note`` is told
        how many ids the folder gave and how many PMIDs have a PMC article."""
        wanted, to_convert = list(pmcids), list(pmids)
        if from_pubmed is not None:
            given, without = ids_from_pubmed_folder(Path(from_pubmed))
            wanted += given
            to_convert += without
            if on_note:
                on_note(f"{from_pubmed}: {len(given):,} articles with a PMCID, {len(without):,} PMIDs to convert")
        report = FetchReport("PMC", Path(folder))
        if to_convert:
            converted = self.pmcids(to_convert)
            wanted += list(converted.values())
            if on_note:
                on_note(f"{len(converted):,} of {len(to_convert):,} PMIDs have a PMC article")
        report.matched = len(set(wanted))
        return self.fetch(wanted, folder, fmt=fmt, report=report, on_progress=on_progress)


def split_ids(ids: Iterable[str]) -> tuple[list[str], list[str]]:
    """(PMCIDs, PMIDs) among ids as a user gives them (``PMC6039336``, ``29961234``; blank
    ones dropped), in their order; :class:`ValueError` names the first that is neither."""
    pmcids: list[str] = []
    pmids: list[str] = []
    for given in ids:
        value = given.strip()
        if not value:
            continue
        if value.upper().startswith("PMC"):
            pmcids.append(value)
        elif value.isdigit():
            pmids.append(value)
        else:
            raise ValueError(f"not a PMCID or PMID: {given}")
    return pmcids, pmids


def ids_from_pubmed_folder(folder: Path) -> tuple[list[str], list[str]]:
    """(PMCIDs given in the folder's PubMed XML, PMIDs without one) — the input of
    ``miner fetch pmc --from-pubmed``."""
    from miner.articles.pubmed import pmids_and_pmcids
    from miner.articles.readers import walk_files
    from miner.errors import ReadError

    pmcids: list[str] = []
    without: list[str] = []
    for item in walk_files(Path(folder)):
        if isinstance(item, ReadError):
            continue  # a folder that cannot be listed: `miner mine` will say so
        path, name = item
        if not name.lower().endswith((".xml", ".xml.gz")):
            continue
        try:
            for pmid, pmcid in pmids_and_pmcids(path, name):
                if pmcid:
                    pmcids.append(pmcid)
                else:
                    without.append(pmid)
        except ReadError:
            continue  # not PubMed XML, or broken: `miner mine` will say so
    return list(dict.fromkeys(pmcids)), list(dict.fromkeys(without))
