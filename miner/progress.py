"""How far a mining run has got, in bytes of its input files (for a bar with an ETA).

The files are listed (and their sizes summed) before the first article is read. A file
counts as done once every article read from it is in the store: articles are written in
the order they are read, batch by batch, so a file is done when the batch holding its
last article to mine has been written (at once, if none of its articles needed mining).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path

from miner.articles.readers import ReadResult, read_path, source_files
from miner.errors import ReadError


class InputProgress:
    """The input files of a run, their total size and how much of it is done.

    Use :meth:`items` in place of :func:`~miner.articles.readers.iter_articles`, call
    :meth:`forward` for each article passed on to be mined, :meth:`written` after each
    batch is stored, and :meth:`finish` at the end.
    """

    def __init__(self, sources: Iterable[Path | str], *, roots: Iterable[Path] = (),
                 ignore: Iterable[Path] = ()) -> None:
        """List the files of ``sources`` as :func:`~miner.articles.readers.source_files`
        names them (relative to ``roots``, the files in ``ignore`` passed over)."""
        self.entries: list[tuple[Path, str] | ReadError] = list(source_files(sources, roots=roots, ignore=ignore))
        self.sizes = [_size(e[0]) if not isinstance(e, ReadError) else 0 for e in self.entries]
        self.total = sum(self.sizes)
        self.done = 0
        self._seq = 0  # items read so far
        self._forwarded: deque[int] = deque()  # the item number of each article passed on, not yet written
        self._ends: deque[tuple[int, int]] = deque()  # (number of a file's last item, its size), files read

    @property
    def files(self) -> int:
        return sum(1 for e in self.entries if not isinstance(e, ReadError))

    def items(self) -> Iterator[ReadResult]:
        """Articles and problems, file by file, as :func:`~miner.articles.readers.iter_articles` gives them."""
        for entry, size in zip(self.entries, self.sizes):
            if isinstance(entry, ReadError):
                self._seq += 1
                yield entry
                continue
            for item in read_path(*entry):
                self._seq += 1
                yield item
            self._ends.append((self._seq, size))
            if not self._forwarded:  # nothing of it (or before it) waits to be written
                self._credit(self._seq)

    def forward(self) -> None:
        """The article just read goes on to be mined."""
        self._forwarded.append(self._seq)

    def written(self, count: int) -> int:
        """The next ``count`` articles passed on are in the store; returns the bytes done."""
        for _ in range(min(count, len(self._forwarded))):
            self._forwarded.popleft()
        # what was read before the next article to write was skipped (unchanged, unreadable): done too
        self._credit(self._forwarded[0] - 1 if self._forwarded else self._seq)
        return self.done

    def finish(self) -> int:
        self._credit(self._seq)
        return self.done

    def _credit(self, through: int) -> None:
        while self._ends and self._ends[0][0] <= through:
            self.done += self._ends.popleft()[1]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
