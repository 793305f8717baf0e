"""Hostile and broken files in the structured formats: XML that attacks the parser,
malformed or truncated XML, gzip and PDF. Each is read safely or named with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from miner.articles import read_path
from miner.articles.model import Article
from miner.errors import ReadError
from tests.pdfmaker import make_pdf


def _read(path: Path) -> list[Article | ReadError]:
    return list(read_path(path, path.name))


@pytest.mark.parametrize("name, data, reason", [
    ("xxe.xml", b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
                b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>"
                b"Pain &xxe; here</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>", None),
    ("bomb.xml", b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
                 + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10) for i in range(9))
                 + b"]>\n<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>2</PMID><Article><ArticleTitle>"
                   b"Walking &j; eases pain</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>",
     "entity expansion refused"),
    ("broken.xml", b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>3</PMID></Medline", "invalid XML"),
    ("other.xml", b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'/>", "unrecognised XML (root element <svg>"),
    ("empty.xml", b"", "empty file"),
    ("nothing.xml", b"<PubmedArticleSet></PubmedArticleSet>", "no PubmedArticle records"),
    ("restricted.xml", b"<pmc-articleset></pmc-articleset>", "no <article> in the file"),
    ("fake.xml.gz", b"\x1f\x8b\x08\x00garbage", "cannot read"),
])
def test_hostile_or_broken_xml_is_safe_and_reported(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    items = _read(path)
    if reason is None:
        (article,) = items
        assert isinstance(article, Article)
        assert "root:" not in article.text  # /etc/passwd not read
        assert len(article.text) < 200  # no entity expanded
        assert "pain" in article.text.lower()
    else:
        assert len(items) == 1 and isinstance(items[0], ReadError), items
        assert items[0].path == name and reason in items[0].reason and "\n" not in str(items[0])


@pytest.mark.parametrize("data, reason", [
    (b"", "empty file"),
    (b"%PDF-1.4\n", "unreadable PDF"),
    (b"PK\x03\x04 not a pdf", "not a PDF file"),
])
def test_bad_pdfs_are_reported(tmp_path, data, reason):
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    (error,) = _read(path)
    assert isinstance(error, ReadError) and reason in error.reason and "\n" not in str(error)


def test_pdf_without_text_layer_says_so(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf([]))
    (error,) = _read(path)
    assert isinstance(error, ReadError) and "no text layer" in error.reason


SOURCES = Path(__file__).resolve().parent.parent / "fixtures" / "sources"


@pytest.mark.parametrize("fixture", ["pubmed_efetch.xml", "jats_article.xml", "bioc_collection.xml",
                                     "bioc_pmc.json", "europepmc_search.json"])
def test_truncated_downloads_are_named_and_what_came_before_is_kept(tmp_path, fixture):
    data = (SOURCES / fixture).read_bytes()
    path = tmp_path / fixture
    path.write_bytes(data[: int(len(data) * 0.8)])
    items = _read(path)
    errors = [item for item in items if isinstance(item, ReadError)]
    assert len(errors) == 1 and errors[0].path.startswith(fixture) and "\n" not in str(errors[0])
    assert errors[0].reason.startswith(("invalid XML", "invalid JSON", "cannot read"))
    if fixture == "pubmed_efetch.xml":  # the first of its two records was complete
        assert [a.id for a in items if isinstance(a, Article)] == ["PMID:39000001"]
        assert errors[0].reason.endswith("after 1 records (those were read)")


def test_truncated_pdf_is_reported_or_read_never_a_crash(tmp_path):
    data = make_pdf(["Swimming reduced allodynia in rats by 40%."])
    for cut in (len(data) // 3, len(data) // 2, len(data) - 30):
        path = tmp_path / f"cut{cut}.pdf"
        path.write_bytes(data[:cut])
        (item,) = _read(path)
        if isinstance(item, ReadError):
            assert item.reason.startswith(("unreadable PDF", "PDF has no text layer")), item
        else:
            assert "Swimming reduced allodynia" in item.text


def test_a_pubmed_record_without_text_is_named_with_its_pmid(tmp_path):
    path = tmp_path / "set.xml"
    path.write_bytes(b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>42</PMID><Article/></MedlineCitation>"
                     b"</PubmedArticle><PubmedArticle><MedlineCitation><PMID>43</PMID><Article><ArticleTitle>Yoga"
                     b"</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>")
    items = _read(path)
    assert [str(i) if isinstance(i, ReadError) else i.id for i in items] == [
        "set.xml (PMID 42): no title and no abstract", "PMID:43"]
