"""The records that miner's pipeline components hand each other on the Doc (no spaCy).

:class:`EntityMention` is one entity span of an article, normalised to a concept: what
:class:`miner.pipeline.mentions.MentionBuilder` writes to ``doc._.miner_entities`` and
the later components read. It is frozen: a component that adds to a mention (the
species stage marks the section and claim of its sentence) replaces it in the list with
a :func:`dataclasses.replace` copy. It is not the evidence layer's
:class:`miner.evidence.model.Mention` (an article's mention of a concept, as stored);
:meth:`EntityMention.to_dict` is the plain form that :func:`miner.pipeline.doc_record`
hands the evidence layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class EntityMention:
    """One mention of a concept in an article's text (char and token offsets).

    ``type`` is the mention's entity type, ``id`` its concept id and ``name`` the
    concept's name; ``source`` says where the concept came from (``lexicon``,
    ``definition``, ``new``; ``gold`` for the training reader's). ``specimen`` marks a lexicon
    concept that names a specimen (serum, plasma). ``section`` and ``claim`` are set by
    the species stage on the species mentions it keeps (the section kind and
    :func:`miner.pipeline.study.claim_kind` of their sentence); None elsewhere.
    """

    start: int
    end: int
    token_start: int
    token_end: int
    text: str
    type: str
    id: str
    name: str
    source: str
    specimen: bool = False
    section: str | None = None
    claim: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The mention as a plain dict (``specimen``, ``section`` and ``claim`` only
        where set)."""
        out: dict[str, Any] = {
            "start": self.start, "end": self.end, "token_start": self.token_start, "token_end": self.token_end,
            "text": self.text, "type": self.type, "id": self.id, "name": self.name, "source": self.source,
        }
        if self.specimen:
            out["specimen"] = True
        if self.section is not None:
            out["section"] = self.section
        if self.claim is not None:
            out["claim"] = self.claim
        return out


__all__ = ["EntityMention"]
