"""Gold-format annotations -> spaCy training Docs (``DocBin``), for ``spacy train``.

Each Doc is the article's text as miner's tokenizer splits it, with

- ``doc.ents``: the mention places (:func:`miner.training.gold.mention_places`) that
  fall on token boundaries, typed, every other token outside (the annotation is
  exhaustive); ``ent.kb_id_`` is the concept's name;
- ``doc._.miner_article``: the article's id, title and sections, as miner's readers give them;
- ``doc.user_data["miner_gold"]``: the article id, its concepts (name -> type, ids) and
  its relations with their sentence's offsets, for the relation classifier.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span
from spacy.util import filter_spans

from miner.articles.readers import article_from_text
from miner.pipeline import extensions  # noqa: F401  (declares doc._.miner_article)
from miner.training.gold import Annotation, locate_sentence, mention_places

GOLD_KEY = "miner_gold"


def training_doc(nlp: Language, annotation: Annotation) -> tuple[Doc, dict[str, int]]:
    """The training Doc of one article, and counts of what could not be placed."""
    doc = nlp.make_doc(annotation.text)
    article = article_from_text(annotation.text, annotation.article)
    doc._.miner_article = {"id": annotation.article, "title": article.title,
                           "sections": [s.to_dict() for s in article.sections]}
    spans: list[Span] = []
    lost = {"misaligned_mentions": 0, "unlocated_sentences": 0}
    for place in mention_places(annotation.text, annotation.entities):
        span = doc.char_span(place.start, place.end, label=place.type, kb_id=place.concept)
        if span is not None:
            span = _trimmed(span)
        if span is None:
            lost["misaligned_mentions"] += 1
            continue
        spans.append(span)
    doc.set_ents(filter_spans(spans), default="outside")
    relations: list[dict[str, Any]] = []
    for relation in annotation.relations:
        where = locate_sentence(annotation.text, relation.get("sentence") or "")
        if where is None:
            lost["unlocated_sentences"] += 1
            continue
        relations.append({
            "subject": relation["subject"], "object": relation["object"], "relation": relation["relation"],
            "start": where[0], "end": where[1], "effect": relation.get("effect"),
            "negated": bool(relation.get("negated")), "hedged": bool(relation.get("hedged")),
        })
    doc.user_data[GOLD_KEY] = {
        "article": annotation.article,
        "concepts": {e["name"]: {"type": e["type"], "ids": list(e.get("ids") or [])} for e in annotation.entities},
        "relations": relations,
        "effects": [e.get("text") for e in annotation.effects if e.get("text")],
    }
    return doc, lost


def _trimmed(span: Span) -> Span | None:
    """The span without whitespace or punctuation tokens at its edges (spaCy's
    entity recognizer cannot learn those), None if nothing is left or a whitespace
    token is inside."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].is_space or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].is_space or doc[end - 1].is_punct):
        end -= 1
    if start == end or any(doc[i].is_space for i in range(start, end)):
        return None  # nothing left, or a line break inside: spaCy's recognizer cannot learn it
    return Span(doc, start, end, label=span.label, kb_id=span.kb_id)


def write_docbin(nlp: Language, annotations: Iterable[Annotation], path: Path) -> dict[str, int]:
    """Write the training Docs of ``annotations`` to ``path``; returns counts."""
    docbin = DocBin(attrs=["ENT_IOB", "ENT_TYPE", "ENT_KB_ID"], store_user_data=True)
    counts = {"docs": 0, "entities": 0, "relations": 0, "misaligned_mentions": 0, "unlocated_sentences": 0}
    for annotation in annotations:
        doc, lost = training_doc(nlp, annotation)
        docbin.add(doc)
        counts["docs"] += 1
        counts["entities"] += len(doc.ents)
        counts["relations"] += len(doc.user_data[GOLD_KEY]["relations"])
        for key, value in lost.items():
            counts[key] += value
    path.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(path)
    return counts


