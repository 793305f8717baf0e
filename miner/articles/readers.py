"""Readers: files and folders in, :class:`Article` records out.

Each reader is a generator over one file that yields articles, and yields (never
raises) a :class:`~miner.errors.ReadError` for what it cannot read, so that one bad
record in a JSON Lines file does not cost the rest. :func:`read_path` picks the reader
by the file's suffix (:data:`READERS`); :func:`iter_folder` walks a folder recursively,
in a stable order, and does the same for whole files.

Supported: ``.txt``, ``.md`` (:mod:`~miner.articles.textfiles`), ``.html``/``.htm``
(:mod:`~miner.articles.html`), ``.json``/``.jsonl`` (plain records, Europe PMC search
results, BioC JSON: :mod:`~miner.articles.records`), ``.xml``/``.nxml`` and ``.xml.gz``
(PubMed XML, JATS, BioC XML; told apart by their root element, streamed) and ``.pdf``.
The readers of each format, and the size limit and decoding they share, can be
imported from here too.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from miner.articles.html import html_to_text, read_html_file
from miner.articles.model import Article
from miner.articles.pdf import read_pdf_file
from miner.articles.records import article_from_record, read_json_file, read_jsonl_file
from miner.articles.textfiles import (
    MAX_FILE_BYTES,
    MB,
    article_from_text,
    decode_bytes,
    os_problem,
    read_bytes,
    read_text_file,
    regular_file,
    too_large,
)
from miner.errors import ReadError

__all__ = [
    "MAX_FILE_BYTES", "MB", "READERS", "ReadResult", "Reader", "article_from_record", "article_from_text",
    "decode_bytes", "display_name", "html_to_text", "iter_articles", "iter_folder", "new_roots", "os_problem",
    "read_bytes", "read_gz_file", "read_html_file", "read_json_file", "read_jsonl_file", "read_path",
    "read_pdf_file", "read_text_file", "read_xml_file", "source_files", "too_large", "walk_files",
]

ReadResult = Article | ReadError
Reader = Callable[[Path, str], Iterator[ReadResult]]


# --------------------------------------------------------------------------- by format

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
        if regular_file(path, name).st_size == 0:
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


READERS: dict[str, Reader] = {
    ".xml": read_xml_file,
    ".nxml": read_xml_file,
    ".gz": read_gz_file,
    ".pdf": read_pdf_file,
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


# --------------------------------------------------------------------------- folders


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
