"""One definition of each record, and the roles that rules read from the lexicon."""

from __future__ import annotations

import dataclasses

import pytest

from miner.articles.model import Article, ArticleMetadata, Section
from miner.articles.study import species_from_mesh
from miner.errors import LexiconError
from miner.evidence.model import ArticleRecord, Concept
from miner.pipeline.context import human_id, main_interventions, role_ids
from miner.pipeline.lexicon import Entry, Lexicon, default_lexicon_path
from miner.pipeline.records import EntityMention

HEADER = "id\ttype\tname\tterms\tabbrevs\tflags\txrefs\n"


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


def test_roles_come_from_the_lexicon_flags():
    assert role_ids("control") == {"MINER:control", "MESH:D010919", "MESH:D014850", "MINER:usual-care"}
    assert role_ids("generic") == {"MESH:D015444", "MESH:D005081", "MESH:D026741", "MESH:D012046"}
    assert human_id() == "NCBITaxon:9606"
    mentions = [EntityMention(0, 4, 0, 1, "text", "intervention", cid, cid, "lexicon")
                for cid in ("MINER:control", "MESH:D015444", "MESH:D013550")]
    assert main_interventions(mentions, 100) == ["MESH:D013550", "MESH:D015444"]  # swimming over exercise


def test_species_come_from_the_mesh_flags_of_the_lexicon():
    assert species_from_mesh([]) == []
    assert species_from_mesh(["Humans", "Guinea Pigs", "Mesocricetus", "Drosophila melanogaster"]) == [
        "NCBITaxon:10141", "NCBITaxon:10036", "NCBITaxon:7227", "NCBITaxon:9606"]
    lexicon = Lexicon.load(default_lexicon_path())
    for entry in lexicon.concepts.values():
        assert not entry.flag_values("mesh") or entry.type == "species"


def test_a_lexicon_without_one_human_says_so(tmp_path):
    (tmp_path / "concepts.tsv").write_text(
        HEADER + "NCBITaxon:9606\tspecies\tHuman\thumans\t\tcurated\t\n"
                 "NCBITaxon:10116\tspecies\tRat\trats\t\tcurated,mesh=Rats\t\n")
    lexicon = Lexicon.load(tmp_path)
    assert lexicon.flagged("human") == frozenset()
    assert lexicon["NCBITaxon:10116"].flag_values("mesh") == ["Rats"]
    with pytest.raises(LexiconError, match="expected one concept flagged 'human', found 0"):
        lexicon.the_one("human")
