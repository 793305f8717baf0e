"""Mentions: the article's entity spans, each normalised to a concept id.

The spans are the trained entity recognizer's (``doc.ents``) when the pipeline has one,
else the candidates of :mod:`miner.pipeline.entities`. Each span gets a concept:

1. the candidate with exactly its extent (a lexicon term, a defined abbreviation or
   its long form);
2. else the lexicon concept whose term has its normal form;
3. else a short form that the article defines takes its long form's concept, so that
   "CCI" and "chronic constriction injury" are one node;
4. else the candidate that is the span's head, when the rest only says what was
   measured or where ("serum IL-6 levels" is IL-6);
5. else a concept of its own, ``MINER:<slug>`` of its normal form, named as written.

The span's type is the recognizer's (a drug arm is an intervention even where the
lexicon files it as a chemical); the concept id stays the lexicon's.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from miner.pipeline import extensions
from miner.pipeline.entities import SPAN_KEY, slugify
from miner.pipeline.lexicon import Lexicon, default_lexicon_path
from miner.pipeline.normalize import norm_text

#: Words around a named concept that say what was measured of it, or where.
_MEASURED = re.compile(
    r"^(?:(?:the|of|in|blood|serum|plasma|salivary|urinary|circulating|muscle|changes?|mean|total|"
    r"concentrations?|levels?|counts?|expression|activity|content|values?|amounts?|scores?|"
    r"ratings?|results?|measures?|measurements?)\s*)+$", re.I)


def measured_rest(span_text: str, head_text: str) -> bool:
    """Whether ``span_text`` is ``head_text`` with only measurement words around it.

    >>> measured_rest("serum IL-6 levels", "IL-6"), measured_rest("knee pain", "pain")
    (True, False)
    """
    index = span_text.find(head_text)
    if index < 0:
        return False
    rest = (span_text[:index] + " " + span_text[index + len(head_text):]).strip()
    return not rest or bool(_MEASURED.match(rest))


def mention_record(text: str, span: Span, kind: str, cid: str, name: str, source: str,
                   specimen: bool = False) -> dict[str, Any]:
    """The plain record of one mention (``doc._.miner_entities``)."""
    return {
        "start": span.start_char,
        "end": span.end_char,
        "token_start": span.start,
        "token_end": span.end,
        "text": text[span.start_char:span.end_char],
        "type": kind,
        "id": cid,
        "name": name,
        "source": source,
        **({"specimen": True} if specimen else {}),
    }


class MentionBuilder:
    """Writes ``doc._.miner_entities`` from the recognizer's spans or the candidates."""

    def __init__(self, nlp: Language, name: str, lexicon: str = "", use_ner: bool = True) -> None:
        self.name = name
        self.lexicon = Lexicon.load(lexicon or default_lexicon_path())
        self.use_ner = use_ner

    def __call__(self, doc: Doc) -> Doc:
        text = extensions.doc_text(doc)
        candidates = list(doc.spans[SPAN_KEY]) if SPAN_KEY in doc.spans else []
        names = extensions.get(doc, "miner_names")
        mentions = extensions.get(doc, "miner_entities")
        mentions.clear()
        if not self.use_ner or not doc.has_annotation("ENT_IOB"):
            for span in candidates:
                mentions.append(self._record(text, span, span.label_, span.kb_id_, names, "candidate"))
            return doc
        by_extent = {(c.start, c.end): c for c in candidates}
        short_forms = self._short_forms(doc, by_extent)
        for span in doc.ents:
            cid, source = self._concept(text, span, by_extent, candidates, short_forms, names)
            mentions.append(self._record(text, span, span.label_, cid, names, source))
        return doc

    def _record(self, text: str, span: Span, kind: str, cid: str, names: dict[str, str],
                source: str) -> dict[str, Any]:
        known = self.lexicon.get(cid)
        written = text[span.start_char:span.end_char]
        name = known.name if known else names.get(cid) or _as_name(written)
        specimen = known is not None and "specimen" in known.flags
        if source == "candidate":
            source = "lexicon" if known else "definition"
        return mention_record(text, span, kind, cid, name, source, specimen)

    def _short_forms(self, doc: Doc, by_extent: dict[tuple[int, int], Span]) -> dict[str, str]:
        """Short form -> concept id of its long form, for the abbreviations the article defines."""
        out: dict[str, str] = {}
        for definition in extensions.get(doc, "miner_abbreviations"):
            cid = definition.get("id")
            if not cid:
                long_span = doc.char_span(definition["long_start"], definition["long_end"], alignment_mode="expand")
                if long_span is None:
                    continue
                candidate = by_extent.get((long_span.start, long_span.end))
                concept = self.lexicon.lookup(definition["long"])
                cid = candidate.kb_id_ if candidate is not None else concept.id if concept else \
                    f"MINER:{slugify(norm_text(definition['long']))}"
                extensions.get(doc, "miner_names").setdefault(cid, _as_name(" ".join(definition["long"].split())))
            out.setdefault(definition["short"], cid)
        return out

    def _concept(self, text: str, span: Span, by_extent: dict[tuple[int, int], Span], candidates: list[Span],
                 short_forms: dict[str, str], names: dict[str, str]) -> tuple[str, str]:
        exact = by_extent.get((span.start, span.end))
        if exact is not None:
            return exact.kb_id_, "candidate"
        written = text[span.start_char:span.end_char]
        concept = self.lexicon.lookup(written)
        if concept is not None:
            return concept.id, "lexicon"
        if written in short_forms:
            return short_forms[written], "definition"
        inside = [c for c in candidates if c.start >= span.start and c.end <= span.end]
        for candidate in sorted(inside, key=lambda c: c.end - c.start, reverse=True):
            if measured_rest(written, text[candidate.start_char:candidate.end_char]):
                return candidate.kb_id_, "candidate"
        cid = f"MINER:{slugify(norm_text(written))}"
        names.setdefault(cid, _as_name(" ".join(written.split())))
        return cid, "new"


def _as_name(text: str) -> str:
    """A concept name from a surface form: its first letter up ("pain scores" -> "Pain scores")."""
    return text[:1].upper() + text[1:] if text[:1].islower() else text


@Language.factory(
    "miner_entities",
    default_config={"lexicon": "", "use_ner": True},
    requires=["doc.spans"],
    assigns=["doc._.miner_entities"],
)
def make_mention_builder(nlp: Language, name: str, lexicon: str, use_ner: bool) -> MentionBuilder:
    """Mentions normalised to concept ids, from the entity recognizer or the candidates."""
    return MentionBuilder(nlp, name, lexicon=lexicon, use_ner=use_ner)
