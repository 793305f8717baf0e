"""Mining on a Ray cluster, and merging mined shards into a store.

``miner mine --engine ray [--address ADDR]`` runs the same pipeline as the local engine,
with Ray Data: the driver lists the files, ``map_batches`` sends them to actors that each
load the pipeline once (:class:`RayMiner`), read the files there, skip what the store
already holds unchanged, and return plain JSON rows; the driver streams the rows back
into the store in one transaction per batch. With ``--shards DIR`` the rows are written
as JSON Lines shards instead, for ``miner ingest DIR`` to merge later (a cluster whose
workers cannot reach the store's disk); no store is read then, and every article is
mined whole into the shards, so that they can be merged into any store.

Ray is an optional extra (``pip install miner[ray]``); nothing here is imported by the
local engine.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from miner.articles.readers import read_path, source_files
from miner.errors import MinerError, ReadError
from miner.evidence import ArticleRecord, mined_article
from miner.mining import Bookkeeping, MineReport, _with_synonyms, article_record, open_run, prune_store
from miner.pipeline import pipeline_fingerprint
from miner.pipeline.lexicon import Lexicon, default_lexicon_path
from miner.store import Store

ROW_COLUMN = "row"


# ----------------------------------------------------------------------------- rows

def mined_rows(nlp: Any, path: Path, name: str, stored: dict[str, tuple[str | None, str | None]],
               fingerprint: str) -> list[dict[str, Any]]:
    """Read one file and mine what changed: one plain row per article or problem."""
    from miner.articles.model import Article
    from miner.mining import _annotate_batch

    rows: list[dict[str, Any]] = []
    articles: list[Article] = []
    for item in read_path(path, name):
        if isinstance(item, ReadError):
            rows.append({"kind": "problem", "path": item.path, "reason": item.reason})
        elif stored.get(item.id) == (item.sha1, fingerprint):
            rows.append({"kind": "unchanged", "id": item.id, "path": item.source})
        else:
            articles.append(item)
    if articles:
        results, errors = _annotate_batch(nlp, articles)
        for article, record in results:
            rows.append({"kind": "mined", "article": article_record(article).to_dict(), "record": record,
                         "path": article.source, "text": article.text})
        rows.extend({"kind": "failed", "path": e.path, "reason": e.reason} for e in errors)
    return rows


class RayMiner:
    """A Ray Data actor: loads the pipeline once, then mines batches of file paths."""

    def __init__(self, stored: Any, fingerprint: str) -> None:
        import ray

        from miner.pipeline import cached_pipeline

        self.stored = ray.get(stored) if isinstance(stored, ray.ObjectRef) else stored
        self.fingerprint = fingerprint
        self.nlp = cached_pipeline()

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        out: list[str] = []
        for path, name in zip(batch["path"], batch["name"]):
            for row in mined_rows(self.nlp, Path(path), name, self.stored, self.fingerprint):
                out.append(json.dumps(row, ensure_ascii=False))
        return {ROW_COLUMN: out}


def write_rows(store: Store, rows: Iterable[dict[str, Any]], fingerprint: str, book: Bookkeeping,
               batch_size: int = 32) -> set[str]:
    """Write mined rows into the store, one transaction per ``batch_size`` rows, each
    article and problem kept in ``book``. A strict stop (``book.strict``) first writes the
    articles of the rows that came before it.

    Returns the ids of the articles seen (mined or unchanged), for ``--prune``.
    """
    lexicon = Lexicon.load(default_lexicon_path())
    report = book.report
    seen: dict[str, str] = {}
    pending: list[dict[str, Any]] = []

    def flush() -> None:
        if not pending:
            return
        with store.batch():
            for row in pending:
                record = ArticleRecord(**row["article"])
                mined = mined_article(record, row["record"], row.get("text"))
                mined.concepts = {cid: _with_synonyms(c, lexicon) for cid, c in mined.concepts.items()}
                book.write(store, mined, fingerprint)
        pending.clear()
        book.progress()

    def problem(error: ReadError, failed: bool) -> None:
        if book.strict:
            flush()  # what was mined before the first problem is kept
        book.problem(error, failed)

    for row in rows:
        kind = row["kind"]
        if kind == "problem":
            problem(ReadError(row["path"], row["reason"]), False)
        elif kind == "failed":
            problem(ReadError(row["path"], row["reason"]), True)
        else:
            article_id = row["id"] if kind == "unchanged" else row["article"]["id"]
            report.read += 1
            if article_id in seen:
                problem(ReadError(row.get("path") or article_id,
                                  f"same article id {article_id} as {seen[article_id]}; skipped"), False)
                continue
            seen[article_id] = row.get("path") or article_id
            if kind == "unchanged":
                report.unchanged += 1
            else:
                pending.append(row)
                if len(pending) >= batch_size:
                    flush()
    flush()
    return set(seen)


# ----------------------------------------------------------------------------- engines

def _listing(sources: Iterable[Path | str], roots: Iterable[Path], ignore: Iterable[Path]
             ) -> tuple[list[dict[str, str]], list[ReadError]]:
    files, problems = [], []
    for item in source_files(sources, roots=roots, ignore=ignore):
        if isinstance(item, ReadError):
            problems.append(item)
        else:
            files.append({"path": str(item[0].resolve()), "name": item[1]})
    return files, problems


def mine_ray(
    sources: Iterable[Path | str],
    db: Path | str,
    *,
    address: str | None = None,
    workers: int | None = None,
    batch_size: int = 16,
    fresh: bool = False,
    prune: bool = False,
    shards: Path | str | None = None,
    strict: bool = False,
    confirm: Callable[[str], bool] | None = None,
    on_problem: Callable[[ReadError], None] | None = None,
    on_progress: Callable[[MineReport], None] | None = None,
) -> MineReport:
    """Mine on Ray (a local instance, or the cluster at ``address``); see the module and
    :func:`miner.mining.mine` for ``fresh``, ``prune``, ``strict`` and ``confirm``.

    With ``strict`` the rows come back in the order of the files (as the local engine
    reads them), so that the first problem is the first file's; the run stops there, the
    articles mined before it written, and the Ray iteration is ended before the error is
    raised. ``strict`` with ``shards`` is refused: the problems go into the shards, unseen.
    A Ray instance started here is shut down at the end; one that was up already is left up.
    """
    try:
        import ray
    except ImportError:
        raise MinerError("the Ray engine needs Ray: pip install 'miner[ray]'") from None
    if shards is not None and (fresh or prune):
        raise MinerError("--fresh and --prune act on a store, and --shards writes none: "
                         "use them with 'miner ingest', or mine without --shards")
    if shards is not None and strict:
        raise MinerError("--strict stops at the first problem, and with --shards the problems go into the shards "
                         "unseen: mine without --shards to stop at one, or let 'miner ingest' name them")
    book = Bookkeeping(strict=strict, on_problem=on_problem, on_progress=on_progress)
    report = book.report
    fingerprint = pipeline_fingerprint()
    stored: dict[str, tuple[str | None, str | None]] = {}
    if shards is None:
        with Store.open(db, writer=True) as store:
            stored, roots = open_run(store, sources, fresh=fresh, confirm=confirm)
            files, listing_problems = _listing(sources, roots, store.own_files())
    else:  # shards hold every article whole, named by the folders given: any store can ingest them
        files, listing_problems = _listing(sources, (), ())
    for error in listing_problems:
        book.problem(error)
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False,
                 **({"num_cpus": workers} if workers and not address else {}))
    rows = _rows(None)
    try:
        if files:
            ds = ray.data.from_items(files)
            if strict:
                ds.context.execution_options.preserve_order = True  # this dataset's own context
            size = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
            ds = ds.map_batches(
                RayMiner,
                fn_constructor_kwargs={"stored": stored, "fingerprint": fingerprint},
                batch_size=max(1, batch_size // 4),
                compute=ray.data.ActorPoolStrategy(size=size),
                batch_format="numpy",
            )
            if shards is not None:
                ds.write_json(str(shards))
            else:
                rows = _rows(ds)
        if shards is not None:
            report.read = len(files)  # files sent; their articles are counted by 'miner ingest'
            return book.finish()
        with Store.open(db, writer=True) as store:
            seen = write_rows(store, rows, fingerprint, book, batch_size)
            if prune:
                prune_store(store, stored, seen, report, book.problem, confirm)
        return book.finish()
    finally:
        # Ray's order: the iteration ends first (its executor shut down, its stats sent, while
        # Ray is up: also after a strict stop or an error), then the Ray started here.
        rows.close()
        if started_here:
            ray.shutdown()


def _rows(ds: Any) -> Iterator[dict[str, Any]]:
    """The rows of a mined dataset (none for None), in order of arrival. Closing this
    generator ends Ray's iteration at once (its ``finally`` shuts the streaming executor
    down), instead of whenever the garbage collector gets to it."""
    if ds is None:
        return
    batches = iter(ds.iter_batches(batch_size=None, batch_format="numpy"))
    try:
        for batch in batches:
            for row in batch[ROW_COLUMN]:
                yield json.loads(row)
    finally:
        batches.close()  # type: ignore[attr-defined]


def ingest(shards: Iterable[Path | str], db: Path | str, *, batch_size: int = 32,
           on_problem: Callable[[ReadError], None] | None = None) -> MineReport:
    """Merge shards written by ``miner mine --engine ray --shards DIR`` into a store."""
    book = Bookkeeping(on_problem=on_problem)
    problem = book.problem
    fingerprint = pipeline_fingerprint()
    shards = list(shards)
    paths = [path for source in map(Path, shards)
             for path in (sorted(source.rglob("*.json*")) if source.is_dir() else [source])]
    if not paths:
        raise MinerError(f"no shards in {', '.join(map(str, shards))} (JSON Lines written by "
                         "'miner mine --engine ray --shards DIR')")

    def rows(known: dict[str, Any]) -> Iterator[dict[str, Any]]:
        for path in paths:
            with path.open(encoding="utf-8") as handle:
                for number, line in enumerate(handle, 1):
                    if not line.strip():
                        continue
                    try:
                        row = json.loads(json.loads(line)[ROW_COLUMN])
                    except (json.JSONDecodeError, KeyError, TypeError):
                        problem(ReadError(f"{path}:{number}", "not a miner shard row"), False)
                        continue
                    if row.get("kind") == "unchanged" and row.get("id") not in known:
                        # written by an older miner, against another store
                        problem(ReadError(f"{path}:{number}", f"{row.get('id')} is not in the shard, only "
                                          "marked unchanged; mine it again with --shards"), False)
                        continue
                    yield row

    with Store.open(db, writer=True) as store:
        write_rows(store, rows(store.article_hashes()), fingerprint, book, batch_size)
    return book.finish()
