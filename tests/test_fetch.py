"""Fetching from PubMed, PMC and Europe PMC, against local stand-ins on 127.0.0.1."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from miner.articles import iter_folder
from miner.articles.fetch import PMC, EuropePMC, Http, PubMed, RateLimiter
from miner.articles.fetch import eutils
from miner.articles.model import Article
from miner.cli import EXIT_SKIPPED, cli
from miner.errors import FetchError, ReadError
from tests.fetchserver import FakeServices


@pytest.fixture(autouse=True)
def no_internet(monkeypatch):
    """Any name but the local host fails to resolve: a test that forgets a base URL
    fails here instead of reaching NCBI or EBI."""
    import socket

    real = socket.getaddrinfo

    def local_only(host, *args, **kwargs):
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise socket.gaierror(f"tests do not resolve {host}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", local_only)


@pytest.fixture
def services():
    with FakeServices() as fake:
        yield fake


def _http(**options):
    settings = {"per_second": 50, "retries": 3, "backoff": 0.05, "timeout": 0.5}
    settings.update(options)
    return Http(**settings)


def _pubmed(services, **options):
    return PubMed(services.url + "eutils/", email="test@example.org", api_key="", http=_http(**options))


def _sent_at(client) -> list[float]:
    """The times at which ``client`` sends its requests (measured on our side, so that
    the server's scheduling does not blur the spacing)."""
    times: list[float] = []
    send = client.http.session.request

    def timed(*args, **kwargs):
        times.append(time.monotonic())
        return send(*args, **kwargs)

    client.http.session.request = timed
    return times


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_rate_limiter_spaces_requests_exactly():
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds):
        slept.append(round(seconds, 6))
        now[0] += seconds

    limiter = RateLimiter(3, clock=lambda: now[0], sleep=sleep)
    for _ in range(4):
        limiter.wait()
    assert slept == [round(1 / 3, 6)] * 3
    now[0] += 5  # idle for a while: the next request goes at once
    limiter.wait()
    assert len(slept) == 3


def test_default_rate_is_ncbis(monkeypatch):
    monkeypatch.delenv("NCBI_API_KEY", raising=False)
    assert PubMed("http://127.0.0.1:9/").http.limiter.interval == pytest.approx(1 / 3)
    assert PubMed("http://127.0.0.1:9/", api_key="k").http.limiter.interval == pytest.approx(1 / 10)
    monkeypatch.setenv("NCBI_API_KEY", "from-env")
    assert PubMed("http://127.0.0.1:9/").api_key == "from-env"


def test_client_keeps_to_three_requests_a_second(services, tmp_path):
    services.service.add(12)
    client = PubMed(services.url + "eutils/", email="t@example.org", api_key="",
                    http=Http(per_second=3, retries=1, backoff=0.05, timeout=2))
    client.search_and_fetch("exercise", tmp_path / "out", batch_size=3)
    times = [t for t, *_ in services.service.log]
    assert len(times) == 5  # one search, four batches
    for first, fourth in zip(times, times[3:]):
        assert fourth - first >= 0.95  # never four requests within a second


def test_pubmed_search_fetch_and_resume(services, tmp_path):
    ids = services.service.add(25)
    out = tmp_path / "pubmed"
    report = _pubmed(services).search_and_fetch("exercise AND neck pain", out, batch_size=10)
    assert report.complete and report.matched == 25 and report.fetched == 25
    assert _files(out) == sorted(f"PMID_{i}.xml" for i in ids)
    search = services.service.requests_to("esearch.fcgi")[0]
    assert search["term"] == ["exercise AND neck pain"] and search["usehistory"] == ["y"]
    assert search["tool"] == ["miner"] and search["email"] == ["test@example.org"]

    articles = [a for a in iter_folder(out) if isinstance(a, Article)]
    assert len(articles) == 25
    first = next(a for a in articles if a.pmid == ids[0])
    assert first.id == f"PMID:{ids[0]}" and first.year == 2000 and first.pmcid == "PMC12000000"
    assert first.study_type == "randomized_trial" and first.species == ["NCBITaxon:9606"]

    # a second run fetches nothing; after losing three files it fetches just those
    again = _pubmed(services).search_and_fetch("exercise AND neck pain", out, batch_size=10)
    assert again.fetched == 0 and again.present == 25 and again.complete
    for pmid in ids[3:6]:
        (out / f"PMID_{pmid}.xml").unlink()
    services.service.log.clear()
    third = _pubmed(services).search_and_fetch("exercise AND neck pain", out, batch_size=10)
    assert third.fetched == 3 and third.complete
    fetched = services.service.requests_to("efetch.fcgi")
    assert [r["id"] for r in fetched] == [[",".join(ids[3:6])]]


