#!/usr/bin/env python
"""How the pipeline's findings on the sample corpus differ from tests/golden/sample_findings.json.

The golden file is written by hand: every finding a sample sentence states. This lists,
per article, the golden findings the pipeline misses and the findings it gives that the
file does not hold; read each against its sentence, and add to the file only what the
sentence states.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from miner.mining import mine  # noqa: E402
from miner.store import Store  # noqa: E402


def sample_findings(sample: Path) -> dict[str, list[str]]:
    """Article id -> sorted 'subject relation object' lines of the sample corpus."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "golden.db"
        mine([sample], db)
        with Store.open(db, create=False) as store:
            out: dict[str, set[str]] = {a.id: set() for a in store.articles()}
            for finding in store.findings():
                for evidence in finding.evidence:
                    out[evidence.article].add(f"{finding.subject} {finding.relation} {finding.object}")
    return {article: sorted(lines) for article, lines in sorted(out.items())}


def main() -> None:
    target = ROOT / "tests" / "golden" / "sample_findings.json"
    golden = json.loads(target.read_text())["findings"]
    found = sample_findings(ROOT / "corpora" / "sample")
    for article in sorted(set(golden) | set(found)):
        expected, given = set(golden.get(article, [])), set(found.get(article, []))
        print(f"{article}: {len(expected & given)} of {len(expected)} found")
        for line in sorted(expected - given):
            print(f"  missing  {line}")
        for line in sorted(given - expected):
            print(f"  not in the file  {line}")


if __name__ == "__main__":
    main()
