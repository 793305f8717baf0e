"""Mining: articles in, evidence in the store out (the library behind ``miner mine``).

Articles stream from the readers through the pipeline in batches; each batch is
written in one transaction, so an interrupted run keeps every finished batch and the
next run resumes. An article whose text and pipeline are unchanged since it was stored
is not mined again.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from miner.articles.model import Article
from miner.articles.readers import new_roots
from miner.errors import MinerError, ReadError
from miner.evidence import ArticleRecord, Concept, MinedArticle, mined_article
from miner.pipeline import pipeline_fingerprint
from miner.pipeline.lexicon import Lexicon
from miner.processes import die_with_parent
from miner.progress import InputProgress
from miner.store import Store

if TYPE_CHECKING:  # spaCy is imported only when something has to be mined
    from spacy.language import Language

MAX_SYNONYMS = 25
#: A prune that would delete more than this share of the stored articles asks first.
PRUNE_ASK_SHARE = 0.1


@dataclass
class MineReport:
    """What a mining run did."""

    read: int = 0
    mined: int = 0
    unchanged: int = 0
    findings: int = 0
    evidence: int = 0
    pruned: int = 0
    problems: list[ReadError] = field(default_factory=list)
    failed: list[ReadError] = field(default_factory=list)
    seconds: float = 0.0
    #: Of ``seconds``, the time spent loading spaCy and building the pipeline (once per run).
    startup_seconds: float = 0.0
    #: Articles read from two files (a PubMed abstract and its PMC full text), of which the
    #: fuller record is kept.
    superseded: int = 0
    #: Bytes of the input files, and of those done (every article of them stored or skipped).
    input_bytes: int = 0
    done_bytes: int = 0
    input_files: int = 0
    #: Why ``--prune`` was not done, when it was not confirmed.
    prune_refused: str | None = None
    #: What went wrong and was made up for (a worker process that died): nothing is lost.
    notes: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return len(self.problems)


class Bookkeeping:
    """The bookkeeping of one mining run, the same for every engine (:func:`mine`, and
    :func:`miner.distributed.mine_ray` and :func:`~miner.distributed.ingest`): the
    :class:`MineReport`, each problem put on it and told, ``strict`` stopping at the first,
    each mined article written to the store and counted, the time the run took.

    Parameters
    ----------
    strict
        :meth:`problem` raises :class:`MinerError` once the problem is on the report and told.
    on_problem, on_progress, on_note
        Told of each problem, of the report so far (:meth:`progress`), of each note.
    """

    def __init__(self, *, strict: bool = False, on_problem: Callable[[ReadError], None] | None = None,
                 on_progress: Callable[[MineReport], None] | None = None,
                 on_note: Callable[[str], None] | None = None) -> None:
        self.report = MineReport()
        self.strict = strict
        self.on_problem = on_problem
        self.on_progress = on_progress
        self.on_note = on_note
        self.started = time.perf_counter()

    def problem(self, error: ReadError, failed: bool = False) -> None:
        """A file or record that could not be read (``failed``: read, but not mined)."""
        (self.report.failed if failed else self.report.problems).append(error)
        if self.on_problem:
            self.on_problem(error)
        if self.strict:
            raise MinerError(f"stopped at the first problem (--strict): {error}")

    def note(self, message: str) -> None:
        """Something that went wrong and was made up for."""
        self.report.notes.append(message)
        if self.on_note:
            self.on_note(message)

    def write(self, store: Store, mined: MinedArticle, fingerprint: str) -> None:
        """Write a mined article (inside ``store.batch()``) and count it, its findings and evidence."""
        store.write_article(mined, pipeline=fingerprint)
        self.report.mined += 1
        self.report.findings += len(mined.findings)
        self.report.evidence += sum(len(f.evidence) for f in mined.findings)

    def progress(self) -> None:
        """Tell ``on_progress`` the report so far."""
        if self.on_progress:
            self.on_progress(self.report)

    def finish(self) -> MineReport:
        """The report, with the seconds since the run began."""
        self.report.seconds = time.perf_counter() - self.started
        return self.report


def article_record(article: Article) -> ArticleRecord:
    return ArticleRecord.from_article(article)


def _batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _lexicon_of(nlp: Language) -> Lexicon | None:
    if "miner_entities" in nlp.pipe_names:
        return nlp.get_pipe("miner_entities").lexicon  # type: ignore[attr-defined]
    return None


def mine(
    sources: Iterable[Path | str],
    db: Path | str,
    *,
    nlp: Language | None = None,
    batch_size: int = 32,
    workers: int | None = 1,
    fresh: bool = False,
    prune: bool = False,
    strict: bool = False,
    confirm: Callable[[str], bool] | None = None,
    on_problem: Callable[[ReadError], None] | None = None,
    on_progress: Callable[[MineReport], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> MineReport:
    """Mine every article under ``sources`` into the store at ``db``.

    Parameters
    ----------
    sources
        Files or folders (walked recursively).
    db
        The SQLite store; created if missing.
    workers
        Processes that run the pipeline (None: one per core). Results do not depend on
        it: batches are mined in parallel and written in their original order.
    fresh
        Forget what the store holds first.
    strict
        Stop at the first file that cannot be read or mined (what was mined before it is
        kept), raising :class:`MinerError`.
    prune
        Afterwards, delete the stored articles that this run did not read (files that
        disappeared from the folder). Not done if a file or folder could not be read,
        since its articles might still exist.
    confirm
        Asked (with a question) before ``fresh`` forgets a store that holds articles and
        before ``prune`` deletes more than :data:`PRUNE_ASK_SHARE` of them (or all);
        False refuses: ``fresh`` raises :class:`MinerError` before anything is done,
        ``prune`` is not done (``report.prune_refused`` says why). None: no questions.
    on_problem
        Called with each file or record that could not be read or mined; the run goes on.
    on_progress
        Called once the input files are listed, and after each batch, with the report so
        far (``input_bytes``, ``done_bytes``: how much of the input is done).
    on_note
        Called with what went wrong and was made up for (a worker process died; its
        batches were mined again).
    """
    book = Bookkeeping(strict=strict, on_problem=on_problem, on_progress=on_progress, on_note=on_note)
    report, problem = book.report, book.problem
    fingerprint = pipeline_fingerprint()
    loaded: list[Language] = [nlp] if nlp is not None else []

    def pipeline() -> Language:
        if not loaded:  # built (and spaCy imported) only when something needs mining
            began = time.perf_counter()
            from miner.pipeline import cached_pipeline

            loaded.append(cached_pipeline())
            report.startup_seconds = time.perf_counter() - began
        return loaded[0]

    with Store.open(db, writer=True) as store:
        stored, roots = open_run(store, sources, fresh=fresh, confirm=confirm)
        inputs = InputProgress(sources, roots=roots, ignore=store.own_files())
        report.input_bytes, report.input_files = inputs.total, inputs.files
        seen: dict[str, tuple[str, int]] = {}  # article id -> (where it was read, length of its text)
        superseded: set[str] = set()
        book.progress()

        def todo() -> Iterator[Article]:
            for item in inputs.items():
                if isinstance(item, ReadError):
                    problem(item)
                    continue
                report.read += 1
                where = item.source or item.id
                if item.id in seen:
                    earlier, length = seen[item.id]
                    if len(item.text) == length:
                        problem(ReadError(where, f"same article id {item.id} as {earlier}; skipped"))
                        continue
                    superseded.add(item.id)  # two records of one article: the fuller one is kept
                    report.superseded = len(superseded)
                    if len(item.text) < length:
                        continue
                    # fuller than the one mined earlier in this run: written after it, it replaces it
                elif _fuller_in_store(store, stored, item):
                    superseded.add(item.id)
                    report.superseded = len(superseded)
                    seen[item.id] = (where, len(item.text))
                    continue
                seen[item.id] = (where, len(item.text))
                if stored.get(item.id) == (item.sha1, fingerprint):
                    report.unchanged += 1
                    continue
                inputs.forward()
                yield item

        for batch, results, errors in _mined_batches(_batches(todo(), batch_size), pipeline, workers, book.note):
            for error in errors:
                problem(error, failed=True)
            with store.batch():
                for mined in results:
                    book.write(store, mined, fingerprint)
            report.done_bytes = inputs.written(len(batch))
            book.progress()
        report.done_bytes = inputs.finish()
        book.progress()
        if prune:
            prune_store(store, stored, set(seen), report, problem, confirm)
    return book.finish()


def _fuller_in_store(store: Store, stored: dict[str, tuple[str | None, str | None]], article: Article) -> bool:
    """Whether the store holds a fuller record of ``article`` read from another file (its
    full text, where this is its abstract): then this record is not mined over it."""
    known = stored.get(article.id)
    if known is None or known[0] == article.sha1:
        return False
    origin = store.article_origin(article.id)
    return origin is not None and origin[0] != article.source and origin[1] > len(article.text)


def open_run(store: Store, sources: Iterable[Path | str], *, fresh: bool,
             confirm: Callable[[str], bool] | None) -> tuple[dict[str, tuple[str | None, str | None]], list[Path]]:
    """Start a run on an open store: forget it first for ``fresh`` (if confirmed), learn
    the run's new folders as roots. Returns (what the store holds, the roots)."""
    if fresh:
        held = store.counts()["articles"]
        if held and confirm is not None and not confirm(
                f"--fresh forgets the {held:,} articles in {store.path} before mining; go on?"):
            raise MinerError(f"{store.path}: not mined: --fresh would forget the {held:,} articles this store "
                             "holds, and that was not confirmed (--yes confirms)")
        store.clear()
    roots = store.roots()
    added = new_roots(sources, roots)
    if added:
        store.add_roots(added)
    return store.article_hashes(), roots + added


