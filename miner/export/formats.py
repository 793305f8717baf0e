"""Exports of the evidence graph, each with its reader (round-trip pairs).

- ``json``: networkx node-link data (``edges``), exactly the ``miner.evidence-graph/1``
  contract; for programs and for other tools' importers.
- ``graphml`` / ``gexf``: for Cytoscape, Gephi and yEd. These take scalar attributes
  only, so list attributes are flattened: lists of strings joined with ``|``, nested
  data (each edge's evidence) as a JSON string; :func:`read_graphml` / :func:`read_gexf`
  restore them.
- ``csv``: one row per evidence, with its finding, claim kind, design and study
  context (:func:`evidence_rows`), for spreadsheets, R and pandas.

Every writer writes to a temporary file beside the target and renames it into place,
so a failed export never leaves half a file; ``-`` writes to stdout. A symbolic link's
target is replaced (not the link); a folder, a device or a pipe never is.
"""

from __future__ import annotations

import csv
import glob
import io
import json
import os
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from miner.errors import ExportError

LIST_NODE_ATTRS = ("synonyms", "articles")
JSON_EDGE_ATTRS = ("evidence", "cited", "support_by_species", "support_by_design", "pooled", "conflicts",
                   "confidence_basis", "news_of_the_same_study", "denies")
#: One row per evidence (CSV and JSON Lines): the finding it states ...
FINDING_COLUMNS = ["subject", "subject_name", "subject_type", "relation", "object", "object_name", "object_type",
                   "support", "cited_support", "cited_only", "finding_confidence", "conflicts_with"]
#: ... the sentence, whether it is the paper's own result (``claim``) and in what design ...
EVIDENCE_COLUMNS = ["article", "claim", "design", "section", "sentence", "start", "end", "subject_text",
                    "object_text", "effect_text", "effect_kind", "effect_value", "effect_low", "effect_high",
                    "effect_unit", "effect_start", "effect_end", "p_value", "species", "species_name", "anatomy",
                    "anatomy_name", "negated", "denies", "hedged", "confidence", "trigger", "subject_source"]
#: ... and the study context the sentence or its article gives.
CONTEXT_COLUMNS = ["strain", "sex", "model", "condition", "sample_size", "dose", "timepoint"]
CSV_COLUMNS = FINDING_COLUMNS + EVIDENCE_COLUMNS + CONTEXT_COLUMNS
_EFFECT_FIELDS = ("text", "kind", "value", "low", "high", "unit", "start", "end")


#: ``-o -``: write to standard output instead of a file.
STDOUT = "-"
#: A temporary file without a live writer's pid in its name is stale after this many seconds.
STALE_SECONDS = 3600


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def export_target(path: Path | str) -> Path:
    """The file that an export to ``path`` replaces: ``path`` itself, or the file a symbolic
    link points to (the link stays a link).

    Raises :class:`ExportError` for a folder and for anything that exists and is not a
    regular file (a device such as ``/dev/full``, a named pipe, a socket): an export never
    replaces those.
    """
    path = Path(path)
    target = Path(os.path.realpath(path))
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise ExportError(f"{path}: cannot write here ({exc.strerror or exc})") from None
    if stat.S_ISDIR(mode):
        raise ExportError(f"{path}: is a folder; give the file to write (e.g. -o {path / 'graph.json'})")
    if not stat.S_ISREG(mode):
        raise ExportError(f"{path}: exists and is {_kind(mode)}; refusing to replace it (-o - writes to stdout)")
    return target


