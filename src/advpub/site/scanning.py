"""The leak scan of a build's output: rendered bytes scanned in memory, in worker processes.

The terms are known before MkDocs writes anything (:func:`advpub.site.build_checks.
prepare_scan`), so every page the theme rendered and every generated file is handed to the
scan as the bytes that are written (:meth:`OutputScanner.add`), and worker processes match
them while MkDocs renders the next pages. After the build, :meth:`OutputScanner.finish`
scans every other file of the output folder from disk (theme assets, the search index, the
sitemap, files another plugin may have changed) except those an earlier scan of the same
drafts passed, checks every file name, and reports the hits in the order of the sorted
paths, whatever the number of workers.

The one matcher is :class:`advpub.leaks.LeakTerms`; this module only decides which bytes
it sees and where. The terms reach forked workers in memory (never a file or pipe).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from pathlib import Path

from advpub.leaks import LeakHit, LeakTerm, LeakTerms, folder_files
from advpub.site.build_checks import LeakScan, PreparedScan
from advpub.site.parallel import Workers

# Bytes handed to one task: large enough that a task is not mostly its overhead.
BATCH_BYTES = 2 * 1024 * 1024

_worker_terms: LeakTerms | None = None

Found = list[tuple[str, list[LeakTerm]]]


def set_terms(terms: LeakTerms) -> None:
    """Worker initializer: the terms every task of this process matches."""
    global _worker_terms
    _worker_terms = terms


def _scan_batch(folder: str, items: list[tuple[str, bytes | None]]) -> Found:
    """The terms each item's bytes mention (``None``: read the file under ``folder``)."""
    terms = _worker_terms
    if terms is None:
        raise RuntimeError("advpub: leak scan worker started without terms")
    found: Found = []
    for rel, data in items:
        if data is None:
            try:
                data = Path(folder, rel).read_bytes()
            except OSError:
                continue
        hits = terms.find_bytes(data)
        if hits:
            found.append((rel, hits))
    return found


class OutputScanner:
    """The leak scan of one build (see the module docstring)."""

    def __init__(self, prepared: PreparedScan, workers: Workers, site_dir: Path) -> None:
        self.prepared = prepared
        self.workers = workers
        self.folder = os.fspath(site_dir)
        self.scanned: set[str] = set()
        self._batch: list[tuple[str, bytes | None]] = []
        self._size = 0
        self._pending: list[Future[Found]] = []

    def add(self, rel: str, data: bytes) -> None:
        """``data`` is what the build writes to ``rel`` (site-relative, with ``/``)."""
        self.scanned.add(rel)
        self._queue(rel, data, len(data))

    def finish(self, skip: Callable[[str], frozenset[str]]) -> LeakScan:
        """Scan the rest of the output folder and collect every hit (see the module
        docstring); ``skip(fingerprint)`` names files an earlier scan passed."""
        terms = self.prepared.terms
        known_clean = skip(self.prepared.fingerprint)
        files = folder_files(Path(self.folder))
        for rel in files:
            if rel not in self.scanned and rel not in known_clean:
                # A file's size is not known without a system call: count a typical page.
                self._queue(rel, None, 32 * 1024)
        self._flush()
        by_file: dict[str, list[LeakTerm]] = {}
        for future in self._pending:
            for rel, found in future.result():
                by_file.setdefault(rel, []).extend(found)
        self._pending.clear()
        hits: list[LeakHit] = []
        root = Path(self.folder)
        for rel in sorted({*files, *by_file}):
            path = str(root / rel)
            hits.extend(LeakHit(f"{path} (file name)", term) for term in terms.find_name(rel))
            hits.extend(LeakHit(path, term) for term in _unique(by_file.get(rel, ())))
        return self.prepared.result(hits)

    def start_worker(self) -> None:
        """In a page worker forked from the build: scan the pages it renders in its own
        process (the build's worker pool belongs to the build) and keep only its results."""
        set_terms(self.prepared.terms)
        self.workers = Workers(1)
        self.scanned, self._batch, self._size, self._pending = set(), [], 0, []

    def worker_result(self) -> tuple[set[str], Found]:
        """What this page worker scanned and found (see :meth:`start_worker`)."""
        self._flush()
        found: Found = [hit for future in self._pending for hit in future.result()]
        return self.scanned, found

    def merge_worker(self, result: tuple[set[str], Found]) -> None:
        """Take a page worker's scan into this one (reported with the rest by :meth:`finish`)."""
        scanned, found = result
        self.scanned |= scanned
        done: Future[Found] = Future()
        done.set_result(found)
        self._pending.append(done)

    def _queue(self, rel: str, data: bytes | None, size: int) -> None:
        self._batch.append((rel, data))
        self._size += size
        if self._size >= BATCH_BYTES:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            self._pending.append(self.workers.submit(_scan_batch, self.folder, self._batch))
        self._batch, self._size = [], 0


def _unique(found: Iterable[LeakTerm]) -> list[LeakTerm]:
    # A file scanned twice (rewritten during the build) reports each term once.
    return list(dict.fromkeys(found))
