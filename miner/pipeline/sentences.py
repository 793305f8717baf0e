"""Sentence boundaries for scientific text (pure rules, then the component).

:func:`sentence_starts` finds where sentences start in a text: after ``.``/``!``/``?``
followed by a capital, digit or bracket (but not after "et al.", "Fig.", "vs.", "e.g."
and initials), after reference markers that follow a full stop ("pain.3 However",
"pain.[12] In"), at blank lines, and at line breaks that do not continue a wrapped
sentence. Headings ("RESULTS:") end a sentence. Over-long "sentences" (tables turned into
text) are cut at semicolons or every ``max_tokens`` tokens so that no component pays
quadratic costs on them.
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from miner.articles.sections import INLINE_LABEL
from miner.pipeline import extensions

_NO_BREAK_AFTER = frozenset(
    """al e.g eg i.e ie vs v cf fig figs no nos vol vols pp p ref refs eq eqs tab approx
    ca dr mr mrs ms prof st jr sr inc ltd co corp dept univ est min max resp viz etc
    sp spp var subsp mg kg ml mm cm km hr hrs wk wks yr yrs mo mos nr sec""".split()
)
_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_NEXT = re.compile(r"\s+([\"'“‘(\[]?)([A-Z0-9])")
_GLUED = re.compile(r"[)\]]\.(?=[A-Z][a-z]{2})")
#: A sentence's full stop followed by its reference markers, superscripts turned into
#: text: "...in pain.3 However", "...(MI).[5-8] In", "...sessions.(9,10) Patients". Only
#: after a word or a bracket (never a decimal: "0.3 mg"), and only before a capital.
_CITED_END = re.compile(
    r"(?<=[A-Za-z)\]%])\.(?:\[\s*\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\s*\]|\(\s*\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\s*\)|"
    r"\d{1,3}(?:\s?[,–-]\s?\d{1,3})*)"
    r"[ \t]+(?=[\"'“‘(\[]?[A-Z])")
#: Words after which a number is part of the reference, not a reference marker: "Fig.3".
_NUMBERED_BEFORE = frozenset("fig figs no nos vol vols p pp ref refs eq eqs tab table ch chap sec sect step "
                             "version ver v exp".split())


def sentence_starts(text: str) -> list[int]:
    """Character offsets at which a sentence starts (0 excluded), in order.

    >>> sentence_starts("Pain fell (Smith et al. 2001). Fig. 2 shows it. RESULTS:\\nIt rose.")
    [31, 48, 57]
    """
    starts: set[int] = set()
    for match in _END.finditer(text):
        end = match.end()
        nxt = _NEXT.match(text, end)
        if not nxt:
            continue
        dot = match.group(0)[0]
        if dot == ".":
            before = _WORD_BEFORE.search(text, max(0, match.start() - 40), match.start())
            word = before.group(1).lower().rstrip(".") if before else ""
            if word in _NO_BREAK_AFTER:
                continue
            if before and len(before.group(1)) == 1 and before.group(1).isupper():
                continue  # an initial: "J. Smith"
            if text[match.start() - 1: match.start()].isdigit() and nxt.group(2).isdigit():
                continue  # "2. 5" in lists of numbers
        starts.add(nxt.start(1) if nxt.group(1) else nxt.start(2))
    # Line structure: blank lines always break; a single newline breaks unless it
    # continues a wrapped sentence (lower-case or comma before, lower-case after).
    for match in re.finditer(r"\n[ \t]*", text):
        after = match.end()
        while after < len(text) and text[after] in " \t\n\r":
            after += 1
        if after >= len(text):
            continue
        before = text[max(0, match.start() - 200): match.start()].rstrip(" \t")
        prev = before[-1:] if before else ""
        if "\n" in text[match.end(): after] or not prev:
            starts.add(after)
            continue
        if (prev.islower() or prev in ",-(") and text[after].islower():
            continue
        starts.add(after)
    # Reference markers after the full stop: "...pain.3 However, ..." (but "Fig.3 A" is a figure).
    for match in _CITED_END.finditer(text):
        before = _WORD_BEFORE.search(text, max(0, match.start() - 40), match.start())
        if before and before.group(1).lower().rstrip(".") in _NUMBERED_BEFORE:
            continue
        starts.add(match.end())
    # A sentence glued to the next by a lost space after a citation: "(Fig. 5).Fig. 2 Mean".
    for match in _GLUED.finditer(text):
        starts.add(match.end())
    # An inline section label ("RESULTS: Pain fell", "**Methods:** We...") ends there.
    for match in INLINE_LABEL.finditer(text):
        starts.add(match.end())
    return sorted(s for s in starts if 0 < s < len(text))


class SentenceSegmenter:
    """Sets ``Token.is_sent_start`` from :func:`sentence_starts`."""

    def __init__(self, nlp: Language, name: str, max_tokens: int = 200) -> None:
        self.name = name
        self.max_tokens = max_tokens

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        values = numpy.full(len(doc), -1, dtype="int32")
        values[0] = 1
        idx = doc.to_array("IDX")
        space = doc.to_array("IS_SPACE")
        length = len(doc)
        for position in numpy.searchsorted(idx, sentence_starts(extensions.doc_text(doc))).tolist():
            while position < length and space[position]:
                position += 1
            if position < length:
                values[position] = 1
        self._cap(doc, values)
        doc.from_array([SENT_START], values.reshape(-1, 1).astype("uint64"))
        return doc

    def _cap(self, doc: Doc, values: numpy.ndarray) -> None:
        """Cut runs longer than ``max_tokens`` at a semicolon, else hard."""
        starts = list(numpy.flatnonzero(values == 1)) + [len(doc)]
        for begin, end in zip(starts, starts[1:]):
            position = begin
            while end - position > self.max_tokens:
                window = range(position + self.max_tokens // 2, position + self.max_tokens)
                cut = next((i + 1 for i in reversed(window) if doc[i].text in {";", "\n"}), None)
                cut = cut or position + self.max_tokens
                values[cut] = 1
                position = cut


@Language.factory(
    "miner_sentences",
    default_config={"max_tokens": 200},
    assigns=["token.is_sent_start"],
)
def make_sentence_segmenter(nlp: Language, name: str, max_tokens: int) -> SentenceSegmenter:
    """Rule-based sentence boundaries for scientific articles."""
    return SentenceSegmenter(nlp, name, max_tokens=max_tokens)
