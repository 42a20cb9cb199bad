"""The persistent parse cache: a hit equals a fresh parse, and nothing in ``.cache/`` is
trusted unless it verifies under the user's key (a restored or forged cache is re-parsed,
never unpickled)."""

from __future__ import annotations

import hmac
import os
import pickle
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import advpub.corpus as corpus_module
import advpub.parsecache as parsecache
from advpub.config import load_settings
from advpub.corpus import load_corpus
from advpub.embargo.recipients import RecipientEntry
from advpub.embargo.store import EmbargoStore
from advpub.model import parse_advisory
from advpub.model.parse import ParseResult
from tests.conftest import Key, Repo, advisory_text

CACHE = (".cache", "advpub", "parse.sqlite")
FILES = {
    f"advisories/2020/ADV-2020-000{n}.md": advisory_text(
        f"ADV-2020-000{n}",
        release_date=f"2020-01-0{n}T09:00:00+09:00",
        extra="cvss:\n  - vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\ncwe:\n  - CWE-78\n",
    )
    for n in range(1, 4)
}
FIRST = "advisories/2020/ADV-2020-0001.md"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the cache had to parse (its misses)."""
    seen: list[str] = []

    def counting(data: bytes, **kwargs: Any) -> ParseResult:
        seen.append(kwargs["path"])
        return parse_advisory(data, **kwargs)

    monkeypatch.setattr(parsecache, "parse_advisory", counting)
    return seen


def fill(repo: Repo) -> None:
    for rel, text in FILES.items():
        repo.write(rel, text)


def fresh(repo: Repo) -> ParseResult:
    settings = load_settings(repo.path)
    return parse_advisory(
        (repo.path / FIRST).read_bytes(),
        path=FIRST,
        options=settings.model_options,
        expected_id="ADV-2020-0001",
    )


def rows(repo: Repo) -> list[tuple[bytes, bytes, bytes]]:
    with closing(sqlite3.connect(repo.path.joinpath(*CACHE))) as db:
        return [(bytes(k), bytes(m), bytes(v)) for k, m, v in db.execute("SELECT * FROM entries")]


def rewrite(repo: Repo, change: Callable[[bytes, bytes, bytes], tuple[bytes, bytes]]) -> None:
    """Replace every entry's MAC and value with ``change(key, mac, value)``."""
    with closing(sqlite3.connect(repo.path.joinpath(*CACHE))) as db, db:
        for key, mac, value in rows(repo):
            new_mac, new_value = change(key, mac, value)
            db.execute(
                "UPDATE entries SET mac = ?, value = ? WHERE key = ?", (new_mac, new_value, key)
            )


def entry_of(repo: Repo, path: str) -> bytes:
    """The key of ``path``'s entry (the one whose value parses to that path)."""
    for key, _, value in rows(repo):
        if pickle.loads(value).advisory.path == path:  # noqa: S301 (written by the test)
            return key
    raise AssertionError(f"no entry for {path}")


def test_hit_equals_a_fresh_parse(repo: Repo, parses: list[str]) -> None:
    fill(repo)
    settings = load_settings(repo.path)
    first = load_corpus(settings)
    assert sorted(parses) == sorted(FILES)
    parses.clear()
    second = load_corpus(settings)
    # Nothing parsed again: every advisory came from the cache, equal to a fresh parse
    # (front matter included, which equality of advisories leaves out).
    assert parses == []
    assert second == first
    cached = next(a for a in second.advisories if a.path == FIRST)
    assert cached == fresh(repo).advisory
    assert cached.front_matter == fresh(repo).advisory.front_matter  # type: ignore[union-attr]
    assert (
        repo.path / ".cache" / "advpub" / ".gitignore"
    ).read_text() == "# advpub build cache\n*\n"


def test_changed_file_is_parsed_again(repo: Repo, parses: list[str]) -> None:
    fill(repo)
    settings = load_settings(repo.path)
    load_corpus(settings)
    parses.clear()
    repo.write(FIRST, FILES[FIRST].replace("Example Router:", "Edited Router:"))
    corpus = load_corpus(settings)
    assert parses == [FIRST]
    assert next(a for a in corpus.advisories if a.path == FIRST).title.startswith("Edited Router:")
    # The old version's entry is gone: the cache holds what the last load used.
    assert len(rows(repo)) == 3
    (repo.path / FIRST).unlink()
    load_corpus(settings)
    assert len(rows(repo)) == 2


