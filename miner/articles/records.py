"""JSON records (``.json``, ``.jsonl``) -> articles.

A record is one JSON object with ``title``, ``abstract``, ``text``, ``body`` (a string,
a list, or a label -> text map) and ``pmid``/``pmcid``/``doi``/``year``/``journal``;
Europe PMC search records and BioC JSON collections are recognised and read by their
own modules. A ``.json`` file holds one record or a list of them and is read whole; a
``.jsonl`` file holds one record a line and is streamed, so that a bad line (invalid
JSON, a byte that is not UTF-8, a record over the size limit) costs only that line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from miner.articles.europepmc import europepmc_article, is_europepmc_record
from miner.articles.model import Article, Section, article_with_ids, normalise_year
from miner.articles.sections import section_kind
from miner.articles.textfiles import (
    BINARY_SNIFF_BYTES,
    MAX_FILE_BYTES,
    decode_bytes,
    has_utf16_mark,
    looks_binary,
    os_problem,
    read_bytes,
    regular_file,
    too_large,
)
from miner.errors import ReadError

_TEXT_FIELDS = ("abstract", "text", "body", "full_text", "fulltext")


def _first(record: dict[str, Any], *keys: str) -> Any:
    lowered = {k.lower(): v for k, v in record.items()}
    for key in keys:
        value = lowered.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


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
        year=normalise_year(_first(record, "year", "pub_year", "publication_year", "date", "pubdate")),
        journal=str(journal) if journal else None,
        sections=sections,
    )


def read_json_file(path: Path, name: str) -> Iterator[Article | ReadError]:
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
    regular_file(path, name)
    with path.open("rb") as handle:
        head = handle.read(BINARY_SNIFF_BYTES)
        if has_utf16_mark(head):  # UTF-16: decoded whole, within the limit
            handle.close()
            text = decode_bytes(read_bytes(path, name), name)
            yield from enumerate((line.rstrip("\r") for line in text.split("\n")), 1)
            return
        if looks_binary(head):
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


def read_jsonl_file(path: Path, name: str) -> Iterator[Article | ReadError]:
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