def test_max_and_since_go_to_the_search(services, tmp_path):
    services.service.add(30)
    report = _pubmed(services).search_and_fetch("pain", tmp_path / "o", since="2020-01-01", max_results=4)
    search = services.service.requests_to("esearch.fcgi")[0]
    assert search["mindate"] == ["2020/01/01"] and search["maxdate"] == ["3000"] and search["datetype"] == ["pdat"]
    assert report.wanted == 4 and report.fetched == 4
    with pytest.raises(FetchError, match="not a date"):
        _pubmed(services).search("pain", since="last spring")


def test_result_sets_beyond_one_esearch_page_come_from_the_history_server(services, tmp_path, monkeypatch):
    """esearch lists at most ESEARCH_PAGE ids and E-utilities lists none past its limit
    (10,000 there; 10 here, to keep the test small): the records past them are fetched
    by position from the history server, none is lost."""
    monkeypatch.setattr(eutils, "ESEARCH_PAGE", 10)
    services.service.list_limit = 10
    ids = services.service.add(27)
    out = tmp_path / "o"
    report = _pubmed(services).search_and_fetch("exercise", out, batch_size=10)
    assert report.complete and report.matched == report.wanted == 27 and report.fetched == 27, report.problems
    assert _files(out) == sorted(f"PMID_{i}.xml" for i in ids)
    pages = services.service.requests_to("efetch.fcgi")
    assert [p.get("id") for p in pages] == [[",".join(ids[:10])], None, None]
    assert [(p["retstart"], p["retmax"], p["WebEnv"], p["query_key"]) for p in pages[1:]] == [
        (["10"], ["10"], ["MCID_fake"], ["1"]), (["20"], ["7"], ["MCID_fake"], ["1"])]
    again = _pubmed(services).search_and_fetch("exercise", out, batch_size=10)
    assert again.complete and again.fetched == 0 and again.present == 27


def test_a_history_answer_of_the_wrong_shape_is_counted_missing(services, tmp_path, monkeypatch):
    monkeypatch.setattr(eutils, "ESEARCH_PAGE", 10)
    services.service.list_limit = 10
    services.service.add(27)
    services.service.fail("efetch.fcgi", "pass", "refuse")  # by id: fine; results 11-20: an error document
    result = _cli("fetch", "pubmed", "exercise", "-o", tmp_path / "o", "--base-url", services.url + "eutils/",
                  "--batch-size", "10", "--backoff", "0.01")
    assert result.exit_code == EXIT_SKIPPED, result.output
    assert "27 wanted" in result.stderr and "17 fetched, 10 missing" in result.stderr
    assert "problem: PubMed search 'exercise', results 11-20: PubMed efetch refused" in result.stderr
    assert "10 records past the PMIDs the search listed" in result.stderr
    assert len(_files(tmp_path / "o")) == 17
    again = _cli("fetch", "pubmed", "exercise", "-o", tmp_path / "o", "--base-url", services.url + "eutils/",
                 "--batch-size", "10")
    assert again.exit_code == 0 and "10 fetched, 0 missing" in again.stderr and len(_files(tmp_path / "o")) == 27


def test_long_id_lists_are_posted(services, tmp_path, monkeypatch):
    monkeypatch.setattr(eutils, "POST_ABOVE", 20)
    ids = services.service.add(6)
    _pubmed(services).fetch(ids, tmp_path / "o", batch_size=6)
    methods = [method for _, method, path, _ in services.service.log if path.endswith("efetch.fcgi")]
    assert methods == ["POST"]
    assert len(_files(tmp_path / "o")) == 6


