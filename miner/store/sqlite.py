"""The evidence store: SQLite, one transaction per batch of articles.

Tables: ``articles`` (with the hash of each article's text and of the pipeline that
mined it, so a re-run skips what it has), ``concepts``, ``mentions`` and ``evidence``
(one row per sentence stating a finding), and ``roots`` (the folders mined into it, so
that a file's id does not depend on which folder was named). The file is marked with SQLite's
``application_id``, so that a file that is not a miner store is refused, never
overwritten.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, get_origin, get_type_hints

from miner.errors import StoreError
from miner.evidence.model import (
    ArticleRecord,
    Concept,
    Evidence,
    Finding,
    MinedArticle,
    Mention,
)

APPLICATION_ID = 0x4D4E5231  # "MNR1"
SCHEMA_VERSION = 6
_ROOTS = "CREATE TABLE IF NOT EXISTS roots (path BLOB PRIMARY KEY, added TEXT)"
#: Upgrades from each older schema version to the next (SQL run in order).
MIGRATIONS: dict[int, list[str]] = {
    1: ["ALTER TABLE evidence ADD COLUMN anatomy_name TEXT"],
    2: ["ALTER TABLE articles ADD COLUMN text BLOB"],
    3: ["ALTER TABLE evidence ADD COLUMN context TEXT"],
    4: [_ROOTS],
    5: ["ALTER TABLE mentions ADD COLUMN type TEXT"],
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    source TEXT, title TEXT, pmid TEXT, pmcid TEXT, doi TEXT, year INTEGER, journal TEXT,
    study_type TEXT, species TEXT NOT NULL DEFAULT '[]',
    sha1 TEXT, pipeline TEXT, mined_at TEXT, text BLOB
);
CREATE TABLE IF NOT EXISTS concepts (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, synonyms TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS mentions (
    article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    concept TEXT NOT NULL, text TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, type TEXT
);
CREATE INDEX IF NOT EXISTS mentions_article ON mentions(article);
CREATE INDEX IF NOT EXISTS mentions_concept ON mentions(concept);
CREATE TABLE IF NOT EXISTS evidence (
    id INTEGER PRIMARY KEY,
    article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    subject TEXT NOT NULL, relation TEXT NOT NULL, object TEXT NOT NULL,
    sentence TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    subject_text TEXT, object_text TEXT, effect TEXT, p_value TEXT, species TEXT, anatomy TEXT, anatomy_name TEXT,
    negated INTEGER NOT NULL DEFAULT 0, hedged INTEGER NOT NULL DEFAULT 0, confidence REAL,
    section TEXT, trigger TEXT, subject_source TEXT, context TEXT
);
CREATE INDEX IF NOT EXISTS evidence_article ON evidence(article);
CREATE INDEX IF NOT EXISTS evidence_key ON evidence(subject, relation, object);
""" + _ROOTS + ";\n"

#: The columns of ``articles`` that hold the fields of an :class:`ArticleRecord`, one each, named
#: as the fields (the schema above lists them; a test checks that it lists every one).
_ARTICLE_FIELDS = tuple(f.name for f in dataclasses.fields(ArticleRecord))
#: The fields among them that are lists (or dicts), stored as JSON: field -> its empty value's type.
_ARTICLE_JSON: dict[str, type] = {name: get_origin(hint) for name, hint in get_type_hints(ArticleRecord).items()
                                  if name in _ARTICLE_FIELDS and get_origin(hint) in (list, dict)}
#: The store's own columns of ``articles``: the pipeline that mined it, when, and its text (compressed).
_ARTICLE_STORE_COLUMNS = ("pipeline", "mined_at", "text")


def _quoted(columns: Iterable[str]) -> str:
    """Column names for SQL, quoted (``end`` is a keyword)."""
    return ", ".join(f'"{c}"' for c in columns)


