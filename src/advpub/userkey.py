"""The per-user secret that authenticates what advpub keeps in a repository's ``.cache/``.

``.cache/`` sits in the repository and CI restores it from shared caches (a poisoned GitHub
Actions cache is a known attack), so nothing read from it may be trusted on its own. Entries
carry an HMAC-SHA256 under this key, which lives OUTSIDE the repository, in the user's cache
folder (``$XDG_CACHE_HOME/advpub/cache.key``, else ``~/.cache/advpub/cache.key``): folder
0700, file 0600, 32 random bytes. A fresh CI runner has a fresh key, so a restored
``.cache/`` verifies nothing there.

When the key cannot be had safely (the folder cannot be created, the file belongs to someone
else or others may read it, it lies inside the repository), :func:`user_key` answers None
and callers work without their cache: slower, never less safe.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

KEY_BYTES = 32
KEY_NAME = "cache.key"


def key_path() -> Path:
    """Where the per-user key lives (a relative ``XDG_CACHE_HOME`` is ignored, as the XDG
    base directory specification asks)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    folder = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return folder / "advpub" / KEY_NAME


def private_folder(repository: Path) -> Path | None:
    """The user's own advpub cache folder (the key's), created 0700 when missing; None when
    it lies inside ``repository`` or others could write to it. What is kept there (the
    key, compiled templates) is trusted as the user's own files are."""
    folder = key_path().parent
    try:
        if folder.resolve(strict=False).is_relative_to(repository.resolve()):
            return None
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        _check_folder(folder)
    except (OSError, RuntimeError, _UnsafeKey):
        return None
    return folder


def user_key(repository: Path) -> bytes | None:
    """The per-user key, created on first use; None when it cannot be had safely.

    ``repository`` is the root of the repository whose cache the key will guard: a key
    inside it (HOME as the repository) could come back with a restored ``.cache/``."""
    path = key_path()
    try:
        if path.resolve(strict=False).is_relative_to(repository.resolve()):
            return None
        key = _read_key(path)
        if key is None:
            _create_key(path)
            key = _read_key(path)
    except (OSError, RuntimeError, _UnsafeKey):
        return None
    return key


class _UnsafeKey(Exception):
    """The key file exists but must not be trusted."""


def _read_key(path: Path) -> bytes | None:
    """The key at ``path``; None when there is no file; _UnsafeKey when others could have
    written or read it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
            raise _UnsafeKey(str(path))
        _check_folder(path.parent)
        data = handle.read(KEY_BYTES + 1)
    if len(data) != KEY_BYTES:
        raise _UnsafeKey(str(path))
    return data


def _check_folder(folder: Path) -> None:
    """Only the user may replace files in the key's folder."""
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o022:
        raise _UnsafeKey(str(folder))


def _create_key(path: Path) -> None:
    """Write a new random key, atomically: a temporary 0600 file, then a hard link to the
    final name, which fails when another process was first (its key then wins, so two
    processes never hold different keys for long)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _check_folder(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(os.urandom(KEY_BYTES))
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