def prune_store(store: Store, stored: dict[str, Any], seen: set[str], report: MineReport,
                problem: Callable[[ReadError], None], confirm: Callable[[str], bool] | None) -> None:
    """``--prune``: delete the stored articles that the run did not see, unless something
    could not be read (its articles may still exist) or a large prune is not confirmed."""
    if report.problems:
        problem(ReadError("--prune", "not done: some files or folders could not be read, and their articles "
                                      "are kept"))
        return
    gone = sorted(set(stored) - seen)
    large = len(gone) == len(stored) or len(gone) > max(1.0, PRUNE_ASK_SHARE * len(stored))
    if gone and large and confirm is not None and not confirm(
            f"--prune deletes {len(gone):,} of the {len(stored):,} articles in {store.path} "
            f"(e.g. {gone[0]}); go on?"):
        report.prune_refused = (f"--prune not done: it would delete {len(gone):,} of the {len(stored):,} stored "
                                f"articles ({len(gone) / len(stored):.0%}), and that was not confirmed "
                                "(--yes confirms); what was mined is kept")
        return
    with store.batch():
        report.pruned = store.delete_articles(gone)


Results = tuple[list[Article], list[MinedArticle], list[ReadError]]


def _annotate_batch(nlp: Language, batch: list[Article]) -> tuple[list[tuple[Article, dict]], list[ReadError]]:
    """Annotate a batch; if the batch fails, retry one by one so one bad article costs only itself."""
    from miner.pipeline import annotate_records

    try:
        return list(annotate_records(nlp, batch)), []
    except Exception:  # noqa: BLE001 - isolate the failing article below
        pass
    results, errors = [], []
    for article in batch:
        try:
            results.extend(annotate_records(nlp, [article]))
        except Exception as exc:  # noqa: BLE001 - reported, the run goes on
            errors.append(ReadError(article.source or article.id, f"failed to mine ({type(exc).__name__}: {exc})"))
    return results, errors


