"""The one table of miner's Doc extensions.

Every annotation miner puts on a Doc is plain data (offsets, strings, numbers, lists
and dicts of them, and the mentions as frozen records of such fields,
:class:`miner.pipeline.records.EntityMention`), so a Doc survives pickling and the
evidence layer reads it without spaCy: :func:`miner.pipeline.doc_record` hands it on
as dicts (``EntityMention.to_dict``), which is also the form for msgpack (``DocBin``
with user data). Components and readers only touch these names.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from spacy.tokens import Doc

#: name -> (default factory, what it holds)
DOC_EXTENSIONS: dict[str, tuple[Any, str]] = {
    "miner_article": (dict, "Article metadata: id, title, sections [{label, kind, start, end}]"),
    "miner_entities": (list, "Mentions: frozen EntityMention records (start, end, token_start, token_end, text, "
                             "type, id, name, source, specimen, section, claim); char offsets"),
    "miner_effects": (list, "Effect sizes: {start, end, text, kind, value, low, high, unit, ...}"),
    "miner_relations": (list, "Findings: {subject, object, relation, sentence span, effect, ...}"),
    "miner_names": (dict, "Names of the concepts an article defines (abbreviations, phrases): {id: name}"),
    "miner_abbreviations": (list, "Short forms defined in the text: {short, long, start, end, long_start, long_end}"),
    "miner_context": (dict, "Article-level context: species, study_type, main interventions"),
}


def register_extensions() -> None:
    """Declare every extension on :class:`spacy.tokens.Doc` (idempotent)."""
    for name in DOC_EXTENSIONS:
        if not Doc.has_extension(name):
            # A None default, made a fresh list/dict by :func:`get`: a mutable default
            # would be shared by every Doc.
            Doc.set_extension(name, default=None)


TEXT_KEY = "miner_text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, read once per Doc.

    spaCy builds ``doc.text`` from the tokens on every access, which costs as much as a
    component; :func:`miner.pipeline.make_doc` stores the article's text instead.
    """
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.text
        doc.user_data[TEXT_KEY] = text
    return text


SENTENCES_KEY = "miner_sentence_bounds"


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """(start_char, end_char) of each sentence, computed once per Doc (``doc.sents``
    rebuilds its spans token by token on every pass; three components need them).
    Call it only once the sentence boundaries are set."""
    bounds = doc.user_data.get(SENTENCES_KEY)
    if bounds is None:
        bounds = [(sent.start_char, sent.end_char) for sent in doc.sents]
        doc.user_data[SENTENCES_KEY] = bounds
    return bounds


def get(doc: Doc, name: str) -> Any:
    """The value of extension ``name`` on ``doc``, created empty on first use."""
    value = getattr(doc._, name)
    if value is None:
        value = DOC_EXTENSIONS[name][0]()
        setattr(doc._, name, value)
    return value


register_extensions()


class DocByDoc:
    """For a trained component that annotates one Doc at a time (its ``predict`` and
    ``set_annotations`` take lists): calling it and piping through it."""

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations([doc], self.predict([doc]))  # type: ignore[attr-defined]
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        for doc in stream:
            yield self(doc)
