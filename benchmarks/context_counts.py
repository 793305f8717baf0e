#!/usr/bin/env python
"""Counts of the study context that a researcher filters and counts by, on the dev corpus.

Run by hand (not a test) on ``../shared/corpora/evidence_inference_exercise/articles``
(randomised trials from PMC, almost all in people): mines the articles with this
checkout's pipeline (or reads a store mined earlier, ``--db``) and counts what the
issue "Study context and counts that a researcher can trust" is about:

- design: articles by study type, and those typed ``animal`` (listed with ``--list``);
- species: the paper's own evidences with a non-human species that the article's title
  and abstract never name, and species mentions written in capitals that the lexicon
  does not write so (acronyms: "PIG", "CAT");
- sample sizes: evidences whose sample size the article never states as a count of
  subjects ("N patients", "n = N") but has right after a name ("protein 27");
- sentences: evidence sentences with a sentence end inside, after reference markers
  ("pain.3 However");
- claims: the paper's "own" evidences whose sentence names others as the ones who
  found it ("et al. showed", "a previous study found", "(Smith 2010)");
- denials: edges whose support counts a sentence that denies them ("not associated");
- titles and sections: titles that keep a "TITLE:" label, and PMC header lines
  (``ABSTRACT.X::``, ``1BODY.X:``) read as text of a section, not as its header.

The checks use plain patterns of their own, so that a count stays comparable across
versions: run this script from an older checkout (with ``--db`` of a store it mined)
for the "before" numbers.

    python benchmarks/context_counts.py --shared ../shared [--db STORE] [--list] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from miner.articles.sections import detect_sections  # noqa: E402
from miner.graph import graph_from_store  # noqa: E402
from miner.pipeline.lexicon import Lexicon, default_lexicon_path  # noqa: E402
from miner.store import Store  # noqa: E402

HUMAN = "NCBITaxon:9606"
SUBJECTS = (r"patients|participants|subjects|women|men|adults|children|adolescents|volunteers|individuals|"
            r"people|athletes|students|workers|elderly|infants|rats|mice|animals|dogs|pigs|goats|sheep|rabbits")
_HEADER_LINE = re.compile(r"^[ \t]*\d{0,3}(?:TITLE|ABSTRACT|BODY)(?:[.:][^\n]*)?$", re.M)
_BODY_LINE = re.compile(r"^[ \t]*\d{0,3}BODY\b", re.M)
_GLUED = re.compile(r"[a-z)\]]\.(?:\[\d{1,3}(?:[,–-]\d{1,3})*\]|\(\d{1,3}(?:[,–-]\d{1,3})*\)|\d{1,3}(?:[,–-]\d{1,3})*)"
                    r"\s+[A-Z][a-z]")
_OTHERS_FOUND = re.compile(
    r"\bet al\b\.?,?\s*(?:\[[^\]]{1,20}\]|\d{1,3}(?:[,–-]\d{1,3})*)?,?\s+(?:also\s+)?(?:showed|found|reported|"
    r"demonstrated|observed)|\b(?:previous|prior|earlier|another)\s+(?:\w+\s+)?(?:study|studies|trials?)\b|"
    r"\(\s*[A-Z][A-Za-z'-]+(?: et al\.?)?,? (?:19|20)\d\d\)|\b(?:reported|shown|found) by [A-Z]", re.I)
_NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
                 "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred").split()


def _head(text: str) -> str:
    """Title and abstract: the text before the first BODY header, else its start."""
    body = _BODY_LINE.search(text)
    return text[:body.start()] if body else text[:3000]


def _word_number(words: str) -> int | None:
    total = 0
    for word in re.split(r"[\s-]+", words.lower()):
        if word == "and" or not word:
            continue
        if word not in _NUMBER_WORDS:
            return None
        value = _NUMBER_WORDS.index(word)
        value = value + 1 if value < 20 else (value - 17) * 10 if value < 27 else 100
        total = max(total, 1) * 100 if value == 100 else total + value
    return total or None


_WORDS = "|".join(_NUMBER_WORDS)
_STATED = re.compile(rf"(?<![\w.,-])(\d{{1,3}}(?:,\d{{3}})+|\d{{1,5}}|(?:{_WORDS})(?:[\s-]+(?:and\s+)?(?:{_WORDS}))*)"
                     rf"\s+(?:[A-Za-z][\w-]*\s+){{0,4}}?(?:{SUBJECTS})\b", re.I)


def _stated_counts(text: str) -> set[int]:
    """Numbers the text gives as counts of subjects: "N (up to four words) patients",
    "n = N"."""
    counts = {int(m.group(1)) for m in re.finditer(r"\b[nN]\s?=\s?(\d{1,5})\b", text)}
    for match in _STATED.finditer(text):
        raw = match.group(1)
        value = int(raw.replace(",", "")) if raw[0].isdigit() else _word_number(raw)
        if value:
            counts.add(value)
    return counts


def _species_words(lexicon: Lexicon) -> dict[str, re.Pattern[str]]:
    """For each species, its lexicon terms as a pattern of whole words, not in capitals."""
    out = {}
    for concept in lexicon.concepts.values():
        if concept.type == "species" and concept.id != HUMAN:
            terms = sorted({t for t in (concept.name, *concept.terms) if not t.isupper()}, key=len, reverse=True)
            out[concept.id] = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(t) for t in terms) + r")(?![\w-])",
                                         re.I)
    return out


def _unseen_headers(text: str) -> int:
    """PMC header lines that end up inside a detected section's text, as if they were
    a sentence of it (a header that starts a section, or an empty one, is seen)."""
    sections = detect_sections(text)
    unseen = 0
    for match in _HEADER_LINE.finditer(text):
        if any(s.start <= match.start() and match.end() <= s.end for s in sections):
            unseen += 1
    return unseen


def count(db: Path, listing: bool) -> dict:
    lexicon = Lexicon.load(default_lexicon_path())
    species_words = _species_words(lexicon)
    out: dict = {}
    with Store.open(db, create=False) as store:
        articles = store.articles()
        texts = {a.id: store.article_text(a.id) or "" for a in articles}
        findings = store.findings()
        mentions = store.mentions()
        graph = graph_from_store(store)
    types = Counter(a.study_type or "none" for a in articles)
    animal = [a for a in articles if a.study_type == "animal"]
    out["articles"] = len(articles)
    out["study_types"] = dict(types.most_common())
    out["typed_animal"] = len(animal)
    if listing:
        out["typed_animal_list"] = [f"{a.id}: {a.species[:3]} {(a.title or '')[:90]}" for a in animal]
    out["titles_with_TITLE_label"] = sum(1 for a in articles if (a.title or "").upper().startswith("TITLE:"))
    out["pmc_header_lines"] = sum(len(_HEADER_LINE.findall(t)) for t in texts.values())
    out["pmc_header_lines_read_as_text"] = sum(_unseen_headers(t) for t in texts.values())

    evidence = [(f, e) for f in findings for e in f.evidence]
    out["evidence"] = len(evidence)
    heads = {aid: _head(text) for aid, text in texts.items()}
    unnamed = [(f, e) for f, e in evidence if e.context.get("claim", "own") == "own"
               and e.species and e.species != HUMAN and e.species in species_words
               and not species_words[e.species].search(heads[e.article])]
    out["own_evidence_nonhuman_species_not_named_in_title_or_abstract"] = len(unnamed)
    out["articles_with_unnamed_species_evidence"] = len({e.article for _, e in unnamed})
    capitals = [m for m in mentions if m.concept.startswith("NCBITaxon:") and m.concept != HUMAN
                and sum(c.isalpha() for c in m.text) >= 2 and m.text.isupper()
                and m.text not in lexicon.concepts[m.concept].terms]
    out["species_mentions_in_capitals"] = len(capitals)

    counts = {aid: _stated_counts(text) for aid, text in texts.items()}
    with_n = [(f, e) for f, e in evidence if e.context.get("sample_size") and e.context.get("claim", "own") == "own"]
    not_stated = [(f, e) for f, e in with_n if int(e.context["sample_size"]) not in counts[e.article]]
    from_name = [(f, e) for f, e in not_stated
                 if re.search(rf"[A-Za-z][\w-]*[ -]{int(e.context['sample_size'])}\b", texts[e.article])]
    out["own_evidence_with_sample_size"] = len(with_n)
    out["own_evidence_sample_size_not_stated_as_a_count"] = len(not_stated)
    out["own_evidence_sample_size_not_stated_but_after_a_word"] = len(from_name)
    out["articles_with_unstated_sample_size"] = len({e.article for _, e in not_stated})
    if listing:
        out["sample_size_not_stated_list"] = sorted({f"{e.article}: n={e.context['sample_size']}"
                                                     for _, e in not_stated})

    sentences = {(e.article, e.start, e.end): e.sentence for _, e in evidence}
    glued = [s for s in sentences.values() if _GLUED.search(s)]
    out["evidence_sentences"] = len(sentences)
    out["evidence_sentences_glued_after_reference_markers"] = len(glued)

    own = [(f, e) for f, e in evidence if e.context.get("claim", "own") == "own"]
    out["own_evidence"] = len(own)
    out["own_evidence_naming_others_as_finders"] = sum(1 for _, e in own if _OTHERS_FOUND.search(e.sentence))

    denied_support = 0
    denied_edges = 0
    for _, _, _, attrs in graph.edges(keys=True, data=True):
        if attrs.get("relation") == "associated_with" and not attrs.get("cited_only"):
            denying = {e["article"] for e in attrs.get("evidence", []) if e.get("negated")}
            if denying:
                denied_edges += 1
                denied_support += len(denying)
    out["associated_with_edges_supported_by_denials"] = denied_edges
    out["support_from_denials"] = denied_support
    out["edges"] = graph.number_of_edges()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--db", type=Path, help="a store already mined from the corpus (else it is mined now)")
    parser.add_argument("--list", action="store_true", help="list the articles behind some counts")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    articles = args.shared / "corpora" / "evidence_inference_exercise" / "articles"
    if args.db is None and not articles.is_dir():
        sys.exit(f"{articles}: not found; give --shared PATH (the folder with corpora/)")
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            from miner.mining import mine

            db = Path(tmp) / "context.db"
            print(f"mining {articles} ...", file=sys.stderr)
            mine([articles], db)
        elif not db.is_file():
            sys.exit(f"{db}: no such store")
        result = count(db, args.list)
    if args.json:
        print(json.dumps(result, indent=1))
        return
    for key, value in result.items():
        if isinstance(value, list):
            print(f"{key}:")
            for line in value:
                print(f"  {line}")
        else:
            print(f"{key:<58} {value}")


if __name__ == "__main__":
    main()
