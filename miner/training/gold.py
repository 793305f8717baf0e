"""Annotations in the gold format (``docs/GOLD_FORMAT.md``) as offsets (pure, no spaCy).

The format lists each concept's surface forms, not where they are; the training data
needs places. :func:`mention_places` finds every whole-word occurrence of every mention
and keeps the longest where they overlap (the format annotates text nested inside a
longer mention once, as the longer one). :func:`locate_sentence` finds a relation's
sentence in the text, whitespace-insensitively.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from miner.errors import EvaluationError


@dataclass(frozen=True)
class Place:
    """One occurrence of a concept's mention."""

    start: int
    end: int
    type: str
    concept: str  # the entity's name, as relations refer to it


@dataclass
class Annotation:
    """One annotated article."""

    article: str
    text: str
    entities: list[dict[str, Any]]
    relations: list[dict[str, Any]]
    effects: list[dict[str, Any]] = field(default_factory=list)


def load_annotations(folder: Path | str) -> list[Annotation]:
    """Every ``<id>.json`` with its ``<id>.txt`` in ``folder``, sorted by article id."""
    folder = Path(folder)
    out = []
    for path in sorted(folder.glob("*.json")):
        text_path = path.with_suffix(".txt")
        if not text_path.is_file():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise EvaluationError(f"{path}: not valid JSON ({exc})") from None
        out.append(Annotation(data["article"], text_path.read_text(encoding="utf-8"), data.get("entities", []),
                              data.get("relations", []), data.get("effects", [])))
    return out


def _word_occurrences(needle: str, text: str) -> list[tuple[int, int]]:
    if not needle.strip():
        return []
    pattern = re.compile(rf"(?<![\w-]){re.escape(needle)}(?![\w-])" if needle[:1].isalnum() or needle[-1:].isalnum()
                         else re.escape(needle))
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def mention_places(text: str, entities: list[dict[str, Any]]) -> list[Place]:
    """Every occurrence of every entity's mentions (case as written), longest first
    where they overlap, in text order."""
    found: list[Place] = []
    for entity in entities:
        for mention in sorted(set(entity.get("mentions") or [])):
            for start, end in _word_occurrences(mention, text):
                found.append(Place(start, end, entity["type"], entity["name"]))
    found.sort(key=lambda p: (-(p.end - p.start), p.start))
    taken: list[Place] = []
    occupied = bytearray(len(text) + 1)
    for place in found:
        if any(occupied[place.start:place.end]):
            continue
        occupied[place.start:place.end] = b"\x01" * (place.end - place.start)
        taken.append(place)
    return sorted(taken, key=lambda p: p.start)


def locate_sentence(text: str, sentence: str, hint: int = 0) -> tuple[int, int] | None:
    """(start, end) of ``sentence`` in ``text``, whitespace-insensitively; the first
    occurrence at or after ``hint``, else the first anywhere."""
    words = sentence.split()
    if not words:
        return None
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    match = pattern.search(text, hint) or pattern.search(text)
    return (match.start(), match.end()) if match else None


def assign_folds(articles: list[str], folds: int) -> dict[str, int]:
    """Cross-validation folds by article: the ids ordered by a hash of each (a fixed,
    seedless shuffle), dealt out in turn, so folds differ in size by one at most."""
    ordered = sorted(set(articles), key=lambda a: hashlib.sha1(a.encode()).hexdigest())
    return {article: index % folds for index, article in enumerate(ordered)}
