"""Which strings are valid advisory aliases: one token of a documented shape, never markup.

Aliases reach HTML, JSON, XML, search-index tags and file names; a value that is not a plain
identifier is refused where it is written rather than trusted to be escaped everywhere.

Known schemes must match their exact pattern (``SCHEMES``); any other alias is a vendor or
database id (OSV ids such as ``PYSEC-2026-1``, ``RUSTSEC-2026-0001``, CERT/CC ``VU#123456``,
``cisco-sa-…``): a letter or digit first, then letters, digits and ``. _ : # / + -``, at
most 80 characters.
"""

from __future__ import annotations

import re

# (prefix, exact pattern, example) — the prefix is compared case-insensitively.
SCHEMES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("JVN#", re.compile(r"JVN#\d{8}"), "JVN#12345678"),
    ("JVNVU#", re.compile(r"JVNVU#\d{8}"), "JVNVU#12345678"),
    ("JVNTA#", re.compile(r"JVNTA#\d{8}"), "JVNTA#12345678"),
    ("JVNDB-", re.compile(r"JVNDB-\d{4}-\d{6}"), "JVNDB-2026-000123"),
    (
        "GHSA-",
        re.compile(r"GHSA(?:-[0-9a-z]{4}){3}", re.IGNORECASE),
        "GHSA-xxxx-xxxx-xxxx",
    ),
    ("CVE-", re.compile(r"CVE-\d{4}-\d{4,}"), "CVE-2026-12345"),
)
VENDOR_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:#/+\-]{0,79}")
HELP = (
    "use a known scheme (JVN#12345678, JVNVU#12345678, JVNDB-2026-000123, "
    "GHSA-xxxx-xxxx-xxxx) or a vendor/OSV id of letters, digits and . _ : # / + - "
    "(e.g. PYSEC-2026-1, VU#123456)"
)


def alias_problem(alias: str) -> str | None:
    """Why ``alias`` is not a valid alias (without echoing it), or None when it is."""
    upper = alias.upper()
    for prefix, pattern, example in SCHEMES:
        if upper.startswith(prefix):
            if pattern.fullmatch(alias):
                return None
            return f"does not match the {prefix.rstrip('#-')} pattern {example}"
    if VENDOR_ID.fullmatch(alias):
        return None
    if not alias.isprintable():
        return f"has control characters; {HELP}"
    if any(char in alias for char in "<>&\"'`"):
        return f"contains markup characters; {HELP}"
    return f"is not one identifier; {HELP}"
