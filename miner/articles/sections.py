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

#: A PMC text rendering's header line: ``TITLE:``, ``ABSTRACT.RESULTS:``, ``BODY.DISCUSSION:``,
#: also indented, numbered (``1BODY.INTRODUCTION:``), with a doubled colon
#: (``ABSTRACT.AIM::``), a colon inside the label (``BODY.PRIMARY ENDPOINT: PAIN:``) or
#: glued into it (``BODY.I:NTRODUCTION``), and a title on the header's own line
#: (``TITLE: Yoga for back pain``). See :func:`_pmc_header`.
_PMC_LINE = re.compile(r"^[ \t]*\d{0,3}(?P<label>(?:TITLE|ABSTRACT|BODY)(?=[.:\s]|$)[^\n]{0,200})$", re.M)
_GLUED_COLON = re.compile(r":(?=\S)")
_MD_HEADER = re.compile(r"^#{1,6}[ \t]+(?P<label>[^\n]{1,120}?)[ \t#]*$", re.M)
PLAIN_HEADER = re.compile(
    r"^(?P<label>(?:\d+(?:\.\d+)*\.?\s+)?(?:" + "|".join(re.escape(w) for w in _HEADING_WORDS)
    + r")(?:\s+(?:and|&)\s+[A-Za-z ]{2,40})?)[ \t]*:?[ \t]*$",
    re.M | re.I,
)
INLINE_LABEL = re.compile(
    r"^(?:\*\*|__)?(?P<label>(?:" + "|".join(re.escape(w) for w in _HEADING_WORDS)
    + r")(?:\s+(?:and|&)\s+[A-Za-z]{2,20})?)[ \t]*[:.](?:\*\*|__)?[ \t]+(?=\S)",
    re.M | re.I,
)


def _pmc_header(match: re.Match[str]) -> tuple[str, int] | None:
    """(label, where its content starts) of a PMC header line, or None for a line that
    only starts with one of the words.

    A line that ends with a colon is a header, whatever colons it has inside; so is a
    line without lower-case letters, or one whose colons are glued to a word (the
    renderings misplace the colon: ``BODY.I:NTRODUCTION``). ``LABEL: text`` puts the
    section's first text on the header's line (a title, mostly).
    """
    line = match.group("label").rstrip()
    if line.endswith(":"):
        return _GLUED_COLON.sub("", line.rstrip(":")).strip(), match.end() + 1
    inline = re.match(r"(?P<label>[^:]*?):[ \t]+(?=\S)", line)
    if inline:
        return inline.group("label").strip(), match.start("label") + inline.end()
    if ":" in line or not any(c.islower() for c in line):
        return _GLUED_COLON.sub("", line).strip(), match.end() + 1
    return None


_KIND_SEARCH = tuple(
    (kind, re.compile(r"\b(?:" + "|".join(re.escape(key) for key in keys) + r")\b")) for kind, keys in _KIND_WORDS
)


@lru_cache(maxsize=4096)
def section_kind(label: str) -> str:
    """Normalise a section label to one of the section kinds.

    A subsection whose own words name no kind is of its parent's kind
    ("BODY.RESULTS.RESTING PAIN" is results).

    >>> section_kind("ABSTRACT.MATERIALS AND METHODS")
    'methods'
    >>> section_kind("Conclusions")
    'conclusions'
    >>> section_kind("BODY.DISCUSSION.MECHANISMS")
    'discussion'
    """
    for part in reversed(label.split(".")):
        kind = _kind_of_words(re.sub(r"[^a-z ]+", " ", part.lower()).strip())
        if kind is not None:
            return kind
    if label.upper().startswith("ABSTRACT"):
        return "abstract"
    return "other"


