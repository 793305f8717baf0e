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


def pooled_summary(pooled: dict[str, Any]) -> str:
    """"pooled SMD -0.52 (-0.80 to -0.24), k=3, I² 12%" or the median and range."""
    kind = pooled["kind"].replace("_", " ")
    if pooled["method"].startswith("random"):
        return (f"pooled {kind} {pooled['estimate']:.2f} ({pooled['low']:.2f} to {pooled['high']:.2f}), "
                f"k={pooled['k']}, I² {pooled['i2']:.0f}%")
    return f"median {kind} {pooled['estimate']:g} (range {pooled['low']:g} to {pooled['high']:g}), k={pooled['k']}"


#: How the confidence score is computed (shown by ``miner show``).
CONFIDENCE_LEGEND = (
    "confidence: each article whose own results state the finding counts by its design "
    "(meta-analysis 0.9, randomized trial 0.8, clinical trial 0.65, review 0.6, observational or animal 0.5, "
    "case report 0.3, news 0.2, unknown 0.4), ×0.6 if all its sentences are hedged, ×0.8 without a "
    "p-value or CI; confidence = 1 − ∏(1 − weight), halved when another finding contradicts it in the "
    "same species and model. Background sentences and citations do not count."
)


#: The columns of :func:`findings_table`, the least needed last: (header, minimum width,
#: share of the width left over; 0 for a column of fixed width).
FINDING_COLUMNS: tuple[tuple[str, int, int], ...] = (
    ("subject", 14, 2),
    ("relation", 9, 0),
    ("object", 14, 2),
    ("support", 7, 0),
    ("effect sizes", 18, 3),
    ("confidence", 10, 0),
    ("evidence", 8, 0),
    ("species", 8, 1),
)
_RIGHT = ("support", "confidence", "evidence")


def column_widths(width: int, relation_width: int = 9) -> dict[str, int]:
    """The columns of :data:`FINDING_COLUMNS` that fit in ``width`` characters, with their
    text widths: the first four always, then as many of the others as fit, in order; the
    width left over goes to the columns of names and effect sizes. Each column takes 3
    characters more for its border and padding."""
    minimum = {h: (relation_width if h == "relation" else m) for h, m, _ in FINDING_COLUMNS}
    chosen, used = [], 1
    for number, (header, _, _) in enumerate(FINDING_COLUMNS):
        if number >= 4 and used + minimum[header] + 3 > width:
            break
        chosen.append(header)
        used += minimum[header] + 3
    widths = {h: minimum[h] for h in chosen}
    shares = {h: share for h, _, share in FINDING_COLUMNS if h in widths and share}
    spare = max(0, width - used)
    for header, share in shares.items():
        widths[header] += spare * share // sum(shares.values())
    return widths


def findings_table(graph: nx.MultiDiGraph, rows: list[dict[str, Any]], width: int = 160,
                   ids: bool = False) -> Table:
    """One row per finding, in the columns that fit ``width`` (:func:`column_widths`); names
    wrap at word boundaries; ``ids`` puts each concept's id under its name."""
    relation_width = max((len(r["relation"]) for r in rows), default=9)
    cells_of_rows = []
    for row in rows:
        species = sorted({_name(graph, e.get("species")) for e in row["evidence"] if e.get("species")})
        cells_of_rows.append({
            "subject": Text(row["subject_name"]).append(f"\n{row['subject']}" if ids else "", style="dim"),
            "relation": Text(row["relation"], style=RELATION_STYLE.get(row["relation"], ""))
            + (Text("\n" + denied_summary(row["denies"]), style="dim") if row.get("denies") else Text("")),
            "object": Text(row["object_name"]).append(f"\n{row['object']}" if ids else "", style="dim"),
            "support": Text.from_markup(str(row["support"]) + (
                "\n[dim]cited only[/]" if row.get("cited_only") else
                f"\n[dim]+{row['cited_support']} cited[/]" if row.get("cited_support") else "")),
            "evidence": Text(str(len(row["evidence"]))),
            "confidence": Text.from_markup((f"{row['confidence']:.2f}" if row.get("confidence") is not None else "")
                                           + ("\n[red]conflict[/]" if row.get("conflicts_with") else "")),
            "species": Text(", ".join(species)),
            "effect sizes": Text((pooled_summary(row["pooled"]) + "\n" if row.get("pooled") else "")
                                 + effect_summary(row["evidence"])),
        })
    widths = _fitted(column_widths(width, relation_width), cells_of_rows, width)
    table = Table(show_lines=False, header_style="bold", expand=False)
    for header, column_width in widths.items():
        table.add_column(header, width=column_width, justify="right" if header in _RIGHT else "left",
                         overflow="fold")
    for cells in cells_of_rows:
        table.add_row(*(cells[header] for header in widths))
    return table