def _mine_batch(nlp: Language, batch: list[Article]) -> tuple[list[MinedArticle], list[ReadError]]:
    """Annotate a batch and assemble each article's findings (in the worker, so that the
    parent only writes to the store)."""
    results, errors = _annotate_batch(nlp, batch)
    lexicon = _lexicon_of(nlp)
    mined_articles = []
    for article, record in results:
        mined = mined_article(article_record(article), record, article.text)
        if lexicon is not None:
            mined.concepts = {cid: _with_synonyms(c, lexicon) for cid, c in mined.concepts.items()}
        mined_articles.append(mined)
    return mined_articles, errors


_WORKER_NLP: list[Language] = []


def _worker_batch(batch: list[Article]) -> tuple[list[MinedArticle], list[ReadError]]:
    return _mine_batch(_WORKER_NLP[0], batch)


def _mined_batches(batches: Iterator[list[Article]], pipeline: Callable[[], Language], workers: int | None,
                   note: Callable[[str], None] = lambda message: None) -> Iterator[Results]:
    """(batch, records, errors) for each batch, in order; in worker processes if asked.

    Workers are forked after the pipeline is built, so each starts with it loaded; they
    receive articles and send back plain records (never spaCy objects), die with this
    process and never hold the store's lock. A worker that dies (killed, out of memory)
    breaks the pool with an error instead of leaving the run waiting; every batch not
    finished by then is mined in this process, none is lost.
    """
    count = workers if workers is not None else (os.cpu_count() or 1)
    first = next(batches, None)
    if first is None:
        return
    nlp = pipeline()
    if count <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for batch in _chain(first, batches):
            results, errors = _mine_batch(nlp, batch)
            yield batch, results, errors
        return
    _WORKER_NLP[:] = [nlp]
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # Each batch is tracked before it is submitted: a submit that fails on a broken pool
    # leaves it here, to be mined below.
    pending: deque[tuple[list[Article], Future | None]] = deque()
    remaining = _chain(first, batches)
    with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork"), initializer=die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        try:
            for batch in remaining:
                pending.append((batch, None))
                pending[-1] = (batch, pool.submit(_worker_batch, batch))
                while len(pending) > 2 * count:
                    yield (pending[0][0], *pending[0][1].result())  # type: ignore[union-attr]
                    pending.popleft()
            while pending:
                yield (pending[0][0], *pending[0][1].result())  # type: ignore[union-attr]
                pending.popleft()
        except BrokenProcessPool as exc:
            note(f"a worker process died ({exc}); the {len(pending):,} unfinished batch(es) and the rest "
                 "are mined in the main process")
    for batch_done, future in pending:
        finished = future is not None and future.done() and not future.cancelled() and future.exception() is None
        yield (batch_done, *(future.result() if finished else _mine_batch(nlp, batch_done)))
    for batch in remaining:
        yield (batch, *_mine_batch(nlp, batch))


def _chain(first: list[Article], rest: Iterator[list[Article]]) -> Iterator[list[Article]]:
    yield first
    yield from rest


def _with_synonyms(concept: Concept, lexicon: Lexicon) -> Concept:
    """The lexicon's record of ``concept`` (its name and type), with the lexicon's terms and
    abbreviations for it as synonyms; ``concept`` itself if the lexicon does not know it."""
    known = lexicon.get(concept.id)
    if known is None:
        return concept
    synonyms = tuple(t for t in (*known.terms, *known.abbrevs) if t != concept.name)[:MAX_SYNONYMS]
    return replace(known.concept, synonyms=synonyms)
