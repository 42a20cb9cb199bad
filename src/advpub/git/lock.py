"""An exclusive advisory lock (``fcntl.flock``) held for the duration of a release."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from advpub.errors import GitError


@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive flock on ``path`` (a file, created if missing, or a folder).

    The lock is released by the kernel when the process dies, so a killed release never
    leaves a stale lock behind. The file is never deleted: unlinking a lock file races with
    a waiter that already opened it.
    """
    try:
        if path.is_dir():
            fd = os.open(path, os.O_RDONLY)
        else:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise GitError(f"{path}: cannot open the release lock ({exc.strerror})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the last descriptor releases the flock
