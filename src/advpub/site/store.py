"""The one file ``advpub build`` keeps between builds: ``.cache/advpub/build.sqlite``.

It holds three tables, all written in ONE transaction that commits only when a build
succeeds (a failed or killed build rolls back, so it leaves nothing behind):

- ``pages``: rendered advisory pages by page-cache key (:mod:`advpub.site.pagecache`);
- ``memo``: bytes computed from one published advisory, by key (exports, listing pages);
- ``outputs``: the manifest of the output folder, which files the last build wrote, with
  their content tag and file status (:mod:`advpub.site.reuse`), and the fingerprint of the
  leak scan that passed over them.

The manifest is deleted (and that deletion committed) before a build changes anything in
the output folder, so after a failed build no file there is vouched for. Only published
advisories ever reach the store; it never holds anything read from ``embargo/``.

A store that cannot be read (damaged, another format) is deleted and built again from
nothing: every page and export is then computed again, never taken on trust.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advpub.corpus import ParseMemo

STORE_FILE = (".cache", "advpub", "build.sqlite")
FORMAT = "advpub-build-store-1"
GITIGNORE = "# advpub build cache\n*\n"
# How long a build waits for another `advpub build` of the same repository to finish.
BUSY_TIMEOUT_S = 30.0
_SCHEMA = (
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE pages (key TEXT PRIMARY KEY, entry TEXT NOT NULL, html TEXT NOT NULL)",
    "CREATE TABLE memo (key TEXT PRIMARY KEY, value BLOB NOT NULL)",
    "CREATE TABLE outputs (path TEXT PRIMARY KEY, tag TEXT NOT NULL, size INTEGER NOT NULL,"
    " mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL)",
)
# The keyed tables: listing their keys, deleting one.
_KEYED = {
    "pages": ("SELECT key FROM pages", "DELETE FROM pages WHERE key = ?"),
    "memo": ("SELECT key FROM memo", "DELETE FROM memo WHERE key = ?"),
}

log = logging.getLogger("mkdocs.plugins.advpub")


class StoreBusy(Exception):
    """Another build holds the store."""


@dataclass(frozen=True)
class FileStatus:
    """A file of the output folder as a build left it: its content tag and exact status."""

    tag: str
    size: int
    mtime_ns: int
    ctime_ns: int


@dataclass(frozen=True)
class Manifest:
    """The output folder the last successful build left: where, what, and its leak scan."""

    site_dir: str
    scan: str | None
    files: dict[str, FileStatus]


def _is_busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def remove_store(path: Path) -> None:
    """Delete the store and SQLite's side files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        # Whatever is in the way (a folder, no permission): opening fails next, and the build
        # goes on without the store.
        with suppress(OSError):
            path.with_name(path.name + suffix).unlink(missing_ok=True)


