"""Entity candidates: lexicon terms and text-defined abbreviations -> normalised spans.

The candidates are what the lexicon, the article's abbreviations and the phrase
patterns propose; :mod:`miner.pipeline.mentions` turns them (or the trained entity
recognizer's spans, which use them as features) into the article's mentions.

A spaCy ``PhraseMatcher`` on the ``NORM`` attribute (see
:mod:`miner.text`) finds every lexicon term, longest match first.
Acronym terms must also match in upper case ("VAS", not "vas"). Short forms that an
article defines ("chronic constriction injury (CCI)") take the concept of their long
form wherever they occur; a defined short form whose long form names no concept but
reads like a scale or score ("Knee injury and Osteoarthritis Outcome Score (KOOS)")
becomes a new outcome concept, and one whose long form combines concepts ("CCI with
swimming exercise (CCISE)") is kept as a group name for the relation extractor.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import pickle
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from miner.pipeline import extensions
from miner.pipeline.abbreviations import find_definitions
from miner.pipeline.caseless import lowered
from miner.pipeline.phrases import find_phrases
from miner.text import norm_text
from miner.pipeline.lexicon import (
    Entry,
    Lexicon,
    case_key,
    default_lexicon_path,
    is_case_sensitive,
)

SPAN_KEY = "miner_candidates"
_CS_PREFIX = "cs|"

_MEASURE_WORDS = re.compile(
    r"\b(scale|score|scores|index|questionnaire|inventory|test|profile|measure|survey|"
    r"assessment|rating|battery|instrument|subscale)\b", re.I)
_CONDITION_WORDS = re.compile(r"\b(pain|syndrome|disease|disorder|injury|injuries|itis|osis|"
                              r"dysfunction|deficiency|failure|neuropathy|lesion)\b", re.I)


def slugify(text: str) -> str:
    """A ``MINER:`` slug for a name ("Knee injury and Osteoarthritis Outcome Score" -> ...)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60].rstrip("-") or "concept"


def _occurrences(phrase: str, text: str, low: str | None) -> list[tuple[int, int]]:
    """Where ``phrase`` recurs in ``text`` as whole words, in any case: (start, end)."""
    needle = phrase.lower()
    if low is None or len(needle) != len(phrase):
        return [(m.start(), m.end()) for m in re.finditer(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text, re.I)]
    out, index = [], low.find(needle)
    while index >= 0 and needle:
        end = index + len(needle)
        before = low[index - 1] if index else " "
        after = low[end] if end < len(low) else " "
        if not (before.isalnum() or before in "_-") and not (after.isalnum() or after in "_-"):
            out.append((index, end))
            index = low.find(needle, end)
        else:
            index = low.find(needle, index + 1)
    return out


# ----------------------------------------------------------------------------- pattern cache

def cache_dir() -> Path | None:
    """Where compiled lexicon patterns are kept: ``$MINER_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/miner`` or ``~/.cache/miner``; None when caching is off
    (``MINER_CACHE_DIR=""``)."""
    configured = os.environ.get("MINER_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "miner"


def pattern_cache_path(lexicon_digest: str) -> Path | None:
    """The cache file for the patterns of a lexicon (by the hash of its files) as
    tokenized by this code and this spaCy: its name hashes all of these, so any change
    to them builds (and caches) the patterns anew."""
    folder = cache_dir()
    if folder is None or not lexicon_digest:
        return None
    import scispacy
    import spacy

    digest = hashlib.sha1(lexicon_digest.encode())
    here = Path(__file__).resolve().parent
    for path in (here / "entities.py", here / "lexicon.py", here / "tokenizer.py", here.parent / "text.py"):
        digest.update(path.read_bytes())
    digest.update(f"{spacy.__version__} {scispacy.__version__} {_CACHE_FORMAT}".encode())
    return folder / f"patterns-{digest.hexdigest()[:20]}.pickle"


def _add_patterns(nlp: Language, matcher: PhraseMatcher, patterns: dict[str, set[tuple[int, ...]]]) -> None:
    """Add cached token-hash patterns. The matcher makes a lexeme of each key (a concept
    id such as "MESH:D015444", never a word of an article); computing the lexical
    attributes of 18,000 such strings is most of the cost, so it is skipped."""
    getters = nlp.vocab.lex_attr_getters
    nlp.vocab.lex_attr_getters = {}
    try:
        for key, specs in patterns.items():
            matcher.add(key, list(specs))
    finally:
        nlp.vocab.lex_attr_getters = getters


_CACHE_FORMAT = 1


def load_patterns(path: Path | None) -> tuple[dict[str, set[tuple[int, ...]]], dict[str, set[str]]] | None:
    """(token-hash patterns, case keys) cached at ``path``, or None (absent or unreadable)."""
    if path is None or not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)
    except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, never an error
        return None
    return data if isinstance(data, tuple) and len(data) == 2 else None


