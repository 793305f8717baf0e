"""Every error miner raises on purpose, in one module.

A user's bad input never surfaces as a traceback: the CLI catches :class:`MinerError`
and prints its one-line message.
"""

from __future__ import annotations


class MinerError(Exception):
    """Base class: an error with a message fit for one line on stderr."""


class ReadError(MinerError):
    """An input file could not be turned into an article.

    Parameters
    ----------
    path
        The file, as the user would recognise it (relative to the mined folder when
        there is one).
    reason
        What is wrong with it, in a few words.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        # Picklable as (path, reason), so a worker process can report it.
        return (type(self), (self.path, self.reason))


class LexiconError(MinerError):
    """A lexicon or pattern file under ``models/`` is missing or malformed."""


class StoreError(MinerError):
    """The evidence store cannot be opened, or is not a miner store."""


class ExportError(MinerError):
    """An export could not be written."""


class EvaluationError(MinerError):
    """Gold annotations or prompts could not be read."""


class FetchError(MinerError):
    """A remote service (PubMed, PMC, Europe PMC) could not deliver what was asked."""
