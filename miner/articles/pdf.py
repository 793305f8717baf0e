"""PDF -> article, with the text layer pypdf extracts.

Lines are re-joined into paragraphs (a word hyphenated across a line break is
re-joined too), a short line that names a section ("Results", "2. Methods") stays on
a line of its own so that sections are found as in plain text, and pages are
paragraphs apart. A scanned PDF has no text layer: it is reported, not mined empty.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from miner.articles.model import Article
from miner.articles.sections import PLAIN_HEADER
from miner.articles.textfiles import article_from_text, os_problem, too_large
from miner.errors import ReadError

#: PDFs carry figures, so they may be larger than text files (bytes: 100 MB).
MAX_PDF_BYTES = 100_000_000
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+[^\s\"<>.,;)])")
_HYPHENATED = re.compile(r"([a-z])-\n([a-z])")
_SENTENCE_END = (".", ":", "?", "!")


def unwrap(page_text: str) -> str:
    """Paragraphs of one page's extracted lines.

    >>> unwrap("Exercise reduced pain in the treat-\\nment group.\\nResults\\nPain fell.")
    'Exercise reduced pain in the treatment group.\\n\\nResults\\nPain fell.'
    """
    text = _HYPHENATED.sub(r"\1\2", page_text.replace("\r\n", "\n").replace("\r", "\n"))
    paragraphs: list[str] = []
    current: list[str] = []
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        if len(line) <= 60 and PLAIN_HEADER.fullmatch(line):
            if current:
                paragraphs.append(" ".join(current))
            paragraphs.append(f"\0{line}")  # a heading: its own line, the paragraph right after
            current = []
            continue
        current.append(line)
    if current:
        paragraphs.append(" ".join(current))
    out: list[str] = []
    for paragraph in paragraphs:
        if out and out[-1].startswith("\0"):
            out[-1] = out[-1][1:] + "\n" + paragraph.lstrip("\0")
        else:
            out.append(paragraph)
    if out and out[-1].startswith("\0"):
        out[-1] = out[-1][1:]
    return "\n\n".join(out)


def read_pdf_file(path: Path, name: str) -> Iterator[Article | ReadError]:
    """A ``.pdf`` file: one article from its text layer."""
    try:
        text, title = _pdf_text(path, name)
    except ReadError as error:
        yield error
        return
    doi = _DOI.search(text[:5000])
    yield article_from_text(text, name, doi=doi.group(1) if doi else None, title=title)


def _pdf_text(path: Path, name: str) -> tuple[str, str | None]:
    try:
        from pypdf import PdfReader
        from pypdf.errors import DependencyError, PdfReadError
    except ImportError:  # pragma: no cover - pypdf is a dependency
        raise ReadError(name, "PDF support needs pypdf (pip install pypdf)") from None
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise os_problem(exc, name) from None
    if size == 0:
        raise ReadError(name, "empty file")
    if size > MAX_PDF_BYTES:
        raise ReadError(name, too_large(size, MAX_PDF_BYTES))
    import logging

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings about sloppy PDFs are noise here
    try:
        with path.open("rb") as handle:
            if not handle.read(1024).lstrip().startswith(b"%PDF"):
                raise ReadError(name, "not a PDF file (no %PDF header)")
            handle.seek(0)
            reader = PdfReader(handle)
            if reader.is_encrypted:
                try:
                    if not reader.decrypt(""):
                        raise ReadError(name, "encrypted PDF (a password is needed)")
                except DependencyError:
                    raise ReadError(name, "encrypted PDF (decrypting it needs the 'cryptography' package)") from None
            pages = [unwrap(page.extract_text() or "") for page in reader.pages]
            title = None
            if reader.metadata is not None and reader.metadata.title:
                title = " ".join(str(reader.metadata.title).split()) or None
    except ReadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            AssertionError, OSError, ZeroDivisionError) as exc:
        reason = str(exc).split("\n")[0][:160] or type(exc).__name__
        raise ReadError(name, f"unreadable PDF ({reason})") from None
    text = "\n\n".join(page for page in pages if page.strip())
    if not text.strip():
        raise ReadError(name, "PDF has no text layer (a scan?); run OCR on it first")
    if title and len(title) < 8:
        title = None  # "Untitled", "doc1": producer defaults, not titles
    return text + "\n", title
