"""Readers for what the sources give: PubMed XML, JATS, BioC, Europe PMC JSON, PDF,
whole baseline files (.xml.gz), and XML that tries to attack the parser."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from miner.articles import iter_folder, read_path
from miner.articles.model import Article
from miner.articles.pdf import unwrap
from miner.articles.study import load_study_types, species_from_mesh, study_type_from_index
from miner.errors import LexiconError, ReadError
from tests.pdfmaker import make_pdf

SOURCES = Path(__file__).parent / "fixtures" / "sources"


def _read(path: Path) -> list[Article | ReadError]:
    return list(read_path(path, path.name))


def _articles(path: Path) -> dict[str, Article]:
    return {a.id: a for a in _read(path) if isinstance(a, Article)}


def _section_texts(article: Article) -> dict[str, str]:
    return {s.label: article.text[s.start:s.end] for s in article.sections}


def test_pubmed_xml_gives_ids_sections_mesh_and_study_context():
    articles = _articles(SOURCES / "pubmed_efetch.xml")
    rats = articles["PMID:39000001"]
    assert rats.title.startswith("Swimming training lowers TNF-α and mechanical allodynia")
    assert (rats.doi, rats.pmcid, rats.year) == ("10.1000/ejp.2024.0001", "PMC11000001", 2024)  # not a reference's PMC id
    assert rats.journal == "European journal of pain (London, England)"
    sections = _section_texts(rats)
    assert list(sections) == ["TITLE", "ABSTRACT.BACKGROUND", "ABSTRACT.METHODS", "ABSTRACT.RESULTS",
                              "ABSTRACT.CONCLUSIONS"]
    assert sections["ABSTRACT.RESULTS"].startswith("Swimming reduced mechanical allodynia by 45%")
    assert "(p < 0.01) and decreased TNF-α in the sciatic nerve." in sections["ABSTRACT.RESULTS"]  # inline <i> kept
    assert [s.kind for s in rats.sections] == ["title", "background", "methods", "results", "conclusions"]
    assert rats.mesh_terms == ["Animals", "Male", "Neuralgia", "Rats, Wistar", "Swimming"]
    assert (rats.study_type, rats.species) == ("animal", ["NCBITaxon:10116"])

    trial = articles["PMID:39000002"]
    assert trial.year == 2022  # from <MedlineDate>2022 Nov-Dec</MedlineDate>
    assert trial.study_type == "randomized_trial" and trial.species == ["NCBITaxon:9606"]
    assert [s.label for s in trial.sections] == ["TITLE", "ABSTRACT"]
    assert trial.pmcid is None and trial.doi is None


def test_jats_body_sections_figures_and_tables():
    article = _articles(SOURCES / "jats_article.xml")["PMID:39000003"]
    assert (article.pmcid, article.doi, article.year, article.journal) == (
        "PMC11000003", "10.1000/jpr.2024.0003", 2024, "Journal of Pain Research")
    labels = [s.label for s in article.sections]
    assert labels == ["TITLE", "ABSTRACT.BACKGROUND", "ABSTRACT.RESULTS", "BODY.Introduction", "BODY.Methods",
                      "BODY.Results", "BODY.Discussion"]
    results = _section_texts(article)["BODY.Results"]
    assert "Figure 1. Paw withdrawal thresholds. Running raised thresholds" in results
    assert "TNF-α | 12.1 | 7.4" in results and "Values are pg/mg protein." in results
    assert "with an effect of d 1.4." in results  # a short inline formula stays
    assert "Methods\nAnimals\nSprague-Dawley rats" in article.text
    assert "animal facility" not in article.text and "Someone et al" not in article.text  # back matter left out


def test_bioc_json_and_xml():
    pmc = _articles(SOURCES / "bioc_pmc.json")["PMID:39000004"]
    assert (pmc.pmcid, pmc.doi, pmc.year, pmc.journal) == ("PMC11000004", "10.1000/bioc.0004", 2023, "Pain Reports")
    assert [(s.label, s.kind) for s in pmc.sections] == [
        ("TITLE", "title"), ("ABSTRACT.RESULTS", "results"), ("BODY.Introduction", "background"),
        ("BODY.Results", "results"), ("BODY.FIG", "results")]
    assert "Smith J" not in pmc.text  # references left out

    pubtator = _articles(SOURCES / "bioc_collection.xml")
    assert set(pubtator) == {"PMID:39000005", "PMID:39000006"}
    tai_chi = pubtator["PMID:39000005"]
    assert tai_chi.title == "Tai chi for knee osteoarthritis pain"
    assert _section_texts(tai_chi)["ABSTRACT"].startswith("Tai chi reduced WOMAC pain scores")


def test_europepmc_search_answer_and_records():
    articles = _articles(SOURCES / "europepmc_search.json")
    rats = articles["PMID:39000001"]
    assert rats.title.startswith("Swimming training lowers TNF-α")
    assert [(s.label, s.kind) for s in rats.sections] == [
        ("TITLE", "title"), ("ABSTRACT.BACKGROUND", "background"), ("ABSTRACT.RESULTS", "results")]
    assert "(p < 0.01) and decreased TNF-α in the sciatic nerve." in rats.text
    assert (rats.study_type, rats.species, rats.year) == ("animal", ["NCBITaxon:10116"], 2024)
    assert articles["PMID:39000002"].study_type == "randomized_trial"


def test_study_type_and_species_rules():
    assert study_type_from_index(["Meta-Analysis", "Randomized Controlled Trial"], ["Humans"]) == "meta_analysis"
    assert study_type_from_index(["Journal Article"], ["Humans"]) is None
    assert study_type_from_index(["Journal Article"], ["Animals", "Humans", "Mice"]) is None
    assert study_type_from_index(["Case Reports"], ["Humans"]) == "case_report"
    assert species_from_mesh(["Mice, Inbred C57BL", "Humans", "Rats"]) == ["NCBITaxon:10090", "NCBITaxon:10116",
                                                                         "NCBITaxon:9606"]



def test_study_types_are_read_from_the_patterns_file():
    table = load_study_types()
    assert table.of["randomized controlled trial"] == "randomized_trial"
    assert table.rank["meta_analysis"] < table.rank["review"] < table.rank["randomized_trial"]
    assert set(table.of.values()) <= set(table.rank)
    assert load_study_types() is table  # read once


@pytest.mark.parametrize(("content", "message"), [
    ('{"rank": [', "invalid JSON"),
    ('{"publication_types": {}}', "expected a list of study types 'rank'"),
    ('{"rank": ["review", "review"], "publication_types": {}}', "'rank' names a study type twice"),
    ('{"rank": ["review"], "publication_types": []}', "expected an object 'publication_types'"),
    ('{"rank": ["review"], "publication_types": {"Review": "reviews"}}',
     "publication type 'Review': 'reviews' is not a study type of 'rank'"),
    (None, "study-type patterns not found"),
])
def test_bad_study_type_patterns_are_one_clear_error(tmp_path, content, message):
    path = tmp_path / "study_types.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(LexiconError) as raised:
        load_study_types(path)
    assert message in str(raised.value) and str(path) in str(raised.value) and "\n" not in str(raised.value)

def test_baseline_gz_streams_every_record_and_reports_a_broken_one(tmp_path):
    records = []
    for i in range(300):
        pmid = 50_000_000 + i
        body = f"<AbstractText>Walking reduced pain in trial {i}.</AbstractText>" if i % 50 else ""
        if i == 7:
            records.append("<PubmedArticle><MedlineCitation><Article><ArticleTitle>No PMID here"
                           "</ArticleTitle></Article></MedlineCitation></PubmedArticle>")
            continue
        records.append(f"<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article><Journal><JournalIssue>"
                       f"<PubDate><Year>2019</Year></PubDate></JournalIssue></Journal><ArticleTitle>Trial {i}"
                       f"</ArticleTitle><Abstract>{body}</Abstract></Article></MedlineCitation></PubmedArticle>")
    xml = "<?xml version='1.0'?>\n<PubmedArticleSet>" + "\n".join(records) + "<DeleteCitation><PMID>1</PMID>" \
          "</DeleteCitation></PubmedArticleSet>"
    path = tmp_path / "pubmed25n0001.xml.gz"
    path.write_bytes(gzip.compress(xml.encode()))
    items = list(iter_folder(tmp_path))
    articles = [a for a in items if isinstance(a, Article)]
    errors = [e for e in items if isinstance(e, ReadError)]
    assert len(articles) == 299 and all(a.year == 2019 for a in articles)
    assert [str(e) for e in errors] == ["pubmed25n0001.xml.gz: PubmedArticle without a PMID"]
    assert articles[0].text == "Trial 0"  # a title-only record is still an article

    truncated = tmp_path / "cut.xml.gz"
    packed = gzip.compress(xml.encode())
    truncated.write_bytes(packed[: len(packed) // 2])
    cut = _read(truncated)
    assert isinstance(cut[-1], ReadError) and "(those were read)" in cut[-1].reason
    assert sum(isinstance(a, Article) for a in cut) > 0


def test_pdf_text_layer_becomes_an_article_with_sections(tmp_path):
    lines = ["Yoga for chronic low back pain: a randomized trial", "", "Abstract",
             "Eighty adults with chronic low back pain did yoga or stretching for 12 weeks.",
             "Results", "Yoga reduced pain intensity by 30% compared with stretch-", "ing (p = 0.01).",
             "doi: 10.1000/yoga.2020.7"]
    (tmp_path / "yoga.pdf").write_bytes(make_pdf(lines, title="Yoga for chronic low back pain"))
    (article,) = _read(tmp_path / "yoga.pdf")
    assert isinstance(article, Article), article
    assert article.title == "Yoga for chronic low back pain"
    assert article.id == "DOI:10.1000/yoga.2020.7"
    assert "Yoga reduced pain intensity by 30% compared with stretching (p = 0.01)." in article.text
    assert [s.kind for s in article.sections if s.kind in ("abstract", "results")] == ["abstract", "results"]


def test_unwrap_keeps_headings_and_joins_lines():
    assert unwrap("Methods\nRats ran on a\ntreadmill.\n\nResults\nPain fell.") == \
        "Methods\nRats ran on a treadmill.\n\nResults\nPain fell."


def test_fixture_folder_mines_from_every_format(tmp_path):
    folder = tmp_path / "mixed"
    shutil.copytree(SOURCES, folder)
    items = list(iter_folder(folder))
    ids = sorted(a.id for a in items if isinstance(a, Article))
    assert not [e for e in items if isinstance(e, ReadError)]
    assert ids.count("PMID:39000001") == 2  # the PubMed record and its Europe PMC twin
    assert {"PMID:39000003", "PMID:39000004", "PMID:39000005"} <= set(ids)
