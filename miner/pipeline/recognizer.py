"""The trained entity recognizer, run where it matters.

A full text has some 8,000 tokens; the trained tok2vec and entity recognizer cost far
more per token than the tokenizer. They run on the article's head (title and
abstract) and on the sentences that may state a finding (a cue of a change, a
difference, an effect, an association, a statistic); elsewhere - methods,
eligibility, references to the literature - the lexicon's candidates stand for the
mentions. Both components stay in the pipeline (disabled, so that ``nlp()`` does not
run them on the whole Doc); this component runs them on the selected stretches.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from miner.pipeline import extensions
from miner.pipeline.cues import Rules, may_state_finding
from miner.pipeline.entities import SPAN_KEY

HEAD_CHARS = 3000


def focus_ranges(text: str, sentences: list[tuple[int, int]], head_end: int, rules: Rules) -> list[tuple[int, int]]:
    """Character ranges to run the recognizer on: the sentences that start in the
    head, and those that may state a finding (:func:`miner.pipeline.cues.may_state_finding`),
    adjacent ones joined.

    >>> from miner.pipeline.cues import Rules
    >>> focus_ranges("Aim. We ran. Pain fell. Age 40.", [(0, 4), (5, 12), (13, 23), (24, 31)], 4, Rules.load())
    [(0, 4), (13, 23)]
    """
    out: list[tuple[int, int]] = []
    for start, end in sentences:
        if start < head_end or may_state_finding(text, rules, start, end):
            if out and out[-1][1] >= start - 1 and _only_space(text, out[-1][1], start):
                out[-1] = (out[-1][0], end)
            else:
                out.append((start, end))
    return out


def _only_space(text: str, a: int, b: int) -> bool:
    return not text[a:b].strip()


class FocusedRecognizer:
    """Sets ``doc.ents``: the recognizer's entities where it ran, the candidates elsewhere."""

    def __init__(self, nlp: Language, name: str, tok2vec: str = "tok2vec", ner: str = "ner",
                 head_chars: int = HEAD_CHARS) -> None:
        self.nlp = nlp
        self.name = name
        self.tok2vec_name = tok2vec
        self.ner_name = ner
        self.head_chars = head_chars
        self.cues = Rules.load()

    def __call__(self, doc: Doc) -> Doc:
        text = extensions.doc_text(doc)
        sections = extensions.get(doc, "miner_article").get("sections") or []
        head_end = next((s["start"] for s in sections if s["label"].upper().startswith("BODY")), self.head_chars)
        ranges = focus_ranges(text, extensions.sentence_bounds(doc), head_end, self.cues)
        candidates = list(doc.spans[SPAN_KEY]) if SPAN_KEY in doc.spans else []
        pieces: list[tuple[int, Doc]] = []
        for start, end in ranges:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            piece = span.as_doc()
            piece.spans[SPAN_KEY] = [Span(piece, c.start - span.start, c.end - span.start, label=c.label,
                                          kb_id=c.kb_id, span_id=c.id)
                                     for c in candidates if c.start >= span.start and c.end <= span.end]
            pieces.append((span.start_char, piece))
        spans: list[Span] = []
        if pieces:
            tok2vec = self.nlp.get_pipe(self.tok2vec_name)
            ner = self.nlp.get_pipe(self.ner_name)
            docs = list(ner.pipe(tok2vec.pipe([p for _, p in pieces])))
            for (offset, _), piece in zip(pieces, docs):
                for ent in piece.ents:
                    found = doc.char_span(offset + ent.start_char, offset + ent.end_char, label=ent.label_)
                    if found is not None:
                        spans.append(found)
        covered = [(offset, offset + len(piece.text)) for offset, piece in pieces]
        for candidate in candidates:
            if not any(a <= candidate.start_char < b for a, b in covered):
                spans.append(Span(doc, candidate.start, candidate.end, label=candidate.label))
        doc.set_ents(filter_spans(spans), default="outside")
        return doc


@Language.factory(
    "miner_recognizer",
    default_config={"tok2vec": "tok2vec", "ner": "ner", "head_chars": HEAD_CHARS},
    requires=["doc.spans"],
    assigns=["doc.ents"],
)
def make_focused_recognizer(nlp: Language, name: str, tok2vec: str, ner: str, head_chars: int) -> Any:
    """The trained tok2vec and entity recognizer on the head and the result sentences;
    the lexicon's candidates elsewhere."""
    return FocusedRecognizer(nlp, name, tok2vec=tok2vec, ner=ner, head_chars=head_chars)