def _article_values(article: ArticleRecord) -> dict[str, Any]:
    """Column -> value of an article's record fields, as stored (lists as JSON)."""
    values = {name: getattr(article, name) for name in _ARTICLE_FIELDS}
    return {name: json.dumps(value) if name in _ARTICLE_JSON else value for name, value in values.items()}


def _article_record(row: sqlite3.Row) -> ArticleRecord:
    """The record of a row of ``articles`` (selected with the columns of :data:`_ARTICLE_FIELDS`)."""
    return ArticleRecord(**{name: (json.loads(row[name]) if row[name] else _ARTICLE_JSON[name]())
                            if name in _ARTICLE_JSON else row[name] for name in _ARTICLE_FIELDS})


_EVIDENCE_COLUMNS = ("article", "subject", "relation", "object", "sentence", "start", "end",
                     "subject_text", "object_text", "effect", "p_value", "species", "anatomy",
                     "anatomy_name", "negated", "hedged", "confidence", "section", "trigger", "subject_source",
                     "context")


#: Lock files this process holds (closed in forked children, which must not hold them).
_HELD_LOCKS: set[Any] = set()


def _close_inherited_locks() -> None:
    """In a forked child: close the copies of the parent's lock files. A lock held by
    ``flock`` lasts while any copy of its descriptor is open, so a worker that kept one
    would hold the store on its own once the miner that started it is gone."""
    for handle in list(_HELD_LOCKS):
        try:
            handle.close()
        except OSError:
            pass
    _HELD_LOCKS.clear()


os.register_at_fork(after_in_child=_close_inherited_locks)


def _release(handle: Any) -> None:
    """Release a write lock taken by :func:`_write_lock` and remove its file.

    The file is removed while the lock is still held, so that no writer is left holding
    a lock on a file that no longer has a name; a file that the path no longer names
    (replaced as stale by another writer) is left alone.
    """
    _HELD_LOCKS.discard(handle)
    lock_path = Path(handle.name)
    if _same_file(lock_path, handle):
        lock_path.unlink(missing_ok=True)
    handle.close()


def _same_file(path: Path, handle: Any) -> bool:
    """Whether ``path`` still names the file that ``handle`` has open."""
    try:
        on_disk, opened = path.stat(), os.fstat(handle.fileno())
    except OSError:
        return False
    return (on_disk.st_dev, on_disk.st_ino) == (opened.st_dev, opened.st_ino)


def _write_lock(path: Path) -> Any:
    """An exclusive lock on ``<store>.lock``, or :class:`StoreError` if a writer holds it.

    The lock file names the process that holds it. A lock whose named process is gone
    is stale (a process that inherited it lives on): the file is replaced by a new one,
    which this process locks. The lock file is removed when the store is closed
    (:func:`_release`); a writer that opened the file just before it was removed finds,
    once it holds the lock, that the path no longer names the file it locked, and tries
    again.
    """
    import fcntl

    from miner.processes import pid_running

    lock_path = path.with_name(path.name + ".lock")
    for _ in range(5):
        handle = open(lock_path, "a+")  # noqa: SIM115 - held until the store is closed
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            owner = handle.read().strip()
            pid = int(owner[4:]) if owner.startswith("pid ") and owner[4:].isdigit() else None
            if pid is None or pid_running(pid):
                handle.close()
                raise StoreError(f"{path}: another miner is writing to this store ({owner or 'another process'}); "
                                 "wait for it to finish or use another --db") from None
            if _same_file(lock_path, handle):  # stale: replaced, unless another miner just did
                lock_path.unlink(missing_ok=True)
            handle.close()
            continue
        if not _same_file(lock_path, handle):  # replaced (as stale) while we were locking it
            handle.close()
            continue
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        _HELD_LOCKS.add(handle)
        return handle
    raise StoreError(f"{lock_path}: cannot take the store's write lock (it keeps changing); try again")