def _kind_of_words(words: str) -> str | None:
    """The kind that a label's words name, or None."""
    if not words:
        return None
    for kind, keys in _KIND_WORDS:
        for key in keys:
            if words == key or words.startswith(key + " ") or words.endswith(" " + key):
                return kind
    for kind, pattern in _KIND_SEARCH:
        if pattern.search(words):
            return kind
    return None


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
    section. After a ``TITLE:`` header the first paragraph (or the rest of the header's
    line) is the title and the text up to the next header is the (unlabelled) abstract.
    """
    # (header start, pattern rank, content start, label): at one line start the PMC header wins.
    marks: list[tuple[int, int, int, str]] = []
    line_starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
    for match in _at_line_starts(_PMC_LINE, text, line_starts):
        header = _pmc_header(match)
        if header is not None:
            label, content = header
            marks.append((match.start(), 0, min(content, len(text)), label))
    for rank, pattern in enumerate((_MD_HEADER, PLAIN_HEADER), 1):
        for match in _at_line_starts(pattern, text, line_starts):
            content = match.end() + 1 if match.end() < len(text) else match.end()
            marks.append((match.start(), rank, content, match.group("label").strip()))
    for match in _at_line_starts(INLINE_LABEL, text, line_starts):
        marks.append((match.start(), 3, match.start(), match.group("label").strip()))
    if not marks:
        return []
    marks.sort()
    deduped: list[tuple[int, int, str]] = []  # (header start, content start, label)
    for begin, _, content, label in marks:
        if deduped and (begin == deduped[-1][0] or begin < deduped[-1][1]):
            continue  # the same line matched by two patterns
        deduped.append((begin, content, label))
    sections: list[Section] = []
    for index, (_, start, label) in enumerate(deduped):
        end = deduped[index + 1][0] if index + 1 < len(deduped) else len(text)
        if label.upper() == "TITLE":
            sections.extend(_split_title(text, start, end))
            continue
        if end > start:
            sections.append(Section(label, section_kind(label), start, end))
    return _results_subsections(sections)


#: Labels of the back matter: never part of the results, wherever they stand.
_BACK_MATTER = re.compile(r"acknowledg|reference|funding|financ|competing|conflict|disclos|supplement|appendix|"
                          r"abbreviation|author|contribut|availability|ethic|consent|registration|footnote|glossary",
                          re.I)


def _results_subsections(sections: list[Section]) -> list[Section]:
    """Sections of a full text's body whose label names no kind, where the results stand,
    are of the results: renderings flatten the headings of a full text and often drop
    the results' own ("BODY.STATISTICAL ANALYSIS:", then "BODY.ENZYME RELEASE:",
    "BODY.ADVERSE EVENTS:", then "BODY.DISCUSSION:"). That is, after a results section,
    or after the last methods section when results, a discussion or conclusions come
    next (not the back matter, not the abstract's sections).

    >>> kinds = lambda *ks: [s.kind for s in _results_subsections(
    ...     [Section(f"BODY.{i}", k, i, i + 1) for i, k in enumerate(ks)])]
    >>> kinds("methods", "other", "methods", "other", "other", "discussion")
    ['methods', 'other', 'methods', 'results', 'results', 'discussion']
    >>> kinds("results", "other", "background", "other")
    ['results', 'results', 'background', 'other']
    """
    out: list[Section] = []
    last = None
    for index, section in enumerate(sections):
        if section.kind != "other":
            last = section.kind
        elif _BACK_MATTER.search(section.label):
            last = None
        elif not section.label.upper().startswith("ABSTRACT") and (
                last == "results" or (last == "methods" and _next_kind(sections, index) in _AFTER_METHODS)):
            section = Section(section.label, "results", section.start, section.end)
        out.append(section)
    return out


_AFTER_METHODS = frozenset({"results", "discussion", "conclusions"})


def _next_kind(sections: list[Section], index: int) -> str | None:
    """The kind of the first section after ``index`` whose label names one."""
    return next((s.kind for s in sections[index + 1:] if s.kind != "other" and not _BACK_MATTER.search(s.label)),
                None)


_TITLE_LABEL = re.compile(r"[ \t]*(?:\*\*|__)?title[ \t]*:(?:\*\*|__)?[ \t]*", re.I)


def _split_title(text: str, start: int, end: int) -> list[Section]:
    """The title paragraph after a ``TITLE:`` header, and the abstract that follows."""
    chunk = text[start:end]
    label = _TITLE_LABEL.match(chunk)  # an inline "Title: ..." section starts at its label
    stripped = label.end() if label else len(chunk) - len(chunk.lstrip())
    body_start = start + stripped
    on_header_line = start > 0 and "\n" not in text[start - 1:body_start]  # "TITLE: Yoga for back pain"
    para_end = text.find("\n" if on_header_line else "\n\n", body_start, end)
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
