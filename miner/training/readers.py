"""The corpus reader of miner's training configs (``miner.TrainingCorpus.v1``).

spaCy's ``Corpus`` makes each Example's predicted Doc from the reference's text alone;
miner's components also read the article's sections (``doc._.miner_article``), and the
relation classifier is trained on the annotated mentions (as spaCy's ``rel_component``
is trained on given entities). This reader copies both onto the predicted Doc.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.training import Corpus, Example

from miner.pipeline import extensions
from miner.pipeline.mentions import mention_record
from miner.pipeline.records import EntityMention
from miner.training.corpus import GOLD_KEY


def gold_mentions(example: Example) -> list[EntityMention]:
    """The reference's entities as mention records; the concept id is the gold concept's name."""
    reference = example.reference
    concepts = (reference.user_data.get(GOLD_KEY) or {}).get("concepts", {})
    text = reference.text
    out = []
    for ent in reference.ents:
        name = ent.kb_id_ or ent.text
        span = example.predicted.char_span(ent.start_char, ent.end_char)
        if span is None:
            continue
        kind = concepts.get(name, {}).get("type", ent.label_)
        out.append(mention_record(text, span, kind, name, name, "gold"))
    return out


@spacy.registry.readers("miner.TrainingCorpus.v1")
def training_corpus(path: Path, with_mentions: bool = False, max_length: int = 0,
                    limit: int = 0) -> Callable[[Language], Iterator[Example]]:
    """Examples from a DocBin of :func:`miner.training.corpus.write_docbin`, the predicted
    Docs carrying the article's sections (and, with ``with_mentions``, the annotated
    mentions as ``doc._.miner_entities``)."""
    corpus = Corpus(path, max_length=max_length, limit=limit)

    def read(nlp: Language) -> Iterator[Example]:
        for example in corpus(nlp):
            article = extensions.get(example.reference, "miner_article")
            example.predicted._.miner_article = dict(article)
            if with_mentions:
                example.predicted._.miner_entities = gold_mentions(example)
            yield example

    return read
