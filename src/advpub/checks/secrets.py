"""Rule: no committed file (public or under the embargo folder) holds a private key.

An age identity opens every draft; an SSH or PGP private key opens whatever it guards. The
check needs no identity and no drafts, so hooks and ``advpub check`` run it always. Messages
name the kind of key (the label of its armor line), never the key.
"""

from __future__ import annotations

import re

from advpub.model import Violation

RULE = "private-key"

# age identities: "AGE-SECRET-KEY-1" and 58 bech32 characters (age-keygen writes upper case).
_AGE_SECRET = re.compile(r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}", re.IGNORECASE)
# PEM-style blocks: "-----BEGIN [RSA |EC |OPENSSH |ENCRYPTED |PGP ]PRIVATE KEY[ BLOCK]-----".
# The armor line must be followed by key data (after optional "Header: value" lines and a
# blank line, as in PGP blocks), so documentation that only names the armor line passes.
_PEM_PRIVATE = re.compile(
    r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----[ \t]*\r?\n"
    r"(?:[A-Za-z-]+:[^\n]*\r?\n)*\s*[A-Za-z0-9+/=]{24,}"
)


def private_key_labels(text: str) -> list[tuple[str, int]]:
    """Each kind of private key found in ``text`` with the line (1-based) of its first one."""
    found: dict[str, int] = {}
    for match in _AGE_SECRET.finditer(text):
        found.setdefault("AGE-SECRET-KEY", text.count("\n", 0, match.start()) + 1)
    for match in _PEM_PRIVATE.finditer(text):
        found.setdefault(match.group(1), text.count("\n", 0, match.start()) + 1)
    return sorted(found.items(), key=lambda item: (item[1], item[0]))


def private_key_message(label: str) -> str:
    """What to do about a private key of kind ``label`` (the key itself is never shown)."""
    return (
        f"contains a private key ({label}); remove it from the commit, and rotate the key if "
        "it was ever pushed"
    )


def private_key_violations(path: str, data: bytes, where: str = "") -> list[Violation]:
    """One violation per kind of private key in ``data`` (``where``: a commit, if any)."""
    text = data.decode("utf-8", errors="ignore")
    context = f" (in commit {where})" if where else ""
    return [
        Violation(path, line, "secret", RULE, private_key_message(label) + context)
        for label, line in private_key_labels(text)
    ]
