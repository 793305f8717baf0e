"""Readers: files in, articles (or one-line problems) out."""

from __future__ import annotations

import json

from miner.articles import Article, detect_sections, iter_folder
from miner.articles.readers import decode_bytes, read_path
from miner.errors import ReadError


def _read(tmp_path, name: str, data: bytes | str):
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return list(read_path(path, name))


def test_text_file_keeps_text_as_read_and_finds_title(tmp_path):
    text = "Exercise and pain\n\nSwimming reduced pain in rats.\n"
    [article] = _read(tmp_path, "a.txt", text)
    assert isinstance(article, Article)
    assert article.text == text
    assert article.title == "Exercise and pain"
    assert article.id == "a.txt"


def test_pmc_file_name_gives_the_id_and_sections(tmp_path):
    text = ("TITLE: \nYoga for back pain\n\n\n\nA short abstract.\n"
            "ABSTRACT.RESULTS:\nPain fell.\nBODY.DISCUSSION:\nIt worked.\n")
    [article] = _read(tmp_path, "PMC12345.txt", text)
    assert article.id == "PMC12345"
    assert article.title == "Yoga for back pain"
    kinds = [(s.kind, text[s.start:s.end].strip()) for s in article.sections]
    assert ("results", "Pain fell.") in kinds
    assert ("discussion", "It worked.") in kinds
    assert kinds[0] == ("title", "Yoga for back pain")


def test_structured_abstract_labels_inline_and_markdown():
    text = "# Title here\n\nBACKGROUND: Pain is common.\n**Results:** Pain fell by 30%.\nCONCLUSIONS: It works.\n"
    sections = detect_sections(text)
    kinds = {s.kind for s in sections}
    assert {"background", "results", "conclusions"} <= kinds
    results = next(s for s in sections if s.kind == "results")
    assert "Pain fell by 30%" in text[results.start:results.end]


def test_html_drops_scripts_styles_and_reads_citation_meta(tmp_path):
    html = """<html><head><title>T</title><meta name="citation_pmid" content="123">
    <meta name="citation_publication_date" content="2020/01/02"><style>p{color:red}</style>
    <script>alert('x')</script></head><body><h1>Exercise trial</h1><h2>Results</h2>
    <p>Pain decreased &amp; function improved.</p><script>var secret = 1;</script></body></html>"""
    [article] = _read(tmp_path, "page.html", html)
    assert article.id == "PMID:123"
    assert article.year == 2020
    assert "alert" not in article.text and "secret" not in article.text and "color" not in article.text
    assert "Pain decreased & function improved." in article.text
    assert any(s.kind == "results" for s in article.sections)


def test_json_object_list_and_structured_abstract(tmp_path):
    records = [
        {"pmid": "1", "title": "One", "abstract": "Exercise reduced pain."},
        {"doi": "https://doi.org/10.1/x", "title": "Two",
         "abstract": {"BACKGROUND": "Pain hurts.", "RESULTS": "Yoga helped."}},
        {"title": 5},
    ]
    items = _read(tmp_path, "recs.json", json.dumps(records))
    assert [getattr(i, "id", None) for i in items[:2]] == ["PMID:1", "DOI:10.1/x"]
    second = items[1]
    assert second.text.startswith("Two\n\nPain hurts.")
    assert {s.kind for s in second.sections} >= {"title", "background", "results"}
    assert isinstance(items[2], ReadError) and "recs.json#3" in str(items[2])


def test_jsonl_bad_line_is_reported_and_the_rest_read(tmp_path):
    lines = '{"pmcid": "PMC9", "text": "Walking improved sleep."}\n{not json\n\n{"title": "T", "body": "B"}\n'
    items = _read(tmp_path, "x.jsonl", lines)
    assert [type(i).__name__ for i in items] == ["Article", "ReadError", "Article"]
    assert items[0].id == "PMC9"
    assert "x.jsonl:2" in str(items[1])
    assert items[2].id == "x.jsonl#4"


