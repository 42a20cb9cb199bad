"""Decrypting and parsing every draft once, for status, the gate, checks and leak scans."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from advpub.embargo.identity import Identity
from advpub.embargo.store import EmbargoStore
from advpub.errors import EmbargoError
from advpub.layout import DRAFT_SUFFIX
from advpub.model import Advisory, ModelOptions, Violation, parse_advisory


@dataclass(frozen=True)
class Draft:
    """One draft: its id (from the file name), and either the parsed advisory, the
    violations, or the reason it could not be decrypted. ``plaintext`` stays in memory."""

    id: str
    path: Path
    shown: str
    advisory: Advisory | None = None
    violations: tuple[Violation, ...] = ()
    error: str | None = None
    plaintext: str | None = field(default=None, repr=False)
    # SHA-256 of the file's ciphertext (committed anyway): what a leak scan's record keys on.
    ciphertext_sha256: str = ""

    @property
    def is_readable(self) -> bool:
        """True when it decrypted."""
        return self.error is None


def load_draft(
    store: EmbargoStore, path: Path, identities: Sequence[Identity], options: ModelOptions
) -> Draft:
    """Decrypt and parse one draft; problems are recorded, not raised."""
    ident = path.name[: -len(DRAFT_SUFFIX)]
    shown = store.shown(path)
    digest = ""
    try:
        data = store.read_ciphertext(path)
        digest = hashlib.sha256(data).hexdigest()
        text = store.decrypt(path, data, identities)
    except EmbargoError as exc:
        return Draft(ident, path, shown, error=str(exc), ciphertext_sha256=digest)
    result = parse_advisory(text, path=shown, options=options, expected_id=ident)
    return Draft(
        ident,
        path,
        shown,
        advisory=result.advisory,
        violations=result.violations,
        plaintext=text,
        ciphertext_sha256=digest,
    )


def load_drafts(
    store: EmbargoStore, identities: Sequence[Identity], options: ModelOptions
) -> list[Draft]:
    """Every draft, each decrypted once; unreadable ones are listed with their error."""
    return [load_draft(store, path, identities, options) for path in store.draft_files()]
