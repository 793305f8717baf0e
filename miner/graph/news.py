"""News reports and the studies they describe (pure functions).

A science-news article about a study rarely cites it properly, but it names the
journal, the species, the interventions and the findings. When the study's abstract is
mined too, :func:`link_news` links the two by what they share, and lists where the news
says something the abstract does not: a finding the study does not report, another
direction, another effect size, a claim stated firmly that the study hedges.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

Edge = tuple[str, str, str, dict[str, Any]]
#: How much each shared trait counts, and the score a link needs.
WEIGHTS = {"journal": 2.0, "year": 0.5, "species": 1.0, "intervention": 1.0, "finding": 2.0, "pair": 1.0}
THRESHOLD = 4.0


def _findings_by_article(edges: Iterable[Edge]) -> dict[str, dict[tuple[str, str, str], list[dict[str, Any]]]]:
    out: dict[str, dict[tuple[str, str, str], list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for subject, obj, relation, attrs in edges:
        for evidence in attrs.get("evidence", []):
            out[evidence["article"]][(subject, relation, obj)].append(evidence)
    return out


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def link_news(articles: list[dict[str, Any]], edges: Iterable[Edge], node_types: dict[str, str],
              node_names: dict[str, str], text_of: Callable[[str], str | None]) -> dict[str, list[dict[str, Any]]]:
    """For each news article, the studies it reports on (best first), each with the
    score, what they share and how the news differs from the study."""
    findings = _findings_by_article(edges)
    news = [a for a in articles if a.get("study_type") == "news"]
    studies = [a for a in articles if a.get("study_type") != "news"]
    links: dict[str, list[dict[str, Any]]] = {}
    for report in news:
        text = _norm(text_of(report["id"]) or "")
        said = findings.get(report["id"], {})
        said_pairs = {(s, o): r for s, r, o in said}
        said_interventions = {s for s, _, _ in said if node_types.get(s) == "intervention"}
        found = []
        for study in studies:
            shown = findings.get(study["id"], {})
            if not shown:
                continue
            shared: dict[str, Any] = {}
            score = 0.0
            journal = _norm(study.get("journal") or "")
            if len(journal) >= 8 and journal in text:
                shared["journal"] = study["journal"]
                score += WEIGHTS["journal"]
            if study.get("year") and str(study["year"]) in text:
                shared["year"] = study["year"]
                score += WEIGHTS["year"]
            species = set(report.get("species") or []) & set(study.get("species") or [])
            if species:
                shared["species"] = sorted(species)
                score += WEIGHTS["species"]
            interventions = said_interventions & {s for s, _, _ in shown if node_types.get(s) == "intervention"}
            if interventions:
                shared["interventions"] = sorted(node_names.get(i, i) for i in interventions)
                score += WEIGHTS["intervention"] * min(2, len(interventions))
            same = sorted(set(said) & set(shown))
            if same:
                shared["findings"] = [f"{node_names.get(s, s)} {r} {node_names.get(o, o)}" for s, r, o in same]
                score += WEIGHTS["finding"] * min(3, len(same))
            pairs = {(s, o) for s, _, o in shown} & set(said_pairs)
            score += WEIGHTS["pair"] * min(2, len(pairs - {(s, o) for s, _, o in same}))
            if score >= THRESHOLD and (same or interventions):
                found.append({"article": study["id"], "title": study.get("title"), "score": round(score, 1),
                              "shared": shared, "differences": differences(said, shown, node_names)})
        found.sort(key=lambda link: -link["score"])
        if found:
            links[report["id"]] = found
    return links


def _effects(evidence: list[dict[str, Any]]) -> list[str]:
    return sorted({(e.get("effect") or {}).get("text") for e in evidence if (e.get("effect") or {}).get("text")})


def differences(said: dict[tuple[str, str, str], list[dict[str, Any]]],
                shown: dict[tuple[str, str, str], list[dict[str, Any]]], names: dict[str, str]) -> list[str]:
    """Where a news report and a study's own text part ways, one line each."""
    def label(key: tuple[str, str, str]) -> str:
        return f"{names.get(key[0], key[0])} {key[1]} {names.get(key[2], key[2])}"

    out = []
    shown_pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for s, r, o in shown:
        shown_pairs[(s, o)].append(r)
    concepts_in_study = {c for s, _, o in shown for c in (s, o)}
    for key, evidence in sorted(said.items()):
        s, r, o = key
        if key in shown:
            news_effects, study_effects = _effects(evidence), _effects(shown[key])
            if news_effects and study_effects and not set(news_effects) & set(study_effects):
                out.append(f"{label(key)}: the news gives {', '.join(news_effects)}, "
                           f"the study {', '.join(study_effects)}")
            if not any(e.get("hedged") for e in evidence) and all(e.get("hedged") for e in shown[key]):
                out.append(f"{label(key)}: stated firmly in the news, hedged in the study")
        elif (s, o) in shown_pairs:
            out.append(f"{label(key)}: the study says {' and '.join(sorted(shown_pairs[(s, o)]))}")
        elif s in concepts_in_study or o in concepts_in_study:
            out.append(f"{label(key)}: in the news only")
    return out
