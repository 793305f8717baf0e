"""A corpus of many varied trial abstracts, written from templates, for tests at corpus scale.

Each abstract names a condition, one or two interventions, outcomes and biomarkers, and
states results in the ways trial reports do (a decrease, an increase, no difference, an
association), with sample sizes and p-values. The names are the lists below followed by
terms drawn from the project's lexicon (``models/lexicon``), so that a corpus of a few
hundred abstracts has hundreds of concepts and more than a thousand findings, as a real
one does. A fixed seed gives the same corpus every time; the first names of each list
are far more common than the rest, as in the literature, so that some findings are
stated by many articles.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

INTERVENTIONS = ["aerobic exercise", "resistance training", "yoga", "tai chi", "swimming", "treadmill running",
                 "walking", "pilates", "stretching", "high-intensity interval training", "aquatic exercise",
                 "cycling", "balance training", "qigong"]
OUTCOMES = ["pain", "disability", "quality of life", "fatigue", "depression", "muscle strength", "walking speed",
            "sleep quality", "anxiety", "balance", "pain intensity", "physical function"]
BIOMARKERS = ["TNF-α", "IL-6", "IL-1β", "C-reactive protein", "BDNF", "IL-10", "cortisol"]
CONDITIONS = ["chronic low back pain", "fibromyalgia", "knee osteoarthritis", "neuropathic pain",
              "rheumatoid arthritis", "chronic neck pain", "migraine", "multiple sclerosis"]
COMPARATORS = ["usual care", "a wait-list control", "health education", "no exercise"]

RESULTS = [
    "{i} reduced {o} compared with {c} (p = 0.0{d}).",
    "After 12 weeks, {o} was lower with {i} than with {c} (p < 0.05).",
    "{i} increased {o} by {pct}% compared with {c} (p = 0.0{d}).",
    "{i} lowered serum {b} compared with {c} (p = 0.0{d}).",
    "{i} raised {b} levels by {pct}% (p < 0.01).",
    "{i} did not change {o} compared with {c} (p = 0.{d}{d}).",
    "There was no significant difference in {b} between {i} and {c} (p = 0.{d}{d}).",
    "Higher {b} was associated with greater {o} at baseline.",
]


def _weighted(rng: random.Random, items: list[str]) -> str:
    """A choice in which the first items are much more common (as a few interventions are)."""
    return items[min(int(rng.expovariate(0.08)), len(items) - 1)]


def _vocabulary(rng: random.Random, per_type: int) -> dict[str, list[str]]:
    """The lists above, each followed by ``per_type`` more terms of its type from the lexicon."""
    from miner.pipeline.lexicon import Lexicon, default_lexicon_path

    simple = re.compile(r"^[a-z][a-z-]+(?: [a-z-]+){0,2}$")
    found: dict[str, list[str]] = {}
    for concept in sorted(Lexicon.load(default_lexicon_path()).concepts.values(), key=lambda c: c.id):
        if concept.is_class:
            continue
        terms = [t.lower() for t in (concept.name, *concept.terms) if not t.isupper() and simple.match(t.lower())]
        if terms:
            found.setdefault(concept.type, []).append(terms[0])
    words = {"intervention": INTERVENTIONS, "outcome": OUTCOMES, "biomarker": BIOMARKERS, "condition": CONDITIONS}
    out = {}
    for kind, first in words.items():
        more = [t for t in found.get(kind, []) if t not in first]
        out[kind] = first + rng.sample(more, min(per_type, len(more)))
    return out


def write_corpus(folder: Path, count: int = 260, seed: int = 15, per_type: int = 80) -> list[Path]:
    """Write ``count`` abstracts (``trial-NNN.txt``) into ``folder``; returns their paths."""
    rng = random.Random(seed)
    names = _vocabulary(rng, per_type)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        condition = _weighted(rng, names["condition"])
        first = _weighted(rng, names["intervention"])
        comparator = rng.choice(COMPARATORS)
        size = rng.randrange(24, 400)
        lines = [f"{first.capitalize()} for {condition}: a randomised controlled trial", "",
                 f"Background: Exercise is advised for {condition}, but its effects on pain and inflammation are "
                 "uncertain.",
                 f"Methods: Adults with {condition} (n = {size}) were randomly assigned to {first} or {comparator} "
                 f"for {rng.choice([8, 10, 12, 16, 24])} weeks."]
        results = []
        for _ in range(rng.randrange(3, 7)):
            intervention = first if rng.random() < 0.8 else _weighted(rng, names["intervention"])
            sentence = rng.choice(RESULTS).format(i=intervention, o=_weighted(rng, names["outcome"]),
                                                  b=_weighted(rng, names["biomarker"]), c=comparator,
                                                  d=rng.randrange(1, 9), pct=rng.randrange(10, 60))
            results.append(sentence[0].upper() + sentence[1:])
        lines.append("Results: " + " ".join(results))
        lines.append(f"Conclusions: {first.capitalize()} may help adults with {condition}.")
        path = folder / f"trial-{number:03d}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
