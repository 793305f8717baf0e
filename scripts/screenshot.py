"""Make the README's screenshot of ``miner view`` on the sample corpus (docs/view.png).

Mines ``corpora/sample`` into a temporary store, renders the page, waits for its layout,
clicks the edge "Swimming decreases TNF-α" so that the side panel shows its evidence,
and saves the page as a PNG. Needs Debian's chromium and the dev extras (Playwright).

    .venv/bin/python scripts/screenshot.py [-o docs/view.png]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "view.png")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("needs Debian's chromium: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    from miner.graph import graph_from_store
    from miner.mining import mine
    from miner.store import Store
    from miner.viewer import render_page

    with tempfile.TemporaryDirectory() as name:
        db = Path(name) / "e.db"
        mine([ROOT / "corpora" / "sample"], db, workers=1)
        with Store.open(db) as store:
            page_file = Path(name) / "view.html"
            page_file.write_text(render_page(graph_from_store(store)), encoding="utf-8")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 860})
            page.goto(page_file.as_uri())
            while not page.evaluate("(window.minerLaidOut || 0) >= 1"):  # the page's CSP forbids wait_for_function
                time.sleep(0.05)
            point = page.evaluate("""() => {
                const cy = window.minerCy;
                const edge = cy.edges().filter(e => e.data('relation') === 'decreases'
                    && cy.getElementById(e.data('target')).data('label') === 'TNF-α'
                    && cy.getElementById(e.data('source')).data('label') === 'Swimming')[0];
                const p = edge.renderedMidpoint(); const box = document.getElementById('graph').getBoundingClientRect();
                return {x: box.left + p.x, y: box.top + p.y};
            }""")
            page.mouse.click(point["x"], point["y"])
            page.wait_for_timeout(300)
            args.output.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.output))
            browser.close()
    print(f"-> {args.output}")


if __name__ == "__main__":
    main()