class BuildStore:
    """An open store (see the module docstring). Writes happen inside the transaction
    :meth:`begin` opens; :meth:`commit` makes them durable, :meth:`close` without a commit
    drops them."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection
        # Set when a statement failed on a damaged file: nothing more is written, and the
        # store is deleted instead of committed.
        self.broken = False
        # In a forked page worker (detach_for_worker): the writes it hands to the build.
        self.deferred: list[tuple[str, list[tuple[Any, ...]]]] | None = None
        self._inherited: sqlite3.Connection | None = None

    @classmethod
    def open(cls, path: Path) -> BuildStore:
        """Open (or create) the store at ``path``; a damaged one is replaced by an empty one.

        Raises :class:`StoreBusy` when another build holds it longer than a short wait.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        ignore = path.parent / ".gitignore"
        if not ignore.exists():
            # Never committed by accident, wherever the repository's .gitignore stands.
            ignore.write_text(GITIGNORE, encoding="utf-8")
        try:
            return cls(path, _connect(path))
        except sqlite3.Error as exc:
            if _is_busy(exc):
                raise StoreBusy(str(exc)) from None
        remove_store(path)
        try:
            return cls(path, _connect(path))
        except sqlite3.Error as exc:
            raise StoreBusy(str(exc)) from None

    # -- transactions --------------------------------------------------------------------

    def begin(self) -> None:
        """Start the build's transaction (taking the write lock)."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreBusy(str(exc)) from None

    def commit(self) -> bool:
        """Make this build's writes durable; False (and the store deleted) when that fails."""
        try:
            if self.broken:
                raise sqlite3.DatabaseError("the store is damaged")
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            log.info(f"advpub: could not save the build cache ({exc}); the next build starts over")
            self.close()
            remove_store(self.path)
            return False
        return True

    def close(self) -> None:
        """Close the store; writes not committed are dropped."""
        with suppress(sqlite3.Error):
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
        self._db.close()

    # -- page workers (advpub.site.driver) -------------------------------------------------

    def detach_for_worker(self) -> None:
        """In a page worker forked from the build: read through a connection of its own and
        keep every write for the build (:attr:`deferred`, applied by :meth:`apply_deferred`).

        The build's connection must not be used by two processes (SQLite forbids carrying a
        connection across a fork), nor closed here: closing it could checkpoint the WAL under
        the build's open transaction, so the worker keeps it untouched until it exits. Reads
        see what the last build committed, which is all a page reads: the keys a page looks
        up are its own, never one this build wrote before.
        """
        self._inherited = self._db
        self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        self.deferred = []

    def take_deferred(self) -> list[tuple[str, list[tuple[Any, ...]]]]:
        """The writes this worker kept for the build (and forget them)."""
        deferred, self.deferred = self.deferred or [], []
        return deferred

    def apply_deferred(self, writes: list[tuple[str, list[tuple[Any, ...]]]]) -> None:
        """Run a page worker's writes in the build's transaction."""
        for query, rows in writes:
            self._write(query, rows)

    # -- rendered pages ------------------------------------------------------------------

    def page(self, key: str) -> tuple[str, str] | None:
        """The stored entry (JSON) and the theme's whole page under ``key``."""
        row = self._read("SELECT entry, html FROM pages WHERE key = ?", (key,))
        return (str(row[0]), str(row[1])) if row is not None else None

    def page_html(self, key: str) -> str | None:
        """Only the theme's whole page under ``key``."""
        row = self._read("SELECT html FROM pages WHERE key = ?", (key,))
        return str(row[0]) if row is not None else None

    def put_page(self, key: str, entry: str, html: str) -> None:
        """Store a page (in the transaction: nothing is kept unless the build commits)."""
        self._write("INSERT OR REPLACE INTO pages VALUES (?, ?, ?)", [(key, entry, html)])

    def drop_pages(self, keys: Iterable[str]) -> None:
        """Forget the pages under ``keys``."""
        self._write("DELETE FROM pages WHERE key = ?", [(k,) for k in keys])

    def keep_pages(self, used: set[str]) -> None:
        """Forget every page not in ``used`` (the store never outgrows the site)."""
        self._keep("pages", used)

    # -- memo ----------------------------------------------------------------------------

    def memo(self, key: str) -> bytes | None:
        """The bytes stored under ``key``."""
        row = self._read("SELECT value FROM memo WHERE key = ?", (key,))
        return bytes(row[0]) if row is not None else None

    def has_memo(self, key: str) -> bool:
        """True when bytes are stored under ``key``."""
        return self._read("SELECT 1 FROM memo WHERE key = ?", (key,)) is not None

    def put_memo(self, key: str, value: bytes) -> None:
        """Store bytes under ``key`` (in the transaction)."""
        self._write("INSERT OR REPLACE INTO memo VALUES (?, ?)", [(key, value)])

    def keep_memo(self, used: set[str]) -> None:
        """Forget every memo entry not in ``used``."""
        self._keep("memo", used)

    # -- output manifest -----------------------------------------------------------------

    def manifest(self) -> Manifest | None:
        """The manifest of the last successful build, if any."""
        try:
            meta = dict(self._db.execute("SELECT name, value FROM meta").fetchall())
            if "site_dir" not in meta:
                return None
            rows = self._db.execute("SELECT * FROM outputs").fetchall()
        except sqlite3.Error:
            return None
        files = {str(r[0]): FileStatus(str(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows}
        return Manifest(str(meta["site_dir"]), meta.get("scan"), files)

    def clear_manifest(self) -> None:
        """Delete the manifest now (committed at once: the output folder is about to change)."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("DELETE FROM outputs")
            self._db.execute("DELETE FROM meta WHERE name IN ('site_dir', 'scan')")
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreBusy(str(exc)) from None

    def put_manifest(self, manifest: Manifest) -> None:
        """Replace the manifest (in the transaction)."""
        self._write("DELETE FROM outputs", [()])
        self._write(
            "INSERT INTO outputs VALUES (?, ?, ?, ?, ?)",
            [(p, f.tag, f.size, f.mtime_ns, f.ctime_ns) for p, f in manifest.files.items()],
        )
        self._write("INSERT OR REPLACE INTO meta VALUES ('site_dir', ?)", [(manifest.site_dir,)])
        self._write("DELETE FROM meta WHERE name = 'scan'", [()])
        if manifest.scan is not None:
            self._write("INSERT INTO meta VALUES ('scan', ?)", [(manifest.scan,)])

    # -- helpers -------------------------------------------------------------------------

    def _read(self, query: str, args: tuple[str, ...]) -> tuple[Any, ...] | None:
        # A damaged store reads as empty: the value is computed again.
        if self.broken:
            return None
        try:
            row: tuple[Any, ...] | None = self._db.execute(query, args).fetchone()
        except sqlite3.DatabaseError:
            self.broken = True
            return None
        return row

    def _write(self, query: str, rows: list[tuple[Any, ...]]) -> None:
        if self.broken:
            return
        if self.deferred is not None:
            self.deferred.append((query, rows))
            return
        try:
            self._db.executemany(query, rows)
        except sqlite3.DatabaseError:
            self.broken = True

    def _keep(self, table: str, used: set[str]) -> None:
        select, delete = _KEYED[table]
        if self.broken:
            return
        try:
            stored = [str(r[0]) for r in self._db.execute(select).fetchall()]
        except sqlite3.DatabaseError:
            self.broken = True
            return
        self._write(delete, [(key,) for key in stored if key not in used])


class SessionStore(BuildStore):
    """A store in this process's memory for the builds of one ``advpub serve`` or ``advpub
    preview`` session: each rebuild reuses what the last one rendered, and nothing of it is
    ever written to disk (a preview renders embargoed drafts; their pages must not reach
    ``.cache/``). Closing it after a build keeps it open for the next one."""

    def __init__(self) -> None:
        # The live-reload server rebuilds on its own thread, one build at a time.
        db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        for statement in _SCHEMA:
            db.execute(statement)
        db.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT,))
        super().__init__(Path(":memory:"), db)
        # Parse results of the published advisories, for the session's next load.
        self.parsed = ParseMemo()

    def commit(self) -> bool:
        """Keep this build's writes for the next build of the session."""
        try:
            if self.broken:
                raise sqlite3.DatabaseError("the store is damaged")
            self._db.execute("COMMIT")
        except sqlite3.Error:
            self._reset()
            return False
        return True

    def close(self) -> None:
        """Drop writes not committed; the store stays open for the session's next build."""
        with suppress(sqlite3.Error):
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
        if self.broken:
            self._reset()

    def end(self) -> None:
        """End the session: free the memory."""
        self._db.close()

    def _reset(self) -> None:
        with suppress(sqlite3.Error):
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            self._db.execute("DELETE FROM pages")
            self._db.execute("DELETE FROM memo")
            self._db.execute("DELETE FROM outputs")
            self._db.execute("DELETE FROM meta WHERE name IN ('site_dir', 'scan')")
        self.broken = False


def _connect(path: Path) -> sqlite3.Connection:
    """A connection to a readable store of this format (its tables emptied or made new when
    the format differs); sqlite3.Error when the file is not one."""
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        # WAL: a commit needs no fsync (a cache lost in a power cut is only built again)
        # and never leaves a half-written database.
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("BEGIN IMMEDIATE")
        tables = {
            str(r[0]) for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        version = None
        if "meta" in tables:
            row = db.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
            version = row[0] if row is not None else None
        if version != FORMAT:
            for table in sorted(tables):
                db.execute(f'DROP TABLE "{table}"')
            for statement in _SCHEMA:
                db.execute(statement)
            db.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT,))
        db.execute("COMMIT")
    except BaseException:
        db.close()
        raise
    return db
