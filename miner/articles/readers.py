"""Readers: files and folders in, :class:`Article` records out.

Each reader is a generator over one file that yields articles, and yields (never
raises) a :class:`~miner.errors.ReadError` for what it cannot read, so that one bad
record in a JSON Lines file does not cost the rest. :func:`iter_folder` walks a folder
recursively, in a stable order, and does the same for whole files.

Supported: ``.txt``, ``.md``, ``.html``/``.htm``, ``.json``/``.jsonl`` (plain records,
Europe PMC search results, BioC JSON), ``.xml``/``.nxml`` and ``.xml.gz`` (PubMed XML,
JATS, BioC XML; told apart by their root element, streamed) and ``.pdf``.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from miner.articles.model import Article, Section, article_with_ids, normalise_pmcid, normalise_pmid
from miner.articles.sections import detect_sections, guess_title
from miner.errors import ReadError

#: Files larger than this are refused with a clear message (bytes). Articles are at
#: most a few hundred kilobytes; a bigger "article" is almost always a mistake.
MAX_FILE_BYTES = 20 * 1024 * 1024

ReadResult = Article | ReadError
Reader = Callable[[Path, str], Iterator[ReadResult]]

_ID_IN_NAME = re.compile(r"^(?:(?P<pmc>PMC\d+)|PMID[_:-]?(?P<pmid>\d+))$", re.I)


def decode_bytes(data: bytes, name: str) -> str:
    """Decode a text file's bytes, or raise :class:`ReadError` saying why not.

    UTF-8 (with or without a byte-order mark) and UTF-16 with a byte-order mark are
    read; anything else that is not valid UTF-8 is refused rather than guessed.
    """
    if not data.strip():
        raise ReadError(name, "empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReadError(name, f"invalid UTF-16 text ({exc.reason})") from None
        if not _looks_like_text(text):
            raise ReadError(name, "binary file, not text (a UTF-16 mark but no readable text)")
        return text
    if b"\x00" in data[:8192]:
        raise ReadError(name, "binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = data[exc.start]
        raise ReadError(
            name, f"not UTF-8 text (byte 0x{bad:02x} at offset {exc.start}); re-save it as UTF-8"
        ) from None
    if not text.strip():
        raise ReadError(name, "empty file")
    return text


def _looks_like_text(text: str) -> bool:
    """Mostly printable characters: what real text decoded from UTF-16 looks like."""
    sample = text[:4000]
    if not sample:
        return False
    printable = sum(1 for c in sample if c.isprintable() or c in "\n\r\t")
    return printable / len(sample) >= 0.95


def read_bytes(path: Path, name: str) -> bytes:
    """A file's bytes, or :class:`ReadError` for a missing, unreadable or huge file."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ReadError(name, "not a regular file (a pipe, device or socket)")
        size = info.st_size
        if size > MAX_FILE_BYTES:
            raise ReadError(
                name, f"file too large ({size / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB)"
            )
        return path.read_bytes()
    except ReadError:
        raise
    except FileNotFoundError:
        raise ReadError(name, "file vanished before it could be read") from None
    except IsADirectoryError:
        raise ReadError(name, "is a directory") from None
    except PermissionError:
        raise ReadError(name, "permission denied") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ReadError(name, "symbolic link loop") from None
        raise ReadError(name, f"cannot read ({exc.strerror or exc})") from None


def _ids_from_name(name: str) -> dict[str, str]:
    stem = Path(name).name.split(".")[0]
    match = _ID_IN_NAME.match(stem)
    if not match:
        return {}
    if match.group("pmc"):
        return {"pmcid": normalise_pmcid(match.group("pmc"))}
    return {"pmid": normalise_pmid(match.group("pmid"))}


def article_from_text(text: str, name: str, **meta: Any) -> Article:
    """An article from plain text: sections and title found in the text itself.

    The id is the PMID/PMCID/DOI given in ``meta``, else one in the file name
    (``PMC123.txt``, ``PMID_123.txt``), else ``name``.
    """
    ids = {**_ids_from_name(name), **{k: v for k, v in meta.items() if v}}
    sections = detect_sections(text)
    title = meta.get("title") or guess_title(text, sections)
    return article_with_ids(
        pmid=ids.get("pmid"), pmcid=ids.get("pmcid"), doi=ids.get("doi"), fallback=name,
        text=text,
        title=title,
        source=name,
        sections=sections,
        year=ids.get("year"),
        journal=ids.get("journal"),
    )


