"""Findings and evidence, without spaCy: the records between the pipeline and the store."""

from miner.evidence.assemble import filter_findings, merge_findings, mined_article, support
from miner.evidence.model import (
    RELATIONS,
    ArticleRecord,
    Concept,
    Evidence,
    Finding,
    MinedArticle,
    Mention,
)

__all__ = [
    "RELATIONS",
    "ArticleRecord",
    "Concept",
    "Evidence",
    "Finding",
    "MinedArticle",
    "Mention",
    "filter_findings",
    "merge_findings",
    "mined_article",
    "support",
]
