"""Study type and species from the indexing a source gives (pure functions).

PubMed and Europe PMC index each article with publication types ("Randomized
Controlled Trial", "Review") and MeSH headings, including the check tags "Humans",
"Animals", "Rats", "Mice". These are curated by indexers, so they beat what the
pipeline guesses from the text; the pipeline's guess is kept for articles without them.
The study-type values are the ones the text-based guess uses
(:func:`miner.pipeline.context.study_type`), plus ``clinical_trial`` and
``case_report``.

Which publication type gives which study type, and which study type wins, is data:
``models/patterns/study_types.json`` (:func:`load_study_types`). One rule is in code:
an article indexed "Animals" and not "Humans" is an animal study unless it is a review.
The organisms of the MeSH headings come from the lexicon's species.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from miner.errors import LexiconError


@dataclass(frozen=True)
class StudyTypes:
    """The study types that publication types give (:func:`load_study_types`).

    Attributes
    ----------
    of
        Publication type in lower case -> study type.
    rank
        Study type -> its rank, 0 the most decisive (a meta-analysis of trials is a
        meta-analysis).
    """

    of: dict[str, str]
    rank: dict[str, int]


def load_study_types(path: Path | str | None = None) -> StudyTypes:
    """The table of ``models/patterns/study_types.json`` (or ``path``), validated; read
    once per path."""
    from miner.pipeline.lexicon import default_models_dir

    return _load_study_types(str(Path(path) if path else default_models_dir() / "patterns" / "study_types.json"))


@lru_cache(maxsize=4)
def _load_study_types(path: str) -> StudyTypes:
    from miner.pipeline.lexicon import read_patterns

    data = read_patterns(path, "study-type patterns")
    ranked = data.get("rank") if isinstance(data, dict) else None
    table = data.get("publication_types") if isinstance(data, dict) else None
    if not isinstance(ranked, list) or not ranked or not all(isinstance(v, str) for v in ranked):
        raise LexiconError(f"{path}: expected a list of study types 'rank'")
    if len(set(ranked)) != len(ranked):
        raise LexiconError(f"{path}: 'rank' names a study type twice")
    if not isinstance(table, dict):
        raise LexiconError(f"{path}: expected an object 'publication_types' (publication type -> study type)")
    rank = {value: position for position, value in enumerate(ranked)}
    of: dict[str, str] = {}
    for publication_type, value in table.items():
        if not isinstance(value, str) or value not in rank:
            raise LexiconError(f"{path}: publication type {publication_type!r}: {value!r} is not a study type "
                               "of 'rank'")
        of[publication_type.strip().lower()] = value
    return StudyTypes(of, rank)


@lru_cache(maxsize=1)
def _organisms() -> tuple[dict[str, str], str]:
    """(MeSH organism heading in lower case -> species id, the id of people): from the
    ``mesh=<heading>`` and ``human`` flags of the lexicon's species."""
    from miner.pipeline.lexicon import Lexicon, default_lexicon_path

    lexicon = Lexicon.load(default_lexicon_path())
    headings = {heading.lower(): entry.id for entry in lexicon.concepts.values() if entry.type == "species"
                for heading in entry.flag_values("mesh")}
    return headings, lexicon.the_one("human")


def species_from_mesh(headings: Iterable[str]) -> list[str]:
    """NCBI Taxonomy ids of the organisms among MeSH headings (and their subheadings:
    "Rats, Wistar"), animals first.

    >>> species_from_mesh(["Animals", "Rats, Sprague-Dawley", "Exercise", "Male"])
    ['NCBITaxon:10116']
    >>> species_from_mesh(["Humans", "Mice"])
    ['NCBITaxon:10090', 'NCBITaxon:9606']
    """
    headings = list(headings)
    if not headings:
        return []  # the lexicon is read only for articles that have headings
    organisms, human = _organisms()
    found: list[str] = []
    for heading in headings:
        name = heading.strip().lower()
        taxon = organisms.get(name) or organisms.get(name.split(",")[0].strip())
        if taxon and taxon not in found:
            found.append(taxon)
    return sorted(found, key=lambda taxon: taxon == human)


def study_type_from_index(publication_types: Iterable[str], headings: Iterable[str]) -> str | None:
    """The study type that publication types and MeSH check tags give, or None.

    Reviews and meta-analyses win over the trials they pool; an article indexed with
    "Animals" and not "Humans" is an animal study unless it is a review.

    >>> study_type_from_index(["Journal Article", "Randomized Controlled Trial"], ["Humans"])
    'randomized_trial'
    >>> study_type_from_index(["Journal Article"], ["Animals", "Rats", "Neuralgia"])
    'animal'
    >>> study_type_from_index(["Review"], ["Animals", "Humans"])
    'review'
    """
    table = load_study_types()
    types = [table.of[t.strip().lower()] for t in publication_types if t.strip().lower() in table.of]
    best = min(types, key=table.rank.__getitem__) if types else None
    if best in ("meta_analysis", "review"):
        return best
    names = {h.strip().lower() for h in headings}
    if "animals" in names and "humans" not in names:
        return "animal"
    return best
