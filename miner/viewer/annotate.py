"""``miner annotate``: one article with its entities, effect sizes and findings marked.

The article goes through the pipeline; spaCy's displaCy (``span`` style) draws the
concept mentions (labelled with their type and id) and the effect sizes over the text,
and a table under it lists the findings with their sentences. Everything from the
article is escaped by displaCy or :func:`html.escape`.
"""

from __future__ import annotations

import html
from typing import Any

from spacy import displacy
from spacy.tokens import Doc, Span

from miner.pipeline import extensions

VIEW_KEY = "miner_view"
COLORS = {"intervention": "#aec7e8", "condition": "#ff9896", "biomarker": "#98df8a", "outcome": "#ffbb78",
          "species": "#c5b0d5", "anatomy": "#c49c94", "effect": "#dbdb8d"}


def _view_spans(doc: Doc) -> list[Span]:
    spans = []
    for mention in extensions.get(doc, "miner_entities"):
        span = doc.char_span(mention["start"], mention["end"], alignment_mode="expand",
                             label=f"{mention['type']} {mention['id']}")
        if span is not None:
            spans.append(span)
    for effect in extensions.get(doc, "miner_effects"):
        span = doc.char_span(effect["start"], effect["end"], alignment_mode="expand", label=f"effect {effect['kind']}")
        if span is not None:
            spans.append(span)
    return spans


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
    return ("<table border='1' cellpadding='4' style='border-collapse:collapse;font:13px sans-serif'>"
            f"<tr>{head}</tr>{''.join(rows)}</table>")


def render_annotated(docs: list[Doc]) -> str:
    """A page with every doc drawn by displaCy and its findings listed."""
    parts = []
    for doc in docs:
        doc.spans[VIEW_KEY] = _view_spans(doc)
        colors = {span.label_: COLORS.get(span.label_.split()[0], "#ddd") for span in doc.spans[VIEW_KEY]}
        article = extensions.get(doc, "miner_article")
        title = html.escape(str(article.get("title") or article.get("id") or ""))
        drawing = displacy.render(doc, style="span", options={"spans_key": VIEW_KEY, "colors": colors}, page=False)
        parts.append(f"<h1 style='font:20px sans-serif'>{title}</h1>{drawing}"
                     f"<h2 style='font:16px sans-serif'>Findings</h2>{_findings_table(extensions.get(doc, 'miner_relations'))}")
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'>"
            "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>miner annotate</title></head><body>{'<hr>'.join(parts)}</body></html>")