def build_corpora(source: Path, out: Path, folds: int = 5) -> dict[str, Any]:
    """The training DocBins of a folder of annotations in the gold format (for miner's
    own models ``SHARED/corpora/evidence_inference_exercise/train``, never ``gold/``, the
    dev test set): ``all.spacy``, ``fold<k>/train.spacy`` and ``fold<k>/heldout.spacy``
    (folds by article), ``folds.json``; returns what ``corpus.json`` records (counts,
    and a digest of the annotation files)."""
    import hashlib
    import json

    from miner.pipeline import tokenizer_pipeline
    from miner.training.gold import assign_folds, load_annotations

    if not source.is_dir():
        raise FileNotFoundError(f"{source}: not a folder of annotations")
    annotations = load_annotations(source)
    digest = hashlib.sha1()
    for path in sorted(source.glob("*.json")) + sorted(source.glob("*.txt")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    nlp = tokenizer_pipeline()
    assigned = assign_folds([a.article for a in annotations], folds)
    if not annotations:
        raise FileNotFoundError(f"{source}: no annotations (<id>.json beside <id>.txt)")
    report: dict[str, Any] = {"source": "/".join(source.resolve().parts[-3:]), "source_path": str(source.resolve()),
                              "articles": len(annotations), "sha1": digest.hexdigest(), "folds": folds}
    report["all"] = write_docbin(nlp, annotations, out / "all.spacy")
    for fold in range(folds):
        write_docbin(nlp, [a for a in annotations if assigned[a.article] != fold], out / f"fold{fold}" / "train.spacy")
        write_docbin(nlp, [a for a in annotations if assigned[a.article] == fold], out / f"fold{fold}" / "heldout.spacy")
    (out / "folds.json").write_text(json.dumps(assigned, indent=1, sort_keys=True))
    (out / "corpus.json").write_text(json.dumps(report, indent=1))
    return report


_HEADER = re.compile(r"^(?:TITLE|ABSTRACT|BODY)[.\w ]*:\s*$")


def paragraphs(text: str) -> list[str]:
    """Paragraphs of an article file, without the PMC section header lines."""
    out = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if not _HEADER.match(line.strip())]
        paragraph = " ".join(" ".join(lines).split())
        if len(paragraph) >= 40:
            out.append(paragraph)
    return out


def unlabelled_sources(corpora: Path, annotations: Path) -> tuple[list[Path], set[str]]:
    """The folders of unlabelled trial texts in the shared ``corpora`` (for pretraining
    and the word vectors), and the articles to leave out of them: every one whose
    abstract is scored, in ``annotations`` or in the dev set ``gold/``."""
    exercise = corpora / "evidence_inference_exercise"
    texts = [corpora / "evidence_inference_train" / "articles", exercise / "articles"]
    return texts, {p.stem for folder in (annotations, exercise / "gold") for p in folder.glob("*.json")}


def build_raw_text(folders: list[Path], out: Path, leave_out: set[str]) -> dict[str, Any]:
    """Unlabelled text for ``spacy pretrain``: the ``.txt`` files of ``folders``, one
    paragraph per JSON line, leaving out the articles named in ``leave_out`` (for
    miner's own models: every article whose abstract is annotated, in ``train/`` or
    ``gold/``, so that pretraining never sees the text it is scored on)."""
    import json

    annotated = leave_out
    sources = [path for folder in folders for path in sorted(folder.glob("*.txt"))]
    if not sources:
        raise FileNotFoundError(f"{', '.join(map(str, folders))}: no article texts found")
    out.parent.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    kept = characters = 0
    with out.open("w", encoding="utf-8") as handle:
        for path in sources:
            if path.stem in annotated or path.stem in seen:
                continue
            seen.add(path.stem)
            kept += 1
            for paragraph in paragraphs(path.read_text(encoding="utf-8")):
                characters += len(paragraph)
                handle.write(json.dumps({"text": paragraph}) + "\n")
    return {"articles": kept, "left_out_annotated": len(annotated), "characters": characters}
