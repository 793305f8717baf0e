"""Whole-pipeline regression: the findings of the sample corpus against a hand-checked file.

``tests/golden/sample_findings.json`` lists every finding that a sentence of
``corpora/sample`` states, checked by hand against the texts (not the pipeline's output
accepted as it was), and for some of them the species, effect size and p-value. The
pipeline is a trained model: it is held to a precision and a recall on that file, and to
a core of findings it must always give. ``python scripts/update_golden.py`` lists how its
output differs from the file, for review.
"""

from __future__ import annotations

import json
from pathlib import Path

from miner.store import Store

GOLDEN = Path(__file__).parent / "golden" / "sample_findings.json"
#: Measured with the shipped models: 26 of 35 golden findings found, 26 of 36 found right.
RECALL_FLOOR, PRECISION_FLOOR = 0.7, 0.65

#: The core that the pipeline must give whatever the model (each also in the golden file).
CORE = {
    "news-swimming-nerve-pain.txt": ["MESH:D013550 decreases HGNC:11892", "MESH:D013550 increases HGNC:5962"],
    "animal-treadmill-cci.txt": ["MINER:treadmill-exercise no_effect HGNC:1033",
                                 "MINER:treadmill-exercise decreases MESH:D006930"],
    "rct-yoga-low-back-pain.md": ["MESH:D015013 decreases MINER:roland-morris", "MESH:D015013 decreases MESH:D010146",
                                  "MESH:D015013 no_effect MESH:D011788"],
    "DOI:10.9999/miner.sample.0004": ["MINER:aerobic-exercise decreases HGNC:6018"],
    "PMID:90000002": ["MESH:D026302 increases HGNC:5232", "MESH:D026302 decreases HGNC:11892"],
}


def _found(sample_db) -> tuple[dict[str, set[str]], dict[tuple[str, str], list]]:
    with Store.open(sample_db, create=False) as store:
        found: dict[str, set[str]] = {a.id: set() for a in store.articles()}
        evidence: dict[tuple[str, str], list] = {}
        for finding in store.findings():
            line = f"{finding.subject} {finding.relation} {finding.object}"
            for item in finding.evidence:
                found[item.article].add(line)
                evidence.setdefault((item.article, line), []).append(item)
    return found, evidence


def test_sample_findings_against_the_golden_file(sample_db):
    golden = json.loads(GOLDEN.read_text())["findings"]
    found, _ = _found(sample_db)
    assert set(found) == set(golden)
    right = sum(len(found[a] & set(golden[a])) for a in golden)
    predicted, expected = sum(map(len, found.values())), sum(map(len, golden.values()))
    report = "\n".join(f"{a}: missing {sorted(set(golden[a]) - found[a])}, wrong {sorted(found[a] - set(golden[a]))}"
                       for a in sorted(golden))
    assert right / expected >= RECALL_FLOOR, report
    assert right / predicted >= PRECISION_FLOOR, report


def test_the_core_findings_are_found_and_in_the_golden_file(sample_db):
    golden = json.loads(GOLDEN.read_text())["findings"]
    found, _ = _found(sample_db)
    for article, lines in CORE.items():
        assert set(lines) <= set(golden[article]), article
        assert set(lines) <= found[article], (article, sorted(set(lines) - found[article]))


def test_the_evidence_carries_its_species_effect_and_p_value(sample_db):
    _, evidence = _found(sample_db)
    for detail in json.loads(GOLDEN.read_text())["details"]:
        items = evidence.get((detail["article"], detail["finding"]))
        assert items, detail
        assert any(e.species == detail["species"] and (e.effect or {}).get("text") == detail["effect"]
                   and e.p_value == detail["p_value"] for e in items), (detail, items)