def test_flipped_bytes_in_a_stored_value_are_ignored(repo: Repo, parses: list[str]) -> None:
    fill(repo)
    settings = load_settings(repo.path)
    expected = load_corpus(settings)

    def flip(key: bytes, mac: bytes, value: bytes) -> tuple[bytes, bytes]:
        return mac, value[:-5] + bytes([value[-5] ^ 0x01]) + value[-4:]

    rewrite(repo, flip)
    parses.clear()
    assert load_corpus(settings) == expected
    assert sorted(parses) == sorted(FILES)
    # ...and the damaged entries were replaced by good ones.
    parses.clear()
    load_corpus(settings)
    assert parses == []


def test_forged_entry_with_another_date_is_not_used(repo: Repo, parses: list[str]) -> None:
    """A restored .cache/ with an entry that moves an advisory's release date (a forged
    value with a MAC not made with this user's key) must not reach the gate."""
    fill(repo)
    settings = load_settings(repo.path)
    load_corpus(settings)
    key = entry_of(repo, FIRST)
    real = fresh(repo)
    assert real.advisory is not None
    forged = ParseResult(replace(real.advisory, release_date=datetime(1999, 1, 1, tzinfo=UTC)), ())
    value = pickle.dumps(forged)
    with closing(sqlite3.connect(repo.path.joinpath(*CACHE))) as db, db:
        db.execute(
            "UPDATE entries SET mac = ?, value = ? WHERE key = ?",
            (hmac.digest(os.urandom(32), key + value, "sha256"), value, key),
        )
    parses.clear()
    corpus = load_corpus(settings)
    assert parses == [FIRST]
    adv = next(a for a in corpus.advisories if a.path == FIRST)
    assert adv.release_date == real.advisory.release_date != datetime(1999, 1, 1, tzinfo=UTC)


def test_forged_entry_is_never_unpickled(repo: Repo, tmp_path: Path) -> None:
    fill(repo)
    settings = load_settings(repo.path)
    load_corpus(settings)
    marker = tmp_path / "unpickled"

    class Payload:
        def __reduce__(self) -> tuple[Any, ...]:
            return (Path.touch, (marker,))

    value = pickle.dumps(Payload())
    rewrite(repo, lambda key, mac, _: (mac, value))
    assert load_corpus(settings).advisories != ()
    assert not marker.exists()