def save_patterns(path: Path | None, patterns: tuple[dict[str, set[tuple[int, ...]]], dict[str, set[str]]]) -> None:
    """Keep the patterns for the next start (written atomically; failures ignored)."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
        with temporary.open("wb") as handle:
            pickle.dump(patterns, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        pass


class CandidateTagger:
    """Tags concept candidates into ``doc.spans["miner_candidates"]`` (label = type,
    ``kb_id`` = concept id) and the names of the concepts an article defines into
    ``doc._.miner_names``."""

    def __init__(self, nlp: Language, name: str, lexicon: str = "", abbreviations: bool = True,
                 phrases: bool = True) -> None:
        self.name = name
        self.lexicon = Lexicon.load(lexicon or default_lexicon_path())
        self.use_abbreviations = abbreviations
        self.use_phrases = phrases
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.case_keys: dict[str, set[str]] = defaultdict(set)
        self._build(nlp)

    def _build(self, nlp: Language) -> None:
        cache = pattern_cache_path(self.lexicon.digest)
        cached = load_patterns(cache)
        if cached is not None:
            patterns, case_keys = cached
            self.case_keys.update(case_keys)
            _add_patterns(nlp, self.matcher, patterns)
            return
        grouped: dict[str, list[str]] = defaultdict(list)
        seen: set[tuple[str, str]] = set()
        for term, cid in self.lexicon.terms():
            if is_case_sensitive(term):
                key = _CS_PREFIX + cid
                self.case_keys[cid].add(case_key(term))
            else:
                key = cid
            # Forms that differ only in what NORM erases ("Pains", "pain") are one pattern.
            marker = (key, term if key != cid else norm_text(term))
            if marker in seen:
                continue
            seen.add(marker)
            grouped[key].append(term)
        for key, terms in grouped.items():
            self.matcher.add(key, list(nlp.tokenizer.pipe(terms)))
        # Tokenizing ~66,000 lexicon terms filled the tokenizer's cache with entries that
        # articles rarely hit and that slow every later lookup (about a fifth of the
        # tokenizer's time on the benchmark corpus); setting the rules again empties it.
        if hasattr(nlp.tokenizer, "rules"):
            nlp.tokenizer.rules = nlp.tokenizer.rules
        save_patterns(cache, (self.matcher.__reduce__()[1][1], dict(self.case_keys)))

    # ------------------------------------------------------------------ tagging

    def __call__(self, doc: Doc) -> Doc:
        strings = doc.vocab.strings
        text = extensions.doc_text(doc)
        spans: list[Span] = []
        for match_id, start, end in self.matcher(doc):
            key = strings[match_id]
            if key.startswith(_CS_PREFIX):
                cid = key[len(_CS_PREFIX):]
                if case_key(doc[start:end].text) not in self.case_keys[cid]:
                    continue
            else:
                cid = key
            concept = self.lexicon.concepts[cid]
            spans.append(Span(doc, start, end, label=concept.type, kb_id=cid))
        definitions: list[dict[str, Any]] = []
        new_names: dict[str, str] = {}
        if self.use_abbreviations:
            definitions = self._abbreviation_spans(doc, text, spans, new_names)
        if spans:
            self._elliptic_arms(doc, text, spans)
        kept = [s for s in filter_spans(spans) if not _in_title(text, s)]
        if self.use_phrases:
            kept = self._phrase_spans(doc, text, kept, new_names)
        doc.spans[SPAN_KEY] = self._marked(doc, kept, definitions)
        names = extensions.get(doc, "miner_names")
        names.update(new_names)
        extensions.get(doc, "miner_abbreviations").extend(definitions)
        return doc

    def _marked(self, doc: Doc, spans: list[Span], definitions: list[dict[str, Any]]) -> list[Span]:
        """The spans with what the trained models read of them in ``span.id_``
        (:func:`miner.pipeline.features.candidate_indicators`): their source
        (``lexicon``, ``definition``, ``phrase``) and ``class``, ``control``, ``short``."""
        defined = {d["id"] for d in definitions if d.get("id")}
        shorts = {d["short"] for d in definitions}
        text = extensions.doc_text(doc)
        out = []
        for span in spans:
            cid = span.kb_id_
            known = self.lexicon.get(cid)
            marks = ["lexicon" if known is not None and cid not in defined else
                     "definition" if cid in defined else "phrase"]
            if known is not None and known.is_class:
                marks.append("class")
            if known is not None and "control" in known.flags:
                marks.append("control")
            if text[span.start_char:span.end_char] in shorts:
                marks.append("short")
            out.append(Span(doc, span.start, span.end, label=span.label, kb_id=span.kb_id, span_id=",".join(marks)))
        return out

    def _abbreviation_spans(
        self, doc: Doc, text: str, spans: list[Span], new_names: dict[str, str]
    ) -> list[dict[str, Any]]:
        """Spans for defined short forms (and their long forms wherever they recur);
        returns the definitions with their concepts."""
        definitions = find_definitions(doc, text)
        low = lowered(text) if definitions else None
        out = []
        for definition in definitions:
            long_start, long_end = definition["long_start"], definition["long_end"]
            inside = filter_spans([s for s in spans if s.start_char >= long_start and s.end_char <= long_end])
            concept = self._resolve_long_form(definition["long"], inside, long_start, long_end)
            members = sorted({s.kb_id_ for s in inside})
            entry = {**definition, "id": None, "type": None, "members": members}
            if concept is not None:
                cid, kind, name, parent = concept
                if cid not in self.lexicon.concepts:
                    new_names[cid] = name
                entry.update(id=cid, type=kind, name=name, parent=parent)
                places = _occurrences(definition["long"], text, low)
                for start, end in places + list(definition["uses"]):
                    span = doc.char_span(start, end, label=kind, kb_id=cid, alignment_mode="expand")
                    if span is not None:
                        spans.append(span)
            out.append(entry)
        return out

    def _resolve_long_form(
        self, long_text: str, inside: list[Span], start: int, end: int
    ) -> tuple[str, str, str, str | None] | None:
        """The concept a long form names: (id, type, name, parent id).

        A lexicon term that is the whole long form; else a study arm, when the long form
        names an intervention with more words ("lifestyle physical activity (LPA)",
        "Medical Qigong (MQ)"), as a new concept under it; else a single concept that
        covers most of it; else a new outcome (a scale or score) or condition. A long
        form that joins a population and an intervention ("CCI with swimming exercise")
        is a group name, left to the relation extractor (None here).
        """
        if _JOURNAL_BEFORE.search(long_text):
            return None
        concept: Entry | None = self.lexicon.lookup(long_text)
        if concept is not None:
            return concept.id, concept.type, concept.name, None
        words = long_text.split()
        name = " ".join(words)
        length = max(end - start, 1)
        if len(words) > 8 or _CLAUSE_WORDS.search(long_text):
            return None  # a clause, not a name: the detector's long form overshot
        interventions = [s for s in inside if s.label_ == "intervention"]
        # A population joined to an intervention ("CCI with swimming exercise") makes a
        # group name; a condition that only qualifies it ("fibromyalgia education") not.
        population = [s for s in inside if s.label_ in ("condition", "species")
                      and (not interventions or _JOINED.search(long_text))]
        joined = _JOINED.search(long_text)
        if joined and interventions and not any(s.start_char < start + joined.start() for s in interventions):
            return None  # "<population> with <intervention>": a group name
        if (interventions or _ARM_HEAD.search(long_text)) and not population and 2 <= len(words) <= 10:
            main = max(interventions, key=lambda s: s.end_char - s.start_char) if interventions else None
            if main is not None and (main.end_char - main.start_char) / length >= 0.9:
                known = self.lexicon.get(main.kb_id_)
                if known is not None:
                    return known.id, known.type, known.name, None
                return main.kb_id_, "intervention", name, None
            return f"MINER:{slugify(name)}", "intervention", name, main.kb_id_ if main is not None else None
        if interventions:
            return None
        for span in sorted(inside, key=lambda s: s.end_char - s.start_char, reverse=True):
            if (span.end_char - span.start_char) / length >= 0.6 and len(inside) == 1:
                known = self.lexicon.get(span.kb_id_)
                if known is not None:
                    return known.id, known.type, known.name, None
        if not 2 <= len(words) <= 12:
            return None
        if _MEASURE_WORDS.search(long_text):
            kind = "outcome"
        elif _CONDITION_WORDS.search(long_text) and not inside:
            kind = "condition"
        else:
            return None
        return f"MINER:{slugify(name)}", kind, name, None

    def _phrase_spans(self, doc: Doc, text: str, kept: list[Span], new_names: dict[str, str]) -> list[Span]:
        """Add outcome and arm phrases that no lexicon term covers (see :mod:`.phrases`)."""
        added: list[Span] = []
        starts = [s.start_char for s in kept]
        for sent_start, sent_end in extensions.sentence_bounds(doc):
            chunk = text[sent_start:sent_end]
            if not _RESULTISH.search(chunk):
                continue
            for phrase in find_phrases(chunk):
                start, end = sent_start + phrase.start, sent_start + phrase.end
                lo = bisect.bisect_left(starts, start - 80)
                hi = bisect.bisect_left(starts, end)
                overlapping = [s for s in kept[lo:hi] if s.start_char < end and start < s.end_char]
                covered = sum(min(end, s.end_char) - max(start, s.start_char) for s in overlapping)
                if covered * 2 >= end - start:
                    continue  # the lexicon names (most of) it
                if any(s.label_ == "intervention" for s in overlapping) and phrase.type == "outcome" \
                        and not _USE_HEAD.search(phrase.text):
                    continue  # but "morphine consumption" is an outcome, not the drug
                if any(s.label_ in ("biomarker", "outcome") for s in overlapping):
                    rest = text[start:end]
                    for s in overlapping:
                        rest = rest.replace(s.text, " ")
                    if _MEASURED.match(rest.strip() or "level"):
                        continue  # "VEGF concentration", "RMDQ scores": the named concept itself
                known = self.lexicon.lookup(phrase.text)
                if known is not None:
                    cid, kind, name = known.id, known.type, known.name
                else:
                    name = phrase.text[0].upper() + phrase.text[1:] if phrase.text[:1].islower() else phrase.text
                    cid, kind = f"MINER:{slugify(phrase.text)}", phrase.type
                    if kind == "outcome" and any(s.label_ == "biomarker" for s in overlapping):
                        kind = "biomarker"  # "creatine kinase MB activity" measures a molecule
                    new_names.setdefault(cid, " ".join(name.split()))
                span = doc.char_span(start, end, label=kind, kb_id=cid, alignment_mode="expand")
                if span is not None:
                    added.append(span)
        if not added:
            return kept
        added = filter_spans(added)
        added_starts = [a.start for a in added]
        keep = []
        for span in kept:
            index = bisect.bisect_right(added_starts, span.end - 1) - 1
            near = added[max(0, index - 1):index + 2]
            if not any(span.start < a.end and a.start < span.end for a in near):
                keep.append(span)
        return filter_spans(keep + added)

    def _elliptic_arms(self, doc: Doc, text: str, spans: list[Span]) -> None:
        """"strength and endurance training", "aerobic and resistance exercise": the first
        conjunct shares the second's head noun, and is an intervention of its own."""
        for span in list(spans):
            if span.label_ != "intervention":
                continue
            head = _HEAD_WORD.search(span.text)
            if head is None:
                continue
            before = text[max(0, span.start_char - 60):span.start_char]
            match = _CONJUNCT.search(before)
            if match is None:
                continue
            word = match.group("word")
            concept = self.lexicon.lookup(f"{word} {head.group(0)}")
            if concept is None or concept.type != "intervention":
                continue
            start = span.start_char - len(before) + match.start("word")
            new = doc.char_span(start, start + len(word), label="intervention", kb_id=concept.id,
                                alignment_mode="expand")
            if new is not None:
                spans[:] = [s for s in spans if not (s.start == new.start and s.end == new.end)]
                spans.append(new)