def read_text_file(path: Path, name: str) -> Iterator[ReadResult]:
    """A ``.txt`` or ``.md`` file: one article, its text exactly as decoded."""
    try:
        text = decode_bytes(read_bytes(path, name), name)
    except ReadError as error:
        yield error
        return
    yield article_from_text(text, name)


# --------------------------------------------------------------------------- HTML

_BLOCK_TAGS = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "li", "ul", "ol",
    "table", "tr", "td", "th", "thead", "tbody", "br", "hr", "blockquote", "pre", "dd", "dt",
    "dl", "figure", "figcaption", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "title",
}
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "object", "embed",
              "nav", "form", "button", "select")
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def html_to_text(data: bytes, name: str) -> tuple[str, list[Section], dict[str, Any]]:
    """Visible text of an HTML page, its headings as sections, and citation metadata.

    Scripts, styles and other non-text elements are dropped; block elements become
    line breaks. Nothing is fetched: external resources and entities are not resolved.
    """
    from lxml import etree
    from lxml import html as lxml_html

    try:
        parser = lxml_html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
        root = lxml_html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(name, f"unreadable HTML ({exc})") from None
    meta = _html_meta(root)
    for element in root.xpath("|".join(f"//{tag}" for tag in _DROP_TAGS)):
        element.drop_tree()
    head = root.find("head")
    if head is not None:
        head.drop_tree()

    parts: list[str] = []
    headings: list[tuple[int, str]] = []
    length = 0

    def emit(chunk: str) -> None:
        nonlocal length
        if chunk:
            parts.append(chunk)
            length += len(chunk)

    def newline() -> None:
        if parts and not parts[-1].endswith("\n"):
            emit("\n")

    def walk(element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower()
        block = tag in _BLOCK_TAGS
        if block:
            newline()
        if tag in _HEADING_TAGS:
            headings.append((length, " ".join(element.text_content().split())))
        if element.text:
            emit(re.sub(r"\s+", " ", element.text) if tag != "pre" else element.text)
        for child in element:
            walk(child)
            if child.tail:
                emit(re.sub(r"\s+", " ", child.tail))
        if block:
            newline()
            if tag in _HEADING_TAGS or tag == "p":
                emit("\n")

    walk(root)
    raw = "".join(parts)
    lines = [line.strip() for line in raw.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
    sections = _sections_from_headings(text, [h for _, h in headings if h])
    return text, sections, meta


def _sections_from_headings(text: str, headings: list[str]) -> list[Section]:
    from miner.articles.sections import section_kind

    found: list[tuple[int, int, str]] = []
    cursor = 0
    for heading in headings:
        index = text.find(heading, cursor)
        if index < 0:
            continue
        line_end = text.find("\n", index)
        line_end = len(text) if line_end < 0 else line_end + 1
        found.append((index, line_end, heading))
        cursor = line_end
    sections = []
    for i, (_, start, heading) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else len(text)
        if end > start:
            sections.append(Section(heading, section_kind(heading), start, end))
    return sections


def _html_meta(root: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    names = {
        "citation_title": "title", "dc.title": "title",
        "citation_pmid": "pmid", "citation_pmcid": "pmcid",
        "citation_doi": "doi", "dc.identifier": "doi",
        "citation_journal_title": "journal",
        "citation_publication_date": "year", "citation_date": "year", "dc.date": "year",
    }
    for element in root.xpath("//meta[@name and @content]"):
        key = names.get(element.get("name", "").strip().lower())
        value = element.get("content", "").strip()
        if not key or not value or key in meta:
            continue
        if key == "doi" and not value.lower().lstrip("doi:").strip().startswith("10."):
            continue
        meta[key] = value
    if "title" not in meta:
        titles = root.xpath("//title")
        if titles:
            title = " ".join(titles[0].text_content().split())
            if title:
                meta["title"] = title
    if "year" in meta:
        meta["year"] = _year(meta["year"])
    return meta


def read_html_file(path: Path, name: str) -> Iterator[ReadResult]:
    """An ``.html``/``.htm`` page: its visible text as one article."""
    try:
        data = read_bytes(path, name)
        if not data.strip():
            raise ReadError(name, "empty file")
        if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ReadError(name, "binary file, not HTML")
        text, sections, meta = html_to_text(data, name)
    except ReadError as error:
        yield error
        return
    if not text.strip():
        yield ReadError(name, "no visible text in the page")
        return
    ids = {**_ids_from_name(name), **{k: v for k, v in meta.items() if v}}
    yield article_with_ids(
        pmid=ids.get("pmid"), pmcid=ids.get("pmcid"), doi=ids.get("doi"), fallback=name,
        text=text,
        title=meta.get("title") or guess_title(text, sections),
        source=name,
        year=meta.get("year"),
        journal=meta.get("journal"),
        sections=sections,
    )


# --------------------------------------------------------------------------- JSON

_TEXT_FIELDS = ("abstract", "text", "body", "full_text", "fulltext")


def _first(record: dict[str, Any], *keys: str) -> Any:
    lowered = {k.lower(): v for k, v in record.items()}
    for key in keys:
        value = lowered.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def _year(value: Any) -> int | None:
    if isinstance(value, int) and 1000 < value < 3000:
        return value
    match = re.search(r"\b(1[89]\d\d|2[01]\d\d)\b", str(value))
    return int(match.group(1)) if match else None


def _pieces(value: Any, default_label: str) -> list[tuple[str, str]]:
    """(label, text) pieces of a text field: a string, a list, or a label->text map."""
    if value is None:
        return []
    if isinstance(value, str):
        return [(default_label, value)] if value.strip() else []
    if isinstance(value, dict):
        if "text" in value and isinstance(value["text"], str):
            label = value.get("label") or value.get("title") or value.get("section") or default_label
            return [(str(label), value["text"])]
        return [(str(k), v) for k, v in value.items() if isinstance(v, str) and v.strip()]
    if isinstance(value, list):
        out: list[tuple[str, str]] = []
        for item in value:
            out.extend(_pieces(item, default_label))
        return out
    raise TypeError(f"expected text, a list or an object, got {type(value).__name__}")


def article_from_record(record: Any, name: str, fallback_id: str) -> Article:
    """An article from one JSON object (fields title / abstract / text / body, ids).

    The text is the title, the abstract and the body, separated by blank lines; each
    labelled piece becomes a section.
    """
    if not isinstance(record, dict):
        raise ReadError(name, f"expected a JSON object, got {type(record).__name__}")
    from miner.articles.europepmc import europepmc_article, is_europepmc_record

    if is_europepmc_record(record):
        return europepmc_article(record, name)
    title = _first(record, "title", "articletitle", "article_title")
    if title is not None and not isinstance(title, str):
        raise ReadError(name, "field 'title' is not text")
    try:
        pieces: list[tuple[str, str, str]] = []  # (label, kind-hint, text)
        for key in _TEXT_FIELDS:
            value = _first(record, key)
            for label, text in _pieces(value, key.upper()):
                pieces.append((label, key, text))
    except TypeError as exc:
        raise ReadError(name, str(exc)) from None
    if not pieces and not title:
        raise ReadError(name, "no title, abstract, text or body field")
    from miner.articles.sections import section_kind

    chunks: list[str] = []
    sections: list[Section] = []
    offset = 0
    if title:
        title = " ".join(title.split())
        chunks.append(title)
        sections.append(Section("TITLE", "title", 0, len(title)))
        offset = len(title)
    for label, field, text in pieces:
        text = text.strip()
        if chunks:
            chunks.append("\n\n")
            offset += 2
        chunks.append(text)
        kind = section_kind(label)
        if kind == "other" and field == "abstract":
            kind = "abstract"
        full_label = label if label.upper().startswith(field.upper()) else f"{field.upper()}.{label}"
        sections.append(Section(full_label, kind, offset, offset + len(text)))
        offset += len(text)
    text = "".join(chunks)
    pmid = _first(record, "pmid")
    pmcid = _first(record, "pmcid", "pmc")
    doi = _first(record, "doi")
    journal = _first(record, "journal", "journal_title")
    return article_with_ids(
        pmid=pmid, pmcid=pmcid, doi=doi, fallback=fallback_id,
        text=text,
        title=title,
        source=name,
        year=_year(_first(record, "year", "pub_year", "publication_year", "date", "pubdate")),
        journal=str(journal) if journal else None,
        sections=sections,
    )


def read_json_file(path: Path, name: str) -> Iterator[ReadResult]:
    """A ``.json`` file: one object, or a list of objects (one article each)."""
    try:
        text = decode_bytes(read_bytes(path, name), name)
        data = json.loads(text)
    except ReadError as error:
        yield error
        return
    except json.JSONDecodeError as exc:
        yield ReadError(name, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")
        return
    from miner.articles.bioc import bioc_json_articles, is_bioc_json

    if is_bioc_json(data):
        yield from bioc_json_articles(data, name)
        return
    if isinstance(data, dict) and isinstance(data.get("resultList"), dict):
        data = data["resultList"].get("result") or []  # a saved Europe PMC search response
    records = data if isinstance(data, list) else [data]
    for index, record in enumerate(records, 1):
        where = name if len(records) == 1 else f"{name}#{index}"
        try:
            yield article_from_record(record, where, where)
        except ReadError as error:
            yield error


def read_jsonl_file(path: Path, name: str) -> Iterator[ReadResult]:
    """A ``.jsonl`` file: one article per line; a bad line is reported, the rest read."""
    try:
        text = decode_bytes(read_bytes(path, name), name)
    except ReadError as error:
        yield error
        return
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadError(where, f"invalid JSON at column {exc.colno}: {exc.msg}")
            continue
        try:
            yield article_from_record(record, where, f"{name}#{number}")
        except ReadError as error:
            yield error


# --------------------------------------------------------------------------- XML, PDF

_XML_KINDS = {
    "PubmedArticleSet": "pubmed", "PubmedArticle": "pubmed", "PubmedBookArticle": "pubmed",
    "article": "jats", "pmc-articleset": "jats", "collection": "bioc",
}


def read_xml_file(path: Path, name: str) -> Iterator[ReadResult]:
    """An XML file (or ``.xml.gz``): PubMed, JATS or BioC, told apart by the root element.

    Streamed: no size limit applies, memory stays flat however many records it holds.
    """
    from miner.articles.xmltools import root_name

    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ReadError(name, "not a regular file (a pipe, device or socket)")
        if info.st_size == 0:
            raise ReadError(name, "empty file")
        root = root_name(path, name)
    except ReadError as error:
        yield error
        return
    except OSError as exc:
        yield ReadError(name, f"cannot read ({exc.strerror or exc})")
        return
    kind = _XML_KINDS.get(root)
    if kind == "pubmed":
        from miner.articles.pubmed import read_pubmed_xml

        yield from read_pubmed_xml(path, name)
    elif kind == "jats":
        from miner.articles.jats import read_jats_xml

        yield from read_jats_xml(path, name)
    elif kind == "bioc":
        from miner.articles.bioc import read_bioc_xml

        yield from read_bioc_xml(path, name)
    else:
        yield ReadError(name, f"unrecognised XML (root element <{root}>; expected PubMed, JATS or BioC)")


def read_gz_file(path: Path, name: str) -> Iterator[ReadResult]:
    """A gzip file: ``.xml.gz`` (a PubMed baseline or update file) is streamed."""
    if path.name.lower().endswith((".xml.gz", ".nxml.gz")):
        yield from read_xml_file(path, name)
    else:
        yield ReadError(name, "unsupported file type '.gz' (only .xml.gz is read)")


def read_pdf(path: Path, name: str) -> Iterator[ReadResult]:
    from miner.articles.pdf import read_pdf_file

    yield from read_pdf_file(path, name)


READERS: dict[str, Reader] = {
    ".xml": read_xml_file,
    ".nxml": read_xml_file,
    ".gz": read_gz_file,
    ".pdf": read_pdf,
    ".txt": read_text_file,
    ".md": read_text_file,
    ".markdown": read_text_file,
    ".html": read_html_file,
    ".htm": read_html_file,
    ".json": read_json_file,
    ".jsonl": read_jsonl_file,
}


def read_path(path: Path, name: str | None = None) -> Iterator[ReadResult]:
    """Articles (or read errors) from one file, chosen by its suffix."""
    name = name or path.name
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        yield ReadError(name, f"unsupported file type '{path.suffix or '(none)'}'")
        return
    yield from reader(path, name)


def walk_files(folder: Path) -> Iterator[tuple[Path, str]]:
    """Every file below ``folder``, recursively and sorted, with its relative name.

    Hidden files and folders (``.git``, ``.DS_Store``) are passed over; symbolic links
    to folders are not followed, so a link loop cannot trap the walk.
    """
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in sorted(filenames):
            if filename.startswith("."):
                continue
            path = Path(dirpath) / filename
            yield path, path.relative_to(folder).as_posix()


def input_files(source: Path | str) -> Iterator[tuple[Path, str] | ReadError]:
    """The files that mining ``source`` reads, each with its name (relative to the folder),
    or one :class:`ReadError` if ``source`` does not exist."""
    source = Path(source)
    if source.is_file():
        yield source, source.name
    elif source.is_dir():
        yield from walk_files(source)
    else:
        yield ReadError(str(source), "no such file or folder")


def iter_folder(folder: Path | str) -> Iterator[ReadResult]:
    """Every article under ``folder`` (or in it, if it is a file), and every problem."""
    for entry in input_files(folder):
        if isinstance(entry, ReadError):
            yield entry
        else:
            yield from read_path(*entry)


def iter_articles(sources: Iterable[Path | str]) -> Iterator[ReadResult]:
    """Articles and problems from several files or folders, in the order given."""
    for source in sources:
        yield from iter_folder(source)
