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

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans, minibatch
from thinc.api import Model, NumpyOps

from miner.pipeline import extensions
from miner.pipeline.cues import Rules, may_state_finding
from miner.pipeline.entities import SPAN_KEY

HEAD_CHARS = 3000
FOCUS_KEY = "miner_focus"


#: Sections of a full text whose sentences may state the article's findings.
RESULT_SECTIONS = frozenset({"results", "discussion", "conclusions", "abstract", "title"})
#: In the discussion, which restates the results and weighs other work (half of a full
#: text's cue sentences stand there), only the sentences that speak of this study.
OWN_WORK = re.compile(r"\b(?:we|our)\b|\b(?:this|the present|the current|the) (?:study|trial|investigation|work)\b",
                      re.I)


def in_focus(text: str, sentences: Sequence[tuple[int, int]], head_end: int, rules: Rules,
             sections: Sequence[dict[str, Any]] = ()) -> list[bool]:
    """Which sentences the trained models look at: those that start in the head, and
    those that may state a finding (:func:`miner.pipeline.cues.may_state_finding`)
    outside the methods, the introduction and the back matter of a full text."""
    starts = [s["start"] for s in sections]
    out = []
    for start, end in sentences:
        index = bisect.bisect_right(starts, end - 1) - 1 if sections else -1
        if sections and (index < 0 or sections[index]["end"] <= start):
            out.append(False)  # a header label ("TITLE:", "ABSTRACT.RESULTS::") names no entity
            continue
        if start < head_end:
            out.append(True)
            continue
        if sections:
            index = bisect.bisect_right(starts, start) - 1
            if index < 0 or start >= sections[index]["end"] or sections[index]["kind"] not in RESULT_SECTIONS:
                out.append(False)
                continue
            if sections[index]["kind"] == "discussion" and not OWN_WORK.search(text, start, end):
                out.append(False)
                continue
        out.append(may_state_finding(text, rules, start, end))
    return out


def doc_focus(doc: Doc, rules: Rules, head_chars: int = HEAD_CHARS) -> list[bool]:
    """:func:`in_focus` for each of the Doc's sentences but the title, computed once per Doc."""
    focus = doc.user_data.get(FOCUS_KEY)
    if focus is None:
        text = extensions.doc_text(doc)
        sections = extensions.get(doc, "miner_article").get("sections") or []
        head_end = next((s["start"] for s in sections if s["label"].upper().startswith("BODY")), head_chars)
        sentences = extensions.sentence_bounds(doc)
        focus = in_focus(text, sentences, head_end, rules, sections)
        title = title_span(text, extensions.get(doc, "miner_article").get("title"))
        if title is not None:
            # A headline is unlike the abstracts the models learned from (no annotated
            # abstract has one): the title keeps the lexicon's candidates and states no
            # finding; the text restates what it announces.
            focus = [chosen and not (start < title[1] and title[0] < end)
                     for (start, end), chosen in zip(sentences, focus)]
        doc.user_data[FOCUS_KEY] = focus
    return focus


def focus_ranges(sentences: Sequence[tuple[int, int]], focus: Sequence[bool], text: str) -> list[tuple[int, int]]:
    """The sentences in focus as character ranges, adjacent ones joined.

    >>> focus_ranges([(0, 4), (5, 12), (13, 23), (24, 31)], [True, False, True, True], "Aim. We ran. Pain fell. Age 40.")
    [(0, 4), (13, 31)]
    """
    out: list[tuple[int, int]] = []
    for (start, end), chosen in zip(sentences, focus):
        if chosen:
            if out and out[-1][1] >= start - 1 and _only_space(text, out[-1][1], start):
                out[-1] = (out[-1][0], end)
            else:
                out.append((start, end))
    return out


def _named(spans: list[Span], candidates: list[Span]) -> list[Span]:
    """The recognizer's spans that are a class term followed by the name of one of its
    members ("the anti-inflammatory cytokine IL-10", "the opioid tramadol"), split in
    two: the named concept is a mention of its own, and so is the class (a candidate of
    a filled type, it is filled in afterwards like any candidate the recognizer left)."""
    by_start: dict[int, Span] = {}
    classes: dict[int, list[Span]] = {}
    for c in candidates:
        if "class" in (c.id_ or "").split(","):
            classes.setdefault(c.start, []).append(c)
        else:
            by_start[c.start] = c
    out = []
    for span in spans:
        head = next((c for c in classes.get(span.start, ()) if c.end < span.end), None)
        name = by_start.get(head.end) if head is not None else None
        if name is not None and name.end == span.end:
            span = Span(span.doc, name.start, name.end, label=name.label)
        out.append(span)
    return out