def _remove_stale_temporaries(target: Path) -> None:
    """Delete the temporary files that killed exports to ``target`` left behind.

    Each is named ``.<name>.<pid>.<random>.tmp``: stale when that process is gone (or,
    without a pid, when it is older than :data:`STALE_SECONDS`).
    """
    prefix = f".{target.name}."
    for leftover in target.parent.glob(glob.escape(prefix) + "*.tmp"):
        middle = leftover.name[len(prefix):-len(".tmp")].split(".")[0]
        try:
            if middle.isdigit():
                if _alive(int(middle)):
                    continue
            elif time.time() - leftover.lstat().st_mtime < STALE_SECONDS:
                continue
            leftover.unlink()
        except OSError:
            continue


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def atomic_write(path: Path | str, write: Callable[[io.TextIOBase], None], *, newline: str | None = None) -> None:
    """Write a text file through a temporary file and a rename (``-``: to stdout).

    The temporary file sits beside the target (the file a symbolic link points to, see
    :func:`export_target`); one that a killed export left there is removed first.
    """
    if str(path) == STDOUT:
        sys.stdout.flush()
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline=newline, write_through=True)
        try:
            write(stream)
            stream.flush()
        finally:
            stream.detach()
        return
    target = export_target(path)
    directory = target.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        _remove_stale_temporaries(target)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise ExportError(f"{path}: cannot write here ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            write(handle)
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)  # a replaced file keeps its permissions
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask  # mkstemp makes it private; an export is an ordinary file
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# ----------------------------------------------------------------------------- JSON

