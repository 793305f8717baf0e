"""A local stand-in for E-utilities, the PMC ID Converter, the PMC BioC API and Europe
PMC, on 127.0.0.1, for the fetch tests. It answers in the services' formats (the
fixtures under ``fixtures/sources`` are hand-written in those formats) and can be told
to misbehave: answer 429 with Retry-After, 500, time out, cut a body short, or refuse
with an E-utilities error document. Like E-utilities, it keeps each search's result set
(the history server: ``WebEnv``/``query_key``), serves its records by position, and
lists no ids past ``list_limit`` (NCBI's 10,000).
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

#: "429", "500", "503", "timeout", "truncate" (Content-Length too long), "cut" (no length),
#: "refuse" (200 with an <eFetchResult><ERROR>), "pass" (answered as normal: a fault for a later request).
Fault = str


@dataclass
class Record:
    pmid: str
    title: str
    abstract: str
    year: int
    pmcid: str | None = None
    open_access: bool = True


def pubmed_xml(record: Record) -> str:
    pmc = f'<ArticleId IdType="pmc">{record.pmcid}</ArticleId>' if record.pmcid else ""
    return f"""<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{record.pmid}</PMID>
<Article PubModel="Print"><Journal><JournalIssue><PubDate><Year>{record.year}</Year></PubDate></JournalIssue>
<Title>Journal of exercise and pain</Title></Journal><ArticleTitle>{escape(record.title)}</ArticleTitle>
<Abstract><AbstractText Label="RESULTS" NlmCategory="RESULTS">{escape(record.abstract)}</AbstractText></Abstract>
<PublicationTypeList><PublicationType UI="D016449">Randomized Controlled Trial</PublicationType></PublicationTypeList>
</Article><MeshHeadingList><MeshHeading><DescriptorName UI="D006801">Humans</DescriptorName></MeshHeading>
</MeshHeadingList></MedlineCitation><PubmedData><ArticleIdList><ArticleId IdType="pubmed">{record.pmid}</ArticleId>
{pmc}</ArticleIdList></PubmedData></PubmedArticle>"""


def jats_xml(record: Record) -> str:
    return f"""<article article-type="research-article"><front><journal-meta><journal-title-group>