def _fitted(widths: dict[str, int], rows: list[dict[str, Text]], width: int) -> dict[str, int]:
    """Column widths no wider than their content, the room this saves given to the columns
    whose content is still wider than their column."""
    longest = {h: max([len(h), *(len(line) for row in rows for line in row[h].plain.split("\n"))]) for h in widths}
    out = {h: min(w, longest[h]) for h, w in widths.items()}
    for _ in range(3):
        spare = width - 1 - sum(w + 3 for w in out.values())
        wanting = [h for h in out if longest[h] > out[h]]
        if spare <= 0 or not wanting:
            break
        for header in wanting:
            out[header] = min(longest[header], out[header] + spare // len(wanting))
    return out


def denied_summary(denies: dict[str, int]) -> str:
    """What an edge's denying sentences deny: "denies associated_with (2 articles)"."""
    return "; ".join(f"denies {relation} ({n} article{'s' if n != 1 else ''})" for relation, n in denies.items())


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
                                    f"  support {row['support']}, {len(row['evidence'])} evidence sentence"
                                    + ("s" if len(row["evidence"]) != 1 else ""),
                                    (f"  {denied_summary(row['denies'])}" if row.get("denies") else "", "dim")))
        for ev in row["evidence"]:
            facts = [f"[{ev['article']}]"]
            if ev.get("species"):
                facts.append(_name(graph, ev["species"]))
            if ev.get("anatomy"):
                facts.append(ev.get("anatomy_name") or _name(graph, ev["anatomy"]))
            if ev.get("section"):
                facts.append(ev["section"])
            context = ev.get("context") or {}
            facts += [str(context[k]) for k in ("design", "strain", "sex", "model") if context.get(k)]
            if context.get("sample_size"):
                facts.append(f"n={context['sample_size']}")
            facts += [str(context[k]) for k in ("dose", "timepoint") if context.get(k)]
            facts += [f"denies {ev['denies']}" if ev.get("denies") else "negated"] if ev.get("negated") else []
            facts += ["hedged"] if ev.get("hedged") else []
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
            console.print(Text("  " + relation, style=RELATION_STYLE.get(relation, "") + " bold"))
            for item in items[:15]:
                line = Text(f"    {item['name']}", style="bold")
                facts = [f"support {item['support']}"]
                if item.get("cited_support"):
                    facts.append(f"+{item['cited_support']} cited")
                if item.get("denies"):
                    facts.append(denied_summary(item["denies"]))
                if item.get("confidence") is not None:
                    facts.append(f"confidence {item['confidence']:.2f}")
                if item.get("support_by_design"):
                    facts.append(", ".join(f"{k} {v}" for k, v in item["support_by_design"].items()))
                line.append("  " + " · ".join(facts), style="")
                if item.get("conflicts_with"):
                    line.append(f"  conflicts with {', '.join(item['conflicts_with'])}", style="red")
                console.print(line)
                if item.get("pooled"):
                    console.print(Text(f"      {pooled_summary(item['pooled'])} [{item['pooled']['method']}]", style="dim"))
                for basis in item.get("confidence_basis", [])[:5]:
                    console.print(Text(f"      {basis}", style="dim"))
            if len(items) > 15:
                console.print(Text(f"    … +{len(items) - 15} more", style="dim"))
    console.print(Text("\n" + CONFIDENCE_LEGEND, style="dim"))


def print_conflicts(console: Console, graph: nx.MultiDiGraph, conflicts: list[dict[str, Any]]) -> None:
    """Each contradiction with both sides' evidence."""
    for number, conflict in enumerate(conflicts, 1):
        contexts = "; ".join(" / ".join(x for x in (_name(graph, c["species"]) if c["species"] else "species unknown",
                                                     c["model"] or "no model stated")) for c in conflict["contexts"])
        console.print(Text.assemble(f"{number}. ", (conflict["subject_name"], "bold blue"), " → ",
                                    (conflict["object_name"], "bold magenta"), f"  [{conflict['status']}]",
                                    (f"  in {contexts}" if contexts else "", "dim")))
        for side in conflict["sides"]:
            console.print(Text.assemble("   ", (side["relation"], RELATION_STYLE.get(side["relation"], "") + " bold"),
                                        f"  support {side['support']}",
                                        f", confidence {side['confidence']:.2f}" if side.get("confidence") is not None else ""))
            for ev in side["evidence"][:4]:
                console.print(Text("     ").append(highlighted(ev)).append(f" [{ev['article']}]", style="dim"))
        console.print()


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


def print_news(console: Console, reports: list[dict[str, Any]]) -> None:
    """Each news report, the mined studies it reports on, what they share and how they differ."""
    for report in reports:
        console.print(f"[bold]{report.get('title') or report['id']}[/]  [dim]{report['id']}[/]")
        links = report.get("reports_on", [])
        if not links:
            console.print("  no mined study matches it")
        for link in links:
            console.print(f"  reports on [bold]{link.get('title') or link['article']}[/] [dim]{link['article']}, "
                          f"score {link['score']}[/]")
            for key, value in link["shared"].items():
                console.print(f"    shared {key}: {value if not isinstance(value, list) else '; '.join(map(str, value))}",
                              highlight=False)
            for difference in link["differences"]:
                console.print(f"    [yellow]differs[/]: {difference}", highlight=False)
        console.print()


def print_stats(console: Console, stats: dict[str, Any]) -> None:
    table = Table(show_header=False, box=None)
    table.add_row("articles", str(stats["articles"]))
    table.add_row("  by study type", ", ".join(f"{k} {v}" for k, v in stats["study_types"].items()))
    table.add_row("concepts", str(stats["concepts"]))
    table.add_row("  by type", ", ".join(f"{k} {v}" for k, v in stats["concepts_by_type"].items()))
    table.add_row("findings", str(stats["findings"]))
    table.add_row("  by relation", ", ".join(f"{k} {v}" for k, v in stats["findings_by_relation"].items()))
    table.add_row("  support ≥ 2", str(stats["findings_with_support_2_or_more"]))
    table.add_row("evidence sentences", f"{stats['evidence']} ({stats['evidence_own']} own results, "
                                        f"{stats['evidence_background']} background or cited)")
    table.add_row("most connected", ", ".join(f"{c['name']} ({c['findings']})" for c in stats["top_connected"]))
    table.add_row("most mentioned", ", ".join(f"{c['name']} ({c['mentions']})" for c in stats["top_mentioned"]))
    console.print(table)
