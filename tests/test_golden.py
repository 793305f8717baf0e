"""Whole-pipeline regression: the findings of the sample corpus, against a golden file.

The golden file was checked by hand; when a change alters these findings on purpose,
regenerate it with ``python scripts/update_golden.py`` and review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

from miner.store import Store

GOLDEN = Path(__file__).parent / "golden" / "sample_findings.json"


def test_sample_findings_match_the_golden_file(sample_db):
    expected = json.loads(GOLDEN.read_text())
    with Store.open(sample_db, create=False) as store:
        found: dict[str, set[str]] = {a.id: set() for a in store.articles()}
        for finding in store.findings():
            for evidence in finding.evidence:
                found[evidence.article].add(f"{finding.subject} {finding.relation} {finding.object}")
    actual = {article: sorted(lines) for article, lines in found.items()}
    for article in sorted(set(expected) | set(actual)):
        missing = sorted(set(expected.get(article, [])) - set(actual.get(article, [])))
        extra = sorted(set(actual.get(article, [])) - set(expected.get(article, [])))
        assert not missing and not extra, f"{article}: missing {missing}, new {extra}"


def test_key_findings_of_the_sample_are_in_the_golden_file():
    """The hand-checked core of the golden file, so that regenerating it cannot drop them."""
    golden = json.loads(GOLDEN.read_text())
    must = {
        "news-swimming-nerve-pain.txt": ["MESH:D013550 decreases HGNC:11892", "MESH:D013550 increases HGNC:5962"],
        "animal-treadmill-cci.txt": ["MINER:treadmill-exercise increases MINER:withdrawal-threshold",
                                     "MINER:treadmill-exercise decreases HGNC:4235",
                                     "MINER:treadmill-exercise no_effect HGNC:1033"],
        "rct-yoga-low-back-pain.md": ["MESH:D015013 decreases MINER:roland-morris",
                                      "MESH:D015013 decreases MESH:D010146",
                                      "MESH:D015013 no_effect MESH:D011788"],
        "DOI:10.9999/miner.sample.0004": ["MINER:aerobic-exercise decreases HGNC:6018"],
        "PMID:90000002": ["MESH:D026302 increases HGNC:5232", "MESH:D026302 decreases HGNC:11892"],
    }
    for article, lines in must.items():
        assert set(lines) <= set(golden[article]), article
