"""Entity tagging: lexicon terms and text-defined abbreviations -> normalised mentions.

A spaCy ``PhraseMatcher`` on the ``NORM`` attribute (see
:mod:`miner.pipeline.normalize`) finds every lexicon term, longest match first.
Acronym terms must also match in upper case ("VAS", not "vas"). Short forms that an
article defines ("chronic constriction injury (CCI)") take the concept of their long
form wherever they occur; a defined short form whose long form names no concept but
reads like a scale or score ("Knee injury and Osteoarthritis Outcome Score (KOOS)")
becomes a new outcome concept, and one whose long form combines concepts ("CCI with
swimming exercise (CCISE)") is kept as a group name for the relation extractor.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from miner.pipeline import extensions
from miner.pipeline.abbreviations import find_definitions
from miner.pipeline.normalize import norm_text
from miner.pipeline.lexicon import (
    Concept,
    Lexicon,
    case_key,
    default_lexicon_path,
    is_case_sensitive,
)

SPAN_KEY = "miner_entities"
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


class EntityTagger:
    """Tags concept mentions into ``doc._.miner_entities`` and ``doc.spans``."""

    def __init__(self, nlp: Language, name: str, lexicon: str = "", abbreviations: bool = True) -> None:
        self.name = name
        self.lexicon = Lexicon.load(lexicon or default_lexicon_path())
        self.use_abbreviations = abbreviations
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.case_keys: dict[str, set[str]] = defaultdict(set)
        self._build(nlp)

    def _build(self, nlp: Language) -> None:
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

    # ------------------------------------------------------------------ tagging

    def __call__(self, doc: Doc) -> Doc:
        strings = doc.vocab.strings
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
            definitions = self._abbreviation_spans(doc, spans, new_names)
        kept = filter_spans(spans)
        doc.spans[SPAN_KEY] = kept
        mentions = extensions.get(doc, "miner_entities")
        mentions.clear()
        for span in kept:
            known = self.lexicon.get(span.kb_id_)
            mentions.append({
                "start": span.start_char,
                "end": span.end_char,
                "token_start": span.start,
                "token_end": span.end,
                "text": span.text,
                "type": span.label_,
                "id": span.kb_id_,
                "name": known.name if known else new_names.get(span.kb_id_, span.text),
                "source": "lexicon" if known else "definition",
            })
        extensions.get(doc, "miner_abbreviations").extend(definitions)
        return doc

    def _abbreviation_spans(
        self, doc: Doc, spans: list[Span], new_names: dict[str, str]
    ) -> list[dict[str, Any]]:
        """Spans for defined short forms; returns the definitions with their concepts."""
        definitions = find_definitions(doc)
        out = []
        for definition in definitions:
            long_start, long_end = definition["long_start"], definition["long_end"]
            inside = [s for s in spans if s.start_char >= long_start and s.end_char <= long_end]
            concept = self._resolve_long_form(definition["long"], inside, long_start, long_end)
            if concept is not None and concept[0] not in self.lexicon.concepts:
                new_names[concept[0]] = concept[2]
            members = sorted({s.kb_id_ for s in inside})
            entry = {**definition, "id": None, "type": None, "members": members}
            if concept is not None:
                cid, kind, name = concept
                entry.update(id=cid, type=kind, name=name)
                long_span = doc.char_span(long_start, long_end, label=kind, kb_id=cid,
                                          alignment_mode="expand")
                if long_span is not None and not inside:
                    spans.append(long_span)
                for start, end in definition["uses"]:
                    use = doc.char_span(start, end, label=kind, kb_id=cid, alignment_mode="expand")
                    if use is not None:
                        spans.append(use)
            out.append(entry)
        return out

    def _resolve_long_form(
        self, long_text: str, inside: list[Span], start: int, end: int
    ) -> tuple[str, str, str] | None:
        """The concept a long form names: a lexicon term covering it, or a new one."""
        concept: Concept | None = self.lexicon.lookup(long_text)
        if concept is not None:
            return concept.id, concept.type, concept.name
        length = max(end - start, 1)
        for span in sorted(inside, key=lambda s: s.end_char - s.start_char, reverse=True):
            if (span.end_char - span.start_char) / length >= 0.6 and len(inside) == 1:
                known = self.lexicon[span.kb_id_] if span.kb_id_ in self.lexicon.concepts else None
                if known is not None:
                    return known.id, known.type, known.name
        words = long_text.split()
        if not 2 <= len(words) <= 12 or any(s.label_ == "intervention" for s in inside):
            return None
        if _MEASURE_WORDS.search(long_text):
            kind = "outcome"
        elif _CONDITION_WORDS.search(long_text) and not inside:
            kind = "condition"
        else:
            return None
        name = " ".join(words)
        return f"MINER:{slugify(name)}", kind, name


@Language.factory(
    "miner_entities",
    default_config={"lexicon": "", "abbreviations": True},
    assigns=["doc._.miner_entities", "doc._.miner_abbreviations", "doc.spans"],
)
def make_entity_tagger(nlp: Language, name: str, lexicon: str, abbreviations: bool) -> EntityTagger:
    """Lexicon and abbreviation-based tagging of interventions, conditions, biomarkers,
    outcomes, species and anatomy, normalised to concept ids."""
    return EntityTagger(nlp, name, lexicon=lexicon, abbreviations=abbreviations)