def test_cache_copied_to_another_user_is_not_trusted(
    repo: Repo, tmp_path: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries made under one user's key verify nothing under another's (a CI runner with
    a restored .cache/ and a fresh key): every file is parsed again."""
    fill(repo)
    settings = load_settings(repo.path)
    expected = load_corpus(settings)
    real = fresh(repo).advisory
    assert real is not None
    # Under the first user's key, forge a date: a valid MAC for that key only.
    secret = (Path(os.environ["XDG_CACHE_HOME"]) / "advpub" / "cache.key").read_bytes()
    key = entry_of(repo, FIRST)
    value = pickle.dumps(
        ParseResult(replace(real, release_date=datetime(1999, 1, 1, tzinfo=UTC)), ())
    )
    with closing(sqlite3.connect(repo.path.joinpath(*CACHE))) as db, db:
        db.execute(
            "UPDATE entries SET mac = ?, value = ? WHERE key = ?",
            (hmac.digest(secret, key + value, "sha256"), value, key),
        )
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-user"))
    parses.clear()
    assert load_corpus(settings) == expected
    assert sorted(parses) == sorted(FILES)


def test_changed_parser_fingerprint_misses(
    repo: Repo, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(repo)
    settings = load_settings(repo.path)
    load_corpus(settings)
    monkeypatch.setattr(parsecache, "_code_fingerprint", lambda: "another parser")
    parses.clear()
    load_corpus(settings)
    assert sorted(parses) == sorted(FILES)


def test_parser_fingerprint_covers_the_model_sources() -> None:
    parsecache._code_fingerprint.cache_clear()
    before = parsecache._code_fingerprint()
    model = Path(parsecache.advpub.model.__file__).parent
    probe = model / f"zz_probe_{uuid.uuid4().hex}.py"
    probe.write_text("# a change to the parser\n", encoding="utf-8")
    try:
        parsecache._code_fingerprint.cache_clear()
        assert parsecache._code_fingerprint() != before
    finally:
        probe.unlink()
        parsecache._code_fingerprint.cache_clear()
    assert parsecache._code_fingerprint() == before


def test_changed_time_zone_misses(repo: Repo, parses: list[str]) -> None:
    """A release date without an offset is read in the site's time zone: a cached result
    from another zone would move it."""
    repo.write(FIRST, advisory_text("ADV-2020-0001", release_date="2020-01-01T09:00:00"))
    utc = load_corpus(load_settings(repo.path)).advisories[0]
    assert utc.release_date == datetime(2020, 1, 1, 9, tzinfo=UTC)
    config = repo.path / "mkdocs.yml"
    config.write_text(config.read_text().replace("timezone: UTC", "timezone: Asia/Tokyo"))
    parses.clear()
    tokyo = load_corpus(load_settings(repo.path)).advisories[0]
    assert parses == [FIRST]
    assert tokyo.release_date == datetime(2020, 1, 1, 0, tzinfo=UTC)


def test_without_a_key_there_is_no_cache(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "cache-home-is-a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    seen: list[str] = []

    def counting(data: bytes, **kwargs: Any) -> ParseResult:
        seen.append(kwargs["path"])
        return parse_advisory(data, **kwargs)

    monkeypatch.setattr(corpus_module, "parse_advisory", counting)
    fill(repo)
    settings = load_settings(repo.path)
    first = load_corpus(settings)
    second = load_corpus(settings)
    # Works as before, parsing every file each time, and writes nothing under .cache/.
    assert first == second and len(first.advisories) == 3
    assert sorted(seen) == sorted([*FILES, *FILES])
    assert not (repo.path / ".cache").exists()


def test_read_only_load_never_creates_the_cache(repo: Repo, parses: list[str]) -> None:
    fill(repo)
    settings = load_settings(repo.path)
    load_corpus(settings, store_parses=False)
    assert not (repo.path / ".cache").exists()
    load_corpus(settings)
    parses.clear()
    repo.write(FIRST, FILES[FIRST].replace("Example Router:", "Edited Router:"))
    load_corpus(settings, store_parses=False)
    assert parses == [FIRST]
    # A read-only load stores nothing and drops nothing.
    parses.clear()
    load_corpus(settings, store_parses=False)
    assert parses == [FIRST]
    assert len(rows(repo)) == 3


def test_damaged_cache_file_is_replaced(repo: Repo, parses: list[str]) -> None:
    fill(repo)
    settings = load_settings(repo.path)
    expected = load_corpus(settings)
    path = repo.path.joinpath(*CACHE)
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    path.write_bytes(b"not a database" * 100)
    assert load_corpus(settings) == expected
    parses.clear()
    assert load_corpus(settings) == expected
    assert parses == []


def test_writer_killed_mid_write_leaves_a_usable_cache(repo: Repo, parses: list[str]) -> None:
    fill(repo)
    settings = load_settings(repo.path)
    expected = load_corpus(settings)
    script = (
        "import os, signal, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "db.execute('BEGIN IMMEDIATE')\n"
        "db.execute('DELETE FROM entries')\n"
        "db.execute(\"INSERT INTO entries VALUES (x'00', x'00', x'00')\")\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(repo.path.joinpath(*CACHE))], check=False
    )
    assert done.returncode == -9
    parses.clear()
    assert load_corpus(settings) == expected
    assert parses == []


def test_concurrent_loads_do_not_corrupt_the_cache(repo: Repo, parses: list[str]) -> None:
    for n in range(40):
        ident = f"ADV-2020-{n:04d}"
        repo.write(
            f"advisories/2020/{ident}.md", advisory_text(ident, release_date="2020-01-01T00:00:00Z")
        )
    script = (
        "import sys\nfrom pathlib import Path\n"
        "from advpub.config import load_settings\nfrom advpub.corpus import load_corpus\n"
        "for _ in range(5):\n"
        "    assert len(load_corpus(load_settings(Path(sys.argv[1]))).advisories) == 40\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(repo.path)], env=os.environ.copy())
        for _ in range(4)
    ]
    assert [p.wait(timeout=300) for p in procs] == [0, 0, 0, 0]
    with closing(sqlite3.connect(repo.path.joinpath(*CACHE))) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    settings = load_settings(repo.path)
    corpus = load_corpus(settings)
    assert parses == []
    assert corpus.advisories == load_corpus(settings, store_parses=False).advisories
    assert len(corpus.advisories) == 40


def test_drafts_never_reach_the_cache(
    repo: Repo, make_key: Callable[[str], Key], cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(repo)
    key = make_key("coordinator")
    canary = f"CANARY-{uuid.uuid4().hex}"
    EmbargoStore(repo.path / "embargo", repo.path).write(
        "ADV-2026-0100",
        advisory_text(
            "ADV-2026-0100",
            title=f"Embargoed {canary} flaw",
            release_date="2026-12-24T09:00:00+09:00",
            body=f"## Overview\n\n{canary} secret details.\n",
        ),
        [RecipientEntry(key.public, "tester", 1)],
    )
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(key.file))
    result = cli("status", cwd=repo.path)
    assert result.code == 0, result.err
    assert canary in result.out or "ADV-2026-0100" in result.out
    stored = b"".join(p.read_bytes() for p in (repo.path / ".cache").rglob("*") if p.is_file())
    # The published advisories are there (stored as UTF-8 text), the draft is not.
    assert b"Example Router: command injection" in stored
    assert canary.encode() not in stored and b"ADV-2026-0100" not in stored
