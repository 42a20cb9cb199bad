"""Parse results kept between processes: ``.cache/advpub/parse.sqlite``.

Every command that loads the published advisories parsed all of them again (about 0.5 ms
each, most of ``advpub status`` and of a warm rebuild at 5,000 advisories). This cache keeps
each published advisory's :class:`~advpub.model.parse.ParseResult` under a key that hashes

- the file's exact bytes (SHA-256), its shown path and the id its name implies;
- the parser: the bytes of every file of ``advpub.model`` and of this module, the Python
  version and the versions of the libraries the model parses with;
- the reading options (:class:`~advpub.model.ModelOptions`): time zone (with its tz data),
  id pattern, default language. An options class with a field this module does not know
  turns the cache off rather than ignoring the field.

``.cache/`` may be restored by CI from a shared cache, so an entry is trusted only when its
HMAC-SHA256 under the per-user key (:mod:`advpub.userkey`, kept outside the repository)
verifies; the MAC covers the entry's key and value, so a genuine value cannot be moved to
another file's key either. Only a verified value is unpickled; anything else is a miss and
the file is parsed again. Without a key there is no cache.

Only files of the advisories folder reach it: drafts (``embargo/``) never pass through
:func:`advpub.corpus.load_corpus`. Entries the last writing load did not use are deleted,
so the cache never outgrows the repository. SQLite in WAL mode: a writer killed mid-way
leaves the last committed state; a writer that finds the cache busy skips its write.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import hmac
import importlib.metadata
import pickle
import sqlite3
import sys
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, fields
from datetime import timezone
from importlib import resources
from pathlib import Path

import advpub.model
from advpub.model import ModelOptions, parse_advisory
from advpub.model.parse import ParseResult
from advpub.userkey import user_key

CACHE_FILE = (".cache", "advpub", "parse.sqlite")
FORMAT = "advpub-parse-cache-1"
GITIGNORE = "# advpub build cache\n*\n"
# Another process writing the cache: wait this long, then go on without writing.
BUSY_TIMEOUT_S = 2.0
# The libraries whose behaviour the model's results depend on.
_LIBRARIES = ("PyYAML", "cvss", "packageurl-python")
# The ModelOptions fields the key covers (a new one must be added here to be cached).
_OPTION_FIELDS = frozenset({"timezone", "id_pattern", "default_lang"})
_SCHEMA = (
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE entries (key BLOB PRIMARY KEY, mac BLOB NOT NULL, value BLOB NOT NULL)",
)


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a load builds thousands of objects it keeps: each
    collection walks every object built so far (a third of a load from this cache at 5,000
    advisories), and parsing leaves no cycles to collect. A caller that paused it already
    keeps it paused."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class _Pending:
    key: bytes
    mac: bytes
    value: bytes


class ParseCache:
    """An open parse cache for one load of the corpus: :meth:`parse` each file, then
    :meth:`finish` (which stores the new results when the cache was opened for writing)."""

    def __init__(
        self,
        db: sqlite3.Connection,
        secret: bytes,
        salt: bytes,
        options: ModelOptions,
        *,
        writable: bool,
    ) -> None:
        self._db = db
        self._secret = secret
        self._salt = salt
        self._options = options
        self._writable = writable
        self._used: set[bytes] = set()
        self._pending: list[_Pending] = []
        self.hits = 0
        self._broken = False
        self._stored: dict[bytes, tuple[bytes, bytes]] | None = None

    @classmethod
    def open(cls, root: Path, options: ModelOptions, *, write: bool) -> ParseCache | None:
        """The cache of the repository at ``root`` for files read with ``options``; None
        when it cannot be used (no per-user key, options it cannot key, an unusable file).
        Without ``write`` it is only read, and only when it exists."""
        salt = _salt(options)
        if salt is None:
            return None
        secret = user_key(root)
        if secret is None:
            return None
        path = root.joinpath(*CACHE_FILE)
        if not write and not path.is_file():
            return None
        db = _open_db(path, write=write)
        if db is None:
            return None
        return cls(db, secret, salt, options, writable=write)

    def parse(self, data: bytes, digest: bytes, shown: str, expected_id: str) -> ParseResult:
        """:func:`parse_advisory` of ``data`` (SHA-256 ``digest``) at ``shown``: the verified
        stored result when there is one, else a new parse (stored by :meth:`finish`)."""
        key = hashlib.sha256(
            b"\0".join((self._salt, shown.encode(), expected_id.encode(), digest))
        ).digest()
        self._used.add(key)
        cached = self._lookup(key)
        if cached is not None:
            self.hits += 1
            return cached
        result = parse_advisory(data, path=shown, options=self._options, expected_id=expected_id)
        if self._writable:
            value = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            self._pending.append(_Pending(key, self._mac(key, value), value))
        return result

    def finish(self) -> None:
        """After a complete load: store the new results and drop the entries this load did
        not use (when opened for writing); close the cache."""
        try:
            if self._writable and not self._broken:
                self._write()
        finally:
            self.close()

    def close(self) -> None:
        """Close the cache without writing (a load that failed half-way)."""
        self._db.close()

    # -- helpers -------------------------------------------------------------------------

    def _mac(self, key: bytes, value: bytes) -> bytes:
        return hmac.digest(self._secret, key + value, "sha256")

    def _lookup(self, key: bytes) -> ParseResult | None:
        if self._stored is None:
            self._stored = self._read_all()
        row = self._stored.get(key)
        if row is None:
            return None
        mac, value = row
        # Verified before anything is unpickled: an entry forged in a restored .cache/
        # never reaches pickle (which would run its code) nor the gate (its dates).
        if not hmac.compare_digest(mac, self._mac(key, value)):
            return None
        try:
            result = pickle.loads(value)  # noqa: S301 (authenticated just above)
        except Exception:
            return None
        return result if isinstance(result, ParseResult) else None

    def _read_all(self) -> dict[bytes, tuple[bytes, bytes]]:
        """Every entry (MAC, value) by key, in one query (the cache holds only what the
        last load used, so about one entry per advisory)."""
        try:
            rows = self._db.execute("SELECT key, mac, value FROM entries").fetchall()
        except sqlite3.Error:
            self._broken = True
            return {}
        return {bytes(k): (bytes(m), bytes(v)) for k, m, v in rows}

    def _write(self) -> None:
        if self._stored is None:
            self._stored = self._read_all()
        # Entries this load did not use (an earlier version of a file, a file gone). One
        # written concurrently by another load is not among them: the next load decides.
        stale = [(key,) for key in self._stored.keys() - self._used]
        if not (self._pending or stale) or self._broken:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                "INSERT OR REPLACE INTO entries VALUES (?, ?, ?)",
                [(p.key, p.mac, p.value) for p in self._pending],
            )
            self._db.executemany("DELETE FROM entries WHERE key = ?", stale)
            self._db.execute("COMMIT")
        except sqlite3.Error:
            # Busy (another load is writing) or damaged: this load's results are simply not
            # kept; the next load parses those files again.
            with suppress(sqlite3.Error):
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")


def _open_db(path: Path, *, write: bool) -> sqlite3.Connection | None:
    """A connection to a cache of this format; a damaged file or one of another format is
    replaced (when writing); None when none can be had."""
    if not write:
        try:
            db = sqlite3.connect(
                f"{path.absolute().as_uri()}?mode=ro",
                uri=True,
                timeout=BUSY_TIMEOUT_S,
                isolation_level=None,
            )
            row = db.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
        except sqlite3.Error:
            return None
        if row is None or row[0] != FORMAT:
            db.close()
            return None
        return db
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        ignore = path.parent / ".gitignore"
        if not ignore.exists():
            # Never committed by accident, wherever the repository's .gitignore stands.
            ignore.write_text(GITIGNORE, encoding="utf-8")
    except OSError:
        return None
    for attempt in range(2):
        try:
            return _connect(path)
        except sqlite3.Error as exc:
            code = getattr(exc, "sqlite_errorcode", None)
            if attempt or code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                return None
        for suffix in ("", "-wal", "-shm", "-journal"):
            with suppress(OSError):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
    return None


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        # WAL: readers never wait for a writer, and a killed writer leaves the last commit.
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        row = None
        with suppress(sqlite3.OperationalError):
            row = db.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
        if row is None or row[0] != FORMAT:
            db.execute("BEGIN IMMEDIATE")
            tables = [
                str(r[0]) for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            for table in tables:
                db.execute(f'DROP TABLE "{table}"')
            for statement in _SCHEMA:
                db.execute(statement)
            db.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT,))
            db.execute("COMMIT")
    except BaseException:
        db.close()
        raise
    return db


def _salt(options: ModelOptions) -> bytes | None:
    """What besides a file decides its parse result: the parser and the reading options;
    None when the options hold something this cache cannot key."""
    if {f.name for f in fields(options)} != _OPTION_FIELDS:
        return None
    zone = options.timezone
    if isinstance(zone, zoneinfo.ZoneInfo):
        tzdata = _zone_data(zone.key)
        if tzdata is None:
            return None
        described = f"zone {zone.key} {tzdata}"
    elif isinstance(zone, timezone):
        described = f"offset {zone!r}"
    else:
        return None
    pattern = options.id_pattern
    return hashlib.sha256(
        "\0".join(
            (
                _code_fingerprint(),
                described,
                repr(pattern.pattern),
                str(pattern.flags),
                options.default_lang,
            )
        ).encode()
    ).digest()


@functools.cache
def _code_fingerprint() -> str:
    """The parser's code and what it runs on: a change to any of it misses every entry."""
    digest = hashlib.sha256(FORMAT.encode())
    digest.update(sys.version.encode())
    for name in _LIBRARIES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"\0{name}={version}".encode())
    model = Path(advpub.model.__file__).parent
    for file in sorted(model.rglob("*.py")):
        digest.update(f"\0{file.relative_to(model).as_posix()}\0".encode() + file.read_bytes())
    digest.update(b"\0parsecache\0" + Path(__file__).read_bytes())
    return digest.hexdigest()


@functools.cache
def _zone_data(key: str) -> str | None:
    """A digest of the tz data ``ZoneInfo(key)`` reads (the system's first, then the
    ``tzdata`` package, as :mod:`zoneinfo` looks), so a tz data update misses the entries
    whose local times it could move; None when it cannot be found."""
    for base in zoneinfo.TZPATH:
        candidate = Path(base) / key
        with suppress(OSError):
            if candidate.is_file():
                return hashlib.sha256(candidate.read_bytes()).hexdigest()
    package, _, name = f"tzdata.zoneinfo.{key.replace('/', '.')}".rpartition(".")
    with suppress(Exception):
        return hashlib.sha256(resources.files(package).joinpath(name).read_bytes()).hexdigest()
    return None