def to_json_data(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """The node-link form of the graph, as the export schema defines it."""
    data = nx.node_link_data(graph, edges="edges")
    data["directed"] = True
    data["multigraph"] = True
    return data


def write_json(graph: nx.MultiDiGraph, path: Path | str) -> None:
    data = to_json_data(graph)
    atomic_write(path, lambda h: json.dump(data, h, ensure_ascii=False, indent=1))


def from_json_data(data: dict[str, Any]) -> nx.MultiDiGraph:
    return nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")


def read_json(path: Path | str) -> nx.MultiDiGraph:
    return from_json_data(json.loads(Path(path).read_text(encoding="utf-8")))


# ----------------------------------------------------------------------------- GraphML / GEXF

def flatten(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with scalar attributes only (for GraphML and GEXF)."""
    flat = nx.MultiDiGraph()
    flat.graph["schema"] = graph.graph.get("schema", "")
    flat.graph["articles"] = json.dumps(graph.graph.get("articles", []), ensure_ascii=False)
    for node, attrs in graph.nodes(data=True):
        values = {}
        for key, value in attrs.items():
            if key in LIST_NODE_ATTRS:
                values[key] = "|".join(str(v) for v in value)
            elif value is None:
                continue
            else:
                values[key] = value
        flat.add_node(node, **values)
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        values = {}
        for name, value in attrs.items():
            if name in JSON_EDGE_ATTRS:
                values[name] = json.dumps(value, ensure_ascii=False)
            elif value is not None:
                values[name] = value
        if "evidence" in attrs:
            values["n_evidence"] = len(attrs["evidence"])
            values["articles"] = "|".join(sorted({e["article"] for e in attrs["evidence"]}))
        flat.add_edge(u, v, key=key, **values)
    return flat


def unflatten(flat: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Undo :func:`flatten`."""
    graph = nx.MultiDiGraph()
    graph.graph["schema"] = flat.graph.get("schema")
    articles = flat.graph.get("articles")
    graph.graph["articles"] = json.loads(articles) if isinstance(articles, str) and articles else []
    for node, attrs in flat.nodes(data=True):
        values = dict(attrs)
        values.pop("label", None)
        for key in LIST_NODE_ATTRS:
            if key in values:
                text = values[key]
                values[key] = text.split("|") if text else []
        if "mentions" in values:
            values["mentions"] = int(values["mentions"])
        graph.add_node(node, **values)
    for u, v, key, attrs in flat.edges(keys=True, data=True):
        values = dict(attrs)
        values.pop("id", None)
        values.pop("label", None)
        values.pop("n_evidence", None)
        values.pop("articles", None)
        for name in JSON_EDGE_ATTRS:
            if name in values:
                values[name] = json.loads(values[name])
        for name in ("support", "cited_support"):
            if name in values:
                values[name] = int(values[name])
        if "confidence" in values:
            values["confidence"] = float(values["confidence"])
        graph.add_edge(u, v, key=values.get("relation", key), **values)
    return graph


def write_graphml(graph: nx.MultiDiGraph, path: Path | str) -> None:
    flat = flatten(graph)
    buffer = io.BytesIO()
    nx.write_graphml(flat, buffer, encoding="utf-8")
    atomic_write(path, lambda h: h.write(buffer.getvalue().decode("utf-8")))


def read_graphml(path: Path | str) -> nx.MultiDiGraph:
    flat = nx.read_graphml(str(path), force_multigraph=True)
    return unflatten(nx.MultiDiGraph(flat))


def write_gexf(graph: nx.MultiDiGraph, path: Path | str) -> None:
    flat = flatten(graph)
    for node, attrs in flat.nodes(data=True):
        attrs["label"] = attrs.get("name", node)
    for _, _, key, attrs in flat.edges(keys=True, data=True):
        attrs["label"] = attrs.get("relation", key)
    buffer = io.BytesIO()
    nx.write_gexf(flat, buffer, encoding="utf-8")
    atomic_write(path, lambda h: h.write(buffer.getvalue().decode("utf-8")))


def read_gexf(path: Path | str) -> nx.MultiDiGraph:
    flat = nx.read_gexf(str(path))
    return unflatten(nx.MultiDiGraph(flat))


# ----------------------------------------------------------------------------- CSV

def evidence_rows(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """One flat record per evidence sentence (the CSV and JSON Lines exports): the finding's
    subject, relation, object, support and confidence, the sentence with its claim kind
    (``own`` result, ``background``, ``citation``, ``methods``, ``baseline``), design, effect
    size and species, and its study context; columns :data:`CSV_COLUMNS`. Sentences that
    are not the paper's own result are rows too, told apart by ``claim``."""
    designs = {a["id"]: a.get("study_type") for a in graph.graph.get("articles", [])}
    rows = []
    for u, v, _key, attrs in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[2], e[1])):
        conflicts = sorted({c["relation"] for c in attrs.get("conflicts", []) if c.get("status") == "conflict"})
        finding = {
            "subject": u, "subject_name": graph.nodes[u].get("name"), "subject_type": graph.nodes[u].get("type"),
            "relation": attrs["relation"],
            "object": v, "object_name": graph.nodes[v].get("name"), "object_type": graph.nodes[v].get("type"),
            "support": attrs.get("support"), "cited_support": attrs.get("cited_support", 0),
            "cited_only": bool(attrs.get("cited_only")), "finding_confidence": attrs.get("confidence"),
            "conflicts_with": "|".join(conflicts) or None,
        }
        for ev in [*attrs.get("evidence", []), *attrs.get("cited", [])]:
            effect = ev.get("effect") or {}
            context = ev.get("context") or {}
            species = ev.get("species")
            row = dict(finding)
            row.update({
                "article": ev["article"], "claim": context.get("claim", "own"),
                "design": context.get("design") or designs.get(ev["article"]), "section": ev.get("section"),
                "sentence": ev["sentence"], "start": ev["start"], "end": ev["end"],
                "subject_text": ev.get("subject_text"), "object_text": ev.get("object_text"),
                **{f"effect_{name}": effect.get(name) for name in _EFFECT_FIELDS},
                "p_value": ev.get("p_value"), "species": species,
                "species_name": graph.nodes[species].get("name") if species in graph else None,
                "anatomy": ev.get("anatomy"), "anatomy_name": ev.get("anatomy_name"),
                "negated": bool(ev.get("negated")), "denies": ev.get("denies"), "hedged": bool(ev.get("hedged")),
                "confidence": ev.get("confidence"), "trigger": ev.get("trigger"),
                "subject_source": ev.get("subject_source"),
                **{name: context.get(name) for name in CONTEXT_COLUMNS},
            })
            rows.append(row)
    return rows


def graph_from_rows(rows: Iterable[dict[str, Any]]) -> nx.MultiDiGraph:
    """The edges and evidence of :func:`evidence_rows` records as a graph (nodes carry name
    and type only); values typed as JSON gives them (CSV readers convert first)."""
    graph = nx.MultiDiGraph()
    for row in rows:
        for role in ("subject", "object"):
            graph.add_node(row[role], name=row[f"{role}_name"], type=row[f"{role}_type"])
        effect = None
        if row.get("effect_text") or row.get("effect_kind"):
            effect = {name: row.get(f"effect_{name}") for name in _EFFECT_FIELDS}
        context = {name: row.get(name) for name in ("claim", *CONTEXT_COLUMNS, "design")}
        evidence = {
            "article": row["article"], "sentence": row["sentence"], "start": row["start"], "end": row["end"],
            "subject_text": row.get("subject_text"), "object_text": row.get("object_text"), "effect": effect,
            "p_value": row.get("p_value"), "species": row.get("species"), "anatomy": row.get("anatomy"),
            "anatomy_name": row.get("anatomy_name"), "negated": bool(row.get("negated")),
            "hedged": bool(row.get("hedged")), "confidence": row.get("confidence"), "section": row.get("section"),
            "trigger": row.get("trigger"), "subject_source": row.get("subject_source"),
            "context": {k: v for k, v in context.items() if v is not None},
        }
        if row.get("denies"):
            evidence["denies"] = row["denies"]
        u, v, key = row["subject"], row["object"], row["relation"]
        if not graph.has_edge(u, v, key):
            graph.add_edge(u, v, key=key, relation=key, support=row["support"], evidence=[])
            attrs = graph.edges[u, v, key]
            if row.get("cited_only"):
                attrs["cited_only"] = True
            if row.get("cited_support"):
                attrs["cited_support"] = row["cited_support"]
            if row.get("finding_confidence") is not None:
                attrs["confidence"] = row["finding_confidence"]
        attrs = graph.edges[u, v, key]
        own = evidence["context"].get("claim", "own") == "own"
        attrs.setdefault("evidence" if own or attrs.get("cited_only") else "cited", []).append(evidence)
    return graph


def write_csv(graph: nx.MultiDiGraph, path: Path | str) -> None:
    rows = evidence_rows(graph)

    def write(handle: io.TextIOBase) -> None:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)

    atomic_write(path, write, newline="")