@pytest.mark.parametrize("fault", ["429", "500", "503", "timeout", "truncate", "cut"])
def test_fetch_survives_each_fault(services, tmp_path, fault):
    ids = services.service.add(8)
    services.service.fail("efetch.fcgi", fault)
    retried: list[str] = []
    client = PubMed(services.url + "eutils/", api_key="", http=_http(on_retry=retried.append))
    report = client.fetch(ids, tmp_path / "o", batch_size=8)
    assert report.complete and report.fetched == 8, report.problems
    assert len(services.service.requests_to("efetch.fcgi")) == 2
    assert len(retried) == 1  # each retry is said, once
    articles = [a for a in iter_folder(tmp_path / "o") if isinstance(a, Article)]
    assert sorted(a.pmid for a in articles) == ids


def test_retry_after_is_honoured(services, tmp_path):
    ids = services.service.add(2)
    services.service.retry_after = "1"
    services.service.fail("efetch.fcgi", "429")
    client = _pubmed(services)
    times = _sent_at(client)
    client.fetch(ids, tmp_path / "o")
    first, second = times
    assert second - first >= 0.95


def test_a_batch_that_keeps_failing_is_named_and_the_rest_is_fetched(services, tmp_path):
    ids = services.service.add(6)
    services.service.fail("efetch.fcgi", *["500"] * 4)  # the first batch: 1 try + 3 retries
    report = _pubmed(services).fetch(ids, tmp_path / "o", batch_size=3)
    assert report.fetched == 3 and report.missing == ids[:3]
    assert len(report.problems) == 1 and "HTTP 500" in report.problems[0] and ids[0] in report.problems[0]
    assert _files(tmp_path / "o") == sorted(f"PMID_{i}.xml" for i in ids[3:])  # no partial files


def test_truncated_answers_until_the_end_give_a_clear_error(services, tmp_path):
    ids = services.service.add(2)
    services.service.fail("efetch.fcgi", *["cut"] * 4)
    report = _pubmed(services).fetch(ids, tmp_path / "o")
    assert report.missing == ids
    assert "incomplete or invalid answer" in report.problems[0] and "gave up after 4 attempts" in report.problems[0]
    assert not list((tmp_path / "o").iterdir())


def test_search_that_keeps_failing_raises_fetch_error(services):
    services.service.fail("esearch.fcgi", *["timeout"] * 2)
    with pytest.raises(FetchError, match=r"PubMed search 'pain': no answer .* within 0.5s; gave up after 2"):
        _pubmed(services, retries=1).search("pain")


def _cli(*args, env=None):
    return CliRunner().invoke(cli, list(map(str, args)), catch_exceptions=False, env=env)


def test_cli_fetch_pubmed_then_mine_gives_pmids_and_years(services, tmp_path):
    services.service.add(5)
    out, db = tmp_path / "pubmed", tmp_path / "e.db"
    result = _cli("fetch", "pubmed", "aerobic exercise", "--max", "5", "-o", out, "--base-url",
                  services.url + "eutils/", "--backoff", "0.05")
    assert result.exit_code == 0, result.output
    assert "PubMed: 5 matched, 5 wanted, 0 already in" in result.stderr and "5 fetched, 0 missing" in result.stderr
    mined = _cli("mine", out, "--db", db, "--workers", "1")
    assert mined.exit_code == 0, mined.output
    graph = json.loads(_cli("inspect", "--db", db, "--json").stdout.splitlines()[0])
    assert graph["evidence"][0]["article"].startswith("PMID:4000000")
    from miner.store import Store

    with Store.open(db) as store:
        years = {a.id: a.year for a in store.articles()}
    assert len(years) == 5 and all(y and y >= 2000 for y in years.values())


