"""Safe, streaming XML for the readers (lxml, configured once, in one place).

Every XML document miner reads goes through :func:`iter_elements`: lxml ``iterparse``
with external entities, DTD loading and network access off and entity references left
unexpanded, so neither an XXE nor a "billion laughs" file can read local files or blow
up memory; elements are cleared once handled, so a 200 MB PubMed baseline file streams
in flat memory. :func:`read_records` is the reader loop of every XML format: each record
of the stream becomes an article, a broken record is reported and the next one read.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

from lxml import etree

from miner.articles.model import Article
from miner.errors import ReadError

Record = TypeVar("Record")

#: Keyword arguments that make an lxml parser safe for untrusted input.
SAFE_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}

_SPACE = re.compile(r"\s+")
#: Elements that end a run of text: a space goes after them, so "Title.</title><p>Text"
#: does not read "Title.Text".
_BLOCKS = frozenset({"p", "title", "label", "caption", "list-item", "def-item", "term", "def", "td", "th",
                     "tr", "disp-quote", "sec", "AbstractText", "li", "div", "br"})


def safe_parser() -> etree.XMLParser:
    """An lxml parser for untrusted XML (see :data:`SAFE_PARSER_OPTIONS`)."""
    return etree.XMLParser(**SAFE_PARSER_OPTIONS)


def parse_bytes(data: bytes) -> etree._Element:
    """The root element of an XML document in memory; ``ValueError`` if it is not XML."""
    try:
        root = etree.fromstring(data, parser=safe_parser())
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"invalid XML ({exc.msg})") from None
    if root is None:
        raise ValueError("invalid XML (no root element)")
    return root


def open_maybe_gzip(path: Path) -> IO[bytes]:
    """A binary stream of ``path``, decompressed on the fly when it is gzip."""
    handle = path.open("rb")
    magic = handle.read(2)
    handle.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]
    return handle


def local_name(element: Any) -> str:
    """An element's tag without its namespace (``{ns}article`` -> ``article``)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def root_name(path: Path, name: str) -> str:
    """The local name of a file's root element, read from its first bytes only."""
    try:
        with open_maybe_gzip(path) as handle:
            for _, element in etree.iterparse(handle, events=("start",), **SAFE_PARSER_OPTIONS):
                return local_name(element)
    except (OSError, EOFError) as exc:
        raise ReadError(name, f"cannot read ({exc})") from None
    except etree.XMLSyntaxError as exc:
        raise ReadError(name, f"invalid XML ({_xml_message(exc)})") from None
    raise ReadError(name, "empty file")


def iter_elements(path: Path, name: str, tags: Iterable[str]) -> Iterator[etree._Element]:
    """Stream the elements named ``tags`` (local names) out of an XML or ``.xml.gz`` file.

    Each element is yielded once complete and cleared after the caller is done with it;
    elements nested inside a yielded one are not yielded again. A syntax error after
    some elements were yielded raises :class:`ReadError` naming the line, the elements
    before it stand.
    """
    wanted = set(tags)
    try:
        with open_maybe_gzip(path) as handle:
            context = etree.iterparse(handle, events=("start", "end"), **SAFE_PARSER_OPTIONS)
            depth = 0  # how many wanted elements are open around the current one
            for event, element in context:
                if local_name(element) not in wanted:
                    continue
                if event == "start":
                    depth += 1
                    continue
                depth -= 1
                if depth:
                    continue
                yield element
                element.clear(keep_tail=False)
                parent = element.getparent()
                if parent is not None:
                    while element.getprevious() is not None:
                        del parent[0]
    except etree.XMLSyntaxError as exc:
        raise ReadError(name, f"invalid XML ({_xml_message(exc)})") from None
    except (OSError, EOFError) as exc:
        reason = "truncated or corrupt gzip file" if isinstance(exc, (EOFError, gzip.BadGzipFile)) else str(exc)
        raise ReadError(name, f"cannot read ({reason})") from None


def read_records(records: Iterable[Record], name: str, article: Callable[[Record, str], Article], *,
                 none: str, count_read: bool = False) -> Iterator[Article | ReadError]:
    """The articles of a file's records, as they stream; a broken record is yielded as its
    :class:`ReadError` and the next one read.

    Parameters
    ----------
    records
        The records, in file order (elements from :func:`iter_elements`, or what a
        format makes of them). A :class:`ReadError` it raises (a syntax error, a
        truncated file) is yielded and ends the file; the articles before it stand.
    name
        The file, as messages name it.
    article
        The article of one record, given the record and the name it goes by: ``name``
        for the first, ``name#2``, ``name#3``... for the others. Raises
        :class:`ReadError` for a record that makes no article.
    none
        The reason given when the file holds no record at all.
    count_read
        Whether the error that ends a file says how many records were read before it.
    """
    count = 0
    try:
        for record in records:
            count += 1
            try:
                yield article(record, name if count == 1 else f"{name}#{count}")
            except ReadError as error:
                yield error
    except ReadError as error:
        if count and count_read:
            error = ReadError(error.path, f"{error.reason} after {count} records (those were read)")
        yield error
        return
    if not count:
        yield ReadError(name, none)


def _xml_message(exc: etree.XMLSyntaxError) -> str:
    message = (exc.msg or str(exc)).split("\n")[0].strip()
    if "amplification" in message or "entity reference loop" in message.lower():
        return "entity expansion refused: a 'billion laughs' file?"
    line = getattr(exc, "lineno", None)
    return f"{message}" if not line or f"line {line}" in message else f"{message}, line {line}"


def text_of(element: Any, skip: Iterable[str] = ()) -> str:
    """The text inside ``element`` with whitespace collapsed; entity references and the
    elements named in ``skip`` (local names, with what they contain) left out."""
    if element is None:
        return ""
    skipped = set(skip)
    parts: list[str] = []

    def walk(node: Any) -> None:
        if node.text and isinstance(node.tag, str):
            parts.append(node.text)
        for child in node:
            name = local_name(child) if isinstance(child.tag, str) else ""
            if name and name not in skipped:
                walk(child)
                if name in _BLOCKS:
                    parts.append(" ")
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return _SPACE.sub(" ", "".join(parts)).strip()


def children(element: Any, name: str) -> list[Any]:
    """Direct children of ``element`` with local name ``name``."""
    if element is None:
        return []
    return [child for child in element if local_name(child) == name]


def child(element: Any, name: str) -> Any:
    """The first direct child named ``name``, or None."""
    for found in children(element, name):
        return found
    return None


def descendants(element: Any, name: str) -> list[Any]:
    """Every element below ``element`` with local name ``name``, in document order."""
    if element is None:
        return []
    return [node for node in element.iter() if isinstance(node.tag, str) and local_name(node) == name]
