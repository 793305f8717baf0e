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

#: A megabyte, as the messages and the README count them.
MB = 1_000_000
#: Files read whole (.txt, .md, .html, .json) larger than this are refused with a clear
#: message (bytes). Articles are at most a few hundred kilobytes; a bigger "article" is
#: almost always a mistake. JSON Lines and XML are streamed: no limit on the file, and a
#: JSON Lines record may be this long.
MAX_FILE_BYTES = 20 * MB

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
        if info.st_size > MAX_FILE_BYTES:
            raise ReadError(name, too_large(info.st_size, MAX_FILE_BYTES))
        return path.read_bytes()
    except ReadError:
        raise
    except OSError as exc:
        raise os_problem(exc, name) from None


def os_problem(exc: OSError, name: str) -> ReadError:
    """The :class:`ReadError` for a file that the system would not let us read."""
    if isinstance(exc, FileNotFoundError):
        return ReadError(name, "file vanished before it could be read")
    if isinstance(exc, IsADirectoryError):
        return ReadError(name, "is a directory")
    if isinstance(exc, PermissionError):
        return ReadError(name, "permission denied")
    if exc.errno == errno.ELOOP:
        return ReadError(name, "symbolic link loop")
    return ReadError(name, f"cannot read ({exc.strerror or exc})")


def too_large(size: int, limit: int, what: str = "file") -> str:
    """The reason given for a file (or record) over its size limit, in MB of 10^6 bytes.

    >>> too_large(20_600_000, 20_000_000)
    'file too large (20.6 MB; the limit is 20 MB)'
    """
    shown = f"{size / MB:,.1f} MB"
    if round(size / MB, 1) * MB <= limit:  # just over: "20.0 MB" would not say why
        shown = f"{size:,} bytes"
    return f"{what} too large ({shown}; the limit is {limit / MB:g} MB)"


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


def _jsonl_lines(path: Path, name: str) -> Iterator[tuple[int, str | ReadError]]:
    """(line number, text or why it cannot be read) of each line of a JSON Lines file,
    streamed and decoded line by line, split at ``\\n`` only (U+2028, U+0085 and other
    Unicode line breaks may stand inside JSON strings)."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise ReadError(name, "not a regular file (a pipe, device or socket)")
    with path.open("rb") as handle:
        head = handle.read(8192)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: decoded whole, within the limit
            handle.close()
            text = decode_bytes(read_bytes(path, name), name)
            yield from enumerate((line.rstrip("\r") for line in text.split("\n")), 1)
            return
        if b"\x00" in head:
            raise ReadError(name, "binary file, not text")
        handle.seek(0)
        number = 0
        while True:
            raw = handle.readline(MAX_FILE_BYTES + 1)
            if not raw:
                return
            number += 1
            if len(raw) > MAX_FILE_BYTES and not raw.endswith(b"\n"):
                size = len(raw)
                while raw and not raw.endswith(b"\n"):  # the rest of the record: passed over
                    raw = handle.readline(MAX_FILE_BYTES)
                    size += len(raw)
                yield number, ReadError(f"{name}:{number}", too_large(size, MAX_FILE_BYTES, "record"))
                continue
            raw = raw.rstrip(b"\r\n")
            try:
                yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield number, ReadError(f"{name}:{number}", f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column "
                                                            f"{exc.start + 1}); the other records are read")


def read_jsonl_file(path: Path, name: str) -> Iterator[ReadResult]:
    """A ``.jsonl`` file: one article per line; a bad line is reported, the rest read.

    Streamed: the file may be of any size, each record up to :data:`MAX_FILE_BYTES`.
    """
    lines = _jsonl_lines(path, name)
    anything = False
    while True:
        try:
            number, line = next(lines)
        except StopIteration:
            if not anything:
                yield ReadError(name, "empty file")
            return
        except ReadError as error:
            yield error
            return
        except OSError as exc:
            yield os_problem(exc, name)
            return
        if isinstance(line, ReadError):
            anything = True
            yield line
            continue
        if not line.strip():
            continue
        anything = True
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


def display_name(name: str) -> str:
    """A file name fit to print and to store as an id.

    A name whose bytes are not UTF-8 (Python keeps such bytes as surrogate escapes)
    has each of those bytes written as ``\\xNN``: ``badbyte\\xff.txt``. Valid names are
    kept as they are.
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    return name


def _key(info: os.stat_result) -> tuple[int, int]:
    return info.st_dev, info.st_ino