def test_cli_fetch_reports_what_is_missing_with_exit_code_3(services, tmp_path):
    services.service.add(3)
    services.service.fail("efetch.fcgi", *["500"] * 2)
    result = _cli("fetch", "pubmed", "pain", "-o", tmp_path / "o", "--base-url", services.url + "eutils/",
                  "--retries", "1", "--backoff", "0.01")
    assert result.exit_code == EXIT_SKIPPED
    assert "problem: PubMed records 40000001…40000003 (3): HTTP 500" in result.stderr
    assert "not fetched: 40000001, 40000002, 40000003; run the same command again" in result.stderr
    assert "Traceback" not in result.output
    again = _cli("fetch", "pubmed", "pain", "-o", tmp_path / "o", "--base-url", services.url + "eutils/")
    assert again.exit_code == 0 and "3 fetched, 0 missing" in again.stderr


def test_pmc_converts_pmids_and_saves_bioc(services, tmp_path):
    ids = services.service.add(6)  # records 0, 2, 4 have a PMCID
    services.service.records[ids[4]].open_access = False
    client = PMC(services.url + "bioc/", idconv_url=services.url + "idconv/", eutils_url=services.url + "eutils/",
                 http=_http())
    mapping = client.pmcids(ids)
    assert mapping == {ids[0]: "PMC12000000", ids[2]: "PMC12000002", ids[4]: "PMC12000004"}
    report = client.fetch(list(mapping.values()), tmp_path / "pmc")
    assert report.fetched == 2 and report.unavailable == ["PMC12000004"] and report.complete
    assert _files(tmp_path / "pmc") == ["PMC12000000.json", "PMC12000002.json"]
    articles = [a for a in iter_folder(tmp_path / "pmc") if isinstance(a, Article)]
    assert {a.id for a in articles} == {f"PMID:{ids[0]}", f"PMID:{ids[2]}"}
    assert all(a.pmcid and a.year for a in articles)


def test_pmc_from_pubmed_folder_as_jats(services, tmp_path):
    ids = services.service.add(4)
    _pubmed(services).fetch(ids, tmp_path / "pubmed")
    result = _cli("fetch", "pmc", "--from-pubmed", tmp_path / "pubmed", "--format", "jats", "-o", tmp_path / "pmc",
                  "--eutils-url", services.url + "eutils/", "--idconv-url", services.url + "idconv/", "--backoff", "0.01")
    assert result.exit_code == 0, result.output
    assert _files(tmp_path / "pmc") == ["PMC12000000.xml", "PMC12000002.xml"]
    articles = [a for a in iter_folder(tmp_path / "pmc") if isinstance(a, Article)]
    assert {a.id for a in articles} == {f"PMID:{ids[0]}", f"PMID:{ids[2]}"}
    assert all(any(s.kind == "results" for s in a.sections) for a in articles)


def test_pmc_ids_given_split_into_pmcids_and_pmids():
    from miner.articles.fetch import split_ids

    assert split_ids([" PMC6039336", "29961234 ", "", "pmc3531190"]) == (["PMC6039336", "pmc3531190"], ["29961234"])
    with pytest.raises(ValueError, match="not a PMCID or PMID: doi:10.1/x"):
        split_ids(["PMC1", "doi:10.1/x", "also-odd"])


def test_pmc_fetch_all_converts_pmids_and_counts_each_article_once(services, tmp_path):
    ids = services.service.add(4)  # records 0 and 2 have a PMCID
    client = PMC(services.url + "bioc/", idconv_url=services.url + "idconv/", http=_http())
    notes: list[str] = []
    report = client.fetch_all(["PMC12000002"], tmp_path / "pmc", pmids=ids, on_note=notes.append)
    assert notes == ["2 of 4 PMIDs have a PMC article"]
    assert (report.matched, report.fetched, report.complete) == (2, 2, True)
    assert _files(tmp_path / "pmc") == ["PMC12000000.json", "PMC12000002.json"]


def test_fetch_pmc_refuses_what_is_no_id(tmp_path):
    result = _cli("fetch", "pmc", "PMC1", "doi:10.1/x", "-o", tmp_path / "pmc")
    assert result.exit_code == 2 and "not a PMCID or PMID: doi:10.1/x" in result.stderr
    assert not (tmp_path / "pmc").exists()


def test_pmc_truncated_bioc_is_retried(services, tmp_path):
    services.service.add(1)
    services.service.fail("/unicode", "truncate")
    client = PMC(services.url + "bioc/", http=_http())
    report = client.fetch(["PMC12000000"], tmp_path / "pmc")
    assert report.fetched == 1 and report.complete


