"""The command line through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from miner.cli import EXIT_SKIPPED, cli
from tests.conftest import SAMPLE


def _run(*args):
    return CliRunner().invoke(cli, list(map(str, args)), catch_exceptions=False)


def test_mine_inspect_export(tmp_path):
    db = tmp_path / "e.db"
    result = _run("mine", SAMPLE, "--db", db)
    assert result.exit_code == 0, result.output
    assert "6 articles mined" in result.stderr

    shown = _run("inspect", "--db", db, "--subject", "swimming", "--object", "TNF", "--ids")
    table = shown.stdout
    assert "Swimming" in table and "decreases" in table and "TNF-α" in table and "HGNC:11892" in table
    evidence = _run("inspect", "--db", db, "--subject", "swimming", "--object", "TNF", "--evidence").stdout
    assert "Levels of the inflammatory cytokines TNF-α" in evidence

    lines = _run("inspect", "--db", db, "--relation", "no_effect", "--json").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert records and all(r["relation"] == "no_effect" for r in records)
    assert {"subject", "object", "support", "evidence"} <= set(records[0])

    for fmt in ("json", "graphml", "gexf", "csv"):
        out = tmp_path / f"g.{fmt}"
        result = _run("export", "--db", db, "--format", fmt, "-o", out)
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0


def test_inspect_matches_synonyms_and_ids(tmp_path):
    db = tmp_path / "e.db"
    _run("mine", SAMPLE, "--db", db)
    by_synonym = _run("inspect", "--db", db, "--object", "tumour necrosis factor alpha", "--json").stdout
    by_id = _run("inspect", "--db", db, "--object", "HGNC:11892", "--json").stdout
    assert by_synonym and by_synonym == by_id


def test_skipped_files_exit_code_and_one_line_each(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "a.txt").write_text("Yoga reduced pain.")
    (folder / "b.docx").write_bytes(b"PK\x03\x04")
    (folder / "c.txt").write_bytes(b"")
    result = _run("mine", folder, "--db", tmp_path / "e.db")
    assert result.exit_code == EXIT_SKIPPED
    problem_lines = [line for line in result.stderr.splitlines() if line.startswith("skipped")]
    assert problem_lines == ["skipped: b.docx: unsupported file type '.docx'", "skipped: c.txt: empty file"]
    assert "Traceback" not in result.output


def test_errors_are_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["inspect", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [f"Error: {tmp_path / 'none.db'}: no such store; mine something "
                                                  f"first (miner mine FOLDER --db {tmp_path / 'none.db'})"]


def test_inspect_filters(tmp_path):
    db = tmp_path / "e.db"
    _run("mine", SAMPLE, "--db", db)
    rows = lambda *args: [json.loads(x) for x in _run("inspect", "--db", db, "--json", *args).stdout.splitlines()]  # noqa: E731
    assert rows("--species", "mouse") and all(
        e["species"] == "NCBITaxon:10090" for r in rows("--species", "mouse") for e in r["evidence"])
    assert all("hedged" not in e or not e["hedged"] for r in rows("--no-hedged") for e in r["evidence"])
    assert rows("--hedged") and all(e["hedged"] for r in rows("--hedged") for e in r["evidence"])
    types = {r["object"] for r in rows("--type", "biomarker")}
    assert "HGNC:11892" in types and "MESH:D010146" not in {r["object"] for r in rows("--type", "biomarker")
                                                             if r["subject"] != "MESH:D010146"}


def test_show_paths_stats(tmp_path):
    db = tmp_path / "e.db"
    _run("mine", SAMPLE, "--db", db)
    shown = json.loads(_run("show", "tumour necrosis factor alpha", "--db", db, "--json").stdout)
    assert shown["id"] == "HGNC:11892" and "TNF-alpha" in shown["synonyms"]
    assert {i["id"] for i in shown["in"]["decreases"]} >= {"MESH:D013550", "MESH:D026302"}
    chains = json.loads(_run("paths", "swimming", "TNF", "--db", db, "--json").stdout)
    assert chains[0]["links"][0]["relation"] == "decreases" and chains[0]["links"][-1]["target"] == "HGNC:11892"
    assert chains[0]["links"][0]["evidence"]["sentence"]
    stats = json.loads(_run("stats", "--db", db, "--json").stdout)
    assert stats["articles"] == 6 and stats["findings"] == sum(stats["findings_by_relation"].values())
    missing = CliRunner().invoke(cli, ["show", "no such thing", "--db", str(db)])
    assert missing.exit_code == 1 and "no concept matches" in missing.stderr


def test_every_command_has_an_example_in_its_help():
    for name in ("mine", "export", "inspect", "show", "paths", "stats", "view", "evaluate", "ingest"):
        assert "Example:" in _run(name, "-h").stdout


def test_annotate_draws_entities_effects_and_findings(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Swimming reduced TNF-α by 30% (p = 0.01) in rats <b>bold</b>.\n")
    out = tmp_path / "a.html"
    result = _run("annotate", article, "-o", out)
    assert result.exit_code == 0, result.output
    page = out.read_text()
    import re

    assert re.search(r"intervention\s*<a [^>]*>MESH:D013550</a>", page)
    assert re.search(r"biomarker\s*<a [^>]*>HGNC:11892</a>", page)
    assert "effect p_value" in page
    assert "<td>decreases</td>" in page
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page


def test_mining_a_folder_that_does_not_exist_is_a_usage_error_and_creates_nothing(tmp_path):
    db = tmp_path / "out" / "e.db"
    result = CliRunner().invoke(cli, ["mine", str(tmp_path / "no-such-folder"), "--db", str(db)])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert not (tmp_path / "out").exists()


def test_mine_stats_and_inspect_count_in_the_same_words(tmp_path):
    """A finding is one (subject, relation, object); an evidence sentence one sentence stating one."""
    import re

    db = tmp_path / "e.db"
    mined = _run("mine", SAMPLE, "--db", db)
    said = re.search(r"holds (\d+) articles, (\d+) findings, (\d+) evidence sentences", mined.stderr)
    assert said, mined.stderr
    articles, findings, evidence = map(int, said.groups())
    stats = json.loads(_run("stats", "--db", db, "--json").stdout)
    from miner.store import Store

    with Store.open(db, create=False) as store:
        stored = store.findings()
        truth = (len(store.articles()), len(stored), sum(len(f.evidence) for f in stored))
    assert articles == 6 and findings > 0
    assert (stats["articles"], stats["findings"], stats["evidence"]) == (articles, findings, evidence) == truth
    assert stats["evidence_own"] + stats["evidence_background"] == evidence
    table = _run("stats", "--db", db).stdout
    assert re.search(rf"findings\s+{findings}\b", table) and re.search(rf"evidence sentences\s+{evidence} ", table)
    shown = _run("inspect", "--db", db, "--limit", "0", "--json").stdout.splitlines()
    assert len(shown) == findings
    assert f"{findings} of {findings} findings shown" in _run("inspect", "--db", db, "--limit", "0").stderr
    again = _run("mine", SAMPLE, "--db", db)
    assert f"holds {articles} articles, {findings} findings, {evidence} evidence sentences" in again.stderr


def test_mining_progress_counts_the_input_bytes_first(tmp_path, nlp):
    from miner.mining import mine

    folder = tmp_path / "c"
    folder.mkdir()
    for number in range(4):
        (folder / f"a{number}.txt").write_text(f"Yoga reduced pain in trial {number}. " * (number + 1))
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")  # skipped, yet counted as read
    total = sum(p.stat().st_size for p in folder.iterdir())
    seen: list[tuple[int, int, int]] = []
    mine([folder], tmp_path / "e.db", nlp=nlp, batch_size=1,
         on_progress=lambda r: seen.append((r.input_bytes, r.done_bytes, r.mined)))
    assert seen[0] == (total, 0, 0)  # the total is known before anything is mined
    assert all(t == total for t, _, _ in seen)
    done = [d for _, d, _ in seen]
    assert done == sorted(done) and done[-1] == total and len(set(done)) >= 4  # it moves batch by batch
    again: list[int] = []
    mine([folder], tmp_path / "e.db", nlp=nlp, on_progress=lambda r: again.append(r.done_bytes))
    assert again[0] == 0


def test_mining_shows_a_bar_with_total_and_eta_on_a_terminal(tmp_path):
    result = CliRunner(env={"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1", "COLUMNS": "120"}).invoke(
        cli, ["mine", str(SAMPLE), "--db", str(tmp_path / "e.db"), "--workers", "1"])
    assert result.exit_code == 0, result.stderr
    assert "ETA" in result.stderr and "/5.8 kB" in result.stderr
    assert result.stdout == ""  # progress goes to stderr only


PUBMED_RECORD = """<?xml version="1.0"?>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>39000004</PMID><Article>
<Journal><Title>Pain Reports</Title><JournalIssue><PubDate><Year>2023</Year></PubDate></JournalIssue></Journal>
<ArticleTitle>Yoga and low back pain: a pilot trial</ArticleTitle>
<Abstract><AbstractText>Yoga reduced pain intensity by 30% at 12 weeks.</AbstractText></Abstract>
</Article></MedlineCitation>
<PubmedData><ArticleIdList><ArticleId IdType="pubmed">39000004</ArticleId><ArticleId IdType="pmc">PMC11000004</ArticleId>
</ArticleIdList></PubmedData></PubmedArticle></PubmedArticleSet>
"""


def test_the_full_text_supersedes_the_abstract_of_the_same_article(tmp_path):
    """fetch pubmed, then fetch pmc --from-pubmed, then mine both: the full text is kept."""
    import shutil

    from miner.store import Store

    (tmp_path / "pubmed").mkdir()
    (tmp_path / "pubmed" / "PMID_39000004.xml").write_text(PUBMED_RECORD, encoding="utf-8")
    (tmp_path / "pmc").mkdir()
    shutil.copy(Path(__file__).parent / "fixtures" / "sources" / "bioc_pmc.json", tmp_path / "pmc" / "PMC11000004.json")
    db = tmp_path / "e.db"
    for order in (["pubmed", "pmc"], ["pmc", "pubmed"], ["pubmed", "pmc"]):  # either order; then a re-run
        result = _run("mine", *(tmp_path / o for o in order), "--db", db)
        assert result.exit_code == 0, result.stderr
        assert "same article id" not in result.stderr and "1 read twice (the fuller record kept)" in result.stderr
        with Store.open(db) as store:
            assert [a.id for a in store.articles()] == ["PMID:39000004"]
            assert store.article_origin("PMID:39000004")[0] == "PMC11000004.json"
            assert "Low back pain is common." in store.article_text("PMID:39000004")
    assert "0 articles mined, 1 unchanged" in result.stderr  # the re-run mines nothing again


def test_evaluate_says_it_mines_first():
    gold = Path(__file__).parent / "fixtures" / "gold"
    result = CliRunner().invoke(cli, ["evaluate", str(gold), "--mine", "--json"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"mining the texts of {gold} first")
    assert json.loads(result.stdout)["gold"]  # stdout keeps the scores only


def test_denied_findings_are_shown_as_evidence_against(tmp_path):
    db = tmp_path / "e.db"
    _run("mine", Path(__file__).parent / "fixtures" / "denials", "--db", db)
    rows = [json.loads(x) for x in _run("inspect", "--db", db, "--subject", "IL-6", "--json").stdout.splitlines()]
    by_relation = {r["relation"]: r for r in rows}
    assert by_relation["associated_with"]["support"] == 1 and "denies" not in by_relation["associated_with"]
    assert by_relation["no_effect"]["denies"] == {"associated_with": 2}
    table = _run("inspect", "--db", db, "--subject", "IL-6").stdout
    assert "denies associated_with (2 articles)" in table
    evidence = _run("inspect", "--db", db, "--subject", "IL-6", "--relation", "no_effect", "--evidence").stdout
    assert evidence.count("denies associated_with") == 3  # the finding's line and each of its two sentences
    shown = json.loads(_run("show", "IL-6", "--db", db, "--json").stdout)
    assert shown["out"]["no_effect"][0]["denies"] == {"associated_with": 2}
    assert shown["out"]["associated_with"][0]["conflicts_with"] == ["no_effect"]