_JOURNAL_BEFORE = re.compile(r"\bjournal\b", re.I)
_TITLE_BEFORE = re.compile(r"\b(?:[Jj]ournal(?:\s+of)?|[Pp]ublished\s+in)\s+(?:(?:the\s+)?[A-Z][\w'-]*\s+(?:(?:and|of|&|for|in)\s+)?)*$")


def _in_title(text: str, span: Span) -> bool:
    """A word in a journal's name ("the journal Anesthesia and Analgesia") names no concept."""
    if not text[span.start_char:span.start_char + 1].isupper():
        return False
    before = text[max(0, span.start_char - 80):span.start_char]
    return bool(_TITLE_BEFORE.search(before))


_USE_HEAD = re.compile(r"\b(?:consumption|use|usage|requirements?|intake|demand|doses?|dosage)$", re.I)
_CLAUSE_WORDS = re.compile(r"\b(?:was|were|is|are|been|randomly|assigned|allocated|received|who|which|that)\b", re.I)
_MEASURED = re.compile(r"^(?:(?:the|of|blood|serum|plasma|salivary|circulating|changes?|in|mean|total|"
                       r"concentrations?|levels?|counts?|expression|activity|content|values?|amounts?|"
                       r"scores?|ratings?|results?|measures?|intensity)\s*)+$", re.I)
