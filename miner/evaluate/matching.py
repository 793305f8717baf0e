"""How a predicted concept is matched to a gold concept or a prompt's words (pure).

The gold format says: "each gold concept matches at most one predicted concept (same
id, or names that share their content words)". Here that is made exact:

- a concept has *forms*: its name, plus every surface text it has in the article
  (gold: its ``mentions``; prediction: the texts of its mentions and evidence);
- two concepts **match** when they share an id (a prediction's id, or an id it maps
  to), or when some form of one and some form of the other have the same set of
  content words (lower-cased, singular, without stop words and numbers);
- a prompt's intervention or outcome text is **matched** by a concept when the content
  words of one of the concept's forms are all among the prompt text's content words,
  or the reverse (prompt texts are phrases such as "24-month period of moderate
  exercise").

Matching is one-to-one (a maximum bipartite matching, id matches first).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from miner.text import content_words


@dataclass
class ConceptForms:
    """A concept as the scorer sees it."""

    key: str
    ids: frozenset[str]
    forms: set[frozenset[str]] = field(default_factory=set)
    names: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    @classmethod
    def make(cls, key: str, ids: Iterable[str], names: Iterable[str]) -> ConceptForms:
        names = [n for n in names if n]
        forms = {content_words(n) for n in names}
        forms.discard(frozenset())
        return cls(key, frozenset(i for i in ids if i), forms, names)

    def add_names(self, names: Iterable[str]) -> None:
        for name in names:
            if not name:
                continue
            words = content_words(name)
            if words:
                self.forms.add(words)
                self.names.append(name)


def same_concept(a: ConceptForms, b: ConceptForms) -> bool:
    """Same id, or a form of each with the same content words."""
    if a.ids & b.ids:
        return True
    return bool(a.forms & b.forms)


def id_match(a: ConceptForms, b: ConceptForms) -> bool:
    return bool(a.ids & b.ids)


def matches_text(concept: ConceptForms, text: str) -> bool:
    """A prompt phrase names this concept (content-word containment, either way)."""
    words = content_words(text)
    if not words:
        return False
    return any(form <= words or words <= form for form in concept.forms)


def one_to_one(gold: list[ConceptForms], predicted: list[ConceptForms]) -> dict[int, int]:
    """A maximum one-to-one matching gold index -> predicted index, id matches first."""
    pairs: dict[int, int] = {}
    graph = nx.Graph()
    left = [("g", i) for i in range(len(gold))]
    right = [("p", j) for j in range(len(predicted))]
    graph.add_nodes_from(left, bipartite=0)
    graph.add_nodes_from(right, bipartite=1)
    for i, g in enumerate(gold):
        for j, p in enumerate(predicted):
            if same_concept(g, p):
                graph.add_edge(("g", i), ("p", j), weight=2 if id_match(g, p) else 1)
    if graph.number_of_edges() == 0:
        return pairs
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    for a, b in matching:
        g, p = (a, b) if a[0] == "g" else (b, a)
        pairs[g[1]] = p[1]
    return pairs
