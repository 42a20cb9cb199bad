"""Redacting what ``advpub publish`` prints: CI logs are read by more people than the drafts.

Every line written to stdout or stderr while ``publish`` runs (its own report, MkDocs'
warnings, git's errors inside messages) passes the leak guard's
:meth:`advpub.leaks.LeakTerms.redact` through :func:`advpub.logguard.guarded_streams`, on
any machine (not only under CI). Draft ids are not redacted: they are public (file names)
and the report names drafts by id.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from advpub.errors import AdvpubError
from advpub.leaks import LeakTerms
from advpub.logguard import guarded_streams, without_ids


class Redactor:
    """Holds the terms to redact (they change once the release has run) and wraps the
    standard streams and errors with them."""

    def __init__(self, terms: LeakTerms) -> None:
        self.terms = without_ids(terms)

    def update(self, terms: LeakTerms) -> None:
        """Redact ``terms`` from now on (e.g. only the drafts still embargoed)."""
        self.terms = without_ids(terms)

    def line(self, text: str) -> str:
        """``text`` with every embargoed term replaced (see :meth:`LeakTerms.redact`)."""
        return self.terms.redact(text)

    def error(self, exc: AdvpubError) -> AdvpubError:
        """The same error with its message redacted (and its exit code kept)."""
        redacted = AdvpubError(self.line(str(exc)))
        redacted.exit_code = exc.exit_code
        return redacted

    @contextmanager
    def streams(self) -> Iterator[None]:
        """Redact every line written to ``sys.stdout`` and ``sys.stderr`` meanwhile."""
        with guarded_streams(self.line):
            yield
