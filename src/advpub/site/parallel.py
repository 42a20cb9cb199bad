"""Worker processes for the parts of a build that need not run in MkDocs' own loop.

MkDocs renders pages one after another in one process; on a machine with two or more
cores the exports (OSV and CSAF documents) and the leak scan of the rendered bytes run in
worker processes meanwhile (:mod:`advpub.site.scanning`, :meth:`Workers.submit` from the
plugin). Results are collected in the order they were asked for, never in the order they
finish, so the output is byte-identical whatever the number of workers.

``ADVPUB_WORKERS=1`` (or one core) runs every task in the build's own process, at once: the
reference the parallel build is tested against. Workers are forked from the build (so they
share its loaded modules and need nothing pickled but the task's arguments); they only
compute and return bytes, never write a file, and a worker whose build process dies is
ended with it.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any, TypeVar

from advpub.errors import ConfigError

WORKERS_ENV = "ADVPUB_WORKERS"
# More workers than cores only add forks and pipes; a build never needs more than a few.
MAX_WORKERS = 4

T = TypeVar("T")
_PR_SET_PDEATHSIG = 1


def worker_count() -> int:
    """How many processes work for a build: ``ADVPUB_WORKERS`` or the usable cores (at
    most :data:`MAX_WORKERS`); 1 means no worker process at all."""
    value = os.environ.get(WORKERS_ENV, "").strip()
    if value:
        if not value.isdigit() or int(value) < 1:
            raise ConfigError(
                f"{WORKERS_ENV}: {value!r} is not a number of worker processes (1 or more); "
                "unset it to use every core"
            )
        return int(value)
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def end_with_parent(parent: int) -> None:
    """In a process forked from the build (pid ``parent``): end when the build ends.

    A forked worker holds its own copy of the task pipe, so it would wait for tasks forever
    after a SIGKILL of the build; Linux ends it with its parent instead (PR_SET_PDEATHSIG).
    """
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the build died before prctl took effect
        os._exit(1)


def _start_worker(
    parent: int, initializer: Callable[..., object] | None, initargs: tuple[Any, ...]
) -> None:
    """In a new worker: die with the build process, then run the build's initializer."""
    end_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


class Workers:
    """The worker processes of one build (none when :func:`worker_count` is 1)."""

    def __init__(
        self,
        count: int,
        initializer: Callable[..., object] | None = None,
        initargs: tuple[Any, ...] = (),
    ) -> None:
        self.count = count
        self._pool: Executor | None = None
        if count > 1:
            # fork: the workers start in milliseconds with everything the build imported,
            # and ``initargs`` reach them without being pickled or written anywhere.
            context = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(
                max_workers=count,
                mp_context=context,
                initializer=_start_worker,
                initargs=(os.getpid(), initializer, initargs),
            )
        elif initializer is not None:
            initializer(*initargs)

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Run ``fn(*args)`` in a worker (at once, here, without workers); its future."""
        if self._pool is not None:
            return self._pool.submit(fn, *args)
        done: Future[T] = Future()
        try:
            done.set_result(fn(*args))
        except Exception as exc:  # handed to whoever asks for the result
            done.set_exception(exc)
        return done

    def close(self) -> None:
        """Stop the workers (tasks not started are dropped)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
