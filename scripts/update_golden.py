#!/usr/bin/env python
"""Regenerate tests/golden/sample_findings.json from the sample corpus.

Run it when a change to the pipeline changes the findings on purpose, and review the
diff before committing it: the golden file is the whole-pipeline regression test.
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
    target.write_text(json.dumps(sample_findings(ROOT / "corpora" / "sample"), indent=1) + "\n")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
