"""Redacting what ``advpub publish`` prints: CI logs are read by more people than the drafts.

Every line written to stdout or stderr while ``publish`` runs (its own report, MkDocs'
warnings, git's errors inside messages) passes :func:`redact_line`, which replaces each
embargoed term with ``[embargoed]``. Draft ids are not redacted: they are public (file
names) and the report names drafts by id.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from advpub.errors import AdvpubError
from advpub.leaks import LeakTerms

REDACTED = "[embargoed]"


def _pattern(text: str) -> re.Pattern[str]:
    # As the guard matches: any case, any run of whitespace between words.
    return re.compile(r"\s+".join(re.escape(word) for word in text.split()), re.IGNORECASE)


def redact_line(text: str, terms: LeakTerms) -> str:
    """``text`` with every term of ``terms`` replaced by ``[embargoed]``.

    :meth:`LeakTerms.find` decides what is embargoed; when it still finds a term after the
    plain replacements (a form it decodes, such as an escaped title), the whole text is
    replaced: a line is lost rather than a term leaked.
    """
    found = terms.find(text)
    if not found:
        return text
    result = text
    for term in sorted(found, key=lambda t: len(t.text), reverse=True):
        if term.text.strip():
            result = _pattern(term.text).sub(REDACTED, result)
    return REDACTED if terms.find(result) else result


def without_ids(terms: LeakTerms) -> LeakTerms:
    """The terms to redact from a report that names drafts by id."""
    return LeakTerms(t for t in terms.terms if t.kind != "id")


class Redactor:
    """Holds the terms to redact (they change once the release has run) and wraps the
    standard streams and errors with them."""

    def __init__(self, terms: LeakTerms) -> None:
        self.terms = without_ids(terms)

    def update(self, terms: LeakTerms) -> None:
        """Redact ``terms`` from now on (e.g. only the drafts still embargoed)."""
        self.terms = without_ids(terms)

    def line(self, text: str) -> str:
        """:func:`redact_line` with the current terms."""
        return redact_line(text, self.terms)

    def error(self, exc: AdvpubError) -> AdvpubError:
        """The same error with its message redacted (and its exit code kept)."""
        redacted = AdvpubError("\n".join(self.line(x) for x in str(exc).split("\n")))
        redacted.exit_code = exc.exit_code
        return redacted

    @contextmanager
    def streams(self) -> Iterator[None]:
        """Redact every line written to ``sys.stdout`` and ``sys.stderr`` meanwhile."""
        saved = sys.stdout, sys.stderr
        out, err = _RedactingWriter(saved[0], self), _RedactingWriter(saved[1], self)
        sys.stdout, sys.stderr = out, err
        try:
            yield
        finally:
            sys.stdout, sys.stderr = saved
            out.finish()
            err.finish()


class _RedactingWriter(io.TextIOBase):
    """A text stream that passes whole lines, redacted, to ``target``.

    Lines are held until their newline: a term split over two ``write`` calls (``print``
    writes the text and the newline separately) is still seen whole.
    """

    def __init__(self, target: TextIO, redactor: Redactor) -> None:
        super().__init__()
        self.target = target
        self.redactor = redactor
        self.pending = ""

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.target.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.target.encoding

    def write(self, text: str) -> int:
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            self.target.write(self.redactor.line(line) + "\n")
        if lines:
            self.target.flush()
        return len(text)

    def finish(self) -> None:
        """Write out a last line without a newline. (Not ``close``: a logging handler may
        still hold this stream; it keeps redacting.)"""
        if self.pending:
            self.target.write(self.redactor.line(self.pending))
            self.pending = ""
        self.target.flush()
