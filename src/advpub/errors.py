"""The one error base of advpub and its per-seam subclasses.

Every error a user can cause is an :class:`AdvpubError`; its message names the file, the
field and what to do, and never contains draft plaintext, titles or key material. Anything
else that escapes is a bug (the CLI exits 3 and asks for a report).
"""

from __future__ import annotations


class AdvpubError(Exception):
    """An error the user can fix; ``str(err)`` is the whole user-facing message."""

    exit_code: int = 1


class ConfigError(AdvpubError):
    """``mkdocs.yml`` or the plugin options are missing or wrong."""


class ValidationError(AdvpubError):
    """One or more advisories failed validation; carries every violation."""

    def __init__(self, violations: list[object], message: str | None = None) -> None:
        self.violations = violations
        super().__init__(message or "\n".join(str(v) for v in violations))


class EmbargoError(AdvpubError):
    """The encrypted store: identities, recipients, decryption, encryption."""


class GateError(AdvpubError):
    """The release gate refused or could not complete a release."""


class GitError(AdvpubError):
    """The git repository is missing or in a state advpub cannot work with."""


class SiteError(AdvpubError):
    """Building the public site failed."""


class ExportError(AdvpubError):
    """A machine-readable export could not be produced."""


class NotAvailableError(AdvpubError):
    """A command that is part of the CLI family but not implemented yet."""

    exit_code = 2
