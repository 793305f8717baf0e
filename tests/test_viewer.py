"""The HTML view in a real headless Chromium (Debian's chromium, driven by Playwright).

`make test` installs Debian's chromium when it is missing (apt-get); without it these tests
are skipped with the command to run.
"""

from __future__ import annotations

import colorsys
import re
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from miner.cli import cli
from miner.mining import mine
from tests.conftest import SAMPLE

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright (in requirements/dev.lock)")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium: apt-get install -y chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-default-apps"]


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def _page_for(folder: Path, tmp_path: Path, nlp) -> Path:
    db = tmp_path / "e.db"
    mine([folder], db, nlp=nlp)
    out = tmp_path / "graph.html"
    result = CliRunner().invoke(cli, ["view", "--db", str(db), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def _open(browser, page_file: Path):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(page_file.as_uri())
    _laid_out(page, 1)
    return page, requests, errors


def _laid_out(page, times: int, timeout: float = 60.0) -> None:
    """Wait until the page has laid the graph out ``times`` times (polled: the page's CSP
    forbids the eval that wait_for_function needs)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(f"(window.minerLaidOut || 0) >= {times}"):
        assert time.monotonic() < deadline, "the page did not lay the graph out"
        time.sleep(0.05)


def test_page_loads_offline_and_shows_every_finding(browser, tmp_path, nlp, sample_db):
    from miner.graph import graph_from_store
    from miner.store import Store

    page_file = _page_for(SAMPLE, tmp_path, nlp)
    page, requests, errors = _open(browser, page_file)
    with Store.open(sample_db) as store:
        graph = graph_from_store(store)
    assert page.evaluate("window.minerCy.nodes().length") == graph.number_of_nodes()
    assert page.evaluate("window.minerCy.edges(':visible').length") == graph.number_of_edges()  # all 31 drawn
    linked = {n for u, v in graph.edges() for n in (u, v)}
    assert set(page.evaluate("window.minerCy.nodes(':visible').map(n => n.id())")) == linked  # none isolated
    assert [url for url in requests if not url.startswith("file://")] == []  # no network at all
    assert errors == []


def test_clicking_an_edge_lists_its_evidence(browser, tmp_path, nlp):
    page, _, _ = _open(browser, _page_for(SAMPLE, tmp_path, nlp))
    edge_id = page.evaluate("""() => {
        const edge = window.minerCy.edges().filter(e => e.data('relation') === 'decreases'
            && window.minerCy.getElementById(e.data('target')).data('label') === 'TNF-α'
            && window.minerCy.getElementById(e.data('source')).data('label') === 'Swimming')[0];
        window.minerCy.fit(edge.connectedNodes(), 200);
        return edge.id();
    }""")
    point = page.evaluate(f"""() => {{
        const e = window.minerCy.getElementById('{edge_id}');
        const p = e.renderedMidpoint(); const box = document.getElementById('graph').getBoundingClientRect();
        return {{x: box.left + p.x, y: box.top + p.y}};
    }}""")
    page.mouse.click(point["x"], point["y"])
    panel = page.inner_text("#panel")
    assert "Swimming decreases TNF-α" in panel
    assert "Levels of the inflammatory cytokines TNF-α and IL-1β" in panel
    assert re.search(r"support \d+ article\(s\), \d+ evidence sentence\(s\).* · confidence 0\.\d\d", panel)
    assert "by design and species:" in panel and "Rat" in panel


def test_search_finds_a_concept_by_synonym(browser, tmp_path, nlp):
    page, _, _ = _open(browser, _page_for(SAMPLE, tmp_path, nlp))
    page.fill("#search", "tumour necrosis factor")
    found = page.evaluate("window.minerCy.nodes('.found').map(n => n.data('label'))")
    assert found == ["TNF-α"]
    assert "TNF-α" in page.inner_text("#panel h2")


def test_a_page_without_findings_is_laid_out_and_says_so(browser, tmp_path, nlp):
    """An empty overview still counts as laid out (nothing to place): the page does not
    leave whoever waits for its layout waiting."""
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "note.txt").write_text("The meeting was moved to a larger room on Tuesday.\n")
    page, _, errors = _open(browser, _page_for(folder, tmp_path, nlp))
    assert errors == [] and page.evaluate("window.minerCy.edges(':visible').length") == 0
    assert page.inner_text("#count").startswith("Showing 0 of 0 findings")


def test_an_article_cannot_inject_script(browser, tmp_path, nlp):
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "attack.txt").write_text(
        "Swimming reduced TNF-α in rats </script><script>window.pwned = 1</script> "
        "and <img src=x onerror=\"window.pwned = 2\"> lowered IL-6.\n")
    page, requests, errors = _open(browser, _page_for(folder, tmp_path, nlp))
    page.evaluate("window.minerCy.edges()[0].emit('tap') && null")
    assert page.evaluate("window.pwned === undefined")
    assert "<script>window.pwned = 1</script>" in page.inner_text("#panel")  # shown as text
    assert [url for url in requests if not url.startswith("file://")] == []


FULL_TEXT = """TITLE:
Treadmill running eases neuropathic pain in rats with chronic constriction injury

ABSTRACT.AIM:
We asked whether treadmill running lowers TNF-α, IL-1β and IL-6 in the spinal cord and the sciatic nerve of rats with chronic constriction injury, and whether it raises the paw withdrawal threshold.

ABSTRACT.METHODS:
Male Sprague-Dawley rats ran on a treadmill for 30 min a day, five days a week, for four weeks after chronic constriction injury of the sciatic nerve; sedentary rats served as controls. Mechanical allodynia was measured with von Frey filaments and thermal hyperalgesia with the Hargreaves test.

ABSTRACT.RESULTS:
Treadmill running raised the paw withdrawal threshold by 45% (p < 0.01) and reduced TNF-α, IL-1β and IL-6 in the spinal cord (p < 0.05). Swimming reduced mechanical allodynia and thermal hyperalgesia compared with sedentary rats. Microglia and astrocytes in the spinal dorsal horn were less activated after exercise, and GFAP and Iba1 fell by 30% to 40%.

ABSTRACT.CONCLUSION:
Treadmill running and swimming reduce neuropathic pain, spinal inflammation and glial activation in rats with chronic constriction injury.

BODY.DISCUSSION:
Exercise lowered TNF-α and IL-6 and raised IL-10 and BDNF in the spinal cord, in line with reports in mice with spared nerve injury.
"""


def test_annotate_shows_a_full_text_readably(browser, tmp_path):
    """Headings instead of raw PMC headers, marks that never cover each other, no sideways scrolling."""
    article = tmp_path / "PMC0000009.txt"
    article.write_text(FULL_TEXT, encoding="utf-8")
    out = tmp_path / "article.html"
    result = CliRunner().invoke(cli, ["annotate", str(article), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    page = browser.new_page(viewport={"width": 800, "height": 900})
    page.goto(out.as_uri())
    seen = page.inner_text("body")
    assert "ABSTRACT." not in seen and "BODY." not in seen and "TITLE:" not in seen
    assert {"Abstract · Aim", "Abstract · Methods", "Abstract · Results", "Discussion"} <= set(seen.splitlines())
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    boxes = page.evaluate("""() => Array.from(document.querySelectorAll('mark.entity')).map((m, i) =>
        Array.from(m.getClientRects()).map(r => ({mark: i, left: r.left, right: r.right, top: r.top,
                                                   bottom: r.bottom})))""")
    rects = [r for mark in boxes for r in mark]
    assert len(boxes) >= 25
    width = page.evaluate("document.documentElement.clientWidth")
    assert all(r["left"] >= 0 and r["right"] <= width for r in rects)  # no mark cut at the edge
    overlaps = [(a["mark"], b["mark"]) for i, a in enumerate(rects) for b in rects[i + 1:]
                if a["mark"] != b["mark"] and min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5
                and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5]
    assert overlaps == []
    chips = page.evaluate("Array.from(document.querySelectorAll('mark.entity')).map(m => m.innerText)")
    assert any("biomarker" in c and "HGNC:11892" in c for c in chips)  # type and id, whole


@pytest.fixture(scope="module")
def corpus_page(tmp_path_factory, nlp):
    """The page of a corpus of 260 abstracts (hundreds of concepts, about a thousand findings)."""
    from tests.corpusmaker import write_corpus

    folder = tmp_path_factory.mktemp("corpus")
    write_corpus(folder, count=260)
    db = folder.parent / "corpus.db"
    report = mine([folder], db, nlp=nlp)
    assert report.mined == 260
    out = folder.parent / "corpus.html"
    result = CliRunner().invoke(cli, ["view", "--db", str(db), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    from miner.graph import graph_from_store
    from miner.store import Store

    with Store.open(db) as store:
        graph = graph_from_store(store)
    assert graph.number_of_nodes() >= 150 and graph.number_of_edges() >= 600
    return out, graph


LABELS_JS = """() => {
    const cy = window.minerCy, box = document.getElementById('graph').getBoundingClientRect();
    return cy.nodes(':visible').filter(n => !n.hasClass('nolabel')).map(n => {
        const b = n.renderedBoundingBox({includeNodes: false, includeEdges: false, includeLabels: true});
        return {id: n.id(), x1: b.x1, x2: b.x2, y1: b.y1, y2: b.y2, width: box.width, height: box.height,
                px: parseFloat(n.style('font-size')) * cy.zoom()};
    });
}"""


def _readable(labels: list[dict]) -> list[tuple[str, str]]:
    """Pairs of visible labels that overlap (none should)."""
    return [(a["id"], b["id"]) for i, a in enumerate(labels) for b in labels[i + 1:]
            if min(a["x2"], b["x2"]) - max(a["x1"], b["x1"]) > 0.5 and min(a["y2"], b["y2"]) - max(a["y1"], b["y1"]) > 0.5]


def test_the_first_screen_of_a_corpus_is_a_readable_overview(browser, corpus_page):
    page_file, graph = corpus_page
    page, requests, errors = _open(browser, page_file)
    assert errors == [] and [url for url in requests if not url.startswith("file://")] == []
    count = page.inner_text("#count")
    shown = page.evaluate("window.minerCy.edges(':visible').length")
    assert 20 <= shown <= 60
    assert count.startswith(f"Showing {shown} of {graph.number_of_edges():,} findings")
    assert f"{graph.number_of_edges() - shown:,} findings left out" in count  # says what it leaves out
    supports = sorted((d.get("support", 1) for *_, d in graph.edges(data=True)), reverse=True)
    drawn = sorted(page.evaluate("window.minerCy.edges(':visible').map(e => e.data('support'))"), reverse=True)
    assert drawn == supports[:shown]  # the best-supported findings
    assert page.evaluate("window.minerCy.nodes(':visible').every(n => n.connectedEdges(':visible').length > 0)")

    labels = page.evaluate(LABELS_JS)
    assert len(labels) >= 20  # counts visible labels ...
    assert _readable(labels) == []  # ... that do not overlap
    assert all(-1 <= lab["x1"] and lab["x2"] <= lab["width"] + 1 and -1 <= lab["y1"] and lab["y2"] <= lab["height"] + 1
               for lab in labels)  # inside the graph's box
    assert min(lab["px"] for lab in labels) >= 11  # at a size that reads

    legend = page.inner_text("#legend")
    for kind in {graph.nodes[n].get("type") for n in page.evaluate("window.minerCy.nodes(':visible').map(n => n.id())")}:
        assert kind in legend
    colors = page.evaluate("window.minerColors")
    for relation_color in colors["relations"].values():  # no hue means both a type and a relation
        for type_color in colors["types"].values():
            assert _hue_gap(relation_color, type_color) >= 25, (relation_color, type_color)


def test_a_filter_lays_the_overview_out_again(browser, corpus_page):
    page_file, _ = corpus_page
    page, _, _ = _open(browser, page_file)
    before = page.evaluate("window.minerCy.nodes(':visible').map(n => n.id()).sort()")
    page.click("#relations input[value='increases']")
    _laid_out(page, 2)
    assert page.evaluate("window.minerCy.edges(':visible').filter(e => e.data('relation') === 'increases').length") == 0
    assert page.evaluate("window.minerCy.nodes(':visible').map(n => n.id()).sort()") != before
    labels = page.evaluate(LABELS_JS)
    assert len(labels) >= 15 and _readable(labels) == []
    page.fill("#limit", "200")
    page.dispatch_event("#limit", "change")
    _laid_out(page, 3)
    assert page.evaluate("window.minerCy.edges(':visible').length") == 200
    assert _readable(page.evaluate(LABELS_JS)) == []


def test_species_are_named_in_the_side_panel(browser, corpus_page):
    page_file, _ = corpus_page
    page, _, _ = _open(browser, page_file)
    page.evaluate("window.minerCy.edges(':visible')[0].emit('tap') && null")
    panel = page.inner_text("#panel")
    assert "Human" in panel and "NCBITaxon" not in panel


def _hue_gap(first: str, second: str) -> float:
    """Degrees between two colours' hues; 360 when either is a grey (greys carry no hue)."""
    def hls(color: str) -> tuple[float, float, float]:
        return colorsys.rgb_to_hls(*(int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)))

    (h1, _, s1), (h2, _, s2) = hls(first), hls(second)
    if s1 < 0.15 or s2 < 0.15:
        return 360.0
    gap = abs(h1 - h2) * 360
    return min(gap, 360 - gap)


def test_the_panel_shows_a_denied_finding_as_evidence_against(browser, tmp_path, nlp):
    page, _, errors = _open(browser, _page_for(Path(__file__).parent / "fixtures" / "denials", tmp_path, nlp))
    page.evaluate("""() => window.minerCy.edges().filter(e => e.data('relation') === 'no_effect'
        && e.data('source') === 'HGNC:6018')[0].emit('tap') && null""")
    panel = page.inner_text("#panel")
    assert "IL-6 no_effect Pain" in panel and "evidence against associated_with: 2 article(s) deny it" in panel
    assert panel.count("denies associated_with") == 2 and "negated" not in panel
    assert errors == []
