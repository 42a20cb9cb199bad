"""Under CI, every line advpub prints passes the leak guard before it reaches the log.

CI logs are often readable by more people than the drafts (public projects, forks, log
retention). Commands already avoid printing draft content under CI; this is the net under
them: a CVE id, alias, title or secret of an embargoed draft that some message (or ``advpub
show``) would print is replaced by ``[embargoed]`` / ``[secret]``. Draft ids stay readable:
they are public (file names) and the reports name drafts by them.

The terms follow the embargo folder: when a command releases a draft (its file leaves
``embargo/``), its title is public from that moment and is printed as it is.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Mapping
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
        """Buffer ``text``; write every complete line, redacted."""
        self._pending += text
        if "\n" in self._pending:
            complete, _, self._pending = self._pending.rpartition("\n")
            self._target.write(self._redact(complete) + "\n")
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


def guard_ci_output() -> Callable[[], None] | None:
    """Under CI, route stdout and stderr through the leak guard; returns the undo."""
    if not in_ci():
        return None
    log_terms = LogTerms()

    def redact(text: str) -> str:
        return log_terms.terms().redact(text)

    saved_out, saved_err = sys.stdout, sys.stderr
    sys.stdout = GuardedStream(saved_out, redact)
    sys.stderr = GuardedStream(saved_err, redact)

    def undo() -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr = saved_out, saved_err

    return undo
