"""Study type and species from the indexing a source gives (pure functions).

PubMed and Europe PMC index each article with publication types ("Randomized
Controlled Trial", "Review") and MeSH headings, including the check tags "Humans",
"Animals", "Rats", "Mice". These are curated by indexers, so they beat what the
pipeline guesses from the text; the pipeline's guess is kept for articles without them.
The study-type values are the ones the text-based guess uses
(:func:`miner.pipeline.context.study_type`), plus ``clinical_trial`` and
``case_report``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

#: Publication types, most decisive first: a meta-analysis of trials is a meta-analysis.
_PUBLICATION_TYPES: tuple[tuple[str, str], ...] = (
    ("meta-analysis", "meta_analysis"),
    ("network meta-analysis", "meta_analysis"),
    ("systematic review", "review"),
    ("review", "review"),
    ("scoping review", "review"),
    ("randomized controlled trial", "randomized_trial"),
    ("pragmatic clinical trial", "randomized_trial"),
    ("equivalence trial", "randomized_trial"),
    ("controlled clinical trial", "clinical_trial"),
    ("clinical trial", "clinical_trial"),
    ("clinical trial, phase i", "clinical_trial"),
    ("clinical trial, phase ii", "clinical_trial"),
    ("clinical trial, phase iii", "clinical_trial"),
    ("clinical trial, phase iv", "clinical_trial"),
    ("observational study", "observational"),
    ("multicenter study", "observational"),
    ("comparative study", "observational"),
    ("case reports", "case_report"),
    ("news", "news"),
    ("newspaper article", "news"),
)
_RANK = {value: rank for rank, value in enumerate(
    ("meta_analysis", "review", "randomized_trial", "clinical_trial", "observational", "case_report", "news"))}
_TYPE_OF = dict(_PUBLICATION_TYPES)


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
    types = [_TYPE_OF[t.strip().lower()] for t in publication_types if t.strip().lower() in _TYPE_OF]
    best = min(types, key=_RANK.__getitem__) if types else None
    if best in ("meta_analysis", "review"):
        return best
    names = {h.strip().lower() for h in headings}
    if "animals" in names and "humans" not in names:
        return "animal"
    return best
