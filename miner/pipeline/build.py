"""The spaCy pipeline (imported lazily through :mod:`miner.pipeline`): load it from ``models/pipeline`` and run it on articles.

``build_pipeline()`` loads the default pipeline saved under ``models/pipeline`` by
``make train``: scispaCy's tokenizer and abbreviation detector, miner's lexicon
candidates, the trained tok2vec, entity recognizer and mention grouper, species vetting,
the effect-size tagger and the trained relation classifier, all registered spaCy factories. ``annotate(nlp, articles)`` runs it and yields Docs
whose ``doc._.miner_*`` extensions hold plain data (see :mod:`.extensions`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from miner.articles.model import Article
from miner.pipeline import extensions
from miner.pipeline.fingerprint import default_pipeline_path


# Known, harmless warnings from dependencies: spaCy's tokenizer regex on Python 3.11 and
# scispaCy's abbreviation matcher on a text without abbreviations.
warnings.filterwarnings("ignore", message="Possible set union", category=FutureWarning)
warnings.filterwarnings("ignore", message=r"\[W036\]", category=UserWarning)


def register_components() -> None:
    """Import the modules that register miner's factories and layers (the entry points
    do the same for an installed miner; a source checkout may lack them)."""
    import scispacy.abbreviation  # noqa: F401  (registers "abbreviation_detector")

    import miner.pipeline.abbreviations  # noqa: F401
    import miner.pipeline.concepts  # noqa: F401
    import miner.pipeline.effects  # noqa: F401
    import miner.pipeline.entities  # noqa: F401
    import miner.pipeline.features  # noqa: F401  (the model layers)
    import miner.pipeline.grouping  # noqa: F401
    import miner.pipeline.mentions  # noqa: F401
    import miner.pipeline.recognizer  # noqa: F401
    import miner.pipeline.relation_model  # noqa: F401
    import miner.pipeline.relation_pipe  # noqa: F401
    import miner.pipeline.sentences  # noqa: F401
    import miner.pipeline.species  # noqa: F401
    import miner.pipeline.tokenizer  # noqa: F401
    import miner.training.readers  # noqa: F401


def build_pipeline(path: Path | str | None = None, overrides: dict[str, Any] | None = None) -> Language:
    """The pipeline saved at ``path`` (default: ``models/pipeline``, the trained default
    pipeline), or one made from a spaCy config file (a ``.cfg``: untrained components)."""
    register_components()
    location = Path(path) if path else default_pipeline_path()
    if location.is_dir():
        return spacy.load(location, config=overrides or {})
    cfg = spacy.util.load_config(location, overrides=overrides or {}, interpolate=False)
    return spacy.util.load_model_from_config(cfg, auto_fill=True, validate=True)


def tokenizer_pipeline() -> Language:
    """miner's tokenizer and sentence segmenter alone (what the training corpora are
    tokenized with)."""
    register_components()
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "miner.tokenizer.v1"}}})
    nlp.add_pipe("miner_sentences")
    return nlp


@lru_cache(maxsize=2)
def cached_pipeline(config: str | None = None) -> Language:
    """One pipeline per process and config (building it costs a few seconds)."""
    return build_pipeline(config)


def make_doc(nlp: Language, article: Article) -> Doc:
    """A tokenized Doc for an article, carrying its metadata for the components."""
    doc = nlp.make_doc(article.text)
    doc.user_data[extensions.TEXT_KEY] = article.text  # the same text, without rebuilding it
    doc._.miner_article = {
        "id": article.id,
        "title": article.title,
        "sections": [s.to_dict() for s in article.sections],
    }
    return doc


def annotate(nlp: Language, articles: Iterable[Article], batch_size: int = 16) -> Iterator[tuple[Article, Doc]]:
    """Run the pipeline over articles, yielding each with its annotated Doc."""
    pending = ((make_doc(nlp, article), article) for article in articles)
    yield from ((article, doc) for doc, article in nlp.pipe(pending, as_tuples=True, batch_size=batch_size))


def doc_record(doc: Doc) -> dict[str, Any]:
    """The plain data that the evidence layer reads from an annotated Doc."""
    return {
        "entities": [m.to_dict() for m in extensions.get(doc, "miner_entities")],
        "effects": list(extensions.get(doc, "miner_effects")),
        "relations": list(extensions.get(doc, "miner_relations")),
        "abbreviations": list(extensions.get(doc, "miner_abbreviations")),
        "context": dict(extensions.get(doc, "miner_context")),
    }


def annotate_records(nlp: Language, articles: Iterable[Article], batch_size: int = 16
                     ) -> Iterator[tuple[Article, dict[str, Any]]]:
    """Each article with its :func:`doc_record`; an article longer than ``nlp.max_length``
    is annotated in pieces and its record put together (:mod:`miner.pipeline.pieces`)."""
    from miner.pipeline.pieces import merge_records, pieces

    whole: list[Article] = []
    for article in articles:
        if len(article.text) <= nlp.max_length:
            whole.append(article)
            continue
        yield from ((a, doc_record(d)) for a, d in annotate(nlp, whole, batch_size))
        whole = []
        parts, tokens = [], 0
        for offset, piece in pieces(article, nlp.max_length):
            [(_, doc)] = annotate(nlp, [piece])
            parts.append((offset, tokens, doc_record(doc)))
            tokens += len(doc)
        yield article, merge_records(parts)
    yield from ((a, doc_record(d)) for a, d in annotate(nlp, whole, batch_size))


def annotate_text(nlp: Language, text: str, article_id: str = "text") -> Doc:
    """Annotate one text (for tests and quick looks)."""
    from miner.articles.readers import article_from_text

    article = article_from_text(text, article_id)
    return nlp(make_doc(nlp, article))


__all__ = ["annotate", "annotate_records", "annotate_text", "build_pipeline", "cached_pipeline", "doc_record",
           "make_doc", "register_components", "tokenizer_pipeline"]
