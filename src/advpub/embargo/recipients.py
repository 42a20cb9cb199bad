"""``embargo/recipients.txt``: who can read the drafts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyrage

from advpub.errors import EmbargoError

Recipient = pyrage.x25519.Recipient | pyrage.ssh.Recipient
SSH_TYPES = ("ssh-ed25519", "ssh-rsa")


@dataclass(frozen=True)
class RecipientEntry:
    """One line of recipients.txt: the public key, an optional name, the line number."""

    key: str
    name: str | None
    line: int

    def to_recipient(self) -> Recipient:
        """The pyrage recipient for this key."""
        if self.key.startswith(SSH_TYPES):
            return pyrage.ssh.Recipient.from_str(self.key)
        return pyrage.x25519.Recipient.from_str(self.key)

    def render(self) -> str:
        """The line as written back to recipients.txt."""
        return f"{self.key} {self.name}" if self.name else self.key


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
    if parts[0] in SSH_TYPES:
        if len(parts) < 2:
            raise EmbargoError(f"{source}:{line}: SSH key without its key data")
        key = f"{parts[0]} {parts[1]}"
        name = " ".join(parts[2:]) or extra or None
    else:
        key = parts[0]
        name = " ".join(parts[1:]) or extra or None
    entry = RecipientEntry(key, name, line)
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
    if problems:
        raise EmbargoError("\n".join(problems))
    return entries


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
