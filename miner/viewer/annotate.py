"""``miner annotate``: one article with its entities, effect sizes and findings marked.

The article goes through the pipeline; spaCy's displaCy (``ent`` style, from offsets)
marks the concept mentions (their type, and their id beside it) and the effect sizes
inline in the text, section by section under readable headings ("Abstract · Results"
for a PMC ``ABSTRACT.RESULTS:`` header), so that marks wrap with the text and never
cover each other; a table under it lists the findings with their sentences. Everything
from the article is escaped by displaCy or :func:`html.escape`.
"""

from __future__ import annotations

import html
import re
from typing import Any

from spacy import displacy
from spacy.tokens import Doc

from miner.pipeline import extensions

COLORS = {"intervention": "#aec7e8", "condition": "#ff9896", "biomarker": "#98df8a", "outcome": "#ffbb78",
          "species": "#c5b0d5", "anatomy": "#c49c94", "effect": "#dbdb8d"}
#: How a PMC header's parts read as a heading.
_PARTS = {"abstract": "Abstract", "body": "", "title": "Title", "front": ""}
#: A gap between two sections that only holds the next one's header ("ABSTRACT.AIM:",
#: "## Results", "**Methods:**") is left out: the heading says it.
_HEADER_CHARS = re.compile(r"[\s#*_:.\-]+")
STYLE = """
body { font: 15px/1.6 system-ui, sans-serif; color: #222; max-width: 1100px; margin: 0 auto; padding: 0 16px;
       overflow-wrap: anywhere; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin: 28px 0 4px; } h3 { font-size: 14px; color: #555; margin: 18px 0 0; }
.entities { line-height: 2.6 !important; }
mark.entity { -webkit-box-decoration-break: clone; box-decoration-break: clone; }
.legend span { display: inline-block; border-radius: 4px; padding: 0 6px; margin: 0 4px 4px 0; font-size: 12px; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 13px; }
td, th { border: 1px solid #ccc; padding: 4px; vertical-align: top; text-align: left; }
th:last-child, td:last-child { width: 40%; }
"""


def section_heading(label: str) -> str:
    """A readable heading for a section label: "ABSTRACT.AIM" -> "Abstract · Aim",
    "BODY.METHODS" -> "Methods"; other labels as written."""
    if label.isupper() and re.fullmatch(r"[A-Z0-9_ .&/-]+", label):
        parts = [p for p in label.split(".") if p]
        words = [_PARTS.get(parts[0].lower(), parts[0].capitalize())] if len(parts) > 1 else []
        words += [p.replace("_", " ").capitalize() for p in (parts[1:] if len(parts) > 1 else parts)]
        return " · ".join(w for w in words if w)
    return label


def _marks(doc: Doc) -> list[dict[str, Any]]:
    """Entity and effect spans that do not overlap (entities first, then the effects that
    cross none of them), in text order."""
    entities = sorted(({"start": m.start, "end": m.end, "label": m.type, "kb_id": m.id}
                       for m in extensions.get(doc, "miner_entities")), key=lambda s: (s["start"], -s["end"]))
    effects = sorted(({"start": e["start"], "end": e["end"], "label": f"effect {e['kind']}"}
                      for e in extensions.get(doc, "miner_effects")), key=lambda s: (s["start"], -s["end"]))
    kept: list[dict[str, Any]] = []
    for span in [*entities, *effects]:
        if all(span["end"] <= other["start"] or span["start"] >= other["end"] for other in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s["start"])


def _pieces(text: str, sections: list[dict[str, Any]], title: str) -> list[tuple[str | None, int, int]]:
    """(heading or None, start, end) of the stretches of ``text`` to draw."""
    pieces: list[tuple[str | None, int, int]] = []
    position = 0
    for section in sorted(sections, key=lambda s: s["start"]):
        start, end = max(section["start"], position), section["end"]
        if start >= end:
            continue
        gap = text[position:start]
        label = section.get("label") or ""
        if _HEADER_CHARS.sub("", gap).lower() not in ("", _HEADER_CHARS.sub("", label).lower(),
                                                      _HEADER_CHARS.sub("", title).lower()):
            pieces.append((None, position, start))
        position = end
        if label:  # an inline label ("**Methods:** Adults were...") is said by the heading
            inline = re.match(r"[\s*#_]*" + re.escape(label) + r"[\s*#_]*:[\s*#_]*", text[start:end], re.I)
            start += inline.end() if inline else 0
        if not text[start:end].strip():
            continue
        if section.get("kind") == "title" and text[start:end].strip() == title.strip():
            continue  # the page's own title says it
        pieces.append((section_heading(label) if label else None, start, end))
    if text[position:].strip():
        pieces.append((None, position, len(text)))
    return pieces or [(None, 0, len(text))]


def _draw(text: str, marks: list[dict[str, Any]], start: int, end: int) -> str:
    spans = [{**m, "start": m["start"] - start, "end": m["end"] - start}
             for m in marks if m["start"] >= start and m["end"] <= end]
    colors = {m["label"].upper(): COLORS.get(m["label"].split()[0], "#ddd") for m in spans}
    return displacy.render({"text": text[start:end].strip("\n"), "ents": _trimmed(text[start:end], spans),
                            "title": None}, style="ent", manual=True, page=False, options={"colors": colors})


def _trimmed(piece: str, spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Spans moved by the newlines stripped from the start of the piece."""
    shift = len(piece) - len(piece.lstrip("\n"))
    limit = len(piece.strip("\n"))
    return [{**s, "start": s["start"] - shift, "end": s["end"] - shift} for s in spans
            if s["start"] - shift >= 0 and s["end"] - shift <= limit]


def _findings_table(relations: list[dict[str, Any]]) -> str:
    if not relations:
        return "<p>No findings.</p>"
    rows = []
    for r in relations:
        effect = (r.get("effect") or {}).get("text") or ""
        flags = ", ".join(f for f in ("negated", "hedged") if r.get(f))
        cells = [r["subject_name"], r["relation"], r["object_name"], effect, r.get("p_value") or "", flags,
                 r.get("section") or "", r["sentence"]]
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in ("subject", "relation", "object", "effect", "p", "flags", "section",
                                              "sentence"))
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def render_annotated(docs: list[Doc]) -> str:
    """A page with every doc's text marked, section by section, and its findings listed."""
    legend = "".join(f"<span style='background:{color}'>{html.escape(label)}</span>"
                     for label, color in COLORS.items())
    parts = []
    for doc in docs:
        article = extensions.get(doc, "miner_article")
        text = extensions.doc_text(doc)
        title = str(article.get("title") or article.get("id") or "")
        marks = _marks(doc)
        body = []
        for heading, start, end in _pieces(text, article.get("sections") or [], title):
            if heading:
                body.append(f"<h3>{html.escape(heading)}</h3>")
            body.append(_draw(text, marks, start, end))
        parts.append(f"<h1>{html.escape(title)}</h1><p class='legend'>{legend}</p>{''.join(body)}"
                     f"<h2>Findings</h2>{_findings_table(extensions.get(doc, 'miner_relations'))}")
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>miner annotate</title><style>{STYLE}</style></head><body>{'<hr>'.join(parts)}</body></html>")