def test_bad_files_are_reported_once_each(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bin.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "latin.txt").write_bytes("caf\xe9 and pain".encode("latin-1"))
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "ok.md").write_text("Fine text about yoga.\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "utf16.txt").write_bytes("Tai chi eased pain.".encode("utf-16"))
    (tmp_path / ".hidden.txt").write_text("ignored")
    items = list(iter_folder(tmp_path))
    problems = {e.path: e.reason for e in items if isinstance(e, ReadError)}
    articles = {a.id: a for a in items if isinstance(a, Article)}
    assert set(articles) == {"ok.md", "sub/utf16.txt"}
    assert articles["sub/utf16.txt"].text == "Tai chi eased pain."
    assert problems["empty.txt"] == "empty file"
    assert problems["bin.txt"] == "binary file, not text"
    assert problems["latin.txt"].startswith("not UTF-8 text (byte 0xe9")
    assert problems["doc.pdf"].startswith("unreadable PDF")
    assert all("\n" not in str(e) for e in items if isinstance(e, ReadError))


def test_decode_strips_utf8_bom():
    assert decode_bytes("\ufeffPain".encode("utf-8"), "x") == "Pain"


def test_missing_folder_is_one_problem(tmp_path):
    [item] = list(iter_folder(tmp_path / "nope"))
    assert isinstance(item, ReadError) and "no such file or folder" in str(item)


def test_article_hash_changes_with_text():
    a = Article(id="a", text="one")
    b = Article(id="a", text="two")
    assert a.sha1 != b.sha1 and a.sha1 == Article(id="b", text="one").sha1


def test_pmc_headers_in_every_rendering_are_sections_and_the_title_loses_its_label(tmp_path):
    text = ("TITLE: Walking for hip pain: a randomised trial\n\n"
            "  ABSTRACT.OBJECTIVE::\nTo test walking.\n\n"
            "ABSTRACT.RESULTS::\nPain fell more with walking.\n\n"
            "1BODY.INTRODUCTION:\nHip pain is common.\n"
            "2BODY.METHODS:\nBODY.METHODS.DESIGN:\nA two-arm trial.\n"
            "BODY.M:EASUREMENTS AND ANALYSIS\nPain was rated weekly.\n"
            "BODY.SECONDARY ENDPOINT: GAIT SPEED:\nGait speed rose.\n"
            "BODY.RESULTS.PAIN AT NIGHT:\nNight pain fell.\n"
            "BODY.DISCUSSION.MECHANISMS:\nWalking may act on muscle.\n")
    [article] = _read(tmp_path, "PMC54321.txt", text)
    assert article.title == "Walking for hip pain: a randomised trial"
    found = [(s.label, s.kind, text[s.start:s.end].strip()) for s in article.sections]
    assert found == [
        ("TITLE", "title", "Walking for hip pain: a randomised trial"),
        ("ABSTRACT.OBJECTIVE", "background", "To test walking."),
        ("ABSTRACT.RESULTS", "results", "Pain fell more with walking."),
        ("BODY.INTRODUCTION", "background", "Hip pain is common."),
        ("BODY.METHODS.DESIGN", "methods", "A two-arm trial."),  # the empty METHODS section is dropped
        ("BODY.MEASUREMENTS AND ANALYSIS", "methods", "Pain was rated weekly."),
        # A label that names no kind, after the methods and before the results: a subsection
        # of the results that the rendering flattened.
        ("BODY.SECONDARY ENDPOINT: GAIT SPEED", "results", "Gait speed rose."),
        ("BODY.RESULTS.PAIN AT NIGHT", "results", "Night pain fell."),  # a subsection has its parent's kind
        ("BODY.DISCUSSION.MECHANISMS", "discussion", "Walking may act on muscle."),
    ]


def test_a_line_that_only_starts_with_a_header_word_is_text():
    text = "ABSTRACT:\nBody weight fell.\nBODY mass index and waist fell too.\n"
    (section,) = detect_sections(text)
    assert section.kind == "abstract" and text[section.start:section.end] == text[10:]