class Store:
    """An open evidence store.

    Use :meth:`open`; writes go through :meth:`write_article` inside :meth:`batch`.
    """

    def __init__(self, connection: sqlite3.Connection, path: Path, lock: Any = None) -> None:
        self.db = connection
        self.path = path
        self._lock = lock

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True, timeout: float = 30.0, writer: bool = False) -> Store:
        """Open (or create) a store, refusing a file that is not a miner store.

        ``writer=True`` takes the store's write lock (a ``.lock`` file beside it): a second
        miner writing to the same store is refused with a clear message, not interleaved.
        """
        path = Path(path)
        real = path.resolve()  # a symbolic link to a store: the lock and the store are the target's
        exists = real.exists()
        if not exists and not create:
            raise StoreError(f"{path}: no such store; mine something first (miner mine FOLDER --db {path})")
        if exists and real.is_dir():
            raise StoreError(f"{path}: is a folder, not a store file")
        if exists and real.stat().st_size > 0:
            with real.open("rb") as handle:
                if handle.read(16) != b"SQLite format 3\x00":
                    raise StoreError(f"{path}: not a miner store (not an SQLite file); refusing to touch it")
        if not exists:
            real.parent.mkdir(parents=True, exist_ok=True)
        lock = _write_lock(real) if writer else None
        db: sqlite3.Connection | None = None

        def refuse(message: str) -> StoreError:
            if db is not None:
                db.close()
            if lock is not None:
                _release(lock)
            return StoreError(f"{path}: {message}")

        try:
            db = sqlite3.connect(str(real), timeout=timeout, isolation_level=None)
            db.row_factory = sqlite3.Row
            app_id = db.execute("PRAGMA application_id").fetchone()[0]
            tables = db.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
            check = [row[0] for row in db.execute("PRAGMA quick_check(3)")]
        except sqlite3.DatabaseError as exc:
            raise refuse(f"not a usable SQLite store ({exc})") from None
        if check != ["ok"]:
            lines = [line.strip() for row in check for line in str(row).splitlines()]
            damage = "; ".join(line for line in lines if line and not line.startswith("*** in database"))
            raise refuse(f"the store is damaged ({damage[:200]}); restore it from a copy, or mine into a new --db")
        if tables and app_id != APPLICATION_ID:
            raise refuse("an SQLite file that is not a miner store; refusing to touch it")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if tables and version > SCHEMA_VERSION:
            raise refuse(f"made by a newer miner (schema {version}); upgrade miner")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        if not tables:
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        elif version < SCHEMA_VERSION:
            cls._migrate(db, version)
        return cls(db, path, lock)

    @staticmethod
    def _migrate(db: sqlite3.Connection, version: int) -> None:
        """Bring an older store up to the current schema, in one transaction."""
        db.execute("BEGIN IMMEDIATE")
        try:
            for step in range(version, SCHEMA_VERSION):
                for sql in MIGRATIONS.get(step, []):
                    db.execute(sql)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            db.execute("ROLLBACK")
            raise StoreError(f"cannot upgrade the store from schema {version}: {exc}") from None
        db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()
        if self._lock is not None:
            _release(self._lock)  # removes the lock file and releases the write lock
            self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def batch(self) -> Iterator[Store]:
        """A transaction: everything written inside lands together or not at all."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[Store]:
        """Reads inside see one state of the store, whatever a writer commits meanwhile.

        One read transaction (SQLite's WAL keeps its snapshot), so that a graph read
        while ``miner mine`` runs holds no evidence of an article missing from its
        article list. Nested calls share the outer snapshot.
        """
        if self.db.in_transaction:
            yield self
            return
        self.db.execute("BEGIN")
        try:
            self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts here
            yield self
        finally:
            self.db.execute("ROLLBACK")

    # ------------------------------------------------------------------ folders

    def roots(self) -> list[Path]:
        """The folders mined into this store, in the order they were first mined
        (absolute, symbolic links resolved); article ids of files are relative to them."""
        return [Path(os.fsdecode(row[0])) for row in self.db.execute("SELECT path FROM roots ORDER BY rowid")]

    def add_roots(self, folders: Iterable[Path]) -> None:
        """Remember folders as roots (after those known already)."""
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self.batch():
            self.db.executemany("INSERT OR IGNORE INTO roots (path, added) VALUES (?, ?)",
                                [(os.fsencode(folder), stamp) for folder in folders])

    def own_files(self) -> list[Path]:
        """The files that make up the store (the database, its WAL, shared memory,
        journal and lock), which a walk of a folder that holds them must pass over."""
        real = Path(self.db.execute("PRAGMA database_list").fetchone()["file"] or self.path.resolve())
        return [real.with_name(real.name + suffix) for suffix in ("", "-wal", "-shm", "-journal", ".lock")]

    # ------------------------------------------------------------------ writing

    def write_article(self, mined: MinedArticle, *, pipeline: str | None = None) -> None:
        """Replace everything stored for ``mined.article`` (call inside :meth:`batch`)."""
        article = mined.article
        self.db.execute("DELETE FROM articles WHERE id = ?", (article.id,))
        values = {**_article_values(article), "pipeline": pipeline,
                  "mined_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                  "text": zlib.compress(mined.text.encode("utf-8"), 6) if mined.text is not None else None}
        self.db.execute(f"INSERT INTO articles ({_quoted(values)}) VALUES ({','.join('?' * len(values))})",
                        tuple(values.values()))
        self.upsert_concepts(mined.concepts.values())
        self.db.executemany(
            'INSERT INTO mentions (article, concept, text, start, "end", type) VALUES (?,?,?,?,?,?)',
            [(m.article, m.concept, m.text, m.start, m.end, m.type) for m in mined.mentions],
        )
        rows = []
        for finding in mined.findings:
            for ev in finding.evidence:
                rows.append((ev.article, finding.subject, finding.relation, finding.object, ev.sentence,
                             ev.start, ev.end, ev.subject_text, ev.object_text,
                             json.dumps(ev.effect) if ev.effect else None, ev.p_value, ev.species,
                             ev.anatomy, ev.anatomy_name, int(ev.negated), int(ev.hedged), ev.confidence, ev.section,
                             ev.trigger, ev.subject_source, json.dumps(ev.context) if ev.context else None))
        placeholders = ",".join("?" * len(_EVIDENCE_COLUMNS))
        self.db.executemany(f"INSERT INTO evidence ({_quoted(_EVIDENCE_COLUMNS)}) VALUES ({placeholders})", rows)

    def upsert_concepts(self, concepts: Iterable[Concept]) -> None:
        self.db.executemany(
            "INSERT INTO concepts (id, name, type, synonyms) VALUES (?,?,?,?) "
            "ON CONFLICT(id) DO UPDATE SET name = excluded.name, type = excluded.type,"
            " synonyms = CASE WHEN excluded.synonyms = '[]' THEN concepts.synonyms ELSE excluded.synonyms END",
            [(c.id, c.name, c.type, json.dumps(list(c.synonyms))) for c in concepts],
        )

    def delete_articles(self, ids: Iterable[str]) -> int:
        """Delete articles with their mentions and evidence (call inside :meth:`batch`)."""
        count = 0
        for article_id in ids:
            count += self.db.execute("DELETE FROM articles WHERE id = ?", (article_id,)).rowcount
        if count:
            self.db.execute(
                "DELETE FROM concepts WHERE id NOT IN (SELECT concept FROM mentions) "
                "AND id NOT IN (SELECT subject FROM evidence) AND id NOT IN (SELECT object FROM evidence)")
        return count

    def clear(self) -> None:
        """Forget everything (``miner mine --fresh``)."""
        with self.batch():
            for table in ("evidence", "mentions", "articles", "concepts", "roots"):
                self.db.execute(f"DELETE FROM {table}")

    # ------------------------------------------------------------------ reading

    def article_hashes(self) -> dict[str, tuple[str | None, str | None]]:
        """Article id -> (text hash, pipeline hash) of what is stored."""
        return {row["id"]: (row["sha1"], row["pipeline"])
                for row in self.db.execute("SELECT id, sha1, pipeline FROM articles")}

    def articles(self) -> list[ArticleRecord]:
        return [_article_record(row)
                for row in self.db.execute(f"SELECT {_quoted(_ARTICLE_FIELDS)} FROM articles ORDER BY id")]

    def concepts(self) -> dict[str, Concept]:
        return {row["id"]: Concept(row["id"], row["name"], row["type"], tuple(json.loads(row["synonyms"])))
                for row in self.db.execute("SELECT * FROM concepts")}

    def mention_stats(self) -> dict[str, dict[str, Any]]:
        """Concept id -> {mentions: count, articles: [ids], texts: [surface forms]}."""
        stats: dict[str, dict[str, Any]] = {}
        for row in self.db.execute("SELECT concept, article, text FROM mentions ORDER BY article, start"):
            entry = stats.setdefault(row["concept"], {"mentions": 0, "articles": [], "texts": []})
            entry["mentions"] += 1
            if not entry["articles"] or entry["articles"][-1] != row["article"]:
                if row["article"] not in entry["articles"]:
                    entry["articles"].append(row["article"])
            if row["text"] not in entry["texts"]:
                entry["texts"].append(row["text"])
        return stats

    def mentions(self, article: str | None = None) -> list[Mention]:
        query = 'SELECT article, concept, text, start, "end", type FROM mentions'
        params: tuple[Any, ...] = ()
        if article is not None:
            query += " WHERE article = ?"
            params = (article,)
        return [Mention(r["article"], r["concept"], r["text"], r["start"], r["end"], r["type"])
                for r in self.db.execute(query + " ORDER BY article, start", params)]

    def findings(self, article: str | None = None) -> list[Finding]:
        """Every finding with its evidence, ordered by subject, relation, object."""
        query = "SELECT * FROM evidence"
        params: tuple[Any, ...] = ()
        if article is not None:
            query += " WHERE article = ?"
            params = (article,)
        grouped: dict[tuple[str, str, str], Finding] = {}
        for row in self.db.execute(query + " ORDER BY subject, relation, object, article, start", params):
            key = (row["subject"], row["relation"], row["object"])
            finding = grouped.setdefault(key, Finding(*key))
            finding.evidence.append(Evidence(
                article=row["article"], sentence=row["sentence"], start=row["start"], end=row["end"],
                subject_text=row["subject_text"] or "", object_text=row["object_text"] or "",
                effect=json.loads(row["effect"]) if row["effect"] else None, p_value=row["p_value"],
                species=row["species"], anatomy=row["anatomy"], anatomy_name=row["anatomy_name"],
                negated=bool(row["negated"]),
                hedged=bool(row["hedged"]), confidence=row["confidence"] if row["confidence"] is not None else 0.5,
                section=row["section"], trigger=row["trigger"], subject_source=row["subject_source"] or "sentence",
                context=json.loads(row["context"]) if row["context"] else {}))
        return list(grouped.values())

    def article_text(self, article_id: str) -> str | None:
        """The text an article was mined from (offsets point into it), if stored."""
        row = self.db.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None or row["text"] is None:
            return None
        return zlib.decompress(row["text"]).decode("utf-8")

    def article_origin(self, article_id: str) -> tuple[str | None, int] | None:
        """(the file an article was read from, the length of its stored text), if stored."""
        row = self.db.execute("SELECT source, text FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            return None
        text = zlib.decompress(row["text"]).decode("utf-8") if row["text"] is not None else ""
        return row["source"], len(text)

    def counts(self) -> dict[str, int]:
        out = {}
        for table in ("articles", "concepts", "mentions", "evidence"):
            out[table] = self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        out["findings"] = self.db.execute(
            "SELECT count(*) FROM (SELECT DISTINCT subject, relation, object FROM evidence)").fetchone()[0]
        return out