def test_europepmc_pages_with_cursor_mark_and_saves_full_texts(services, tmp_path):
    ids = services.service.add(7, pmc_every=3)  # 0, 3, 6 open access
    client = EuropePMC(services.url + "epmc/", http=_http())
    records = list(client.search("exercise", page_size=3))
    assert [r["pmid"] for r in records] == ids
    cursors = [p["cursorMark"] for p in services.service.requests_to("/search")]
    assert cursors == [["*"], ["cursor_3"], ["cursor_6"]]

    report = client.fetch("exercise", tmp_path / "epmc", fulltext=True)
    assert report.matched == 7 and report.fetched == 7 and report.complete
    names = _files(tmp_path / "epmc")
    assert [n for n in names if n.endswith(".xml")] == ["PMC12000000.xml", "PMC12000003.xml", "PMC12000006.xml"]
    assert len([n for n in names if n.endswith(".json")]) == 4
    articles = {a.id: a for a in iter_folder(tmp_path / "epmc") if isinstance(a, Article)}
    assert set(articles) == {f"PMID:{i}" for i in ids}
    abstract_only = articles[f"PMID:{ids[1]}"]
    assert abstract_only.study_type == "randomized_trial" and abstract_only.year == 2001
    assert [s.kind for s in abstract_only.sections] == ["title", "results"]
    again = client.fetch("exercise", tmp_path / "epmc", fulltext=True)
    assert again.fetched == 0 and again.present == 7


def test_europepmc_failure_mid_search_keeps_what_was_saved_and_resumes(services, tmp_path):
    services.service.add(6)
    client = EuropePMC(services.url + "epmc/", http=_http(retries=1))
    out = tmp_path / "e"

    def break_after_first_page(report):
        if report.fetched == 3:
            services.service.fail("/search", "500", "500")  # the next page: one try, one retry

    report = client.fetch("pain", out, page_size=3, on_progress=break_after_first_page)
    assert report.fetched == 3 and not report.complete
    assert report.missing == ["hits after the first 3"] and "HTTP 500" in report.problems[0]
    assert len(_files(out)) == 3
    again = client.fetch("pain", out, page_size=3)
    assert again.present == 3 and again.fetched == 3 and again.complete


def test_read_errors_name_the_file(tmp_path):
    (tmp_path / "bad.json").write_text('[{"bioctype": "BioCCollection", "documents": [{"id": "1"}]}]')
    errors = [e for e in iter_folder(tmp_path) if isinstance(e, ReadError)]
    assert [str(e) for e in errors] == ["bad.json: BioC document without passages"]


def test_a_host_that_does_not_resolve_fails_at_once(tmp_path):
    """Offline (or a mistyped address): one clear line at once, not a minute of retries."""
    retries: list[str] = []
    http = _http(retries=5, backoff=1.0, on_retry=retries.append)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"^PubMed search: cannot resolve eutils\.invalid \(no network"):
        http.get("https://eutils.invalid/esearch.fcgi", "PubMed search", lambda body: body)
    assert time.monotonic() - started < 1.0 and retries == []
    result = _cli("fetch", "pubmed", "pain", "-o", tmp_path / "o", "--base-url", "https://eutils.invalid/")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: PubMed search 'pain': cannot resolve eutils.invalid (no network, or a wrong --base-url?)"]


# ----------------------------------------------------------------------------- issue 13

def test_retries_go_through_the_rate_limiter(services, tmp_path):
    """429 and 5xx answers are retried by miner, each retry waiting for its turn: never
    four requests within a second at 3 a second."""
    services.service.add(12)
    services.service.retry_after = "0"
    services.service.fail("efetch.fcgi", "429", "503", "pass", "500")
    client = PubMed(services.url + "eutils/", email="t@example.org", api_key="",
                    http=Http(per_second=3, retries=3, backoff=0.01, timeout=2))
    times = _sent_at(client)
    report = client.search_and_fetch("exercise", tmp_path / "out", batch_size=3)
    assert report.complete and report.fetched == 12
    assert len(times) == len(services.service.log) == 8  # one search, four batches, three retries
    for first, fourth in zip(times, times[3:]):
        assert fourth - first >= 0.95