_INT_COLUMNS = ("support", "cited_support", "start", "end", "effect_start", "effect_end", "sample_size")
_FLOAT_COLUMNS = ("finding_confidence", "effect_value", "effect_low", "effect_high", "confidence")
_BOOL_COLUMNS = ("cited_only", "negated", "hedged")


def _typed(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row with the types of :func:`evidence_rows` restored (empty cells are None)."""
    out: dict[str, Any] = {}
    for key, text in row.items():
        if text in (None, ""):
            out[key] = None
        elif key in _INT_COLUMNS:
            out[key] = int(text)
        elif key in _FLOAT_COLUMNS:
            out[key] = float(text)
        elif key in _BOOL_COLUMNS:
            out[key] = text == "True"
        else:
            out[key] = text
    return out


def read_csv(path: Path | str) -> nx.MultiDiGraph:
    """The edges and evidence of a CSV export as a graph (nodes carry name and type only)."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        return graph_from_rows(_typed(row) for row in csv.DictReader(handle))


def _tools() -> Any:
    from miner.export import tools

    return tools


WRITERS: dict[str, Callable[[nx.MultiDiGraph, Path | str], None]] = {
    "json": write_json,
    "graphml": write_graphml,
    "gexf": write_gexf,
    "csv": write_csv,
    "cytoscape": lambda g, p: _tools().write_cytoscape(g, p),
    "neo4j": lambda g, p: _tools().write_neo4j(g, p),
    "jsonl": lambda g, p: _tools().write_jsonl(g, p),
}
READERS: dict[str, Callable[[Path | str], nx.MultiDiGraph]] = {
    "json": read_json,
    "graphml": read_graphml,
    "gexf": read_gexf,
    "csv": read_csv,
    "cytoscape": lambda p: _tools().read_cytoscape(p),
    "neo4j": lambda p: _tools().read_neo4j(p),
    "jsonl": lambda p: _tools().read_jsonl(p),
}
#: Formats written from the store itself (they need the articles' text).
STORE_FORMATS = ("bioc",)
FORMATS = (*WRITERS, *STORE_FORMATS)


def export_graph(graph: nx.MultiDiGraph, fmt: str, path: Path | str) -> None:
    """Write ``graph`` in format ``fmt`` to ``path``."""
    writer = WRITERS.get(fmt)
    if writer is None:
        raise ExportError(f"unknown export format '{fmt}' (known: {', '.join(FORMATS)})")
    writer(graph, path)