def _extended(doc: Doc, spans: list[Span], candidates: list[Span]) -> list[Span]:
    """The recognizer's spans, where a lexicon term holds one or more of them whole
    ("heat shock" inside "heat shock protein-27"), replaced by the term: a term of the
    lexicon is a complete name."""
    spans = sorted(spans, key=lambda s: s.start)
    starts = [s.start for s in spans]
    drop: set[int] = set()
    added: list[Span] = []
    for candidate in candidates:
        lo = bisect.bisect_left(starts, candidate.start)
        inside = []
        index = lo
        while index < len(spans) and spans[index].start < candidate.end:
            inside.append(index)
            index += 1
        if lo > 0 and spans[lo - 1].end > candidate.start:
            continue  # a span crosses the term's start
        if not inside or any(spans[i].end > candidate.end for i in inside):
            continue
        if len(inside) == 1 and (spans[inside[0]].start, spans[inside[0]].end) == (candidate.start, candidate.end):
            continue
        drop.update(inside)
        added.append(Span(doc, candidate.start, candidate.end, label=candidate.label))
    return [s for i, s in enumerate(spans) if i not in drop] + added


_CHANGE_CATEGORIES = ("decrease", "increase", "improve", "worsen")
_PAST = re.compile(r"\w+ed|fell|rose|grew")
_NOT_A_NAME_START = frozenset({"journal"})


def _trimmed(spans: list[Span], cues: Rules) -> list[Span]:
    """The recognizer's spans without a verb of change at their end ("Swimming raised"
    is the arm and the verb that follows it: a name does not end in "raised" or
    "fell"), and without the name of a journal ("the journal Pain")."""
    out = []
    for span in spans:
        end = span.end
        while end - span.start > 1:
            word = span.doc[end - 1].text
            if not (_PAST.fullmatch(word.lower()) and any(cues.regex[c].fullmatch(word) for c in _CHANGE_CATEGORIES)):
                break
            end -= 1
        if span.doc[span.start].lower_ in _NOT_A_NAME_START:
            continue
        out.append(span if end == span.end else Span(span.doc, span.start, end, label=span.label))
    return out


def title_span(text: str, title: str | None) -> tuple[int, int] | None:
    """Where the article's title is written at the start of its text, if it is.

    >>> title_span("TITLE:\\nSwimming eases pain\\n\\nText.", "Swimming eases pain")
    (7, 26)
    >>> title_span("Swimming eases pain.", "Swimming eases pain.") is None
    True
    """
    if not title:
        return None
    start = text.find(title, 0, 1000 + len(title))
    if start < 0:
        return None
    end = start + len(title)
    rest = text[end:]
    # A title is a line of its own with a text after it, not a text's first sentence.
    if not rest.startswith(("\n", "\r")) or not rest.strip():
        return None
    return (start, end)


def _only_space(text: str, a: int, b: int) -> bool:
    return not text[a:b].strip()


def numpy_matmul(*models: Model) -> None:
    """Let the models' layers multiply matrices with numpy's BLAS rather than blis.

    The blis wheel that thinc installs falls back to its generic reference kernel on
    some processors (on the project's AMD EPYC machines: ``bli_sgemm_generic_ref``, about
    6x slower than numpy's matmul for the same product), and the tok2vec's products are
    a third of the recognizer's time. The transition parser's own Cython loop keeps blis.
    Mined records were compared on 40 full texts: identical.
    """
    ops = NumpyOps(use_blis=False)
    for model in models:
        for node in model.walk():
            node.ops = ops


