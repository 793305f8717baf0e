"""Species mentions: which name an organism, and which describe the study's own subjects
(pure rules, then the component).

The lexicon matches species words anywhere, but not every one names an organism: "Cat.
No." is a catalogue number, "canine retraction" a tooth, "goat anti-rabbit IgG" a
reagent, "the PIG group" an acronym. :func:`not_organism` tells them apart with the
contexts of ``models/patterns/species.json`` (data) and one rule in code: a species
word written in capitals that the lexicon writes in lower case is an acronym.

The component drops those mentions and marks each remaining one with the section (and
an animal's also with the claim, :func:`miner.pipeline.study.claim_kind`) of its
sentence, so that a species named in the background ("studies in rats have shown")
sets the species of that sentence only, never the article's
(:func:`miner.pipeline.context.article_species`).
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from miner.errors import LexiconError
from miner.pipeline import extensions
from miner.pipeline.entities import SPAN_KEY
from miner.pipeline.lexicon import Entry, Lexicon, default_lexicon_path, default_models_dir, read_patterns
from miner.pipeline.study import claim_kind

#: How far around a mention its context is read.
WINDOW = 60


@dataclass(frozen=True)
class NotOrganism:
    """A context in which a species word names something else."""

    why: str
    words: re.Pattern[str] | None
    before: re.Pattern[str] | None
    after: re.Pattern[str] | None

    def applies(self, written: str, before: str, after: str) -> bool:
        return ((self.words is None or self.words.fullmatch(written) is not None)
                and (self.before is None or self.before.search(before) is not None)
                and (self.after is None or self.after.match(after) is not None))


def load_rules(path: Path | str | None = None) -> tuple[NotOrganism, ...]:
    """The contexts of ``models/patterns/species.json`` (or ``path``), validated."""
    return _load_rules(str(Path(path) if path else default_models_dir() / "patterns" / "species.json"))


@lru_cache(maxsize=4)
def _load_rules(path: str) -> tuple[NotOrganism, ...]:
    data = read_patterns(path, "species patterns")
    entries = data.get("not_organism") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise LexiconError(f"{path}: expected a list 'not_organism'")
    rules = []
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("why"), str) or not (
                entry.get("before") or entry.get("after")):
            raise LexiconError(f"{path}: entry {number} needs 'why' and 'before' or 'after'")
        compiled = {}
        for key in ("words", "before", "after"):
            value = entry.get(key) or ""
            if not isinstance(value, str):
                raise LexiconError(f"{path}: entry {number}: '{key}' must be a string")
            try:
                compiled[key] = re.compile(value, re.I) if value else None
            except re.error as exc:
                raise LexiconError(f"{path}: entry {number}: bad expression in '{key}': {exc}") from None
        rules.append(NotOrganism(entry["why"], compiled["words"], compiled["before"], compiled["after"]))
    return tuple(rules)


def is_acronym(written: str, concept: Entry | None, around: str) -> bool:
    """Whether a species word is an acronym: written in capitals ("PIG", "CAT") where the
    lexicon writes the species in lower case, in text that is not itself all capitals
    (a heading "EXERCISE IN RATS" names rats).

    >>> from miner.evidence.model import Concept
    >>> is_acronym("PIG", Entry(Concept("NCBITaxon:9823", "Pig", "species"), ("pig", "pigs")), "the PIG group (n = 8)")
    True
    """
    letters = [c for c in written if c.isalpha()]
    if len(letters) < 2 or not all(c.isupper() for c in letters):
        return False
    if concept is not None and written in concept.terms:
        return False  # the lexicon writes it so ("SD rats" is not this)
    lower = sum(1 for c in around if c.islower())
    return lower >= 3


def not_organism(text: str, start: int, end: int, concept: Entry | None = None,
                 rules: tuple[NotOrganism, ...] | None = None) -> str | None:
    """Why the species word at ``text[start:end]`` names no organism, or None.

    >>> not_organism("stained with goat anti-rabbit IgG", 13, 17)
    'a reagent raised in the animal (goat anti-rabbit IgG)'
    >>> not_organism("Twelve goats were fed hay.", 7, 12) is None
    True
    """
    written = text[start:end]
    before = text[max(0, start - WINDOW):start]
    after = text[end:end + WINDOW]
    if is_acronym(written, concept, before[-20:] + after[:20]):
        return "an acronym"
    for rule in rules if rules is not None else load_rules():
        if rule.applies(written, before, after):
            return rule.why
    return None


class SpeciesVetting:
    """Drops species mentions that name no organism from ``doc._.miner_entities`` (and
    ``doc.spans``) and marks the others with their sentence's ``section``, and those of
    animals also with its ``claim``: the list's items are replaced by marked copies."""

    def __init__(self, nlp: Language, name: str, patterns: str = "", lexicon: str = "") -> None:
        self.name = name
        self.rules = load_rules(patterns or None)
        self.lexicon = Lexicon.load(lexicon or default_lexicon_path())
        self.human = self.lexicon.the_one("human")

    def __call__(self, doc: Doc) -> Doc:
        mentions = extensions.get(doc, "miner_entities")
        if not any(m.type == "species" for m in mentions):
            return doc
        text = extensions.doc_text(doc)
        sections = extensions.get(doc, "miner_article").get("sections") or []
        section_starts = [s["start"] for s in sections]
        bounds = extensions.sentence_bounds(doc)
        sentence_starts = [lo for lo, _ in bounds]
        claims: dict[int, str] = {}
        dropped: set[tuple[int, int]] = set()
        kept = []
        for mention in mentions:
            if mention.type != "species":
                kept.append(mention)
                continue
            if not_organism(text, mention.start, mention.end, self.lexicon.get(mention.id), self.rules):
                dropped.add((mention.start, mention.end))
                continue
            index = bisect.bisect_right(sentence_starts, mention.start) - 1
            lo, hi = bounds[index] if index >= 0 else (0, len(text))
            where = bisect.bisect_right(section_starts, lo) - 1
            section = sections[where]["kind"] if where >= 0 and lo < sections[where]["end"] else None
            claim = None
            if mention.id != self.human:  # people are named all through a paper: their sections suffice
                if index not in claims:
                    claims[index] = claim_kind(text[lo:hi], section)
                claim = claims[index]
            kept.append(dataclasses.replace(mention, section=section, claim=claim))
        mentions[:] = kept
        if dropped:
            if SPAN_KEY in doc.spans:
                doc.spans[SPAN_KEY] = [s for s in doc.spans[SPAN_KEY] if (s.start_char, s.end_char) not in dropped]
        return doc


@Language.factory(
    "miner_species",
    default_config={"patterns": "", "lexicon": ""},
    requires=["doc._.miner_entities"],
    assigns=["doc._.miner_entities"],
)
def make_species_vetting(nlp: Language, name: str, patterns: str, lexicon: str) -> SpeciesVetting:
    """Species mentions that name organisms, with the section and claim of their sentence."""
    return SpeciesVetting(nlp, name, patterns=patterns, lexicon=lexicon)

