"""Find the labelled sections of an article's plain text (pure functions).

Articles come with their structure written in many ways: the ``TITLE:`` /
``ABSTRACT.RESULTS:`` / ``BODY.DISCUSSION:`` header lines of PMC text renderings,
Markdown headings, plain headings on a line of their own ("Results"), and the inline
labels of structured abstracts ("RESULTS: Pain fell by..."). :func:`detect_sections`
turns each into a :class:`~miner.articles.model.Section` with a normalised kind, so that
the pipeline can tell a result from a background claim.
"""

from __future__ import annotations

import re
from functools import lru_cache

from miner.articles.model import Section

_KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("title", ("title",)),
    ("conclusions", ("conclusion", "conclusions", "interpretation", "implications",
                      "summary", "significance", "perspective", "take home")),
    ("results", ("result", "results", "findings", "outcomes", "main results",
                 "principal findings", "efficacy")),
    ("discussion", ("discussion", "comment", "limitations")),
    ("methods", ("method", "methods", "methodology", "design", "setting", "settings",
                 "participants", "patients", "subjects", "intervention", "interventions",
                 "measurements", "outcome measures", "main outcome measures",
                 "statistical", "analysis", "procedures", "materials", "animals",
                 "protocol", "trial registration", "data sources", "study selection",
                 "data extraction", "eligibility")),
    ("background", ("background", "introduction", "objective", "objectives", "aim",
                    "aims", "purpose", "context", "rationale", "hypothesis",
                    "importance", "question")),
    ("abstract", ("abstract",)),
)

_HEADING_WORDS = sorted(
    {word for _, words in _KIND_WORDS for word in words} | {"acknowledgements",
     "acknowledgments", "references", "funding", "competing interests", "supplementary material"},
    key=len,
    reverse=True,
)

_PMC_HEADER = re.compile(r"^(?P<label>(?:TITLE|ABSTRACT|BODY)(?:\.[^\n:]{1,120})?):[ \t]*$", re.M)
_MD_HEADER = re.compile(r"^#{1,6}[ \t]+(?P<label>[^\n]{1,120}?)[ \t#]*$", re.M)
_PLAIN_HEADER = re.compile(
    r"^(?P<label>(?:\d+(?:\.\d+)*\.?\s+)?(?:" + "|".join(re.escape(w) for w in _HEADING_WORDS)
    + r")(?:\s+(?:and|&)\s+[A-Za-z ]{2,40})?)[ \t]*:?[ \t]*$",
    re.M | re.I,
)
_INLINE_LABEL = re.compile(
    r"^(?:\*\*|__)?(?P<label>(?:" + "|".join(re.escape(w) for w in _HEADING_WORDS)
    + r")(?:\s+(?:and|&)\s+[A-Za-z]{2,20})?)[ \t]*[:.](?:\*\*|__)?[ \t]+(?=\S)",
    re.M | re.I,
)


_KIND_SEARCH = tuple(
    (kind, re.compile(r"\b(?:" + "|".join(re.escape(key) for key in keys) + r")\b")) for kind, keys in _KIND_WORDS
)


@lru_cache(maxsize=4096)
def section_kind(label: str) -> str:
    """Normalise a section label to one of the section kinds.

    >>> section_kind("ABSTRACT.MATERIALS AND METHODS")
    'methods'
    >>> section_kind("Conclusions")
    'conclusions'
    """
    last = label.rsplit(".", 1)[-1] if "." in label else label
    words = re.sub(r"[^a-z ]+", " ", last.lower()).strip()
    words = re.sub(r"^\d+\s+", "", words)
    if not words:
        words = re.sub(r"[^a-z ]+", " ", label.lower()).strip()
    for kind, keys in _KIND_WORDS:
        for key in keys:
            if words == key or words.startswith(key + " ") or words.endswith(" " + key):
                return kind
    for kind, pattern in _KIND_SEARCH:
        if pattern.search(words):
            return kind
    if label.upper().startswith("ABSTRACT"):
        return "abstract"
    return "other"


_NEWLINE = re.compile(r"\n")


def _at_line_starts(pattern: re.Pattern[str], text: str, line_starts: list[int]) -> list[re.Match[str]]:
    """The pattern's matches that begin at a line start (all its matches: each is ``^``-anchored).

    Trying only the line starts, rather than letting ``finditer`` test ``^`` at every
    character, is what keeps section detection cheap on long texts.
    """
    out = []
    for start in line_starts:
        match = pattern.match(text, start)
        if match is not None:
            out.append(match)
    return out


def detect_sections(text: str) -> list[Section]:
    """Labelled sections of ``text``, in order, covering it from the first label on.

    A header line's section runs from the start of the next line to the next header; an
    inline label's section starts at the label. Text before the first header gets no
    section. After a ``TITLE:`` header the first paragraph is the title and the text up
    to the next header is the (unlabelled) abstract.
    """
    marks: list[tuple[int, int, str]] = []  # (header start, content start, label)
    line_starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
    for pattern in (_PMC_HEADER, _MD_HEADER, _PLAIN_HEADER):
        for match in _at_line_starts(pattern, text, line_starts):
            content = match.end() + 1 if match.end() < len(text) else match.end()
            marks.append((match.start(), content, match.group("label").strip()))
    for match in _at_line_starts(_INLINE_LABEL, text, line_starts):
        marks.append((match.start(), match.start(), match.group("label").strip()))
    if not marks:
        return []
    marks.sort()
    deduped: list[tuple[int, int, str]] = []
    for mark in marks:
        if deduped and mark[0] < deduped[-1][1] + (1 if deduped[-1][1] > deduped[-1][0] else 0):
            continue  # same line matched by two patterns
        deduped.append(mark)
    sections: list[Section] = []
    for index, (_, start, label) in enumerate(deduped):
        end = deduped[index + 1][0] if index + 1 < len(deduped) else len(text)
        if label.upper() == "TITLE":
            sections.extend(_split_title(text, start, end))
            continue
        if end > start:
            sections.append(Section(label, section_kind(label), start, end))
    return sections


def _split_title(text: str, start: int, end: int) -> list[Section]:
    """The title paragraph after a ``TITLE:`` header, and the abstract that follows."""
    chunk = text[start:end]
    stripped = len(chunk) - len(chunk.lstrip())
    body_start = start + stripped
    para_end = text.find("\n\n", body_start, end)
    if para_end == -1:
        para_end = end
    out = [Section("TITLE", "title", body_start, para_end)]
    rest = text[para_end:end]
    if rest.strip():
        rest_start = para_end + len(rest) - len(rest.lstrip())
        out.append(Section("ABSTRACT", "abstract", rest_start, end))
    return out


def guess_title(text: str, sections: list[Section]) -> str | None:
    """The article's title: the ``title`` section, else a short first line set apart."""
    for section in sections:
        if section.kind == "title":
            title = " ".join(text[section.start:section.end].split())
            return title or None
    stripped = text.lstrip()
    if not stripped:
        return None
    first, _, rest = stripped.partition("\n")
    first = first.strip().lstrip("#").strip()
    if 0 < len(first) <= 250 and (not rest or rest.startswith("\n") or rest.strip() == ""
                                  or rest.lstrip(" \t").startswith("\n")):
        return first
    return None
