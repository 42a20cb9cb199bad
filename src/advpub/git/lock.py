"""An exclusive advisory lock (``fcntl.flock``) held for the duration of a release."""

from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from advpub.errors import GitError


def say_waiting(path: Path) -> None:
    """Tell the person at the terminal why nothing happens (the default ``blocked`` callback)."""
    print(
        f"advpub: waiting for the lock held by another advpub process ({path})",
        file=sys.stderr,
        flush=True,
    )


@contextmanager
def exclusive_lock(path: Path, *, blocked: Callable[[Path], None] = say_waiting) -> Iterator[None]:
    """Hold an exclusive flock on ``path`` (a file, created if missing, or a folder).

    A free lock is taken at once. A held one first calls ``blocked(path)``, then waits: like
    pre-commit's lock, so a person (or a test) sees the wait instead of a silent hang.

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
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            blocked(path)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the last descriptor releases the flock
