"""Log lines pass the leak guard: the one stream wrapper for everything advpub prints.

CI logs are often readable by more people than the drafts (public projects, forks, log
retention). Commands already avoid printing draft content under CI; this is the net under
them: a CVE id, alias, title or secret of an embargoed draft that some message (or ``advpub
show``) would print is replaced by ``[embargoed]`` / ``[secret]``. Draft ids stay readable:
they are public (file names) and the reports name drafts by them.

The terms follow the embargo folder: when a command releases a draft (its file leaves
``embargo/``), its title is public from that moment and is printed as it is.

:func:`guarded_streams` is also used by ``advpub publish`` with its own terms, on any machine.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from advpub.errors import AdvpubError

if TYPE_CHECKING:
    from advpub.embargo.store import EmbargoStore
    from advpub.leaks import LeakTerm, LeakTerms
    from advpub.model import ModelOptions


def in_ci(environ: Mapping[str, str] | None = None) -> bool:
    """True when running in CI: any non-empty ``CI`` (GitHub, GitLab and others set it)."""
    env = os.environ if environ is None else environ
    return bool(env.get("CI", "").strip())


class LogTerms:
    """The terms for log lines, reloaded when the drafts change (cheap to ask per line)."""

    def __init__(self) -> None:
        from advpub.leaks import LeakTerms, secret_terms

        self._state: tuple[tuple[str, int, int], ...] | None = None
        self._terms = LeakTerms(secret_terms())
        self._opened = False
        self._store: EmbargoStore | None = None
        self._options: ModelOptions | None = None

    def _open(self) -> EmbargoStore | None:
        if not self._opened:
            self._opened = True
            from advpub.config import load_settings
            from advpub.embargo.store import EmbargoStore

            try:
                settings = load_settings()
            except AdvpubError:  # not in an advisory repository: secrets only
                return None
            self._store = EmbargoStore(settings.embargo_path, settings.root)
            self._options = settings.model_options
        return self._store

    def _drafts_state(self) -> tuple[tuple[str, int, int], ...]:
        store = self._open()
        state: list[tuple[str, int, int]] = []
        for path in store.draft_files() if store is not None else ():
            try:
                info = path.stat()
            except OSError:
                continue
            state.append((str(path), info.st_mtime_ns, info.st_size))
        return tuple(state)

    def terms(self) -> LeakTerms:
        """Secrets, and the CVEs, aliases and titles of every draft this identity reads."""
        from advpub.leaks import LeakTerms, secret_terms

        state = self._drafts_state()
        if state != self._state:
            self._state = state
            self._terms = LeakTerms([*secret_terms(), *self._draft_terms()])
        return self._terms

    def _draft_terms(self) -> list[LeakTerm]:
        store, options = self._open(), self._options
        if store is None or options is None:
            return []
        from advpub.embargo.drafts import load_drafts
        from advpub.embargo.identity import try_load_identities
        from advpub.leaks import draft_terms

        try:
            loaded = try_load_identities()
        except AdvpubError:
            return []
        if loaded is None:
            return []
        drafts = load_drafts(store, loaded.identities, options)
        return [t for d in drafts for t in draft_terms(d) if t.kind != "id"]


def without_ids(terms: LeakTerms) -> LeakTerms:
    """The terms to redact from a log that names drafts by id (ids are public)."""
    from advpub.leaks import LeakTerms

    return LeakTerms(t for t in terms.terms if t.kind != "id")


class GuardedStream(io.TextIOBase):
    """A text stream that redacts each complete line through ``redact`` before writing."""

    def __init__(self, target: TextIO, redact: Callable[[str], str]) -> None:
        super().__init__()
        self._target = target
        self._redact = redact
        self._pending = ""

    def writable(self) -> bool:
        """Always writable."""
        return True

    def write(self, text: str) -> int:
        """Buffer ``text``; write every complete line, redacted (a term split over two
        writes, as ``print`` writes text and newline apart, is still seen whole)."""
        self._pending += text
        if "\n" in self._pending:
            *lines, self._pending = self._pending.split("\n")
            self._target.write("".join(self._redact(line) + "\n" for line in lines))
            self._target.flush()
        return len(text)

    def flush(self) -> None:
        """Write a pending partial line (redacted) and flush the target."""
        if self._pending:
            self._target.write(self._redact(self._pending))
            self._pending = ""
        self._target.flush()

    def isatty(self) -> bool:
        """Whether the target is a terminal."""
        return self._target.isatty()


@contextmanager
def guarded_streams(redact: Callable[[str], str]) -> Iterator[None]:
    """Every line written to ``sys.stdout`` and ``sys.stderr`` meanwhile passes ``redact``."""
    saved_out, saved_err = sys.stdout, sys.stderr
    out, err = GuardedStream(saved_out, redact), GuardedStream(saved_err, redact)
    sys.stdout, sys.stderr = out, err
    try:
        yield
    finally:
        out.flush()
        err.flush()
        sys.stdout, sys.stderr = saved_out, saved_err


@contextmanager
def ci_log_guard() -> Iterator[None]:
    """Under CI, :func:`guarded_streams` with the terms of every draft (see :class:`LogTerms`);
    elsewhere nothing changes (a coordinator at a terminal may see the drafts they read)."""
    if not in_ci():
        yield
        return
    log_terms = LogTerms()
    with guarded_streams(lambda line: log_terms.terms().redact(line)):
        yield
