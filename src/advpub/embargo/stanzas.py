"""Who a draft is encrypted to, as far as its age header tells, against recipients.txt.

After ``advpub recipients remove bob``, a coordinator with a stale clone can still encrypt a
new draft to the old list; bob could read it. The header cannot name X25519 recipients (age
hides them), so the comparison uses what it does show (age spec, "Recipient stanzas"):

* one ``-> X25519 <share>`` stanza per age1 recipient: the counts must agree;
* ``-> ssh-ed25519 <tag> …`` / ``-> ssh-rsa <tag> …``: the tag is the first 4 bytes of the
  SHA-256 of the SSH public key in wire format (base64, unpadded), so the SSH recipients are
  compared as sets;
* rage (behind pyrage) adds a random "grease" stanza whose type ends in ``-grease``; other
  age implementations may add grease too; it is ignored.

A removed age1 recipient replaced by a new one keeps the count, so that change is only caught
through the SSH tags or by rekeying after every change of the list (which the recipients
commands do).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from advpub.embargo.recipients import SSH_TYPES, RecipientEntry, team
from advpub.embargo.sharing import shared_recipients
from advpub.embargo.store import ARMOR_HEADER, BINARY_HEADER

X25519 = "X25519"
GREASE_SUFFIX = "-grease"
REKEY_COMMAND = "advpub recipients rekey"
# Enough of the armored text to decode every header advpub accepts (256 stanzas).
_ARMOR_PREFIX = 64 * 1024


@dataclass(frozen=True)
class HeaderRecipients:
    """The recipient stanzas of one age header: X25519 count, SSH tags, other types."""

    x25519: int
    ssh_tags: tuple[str, ...]
    others: tuple[str, ...]

    @property
    def total(self) -> int:
        """How many recipients the file is encrypted to (grease excluded)."""
        return self.x25519 + len(self.ssh_tags) + len(self.others)


def _binary(data: bytes) -> bytes | None:
    if data.startswith(BINARY_HEADER):
        return data
    stripped = data.lstrip(b"\r\n\t ")
    if not stripped.startswith(ARMOR_HEADER):
        return None
    lines = stripped[:_ARMOR_PREFIX].splitlines()[1:]
    body = b"".join(line.strip() for line in lines if not line.startswith(b"-----"))
    # Decode whole 4-character groups only: the prefix may cut the last one.
    body = body[: len(body) // 4 * 4]
    try:
        return base64.b64decode(body, validate=False)
    except (ValueError, binascii.Error):
        return None


def header_recipients(data: bytes) -> HeaderRecipients | None:
    """The recipient stanzas of age file ``data`` (armored or binary); None when it is not
    an age file or its header cannot be read."""
    raw = _binary(data)
    if raw is None or not raw.startswith(BINARY_HEADER):
        return None
    header, found_mac, _ = raw.partition(b"\n--- ")
    if not found_mac:
        return None
    x25519 = 0
    tags: list[str] = []
    others: list[str] = []
    # Stanza bodies are base64 lines, which never start with "-> ".
    for line in header.split(b"\n")[1:]:
        if not line.startswith(b"-> "):
            continue
        args = line[3:].decode("ascii", errors="replace").split(" ")
        kind = args[0]
        if kind.endswith(GREASE_SUFFIX):
            continue
        if kind == X25519:
            x25519 += 1
        elif kind in SSH_TYPES and len(args) > 1:
            tags.append(args[1])
        else:
            others.append(kind)
    return HeaderRecipients(x25519, tuple(sorted(tags)), tuple(sorted(others)))


def ssh_tag(key: str) -> str:
    """The stanza tag of an SSH public key ``type base64``: SHA-256 of the wire format,
    first 4 bytes, base64 without padding."""
    wire = base64.b64decode(key.split()[1])
    return base64.b64encode(hashlib.sha256(wire).digest()[:4]).decode("ascii").rstrip("=")


def expected_recipients(
    draft_id: str, recipients: Sequence[RecipientEntry], share_with: Sequence[str] = ()
) -> list[RecipientEntry]:
    """Who draft ``draft_id`` must be encrypted to: the team plus the case-only recipients
    its ``share_with`` names (read from the decrypted front matter by the caller).

    The one place that decides it; every comparison goes through here.
    """
    del draft_id  # the set depends on the list and share_with only
    return shared_recipients(share_with, recipients)


def _named(entries: Sequence[RecipientEntry]) -> str:
    return ", ".join(e.name or f"line {e.line}" for e in entries)


def recipient_drift(header: HeaderRecipients, expected: Sequence[RecipientEntry]) -> list[str]:
    """What differs between the header and the expected recipients (empty when they agree
    as far as the header shows)."""
    ages = [e for e in expected if not e.key.startswith(SSH_TYPES)]
    ssh = [e for e in expected if e.key.startswith(SSH_TYPES)]
    problems: list[str] = []
    if header.x25519 != len(ages):
        problems.append(f"{header.x25519} age key(s) in the file, {len(ages)} in the list")
    by_tag = {ssh_tag(e.key): e for e in ssh}
    missing = [e for tag, e in by_tag.items() if tag not in header.ssh_tags]
    extra = [tag for tag in header.ssh_tags if tag not in by_tag]
    if missing:
        problems.append(f"not encrypted to the SSH key of {_named(missing)}")
    if extra:
        problems.append(f"encrypted to {len(extra)} SSH key(s) not in the list")
    if header.others:
        problems.append(f"encrypted to {len(header.others)} recipient(s) of another type")
    return problems


def drift_message(
    header: HeaderRecipients,
    expected: Sequence[RecipientEntry],
    recipients_shown: str,
    *,
    has_case_only: bool = False,
) -> str | None:
    """The refusal of a draft whose header does not match ``expected``, or None.
    ``has_case_only``: the list has case-only recipients, so the count is per draft."""
    problems = recipient_drift(header, expected)
    if not problems:
        return None
    whom = (
        f"the team in {recipients_shown} plus its share_with make"
        if has_case_only
        else f"{recipients_shown} lists"
    )
    return (
        f"encrypted to {header.total} recipient(s), but {whom} {len(expected)} "
        f"({'; '.join(problems)}); re-encrypt it to the current list: `{REKEY_COMMAND}`"
    )


def bounds_message(
    header: HeaderRecipients, entries: Sequence[RecipientEntry], recipients_shown: str
) -> str | None:
    """For a draft this identity cannot decrypt (its share_with is unknown): the refusal
    when the header cannot be the team plus some case-only recipients, or None.

    Only a team member's check (CI, the coordinators' hooks) compares exactly."""
    members = team(entries)
    ages_team = sum(1 for e in members if not e.key.startswith(SSH_TYPES))
    ages_all = sum(1 for e in entries if not e.key.startswith(SSH_TYPES))
    team_tags = {ssh_tag(e.key): e for e in members if e.key.startswith(SSH_TYPES)}
    all_tags = {ssh_tag(e.key) for e in entries if e.key.startswith(SSH_TYPES)}
    problems: list[str] = []
    if header.x25519 < ages_team:
        problems.append(f"{header.x25519} age key(s) in the file, {ages_team} in the team")
    if header.x25519 > ages_all:
        problems.append(f"{header.x25519} age key(s) in the file, {ages_all} in the list")
    missing = [e for tag, e in team_tags.items() if tag not in header.ssh_tags]
    if missing:
        problems.append(f"not encrypted to the SSH key of {_named(missing)}")
    extra = [tag for tag in header.ssh_tags if tag not in all_tags]
    if extra:
        problems.append(f"encrypted to {len(extra)} SSH key(s) not in the list")
    if header.others:
        problems.append(f"encrypted to {len(header.others)} recipient(s) of another type")
    if not problems:
        return None
    return (
        f"encrypted to {header.total} recipient(s), which cannot be the team in "
        f"{recipients_shown} plus case-only recipients ({'; '.join(problems)}); re-encrypt "
        f"it to the current list: `{REKEY_COMMAND}`"
    )
