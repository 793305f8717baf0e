"""One definition of each record."""

from __future__ import annotations

import dataclasses

import pytest

from miner.articles.model import Article, ArticleMetadata, Section
from miner.evidence.model import ArticleRecord, Concept
from miner.pipeline.lexicon import Entry, Lexicon, default_lexicon_path


def test_the_article_record_keeps_the_articles_metadata_and_its_hash():
    article = Article(id="PMID:7", text="Cycling eased knee pain.", title="Cycling", pmid="7", year=2021,
                      species=["NCBITaxon:9606"], sections=[Section("TITLE", "title", 0, 7)],
                      mesh_terms=["Humans"], publication_types=["Journal Article"])
    record = ArticleRecord.from_article(article)
    assert isinstance(record, ArticleMetadata) and isinstance(article, ArticleMetadata)
    assert record.metadata() == article.metadata() and record.sha1 == article.sha1
    record.species.append("NCBITaxon:10116")
    assert article.species == ["NCBITaxon:9606"]  # a copy, not the article's list
    names = [f.name for f in dataclasses.fields(ArticleRecord)]
    assert names == ["id", "title", "source", "pmid", "pmcid", "doi", "year", "journal", "species", "study_type",
                     "sha1"]
    assert ArticleRecord(**record.to_dict()) == record


def test_an_article_round_trips_through_its_dict():
    article = Article(id="a.txt", text="Yoga and back pain.", sections=[Section("Results", "results", 0, 4)],
                      study_type="randomized_trial")
    data = article.to_dict()
    assert data["sections"] == [{"label": "Results", "kind": "results", "start": 0, "end": 4}]
    assert Article.from_dict(data) == article
    with pytest.raises(TypeError):
        Article("a.txt", "the text is keyword-only")  # type: ignore[misc]


def test_a_lexicon_entry_holds_its_concept():
    lexicon = Lexicon.load(default_lexicon_path())
    entry = lexicon["MESH:D015444"]
    assert isinstance(entry, Entry) and entry.concept == Concept("MESH:D015444", "Exercise", "intervention")
    assert (entry.id, entry.name, entry.type) == ("MESH:D015444", "Exercise", "intervention")
