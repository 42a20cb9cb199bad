"""``embargo/recipients.txt``: who can read the drafts.

Two kinds of recipients: the team (coordinators and CI), to whom every draft is encrypted,
and case-only recipients (a vendor's PSIRT, a finder), who read only the drafts whose
``share_with`` names them. A case-only line ends in the marker ``[case-only]``::

    age1… alice
    age1… vendor-a [case-only]

A trailing marker (rather than a ``# case-only`` section) keeps each line self-describing:
moving or sorting lines cannot change anyone's kind, and files written before the marker
existed parse unchanged (every line without it is a team member, as before).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyrage

from advpub.errors import EmbargoError

Recipient = pyrage.x25519.Recipient | pyrage.ssh.Recipient
SSH_TYPES = ("ssh-ed25519", "ssh-rsa")
CASE_ONLY_MARKER = "[case-only]"


@dataclass(frozen=True)
class RecipientEntry:
    """One line of recipients.txt: the public key, an optional name, the line number, and
    whether it is a case-only recipient (reads only the drafts shared with it by name)."""

    key: str
    name: str | None
    line: int
    case_only: bool = False

    @property
    def kind(self) -> str:
        """``team`` or ``case-only``, as ``recipients list`` shows it."""
        return "case-only" if self.case_only else "team"

    def to_recipient(self) -> Recipient:
        """The pyrage recipient for this key."""
        if self.key.startswith(SSH_TYPES):
            return pyrage.ssh.Recipient.from_str(self.key)
        return pyrage.x25519.Recipient.from_str(self.key)

    def render(self) -> str:
        """The line as written back to recipients.txt."""
        text = f"{self.key} {self.name}" if self.name else self.key
        return f"{text} {CASE_ONLY_MARKER}" if self.case_only else text


def parse_recipient_line(text: str, line: int, source: str) -> RecipientEntry | None:
    """One line: ``age1… [name]``, ``ssh-ed25519 AAAA… [name]``, or None for blanks and
    comments. A ``# name`` comment right before a key is not needed: names trail the key."""
    raw = text.strip()
    if not raw or raw.startswith("#"):
        return None
    if " #" in raw:
        raw, _, comment = raw.partition(" #")
        raw = raw.strip()
        extra = comment.strip()
    else:
        extra = ""
    parts = raw.split()
    case_only = CASE_ONLY_MARKER in parts[1:] or extra.endswith(CASE_ONLY_MARKER)
    if case_only:
        parts = [parts[0], *(p for p in parts[1:] if p != CASE_ONLY_MARKER)]
        extra = extra.removesuffix(CASE_ONLY_MARKER).strip()
    if parts[0] in SSH_TYPES:
        if len(parts) < 2:
            raise EmbargoError(f"{source}:{line}: SSH key without its key data")
        key = f"{parts[0]} {parts[1]}"
        name = " ".join(parts[2:]) or extra or None
    else:
        key = parts[0]
        name = " ".join(parts[1:]) or extra or None
    if case_only and not name:
        raise EmbargoError(
            f"{source}:{line}: a case-only recipient needs a name (drafts share with it by "
            f"name): write `KEY NAME {CASE_ONLY_MARKER}`"
        )
    entry = RecipientEntry(key, name, line, case_only)
    try:
        entry.to_recipient()
    except (pyrage.RecipientError, ValueError):
        raise EmbargoError(
            f"{source}:{line}: not a valid age (age1…) or SSH (ssh-ed25519/ssh-rsa) public key"
        ) from None
    return entry


def parse_recipients(text: str, source: str) -> list[RecipientEntry]:
    """Every recipient in ``text``; all invalid lines are reported together."""
    entries: list[RecipientEntry] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            entry = parse_recipient_line(line, number, source)
        except EmbargoError as exc:
            problems.append(str(exc))
            continue
        if entry is not None:
            entries.append(entry)
    names: dict[str, int] = {}
    for entry in entries:
        if entry.case_only and entry.name in names:
            problems.append(
                f"{source}:{entry.line}: the name {entry.name!r} is also on line "
                f"{names[entry.name]}; a case-only recipient's name must be unique (drafts "
                "share with it by name)"
            )
        if entry.name:
            names.setdefault(entry.name, entry.line)
    if problems:
        raise EmbargoError("\n".join(problems))
    return entries


def team(entries: Sequence[RecipientEntry]) -> list[RecipientEntry]:
    """The team: every entry without the case-only marker (reads every draft)."""
    return [e for e in entries if not e.case_only]


def read_recipients(path: Path, shown: str | None = None) -> list[RecipientEntry]:
    """Recipients from ``path`` (named ``shown`` in messages); a missing or empty file is an
    error (nobody could read)."""
    name = shown or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EmbargoError(
            f"{name}: missing; add recipients with `advpub recipients add KEY --name NAME`"
        ) from None
    except (OSError, UnicodeDecodeError):
        raise EmbargoError(f"{name}: cannot read as UTF-8 text") from None
    entries = parse_recipients(text, name)
    if not entries:
        raise EmbargoError(
            f"{name}: lists no recipient; add one with `advpub recipients add KEY --name NAME`"
        )
    return entries
