"""Text files: bytes read within the size limit, decoded or refused, and plain-text articles.

The checks every reader of a text format shares live here, once: a file must be a
regular file within :data:`MAX_FILE_BYTES`; it is text when it is UTF-8 (with or
without a byte-order mark) or UTF-16 with a byte-order mark, binary when a NUL byte
stands near its start (:func:`looks_binary`). A ``.txt``/``.md`` file is one article
(:func:`read_text_file`); its ids, and those of an HTML page, come from the file's
metadata over those in its name (:func:`text_article`).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator
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
#: How far into a file (bytes) a NUL byte makes it binary.
BINARY_SNIFF_BYTES = 8192

_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")
_ID_IN_NAME = re.compile(r"^(?:(?P<pmc>PMC\d+)|PMID[_:-]?(?P<pmid>\d+))$", re.I)


def has_utf16_mark(data: bytes) -> bool:
    """Whether ``data`` starts with a UTF-16 byte-order mark (either byte order)."""
    return data.startswith(_UTF16_MARKS)


def looks_binary(data: bytes) -> bool:
    """Whether the first bytes of a file say it is binary: a NUL byte in its first
    :data:`BINARY_SNIFF_BYTES`, and no UTF-16 mark (UTF-16 text is full of NULs).

    >>> looks_binary(b"PK\\x03\\x04\\x00"), looks_binary("text".encode("utf-16"))
    (True, False)
    """
    return b"\x00" in data[:BINARY_SNIFF_BYTES] and not has_utf16_mark(data)


def decode_bytes(data: bytes, name: str) -> str:
    """Decode a text file's bytes, or raise :class:`ReadError` saying why not.

    UTF-8 (with or without a byte-order mark) and UTF-16 with a byte-order mark are
    read; anything else that is not valid UTF-8 is refused rather than guessed.
    """
    if not data.strip():
        raise ReadError(name, "empty file")
    if has_utf16_mark(data):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReadError(name, f"invalid UTF-16 text ({exc.reason})") from None
        if not _looks_like_text(text):
            raise ReadError(name, "binary file, not text (a UTF-16 mark but no readable text)")
        return text
    if looks_binary(data):
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


def regular_file(path: Path, name: str) -> os.stat_result:
    """A file's status, or :class:`ReadError` when it is not a regular file (a pipe,
    a device, a socket); an ``OSError`` from the system passes through."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise ReadError(name, "not a regular file (a pipe, device or socket)")
    return info


def read_bytes(path: Path, name: str) -> bytes:
    """A file's bytes, or :class:`ReadError` for a missing, unreadable or huge file."""
    try:
        info = regular_file(path, name)
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


def text_article(text: str, name: str, sections: list[Section], meta: dict[str, Any]) -> Article:
    """An article from a file's text, its sections and what the file says of itself.

    Parameters
    ----------
    text
        The article's text.
    name
        Where it was read from: :attr:`Article.source`, and the id when no other is known.
    sections
        The sections of ``text``.
    meta
        ``title``, ``pmid``, ``pmcid``, ``doi``, ``year``, ``journal`` where known (empty
        values count as unknown). The ids given here win over a PMID or PMCID in the
        file name (``PMC123.txt``, ``PMID_123.txt``); without a title, one is guessed
        from the text.
    """
    ids = {**_ids_from_name(name), **{k: v for k, v in meta.items() if v}}
    return article_with_ids(
        pmid=ids.get("pmid"), pmcid=ids.get("pmcid"), doi=ids.get("doi"), fallback=name,
        text=text,
        title=meta.get("title") or guess_title(text, sections),
        source=name,
        sections=sections,
        year=ids.get("year"),
        journal=ids.get("journal"),
    )


def article_from_text(text: str, name: str, **meta: Any) -> Article:
    """An article from plain text: sections and title found in the text itself.

    The id is the PMID/PMCID/DOI given in ``meta``, else one in the file name
    (``PMC123.txt``, ``PMID_123.txt``), else ``name``.
    """
    return text_article(text, name, detect_sections(text), meta)


def read_text_file(path: Path, name: str) -> Iterator[Article | ReadError]:
    """A ``.txt`` or ``.md`` file: one article, its text exactly as decoded."""
    try:
        text = decode_bytes(read_bytes(path, name), name)
    except ReadError as error:
        yield error
        return
    yield article_from_text(text, name)