<journal-title>Journal of exercise and pain</journal-title></journal-title-group></journal-meta><article-meta>
<article-id pub-id-type="pmid">{record.pmid}</article-id><article-id pub-id-type="pmc">{(record.pmcid or '')[3:]}</article-id>
<title-group><article-title>{escape(record.title)}</article-title></title-group>
<pub-date pub-type="epub"><year>{record.year}</year></pub-date><abstract><p>{escape(record.abstract)}</p></abstract>
</article-meta></front><body><sec><title>Results</title><p>{escape(record.abstract)}</p></sec></body></article>"""


def bioc_json(record: Record) -> dict[str, Any]:
    front = {"article-id_pmid": record.pmid, "article-id_pmc": (record.pmcid or "")[3:], "year": str(record.year),
             "section_type": "TITLE", "type": "front"}
    passages = [{"offset": 0, "infons": front, "text": record.title, "annotations": []},
                {"offset": len(record.title) + 1, "infons": {"section_type": "ABSTRACT", "type": "abstract"},
                 "text": record.abstract, "annotations": []}]
    return [{"source": "PMC", "date": "20241124", "key": "pmc.key",
             "documents": [{"id": (record.pmcid or "")[3:], "infons": {}, "passages": passages}]}]


def epmc_record(record: Record) -> dict[str, Any]:
    out: dict[str, Any] = {"id": record.pmid, "source": "MED", "pmid": record.pmid, "title": record.title,
                           "abstractText": f"<h4>Results</h4>{escape(record.abstract)}", "pubYear": str(record.year),
                           "journalInfo": {"journal": {"title": "Journal of exercise and pain"}},
                           "isOpenAccess": "Y" if record.pmcid and record.open_access else "N",
                           "pubTypeList": {"pubType": ["Randomized Controlled Trial"]},
                           "meshHeadingList": {"meshHeading": [{"descriptorName": "Humans"}]}}
    if record.pmcid:
        out["pmcid"] = record.pmcid
    return out


@dataclass
class Service:
    """What the fake services know and how they should misbehave."""

    records: dict[str, Record] = field(default_factory=dict)
    faults: dict[str, list[Fault]] = field(default_factory=lambda: defaultdict(list))
    log: list[tuple[float, str, str, dict[str, list[str]]]] = field(default_factory=list)
    timeout_sleep: float = 1.5
    retry_after: str = "1"
    #: No id list (esearch page, efetch ``rettype=uilist``) goes past this position.
    list_limit: int = 10_000
    #: The history server: WebEnv -> the PMIDs of that search, in order.
    history: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, count: int, start: int = 40_000_001, pmc_every: int = 2) -> list[str]:
        ids = []
        for i in range(count):
            pmid = str(start + i)
            pmcid = f"PMC{12_000_000 + i}" if i % pmc_every == 0 else None
            self.records[pmid] = Record(pmid, f"Aerobic exercise trial {i} for chronic neck pain",
                                        f"Aerobic exercise reduced neck pain intensity by {10 + i % 30}% compared "
                                        f"with usual care (p = 0.0{1 + i % 8}).", 2000 + i % 25, pmcid)
            ids.append(pmid)
        return ids

    def fail(self, endpoint: str, *faults: Fault) -> None:
        """Make the next requests to ``endpoint`` fail with ``faults``, in order."""
        self.faults[endpoint].extend(faults)

    def requests_to(self, endpoint: str) -> list[dict[str, list[str]]]:
        return [params for _, method, path, params in self.log if path.endswith(endpoint)]


class _Handler(BaseHTTPRequestHandler):
    server_version = "fake-ncbi/1.0"
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    @property
    def service(self) -> Service:
        return self.server.service  # type: ignore[attr-defined]

    def do_GET(self) -> None:
        self._handle(parse_qs(urlsplit(self.path).query))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8")
        params = parse_qs(urlsplit(self.path).query)
        for key, value in parse_qs(body).items():
            params.setdefault(key, []).extend(value)
        self._handle(params)

    def _send(self, status: int, body: bytes, content_type: str, fault: Fault | None = None,
              headers: dict[str, str] | None = None) -> None:
        if fault == "timeout":
            time.sleep(self.service.timeout_sleep)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if fault == "truncate":
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if fault == "cut":
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self, params: dict[str, list[str]]) -> None:
        path = urlsplit(self.path).path
        service = self.service
        with service.lock:
            service.log.append((time.monotonic(), self.command, path, params))
            endpoint = next((key for key in service.faults if path.endswith(key) and service.faults[key]), None)
            fault = service.faults[endpoint].pop(0) if endpoint else None
        if fault in ("429", "500", "503"):
            headers = {"Retry-After": service.retry_after} if fault in ("429", "503") else {}
            self._send(int(fault), b'{"error": "try later"}', "application/json", headers=headers)
            return
        if fault == "refuse":
            self._send(200, b"<?xml version='1.0'?>\n<eFetchResult><ERROR>The stand-in refuses this request"
                            b"</ERROR></eFetchResult>", "text/xml")
            return
        if fault == "pass":
            fault = None
        one = lambda key, default="": (params.get(key) or [default])[0]  # noqa: E731
        if path.endswith("esearch.fcgi"):
            ids = sorted(service.records)
            since = one("mindate")
            if since:
                ids = [i for i in ids if service.records[i].year >= int(since[:4])]
            start, size = int(one("retstart", "0")), int(one("retmax", "20"))
            service.history["MCID_fake"] = ids
            listed = ids[start:min(start + size, service.list_limit)]
            body = ("<?xml version='1.0' encoding='UTF-8'?>\n<eSearchResult><Count>%d</Count><RetMax>%d</RetMax>"
                    "<RetStart>%d</RetStart><QueryKey>1</QueryKey><WebEnv>MCID_fake</WebEnv><IdList>%s</IdList>"
                    "</eSearchResult>" % (len(ids), len(listed), start, "".join(f"<Id>{i}</Id>" for i in listed)))
            self._send(200, body.encode(), "text/xml", fault)
        elif path.endswith("efetch.fcgi") and one("rettype") == "uilist":
            ids = service.history.get(one("WebEnv"), [])
            start, size = int(one("retstart", "0")), int(one("retmax", "20"))
            if start >= service.list_limit:  # as E-utilities: an error document, not an IdList
                self._send(200, b"<?xml version='1.0'?>\n<eFetchResult><ERROR>Id lists stop at position "
                                b"%d</ERROR></eFetchResult>" % service.list_limit, "text/xml", fault)
                return
            listed = ids[start:min(start + size, service.list_limit)]
            self._send(200, "".join(f"{i}\n" for i in listed).encode(), "text/plain", fault)
        elif path.endswith("efetch.fcgi") and one("db") == "pmc":
            wanted = [f"PMC{i}" for i in one("id").split(",")]
            found = [r for r in service.records.values() if r.pmcid in wanted]
            articles = "".join(jats_xml(r) if r.open_access else
                               f"<article><front><article-meta><title-group><article-title>{escape(r.title)}"
                               "</article-title></title-group></article-meta></front></article>" for r in found)
            self._send(200, f"<?xml version='1.0'?>\n<pmc-articleset>{articles}</pmc-articleset>".encode(),
                       "text/xml", fault)
        elif path.endswith("efetch.fcgi"):
            if one("WebEnv"):  # records by position in a kept search
                start, size = int(one("retstart", "0")), int(one("retmax", "20"))
                wanted = service.history.get(one("WebEnv"), [])[start:start + size]
            else:
                wanted = one("id").split(",")
            articles = "\n".join(pubmed_xml(service.records[i]) for i in wanted if i in service.records)
            body = f"<?xml version='1.0' ?>\n<PubmedArticleSet>\n{articles}\n</PubmedArticleSet>\n"
            self._send(200, body.encode(), "text/xml", fault)
        elif "/idconv/" in path:
            records = []
            for pmid in one("ids").split(","):
                record = service.records.get(pmid)
                if record and record.pmcid:
                    records.append({"pmid": pmid, "pmcid": record.pmcid, "requested-id": pmid})
                else:
                    records.append({"requested-id": pmid, "status": "error", "errmsg": "invalid article id"})
            self._send(200, json.dumps({"status": "ok", "records": records}).encode(), "application/json", fault)
        elif "/BioC_json/" in path:
            pmcid = path.split("/BioC_json/")[1].split("/")[0]
            record = next((r for r in service.records.values() if r.pmcid == pmcid and r.open_access), None)
            if record is None:
                self._send(200, f"No record can be found for the input: {pmcid[3:]}".encode(), "text/plain", fault)
            else:
                self._send(200, json.dumps(bioc_json(record)).encode(), "application/json", fault)
        elif path.endswith("/search"):
            ids = sorted(service.records)
            cursor = one("cursorMark", "*")
            start = 0 if cursor == "*" else int(cursor.split("_")[1])
            size = int(one("pageSize", "25"))
            page = [epmc_record(service.records[i]) for i in ids[start:start + size]]
            following = f"cursor_{start + len(page)}" if page else cursor
            body = {"version": "6.9", "hitCount": len(ids), "nextCursorMark": following,
                    "request": {"queryString": one("query"), "cursorMark": cursor}, "resultList": {"result": page}}
            self._send(200, json.dumps(body).encode(), "application/json", fault)
        elif path.endswith("/fullTextXML"):
            pmcid = path.rsplit("/", 2)[-2]
            record = next((r for r in service.records.values() if r.pmcid == pmcid and r.open_access), None)
            if record is None:
                self._send(404, b"", "text/plain", fault)
            else:
                self._send(200, f"<?xml version='1.0'?>\n{jats_xml(record)}".encode(), "application/xml", fault)
        else:
            self._send(404, b"not here", "text/plain")


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up on a cut answer is expected here, not a test failure


class FakeServices:
    """The server, running in a thread; ``url`` is its root."""

    def __init__(self) -> None:
        self.service = Service()
        self.httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self.httpd.service = self.service  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeServices:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
