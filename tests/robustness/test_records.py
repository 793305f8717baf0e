"""Records and limits (issue 13): JSON Lines split at ``\\n`` only and decoded record by
record; size limits in MB that match the README; articles longer than spaCy's
``max_length`` mined in pieces."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from miner.articles import iter_folder
from miner.articles import records
from miner.articles.model import Article
from miner.articles.pdf import MAX_PDF_BYTES
from miner.articles.readers import MAX_FILE_BYTES, MB
from miner.errors import ReadError
from miner.mining import mine
from miner.store import Store
from tests.conftest import ROOT


def _read(path: Path) -> tuple[dict[str, Article], dict[str, str]]:
    items = list(iter_folder(path))
    return ({a.id: a for a in items if isinstance(a, Article)},
            {e.path: e.reason for e in items if isinstance(e, ReadError)})


def _record(title: str, abstract: str) -> str:
    return json.dumps({"title": title, "abstract": abstract}, ensure_ascii=False)


def test_jsonl_is_split_at_newlines_only(tmp_path):
    lines = [
        _record("Line separator", "Yoga reduced pain.\u2028It also eased stiffness."),
        _record("Next line", "Tai chi reduced pain.\u0085Balance improved."),
        _record("Paragraph separator", "Swimming reduced pain.\u2029Sleep improved.\x1cSo did mood."),
        '{"title": "Broken", "abstract": ',
        _record("Last", "Cycling reduced pain."),
    ]
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles, problems = _read(path)
    assert sorted(a.title for a in articles.values()) == ["Last", "Line separator", "Next line", "Paragraph separator"]
    assert list(problems) == ["records.jsonl:4"]  # the one bad line, with its true number
    assert "It also eased stiffness." in articles["records.jsonl#1"].text
    assert articles["records.jsonl#5"].title == "Last"


def test_crlf_jsonl_is_read(tmp_path):
    path = tmp_path / "dos.jsonl"
    path.write_bytes(("\r\n".join([_record("One", "Yoga reduced pain."), _record("Two", "Tai chi too.")])
                      + "\r\n").encode())
    articles, problems = _read(path)
    assert not problems and len(articles) == 2


def test_one_bad_byte_costs_only_its_record(tmp_path):
    lines = [_record(f"Trial {i}", f"Walking reduced pain in trial {i}.").encode() for i in range(999)]
    lines[499] = lines[499].replace(b"Walking", b"Walk\xe9ing")  # Latin-1, not UTF-8
    path = tmp_path / "many.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    articles, problems = _read(path)
    assert len(articles) == 998
    assert list(problems) == ["many.jsonl:500"]
    assert problems["many.jsonl:500"].startswith("not UTF-8 text (byte 0xe9 at column")
    assert "many.jsonl#501" in articles  # ids of the others unchanged


def test_utf8_bom_and_utf16_jsonl(tmp_path):
    (tmp_path / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + _record("Bom", "Yoga reduced pain.").encode() + b"\n")
    (tmp_path / "wide.jsonl").write_bytes((_record("Wide", "Tai chi reduced pain.") + "\n").encode("utf-16"))
    articles, problems = _read(tmp_path)
    assert not problems and sorted(a.title for a in articles.values()) == ["Bom", "Wide"]


def test_jsonl_is_streamed_past_the_file_limit_and_a_huge_record_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(records, "MAX_FILE_BYTES", 2_000)  # the JSON Lines record limit
    lines = [_record(f"Trial {i}", f"Walking reduced pain in trial {i}.") for i in range(100)]  # ~6 KB
    lines[10] = _record("Huge", "Walking reduced pain. " * 200)
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(lines) + "\n")
    articles, problems = _read(path)
    assert len(articles) == 99
    size = len(lines[10]) + 1
    assert problems == {"big.jsonl:11": f"record too large ({size:,} bytes; the limit is 0.002 MB)"}
    assert "big.jsonl#12" in articles


@pytest.mark.parametrize("size, shown", [(20_600_000, "20.6 MB"), (21_500_000, "21.5 MB"),
                                         (20_000_001, "20,000,001 bytes")])
def test_the_size_limit_is_said_in_mb_that_match(tmp_path, size, shown):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:  # sparse: nothing on disk
        handle.truncate(size)
    _, problems = _read(tmp_path)
    assert problems == {"huge.txt": f"file too large ({shown}; the limit is 20 MB)"}


def test_the_readme_states_the_limits_that_apply():
    readme = (ROOT / "README.md").read_text()
    assert MAX_FILE_BYTES == 20 * MB and MAX_PDF_BYTES == 100 * MB
    assert "20 MB" in readme and "100 MB" in readme
    assert "1,000,000 characters" in readme  # spaCy's max_length, beyond which articles go in pieces


# ----------------------------------------------------------------------------- long articles

_FILLER = "The clinic was quiet that spring and the staff kept careful notes of every visit. "


def _long_text(paragraphs: int, filler_per_paragraph: int) -> tuple[str, list[str]]:
    findings = []
    parts = []
    for i in range(paragraphs):
        finding = f"Swimming reduced TNF-alpha by {10 + i % 50}% in rats with nerve injury (p < 0.05)."
        findings.append(finding)
        parts.append(_FILLER * filler_per_paragraph + finding)
    return "\n\n".join(parts) + "\n", findings


def test_an_article_longer_than_spacys_limit_is_mined_in_pieces(tmp_path, nlp):
    text, findings = _long_text(4, 3_400)  # about 1.15 million characters
    assert len(text) > nlp.max_length == 1_000_000
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "long.txt").write_text(text)
    problems = []
    report = mine([folder], tmp_path / "e.db", nlp=nlp, on_problem=problems.append)
    assert report.mined == 1 and not report.failed and not problems
    with Store.open(tmp_path / "e.db") as store:
        stored = store.article_text("long.txt")
        evidence = [e for f in store.findings() for e in f.evidence]
    assert stored == text
    sentences = {e.sentence for e in evidence}
    assert set(findings) <= sentences  # the last paragraph, past the first piece, too
    for e in evidence:
        assert text[e.start:e.end] == e.sentence


def test_pieces_find_what_the_whole_finds(nlp):
    from miner.articles.readers import article_from_text
    from miner.pipeline import annotate_records

    text, _ = _long_text(6, 4)
    article = article_from_text(text, "piece.txt")
    [(_, whole)] = annotate_records(nlp, [article])
    limit = nlp.max_length
    nlp.max_length = len(text) // 3
    try:
        [(_, pieced)] = annotate_records(nlp, [article])
    finally:
        nlp.max_length = limit

    def spans(record, key):
        return sorted((x["start"], x["end"], x.get("id") or x.get("text")) for x in record[key])

    assert spans(pieced, "entities") == spans(whole, "entities")
    assert spans(pieced, "effects") == spans(whole, "effects")
    triples = lambda r: sorted((x["subject"], x["relation"], x["object"], x["start"], x["end"])  # noqa: E731
                               for x in r["relations"])
    assert triples(pieced) == triples(whole) and len(triples(whole)) >= 6
    for relation in pieced["relations"]:
        assert text[relation["start"]:relation["end"]] == relation["sentence"]
        assert text[relation["object_start"]:relation["object_end"]] == relation["object_text"]


def test_cut_points_keep_every_piece_within_the_limit():
    from miner.pipeline.pieces import cut_points

    text = ("word " * 30 + "\n") * 50 + "x" * 700 + "\n\n" + "Sentence one. Sentence two. " * 40
    for limit in (50, 333, 1000):
        starts = cut_points(text, limit)
        ends = [*starts[1:], len(text)]
        assert starts[0] == 0 and all(0 < e - s <= limit for s, e in zip(starts, ends))


def test_a_jsonl_file_of_blank_lines_is_empty(tmp_path):
    (tmp_path / "blank.jsonl").write_text(" \n" * 5000)  # more blank than one read
    (tmp_path / "none.jsonl").write_bytes(b"")
    _, problems = _read(tmp_path)
    assert problems == {"blank.jsonl": "empty file", "none.jsonl": "empty file"}


def test_annotate_refuses_an_article_too_long_to_draw_with_one_line(tmp_path, nlp):
    from click.testing import CliRunner

    from miner.cli import cli

    path = tmp_path / "long.txt"
    path.write_text(_long_text(1, 12_500)[0])  # over 1,000,000 characters
    result = CliRunner().invoke(cli, ["annotate", str(path), "-o", str(tmp_path / "a.html")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    [line] = result.stderr.strip().splitlines()
    assert "long.txt is too long to draw" in line and "'miner mine' mines it" in line