class FocusedRecognizer:
    """Sets ``doc.ents``: the recognizer's entities where it ran, the candidates elsewhere."""

    def __init__(self, nlp: Language, name: str, tok2vec: str = "tok2vec", ner: str = "ner",
                 head_chars: int = HEAD_CHARS, fill: Sequence[str] = (), extend: Sequence[str] = ()) -> None:
        self.nlp = nlp
        self.name = name
        self.tok2vec_name = tok2vec
        self.ner_name = ner
        self.head_chars = head_chars
        self.fill = set(fill)  # candidate types that fill where the recognizer found nothing
        self.extend = set(extend)  # candidate types whose terms replace the recognizer's spans inside them
        self.cues = Rules.load()
        self._matmul_set = False

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 16) -> Iterator[Doc]:
        """The Docs in batches: the selected stretches of a whole batch go through the
        tok2vec and the recognizer together (one call per batch, not per Doc)."""
        for batch in minibatch(stream, batch_size):
            work = []
            for doc in batch:
                candidates = sorted(doc.spans[SPAN_KEY], key=lambda c: c.start) if SPAN_KEY in doc.spans else []
                work.append((doc, candidates, self._pieces(doc, candidates)))
            pieces = [piece for _, _, doc_pieces in work for _, piece in doc_pieces]
            done = iter(self._recognize(pieces) if pieces else ())
            for doc, candidates, doc_pieces in work:
                yield self._finish(doc, candidates, [(span, next(done)) for span, _ in doc_pieces])

    def _pieces(self, doc: Doc, candidates: list[Span]) -> list[tuple[Span, Doc]]:
        """The Doc's stretches in focus, each a Doc of its own with its candidates
        (``candidates``: the Doc's, by start)."""
        text = extensions.doc_text(doc)
        sentences = extensions.sentence_bounds(doc)
        ranges = focus_ranges(sentences, doc_focus(doc, self.cues, self.head_chars), text)
        candidate_starts = [c.start for c in candidates]
        pieces: list[tuple[Span, Doc]] = []
        for start, end in ranges:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            piece = Doc(doc.vocab, words=[t.text for t in span], spaces=[bool(t.whitespace_) for t in span])
            lo, hi = bisect.bisect_left(candidate_starts, span.start), bisect.bisect_left(candidate_starts, span.end)
            piece.spans[SPAN_KEY] = [Span(piece, c.start - span.start, c.end - span.start, label=c.label,
                                          kb_id=c.kb_id, span_id=c.id)
                                     for c in candidates[lo:hi] if c.end <= span.end]
            pieces.append((span, piece))
        return pieces

    def _recognize(self, pieces: list[Doc]) -> list[Doc]:
        tok2vec = self.nlp.get_pipe(self.tok2vec_name)
        ner = self.nlp.get_pipe(self.ner_name)
        if not self._matmul_set:
            numpy_matmul(tok2vec.model, ner.model)
            self._matmul_set = True
        return list(ner.pipe(tok2vec.pipe(pieces, batch_size=len(pieces)), batch_size=len(pieces)))

    def _finish(self, doc: Doc, candidates: list[Span], pieces: list[tuple[Span, Doc]]) -> Doc:
        """Sets the Doc's entities from its recognized stretches and its candidates."""
        spans: list[Span] = []
        for span, piece in pieces:
            for ent in piece.ents:
                spans.append(Span(doc, span.start + ent.start, span.start + ent.end, label=ent.label))
        spans = _trimmed(spans, self.cues)
        if self.extend and spans:
            terms = [c for c in candidates if c.label_ in self.extend]
            spans = _extended(doc, _named(spans, terms), terms)
        covered_starts = [span.start for span, _ in pieces]
        taken = bytearray(len(doc) + 1)
        for span in spans:
            taken[span.start:span.end] = b"\x01" * (span.end - span.start)
        for candidate in candidates:
            index = bisect.bisect_right(covered_starts, candidate.start) - 1
            outside = index < 0 or candidate.start >= pieces[index][0].end
            if outside or (self.fill and candidate.label_ in self.fill and not any(taken[candidate.start:candidate.end])):
                spans.append(Span(doc, candidate.start, candidate.end, label=candidate.label))
        doc.set_ents(filter_spans(spans), default="outside")
        return doc


@Language.factory(
    "miner_recognizer",
    default_config={"tok2vec": "tok2vec", "ner": "ner", "head_chars": HEAD_CHARS, "fill": [], "extend": []},
    requires=["doc.spans"],
    assigns=["doc.ents"],
)
def make_focused_recognizer(nlp: Language, name: str, tok2vec: str, ner: str, head_chars: int,
                            fill: list[str], extend: list[str]) -> Any:
    """The trained tok2vec and entity recognizer on the head and the result sentences;
    the lexicon's candidates elsewhere."""
    return FocusedRecognizer(nlp, name, tok2vec=tok2vec, ner=ner, head_chars=head_chars, fill=fill,
                             extend=extend)