def _walk(folder: Path, skip: Callable[[str, os.stat_result], bool] | None = None
          ) -> Iterator[tuple[Path, str] | ReadError]:
    """(path, relative name as the file system gives it) of every file below ``folder``,
    or a :class:`ReadError` for a folder that cannot be listed; see :func:`walk_files`."""
    pending: list[tuple[Path, str]] = [(folder, "")]
    while pending:
        directory, prefix = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            where = f"{display_name(prefix)}" if prefix else f"{folder}/"
            why = "permission denied" if isinstance(exc, PermissionError) else (exc.strerror or str(exc))
            yield ReadError(where, f"cannot read the folder ({why}); nothing in it was mined, "
                                   "and what was mined from it before is kept")
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_folder = False
            if is_folder:
                subfolders.append((Path(entry.path), f"{prefix}{entry.name}/"))
                continue
            if skip is not None:
                try:
                    info = entry.stat()
                except OSError:
                    info = None  # a dangling link, a file gone: read_path says so
                if info is not None and skip(prefix + entry.name, info):
                    continue
            yield Path(entry.path), prefix + entry.name
        pending.extend(reversed(subfolders))


def walk_files(folder: Path) -> Iterator[tuple[Path, str] | ReadError]:
    """Every file below ``folder``, recursively and sorted, with its relative name
    (:func:`display_name`).

    Hidden files and folders (``.git``, ``.DS_Store``) are passed over; symbolic links
    to folders are not followed, so a link loop cannot trap the walk. A folder that
    cannot be listed is a :class:`ReadError`, never a silent gap.
    """
    for item in _walk(Path(folder)):
        yield item if isinstance(item, ReadError) else (item[0], display_name(item[1]))


def _within(path: str, roots: list[str]) -> str | None:
    """The first of ``roots`` (resolved folder paths) that holds ``path``."""
    return next((root for root in roots if path == root or path.startswith(root.rstrip(os.sep) + os.sep)), None)


def new_roots(sources: Iterable[Path | str], known: Iterable[Path]) -> list[Path]:
    """The folders among ``sources`` (a file's own folder) that no known root holds:
    the roots a run adds, resolved, in order."""
    roots = [str(root) for root in known]
    added: list[Path] = []
    for source in sources:
        path = Path(source).resolve()
        if path.is_file():
            path = path.parent
        elif not path.is_dir():
            continue
        if _within(str(path), roots) is None:
            roots.append(str(path))
            added.append(path)
    return added


def source_files(sources: Iterable[Path | str], *, roots: Iterable[Path] = (), ignore: Iterable[Path] = ()
                 ) -> Iterator[tuple[Path, str] | ReadError]:
    """Every file of ``sources`` (files or folders), once each, with the name it is known by.

    The name (a file's fallback article id) is its path relative to the first of
    ``roots`` that holds it, else to the folder named: so that once ``corpus`` was
    mined, mining ``corpus/sub`` names ``sub/x.txt`` alike. A file reached twice (named
    folders that overlap, hard or symbolic links) is read once; the files in ``ignore``
    (the store's own) are passed over, whether they exist yet or not.
    """
    known = [str(root) for root in roots]
    ignored_files: set[tuple[int, int]] = set()
    ignored_paths = {str(Path(path).resolve()) for path in ignore}
    for path in ignore:
        try:
            ignored_files.add(_key(Path(path).stat()))
        except OSError:
            pass
    seen: set[tuple[int, int]] = set()

    def once(real: str, info: os.stat_result) -> bool:
        """Whether to pass over a file (the store's, or read already)."""
        key = _key(info)
        if key in ignored_files or key in seen or real in ignored_paths:
            return True
        seen.add(key)
        return False

    def named(real: str, fallback: str) -> str:
        root = _within(real, known)
        return display_name(os.path.relpath(real, root) if root and real != root else fallback)

    for source in sources:
        given = Path(source)
        if given.is_file():
            real = str(given.resolve())
            if not once(real, given.stat()):
                yield given, named(real, given.name)
            continue
        if not given.is_dir():
            yield ReadError(display_name(str(given)), "no such file or folder")
            continue
        base = str(given.resolve())
        for item in _walk(given, skip=lambda name, info: once(os.path.join(base, name), info)):
            if isinstance(item, ReadError):
                yield item
            else:
                yield item[0], named(os.path.join(base, item[1]), item[1])


def iter_folder(folder: Path | str) -> Iterator[ReadResult]:
    """Every article under ``folder`` (or in it, if it is a file), and every problem."""
    yield from iter_articles([folder])


def iter_articles(sources: Iterable[Path | str], *, roots: Iterable[Path] = (), ignore: Iterable[Path] = ()
                  ) -> Iterator[ReadResult]:
    """Articles and problems from several files or folders, in the order given (see
    :func:`source_files` for how files are named and which are passed over)."""
    for item in source_files(sources, roots=roots, ignore=ignore):
        if isinstance(item, ReadError):
            yield item
        else:
            yield from read_path(*item)