def test_each_retry_is_said_once_on_stderr(services, tmp_path):
    services.service.add(3)
    services.service.retry_after = "0"
    services.service.fail("efetch.fcgi", "429", "500", "truncate")
    result = _cli("fetch", "pubmed", "pain", "-o", tmp_path / "o", "--base-url", services.url + "eutils/",
                  "--backoff", "0.01")
    assert result.exit_code == 0, result.output
    retries = [line for line in result.stderr.splitlines() if line.startswith("retrying: ")]
    assert [r.split(": ", 3)[2].split(";")[0] for r in retries] == [
        f"HTTP 429 from {services.url[7:-1]}", f"HTTP 500 from {services.url[7:-1]}",
        f"connection to {services.url[7:-1]} broke mid-answer (IncompleteRead)"]
    assert [r.split("; ")[-1].split(" in ")[0] for r in retries] == ["retry 1 of 5", "retry 2 of 5", "retry 3 of 5"]


def test_europepmc_without_its_first_page_is_an_error(services, tmp_path):
    services.service.add(3)
    services.service.fail("/search", "500", "500")
    result = _cli("fetch", "europepmc", "pain", "-o", tmp_path / "e", "--base-url", services.url + "epmc/",
                  "--retries", "1", "--backoff", "0.01")
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()[-1:]
    assert line.startswith("Error: Europe PMC search 'pain' (after 0): HTTP 500") and "gave up after 2" in line


def test_a_killed_fetch_leaves_no_temporary_file_behind(services, tmp_path):
    """A fetch killed while it writes a file leaves its hidden temporary file; the next
    fetch into the folder removes it (and keeps those of a fetch that still runs)."""
    import os

    out = tmp_path / "o"
    out.mkdir()
    script = ("import os, time\n"
              "from pathlib import Path\n"
              "from miner.articles.fetch import http\n"
              "os.fsync = lambda fd: time.sleep(60)\n"
              f"http.write_atomic(Path({str(out)!r}) / 'PMID_1.xml', b'<PubmedArticleSet>')\n")
    writer = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 30
    while not list(out.glob(".*.part")) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    [left] = list(out.glob(".*.part"))
    assert left.name == f".PMID_1.xml.{writer.pid}.part"
    running = out / f".PMID_2.xml.{os.getppid()}.part"  # a live process's: not ours to remove
    running.write_bytes(b"")
    ids = services.service.add(2)
    report = _pubmed(services).fetch(ids, out)
    assert report.complete
    assert sorted(p.name for p in out.iterdir()) == sorted([running.name, *(f"PMID_{i}.xml" for i in ids)])


@contextmanager
def _sigint_not_ignored() -> Iterator[None]:
    """Processes started inside get SIGINT at its default, whatever this test run got.

    A process inherits an ignored SIGINT (a job that a shell without job control starts
    in the background, ``make test &``, gets it ignored), and Python then installs no
    KeyboardInterrupt handler: the child would never see the test's SIGINT. A handler
    (Python's default one) is reset to the default in the child.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def test_sigint_during_fetch_says_what_is_kept(services, tmp_path):
    services.service.add(4)
    services.service.timeout_sleep = 20  # the efetch stays pending: answered after 20 s, within --timeout 30
    services.service.fail("efetch.fcgi", "timeout")
    with _sigint_not_ignored():
        process = subprocess.Popen(
            [sys.executable, "-m", "miner.cli", "fetch", "pubmed", "pain", "-o", str(tmp_path / "o"), "--base-url",
             services.url + "eutils/", "--timeout", "30"], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not services.service.requests_to("efetch.fcgi") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert services.service.requests_to("efetch.fcgi") and process.poll() is None, "no efetch pending"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert not list((tmp_path / "o").glob("PMID_*.xml"))  # stopped before the answer came
    assert "mined" not in stderr and "store" not in stderr
    assert stderr.strip().splitlines()[-1] == ("miner: interrupted; every file saved before this point is whole; "
                                               "run the same command again to fetch the rest")