_RESULTISH = re.compile(r"\b(?:signific|differ|improv|reduc|increas|decreas|lower|higher|greater|better|"
                        r"worse|change|effect|p\s?[<=>]|group|received|taking|treated|randomi)", re.I)
_JOINED = re.compile(r"\s(?:with|plus|and|\+|without|receiving|treated)\s|\+", re.I)
_ARM_HEAD = re.compile(r"\b(therapy|therapies|training|exercises?|programs?|programmes?|interventions?|treatment|"
                       r"education|stimulation|rehabilitation|physiotherapy|practice|class(?:es)?|sessions?)$", re.I)
_HEAD_WORD = re.compile(r"\b(training|exercises?|therapy|programs?|programmes?|interventions?)$", re.I)
_CONJUNCT = re.compile(r"(?<![\w-])(?P<word>[A-Za-z][\w-]*)\s*(?:and|or|/|&|,)\s*$")


@Language.factory(
    "miner_candidates",
    default_config={"lexicon": "", "abbreviations": True, "phrases": True},
    assigns=["doc._.miner_names", "doc._.miner_abbreviations", "doc.spans"],
)
def make_candidate_tagger(nlp: Language, name: str, lexicon: str, abbreviations: bool,
                          phrases: bool) -> CandidateTagger:
    """Lexicon, abbreviation and phrase candidates for interventions, conditions,
    biomarkers, outcomes, species and anatomy, normalised to concept ids."""
    return CandidateTagger(nlp, name, lexicon=lexicon, abbreviations=abbreviations, phrases=phrases)
