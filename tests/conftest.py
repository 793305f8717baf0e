"""Shared fixtures: one pipeline per test session (building it takes a few seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "corpora" / "sample"


@pytest.fixture(scope="session")
def nlp():
    from miner.pipeline import cached_pipeline

    return cached_pipeline()


@pytest.fixture(scope="session")
def annotate(nlp):
    """Annotate a text; returns the Doc."""
    from miner.pipeline import annotate_text

    def run(text: str, article_id: str = "test.txt"):
        return annotate_text(nlp, text, article_id)

    return run


@pytest.fixture(scope="session")
def relations(annotate):
    """The (subject, relation, object) triples a text gives, as concept ids."""

    def run(text: str) -> set[tuple[str, str, str]]:
        doc = annotate(text)
        return {(r["subject"], r["relation"], r["object"]) for r in doc._.miner_relations}

    return run


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory, nlp):
    """The sample corpus mined once into a store."""
    from miner.mining import mine

    db = tmp_path_factory.mktemp("sample") / "evidence.db"
    report = mine([SAMPLE], db, nlp=nlp)
    assert report.mined >= 5 and not report.problems
    return db
