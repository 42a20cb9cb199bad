"""The per-user key that authenticates the parse cache: created once, outside the
repository, 0600 in a 0700 folder; refused whenever someone else could know or replace it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from advpub.userkey import KEY_BYTES, key_path, user_key


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def test_key_is_created_once_with_private_modes(tmp_path: Path, cache_home: Path) -> None:
    key = user_key(tmp_path / "repo")
    path = cache_home / "advpub" / "cache.key"
    assert key is not None and len(key) == KEY_BYTES
    assert key_path() == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    # The same key every time; no temporary file left beside it.
    assert user_key(tmp_path / "repo") == key
    assert sorted(p.name for p in path.parent.iterdir()) == ["cache.key"]


def test_relative_xdg_cache_home_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert key_path() == Path.home() / ".cache" / "advpub" / "cache.key"


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660])
def test_key_others_may_read_is_refused(tmp_path: Path, cache_home: Path, mode: int) -> None:
    assert user_key(tmp_path / "repo") is not None
    (cache_home / "advpub" / "cache.key").chmod(mode)
    assert user_key(tmp_path / "repo") is None


def test_key_of_another_owner_is_refused(tmp_path: Path, cache_home: Path) -> None:
    assert user_key(tmp_path / "repo") is not None
    os.chown(cache_home / "advpub" / "cache.key", os.geteuid() + 1, -1)
    assert user_key(tmp_path / "repo") is None


def test_key_in_a_folder_others_may_write_is_refused(tmp_path: Path, cache_home: Path) -> None:
    assert user_key(tmp_path / "repo") is not None
    (cache_home / "advpub").chmod(0o777)
    assert user_key(tmp_path / "repo") is None


def test_key_of_the_wrong_size_or_a_symlink_is_refused(tmp_path: Path, cache_home: Path) -> None:
    assert user_key(tmp_path / "repo") is not None
    path = cache_home / "advpub" / "cache.key"
    path.write_bytes(b"short")
    assert user_key(tmp_path / "repo") is None
    real = tmp_path / "elsewhere.key"
    real.write_bytes(os.urandom(KEY_BYTES))
    real.chmod(0o600)
    path.unlink()
    path.symlink_to(real)
    assert user_key(tmp_path / "repo") is None


def test_key_inside_the_repository_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # HOME as the repository: ~/.cache/advpub is the repository's .cache/advpub, which CI
    # may restore with the cache it is meant to authenticate.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / ".cache"))
    assert user_key(tmp_path) is None
    assert not (tmp_path / ".cache").exists()


def test_key_folder_that_cannot_be_created_means_no_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("in the way", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert user_key(tmp_path / "repo") is None
