"""The HTML view in a real headless Chromium (Debian's chromium, driven by Playwright).

`make test` installs Debian's chromium when it is missing (apt-get); without it these tests
are skipped with the command to run.
"""

from __future__ import annotations

import re

import shutil
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
    page.wait_for_function("window.minerReady === true", timeout=20000)
    return page, requests, errors


def test_page_loads_offline_and_shows_every_node(browser, tmp_path, nlp, sample_db):
    from miner.graph import graph_from_store
    from miner.store import Store

    page_file = _page_for(SAMPLE, tmp_path, nlp)
    page, requests, errors = _open(browser, page_file)
    with Store.open(sample_db) as store:
        graph = graph_from_store(store)
    assert page.evaluate("window.minerCy.nodes().length") == graph.number_of_nodes()
    assert page.evaluate("window.minerCy.edges().length") == graph.number_of_edges()
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
    assert re.search(r"support \d+ article\(s\), \d+ sentence\(s\).* · confidence 0\.\d\d", panel)
    assert "by design and species:" in panel and "Rat" in panel


def test_search_finds_a_concept_by_synonym(browser, tmp_path, nlp):
    page, _, _ = _open(browser, _page_for(SAMPLE, tmp_path, nlp))
    page.fill("#search", "tumour necrosis factor")
    found = page.evaluate("window.minerCy.nodes('.found').map(n => n.data('label'))")
    assert found == ["TNF-α"]
    assert "TNF-α" in page.inner_text("#panel h2")


def test_an_article_cannot_inject_script(browser, tmp_path, nlp):
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "attack.txt").write_text(
        "Swimming reduced TNF-α in rats </script><script>window.pwned = 1</script> "
        "and <img src=x onerror=\"window.pwned = 2\"> lowered IL-6.\n")
    page, requests, errors = _open(browser, _page_for(folder, tmp_path, nlp))
    page.evaluate("window.minerCy.edges()[0].emit('tap')")
    assert page.evaluate("window.pwned === undefined")
    assert "<script>window.pwned = 1</script>" in page.inner_text("#panel")  # shown as text
    assert [url for url in requests if not url.startswith("file://")] == []


def test_the_panel_shows_a_denied_finding_as_evidence_against(browser, tmp_path, nlp):
    page, _, errors = _open(browser, _page_for(Path(__file__).parent / "fixtures" / "denials", tmp_path, nlp))
    page.evaluate("""() => window.minerCy.edges().filter(e => e.data('relation') === 'no_effect'
        && e.data('source') === 'HGNC:6018')[0].emit('tap')""")
    panel = page.inner_text("#panel")
    assert "IL-6 no_effect Pain" in panel and "evidence against associated_with: 2 article(s) deny it" in panel
    assert panel.count("denies associated_with") == 2 and "negated" not in panel
    assert errors == []
