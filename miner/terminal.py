"""Terminal rendering of findings, concepts, paths and statistics (rich)."""

from __future__ import annotations

import re
from typing import Any

import networkx as nx
from rich.console import Console
from rich.table import Table
from rich.text import Text

RELATION_STYLE = {"decreases": "green", "increases": "red", "no_effect": "dim", "associated_with": "cyan"}


def _name(graph: nx.MultiDiGraph, node: str | None) -> str:
    if not node:
        return ""
    return str(graph.nodes[node].get("name", node)) if node in graph else node


def effect_summary(evidence: list[dict[str, Any]], limit: int = 2) -> str:
    texts = []
    for ev in evidence:
        effect = ev.get("effect")
        if effect and effect.get("text") not in texts:
            texts.append(effect["text"])
        elif ev.get("p_value") and ev["p_value"] not in texts and len(texts) < limit:
            texts.append(ev["p_value"])
    more = f" (+{len(texts) - limit})" if len(texts) > limit else ""
    return "; ".join(texts[:limit]) + more


def findings_table(graph: nx.MultiDiGraph, rows: list[dict[str, Any]]) -> Table:
    """One row per finding: subject, relation, object, support, species, effect sizes."""
    table = Table(show_lines=False, header_style="bold", expand=False)
    for column, kwargs in (("subject", {}), ("relation", {}), ("object", {}), ("support", {"justify": "right"}),
                           ("sentences", {"justify": "right"}), ("species", {}), ("effect sizes", {"max_width": 40})):
        table.add_column(column, **kwargs)
    for row in rows:
        species = sorted({_name(graph, e.get("species")) for e in row["evidence"] if e.get("species")})
        table.add_row(
            f"{row['subject_name']}\n[dim]{row['subject']}[/]",
            Text(row["relation"], style=RELATION_STYLE.get(row["relation"], "")),
            f"{row['object_name']}\n[dim]{row['object']}[/]",
            str(row["support"]),
            str(len(row["evidence"])),
            ", ".join(species),
            effect_summary(row["evidence"]),
        )
    return table


def highlighted(evidence: dict[str, Any]) -> Text:
    """The sentence with its subject, object and effect marked."""
    sentence = " ".join(evidence["sentence"].split())
    text = Text(sentence)
    for phrase, style in ((evidence.get("subject_text"), "bold blue"), (evidence.get("object_text"), "bold magenta"),
                          ((evidence.get("effect") or {}).get("text"), "bold yellow"), (evidence.get("p_value"), "yellow")):
        if not phrase:
            continue
        flat = " ".join(phrase.split())
        for match in re.finditer(re.escape(flat), sentence):
            text.stylize(style, match.start(), match.end())
    return text


def print_evidence(console: Console, graph: nx.MultiDiGraph, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        console.print(Text.assemble((row["subject_name"], "bold blue"), " ",
                                    (row["relation"], RELATION_STYLE.get(row["relation"], "")), " ",
                                    (row["object_name"], "bold magenta"),
                                    f"  support {row['support']}, {len(row['evidence'])} sentence(s)"))
        for ev in row["evidence"]:
            facts = [f"[{ev['article']}]"]
            if ev.get("species"):
                facts.append(_name(graph, ev["species"]))
            if ev.get("anatomy"):
                facts.append(ev.get("anatomy_name") or _name(graph, ev["anatomy"]))
            if ev.get("section"):
                facts.append(ev["section"])
            facts += [flag for flag in ("negated", "hedged") if ev.get(flag)]
            console.print(Text("  ").append(highlighted(ev)))
            console.print(Text("    " + " · ".join(facts), style="dim"))
        console.print()


def print_summary(console: Console, summary: dict[str, Any]) -> None:
    console.print(Text.assemble((summary["name"], "bold"), f"  {summary['id']}  ({summary['type']})"))
    console.print(f"mentioned {summary['mentions']} times in {len(summary['articles'])} article(s)")
    if summary["synonyms"]:
        console.print("also: " + ", ".join(summary["synonyms"][:20]))
    for direction, title in (("out", "it acts on"), ("in", "acted on by")):
        groups = summary[direction]
        if not groups:
            continue
        console.print(Text(f"\n{title}:", style="bold"))
        for relation, items in groups.items():
            listed = ", ".join(f"{i['name']} ({i['support']})" for i in items[:15])
            more = f" … +{len(items) - 15}" if len(items) > 15 else ""
            console.print(Text.assemble(("  " + relation, RELATION_STYLE.get(relation, "")), f": {listed}{more}"))


def print_paths(console: Console, paths: list[dict[str, Any]]) -> None:
    for number, path in enumerate(paths, 1):
        chain = Text(f"{number}. ")
        chain.append(path["links"][0]["source_name"], style="bold")
        for link in path["links"]:
            chain.append(f" → {link['relation']} → ", style=RELATION_STYLE.get(link["relation"], ""))
            chain.append(link["target_name"], style="bold")
        chain.append(f"   weakest support {path['weakest_support']}", style="dim")
        console.print(chain)
        for link in path["links"]:
            evidence = link["evidence"]
            if evidence:
                console.print(Text(f"     {link['source_name']} {link['relation']} {link['target_name']}: ", style="dim")
                              .append(highlighted(evidence)).append(f" [{evidence['article']}]", style="dim"))


def print_stats(console: Console, stats: dict[str, Any]) -> None:
    table = Table(show_header=False, box=None)
    table.add_row("articles", str(stats["articles"]))
    table.add_row("  by study type", ", ".join(f"{k} {v}" for k, v in stats["study_types"].items()))
    table.add_row("concepts", str(stats["concepts"]))
    table.add_row("  by type", ", ".join(f"{k} {v}" for k, v in stats["concepts_by_type"].items()))
    table.add_row("findings", str(stats["findings"]))
    table.add_row("  by relation", ", ".join(f"{k} {v}" for k, v in stats["findings_by_relation"].items()))
    table.add_row("  support ≥ 2", str(stats["findings_with_support_2_or_more"]))
    table.add_row("evidence sentences", str(stats["evidence"]))
    table.add_row("most connected", ", ".join(f"{c['name']} ({c['findings']})" for c in stats["top_connected"]))
    table.add_row("most mentioned", ", ".join(f"{c['name']} ({c['mentions']})" for c in stats["top_mentioned"]))
    console.print(table)
