"""Which strings are valid advisory aliases: one token of a documented shape, never markup.

Aliases reach HTML, JSON, XML, search-index tags and file names; a value that is not a plain
identifier is refused where it is written rather than trusted to be escaped everywhere.

Known schemes must match their exact pattern (``SCHEMES``); any other alias is a vendor or
database id (OSV ids such as ``PYSEC-2026-1``, ``RUSTSEC-2026-0001``, CERT/CC ``VU#123456``,
``cisco-sa-…``): a letter or digit first, then letters, digits and ``. _ : # / + -``, at
most 80 characters. The editor schema is built from the same definitions
(:func:`alias_schema`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Scheme:
    """A known alias scheme: its prefix, the shape of the rest, an example, and whether the
    prefix may be written in any case (the rest then says which cases it allows)."""

    prefix: str
    rest: str
    example: str
    any_case: bool = False

    @property
    def name(self) -> str:
        """The scheme's name in messages (``JVNVU``)."""
        return self.prefix.rstrip("#-")

    def pattern(self) -> str:
        """The whole alias, as a pattern valid in Python and ECMA-262."""
        head = _any_case(self.prefix) if self.any_case else _literal(self.prefix)
        return f"{head}{self.rest}"


def _any_case(text: str) -> str:
    """A pattern matching the literal ``text`` in any case (ECMA-262 has no inline
    case-insensitive flag)."""
    return "".join(
        f"[{c.upper()}{c.lower()}]" if c.isascii() and c.isalpha() else _literal(c) for c in text
    )


def _literal(text: str) -> str:
    """``text`` as a pattern: only regex syntax escaped (``re.escape`` also escapes ``#`` and
    ``-``, which ECMA-262's unicode mode refuses)."""
    return "".join(f"\\{c}" if c in r".^$*+?()[]{}|\/" else c for c in text)


SCHEMES: tuple[Scheme, ...] = (
    Scheme("JVN#", r"\d{8}", "JVN#12345678"),
    Scheme("JVNVU#", r"\d{8}", "JVNVU#12345678"),
    Scheme("JVNTA#", r"\d{8}", "JVNTA#12345678"),
    Scheme("JVNDB-", r"\d{4}-\d{6}", "JVNDB-2026-000123"),
    Scheme("GHSA-", r"[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}", "GHSA-xxxx-xxxx-xxxx", True),
    Scheme("CVE-", r"\d{4}-\d{4,}", "CVE-2026-12345"),
)
VENDOR_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._:#/+\-]{0,79}"
_VENDOR_ID = re.compile(VENDOR_ID_PATTERN)
_COMPILED = tuple((scheme, re.compile(scheme.pattern())) for scheme in SCHEMES)
HELP = (
    "use a known scheme (JVN#12345678, JVNVU#12345678, JVNDB-2026-000123, "
    "GHSA-xxxx-xxxx-xxxx) or a vendor/OSV id of letters, digits and . _ : # / + - "
    "(e.g. PYSEC-2026-1, VU#123456)"
)


def alias_problem(alias: str) -> str | None:
    """Why ``alias`` is not a valid alias (without echoing it), or None when it is."""
    upper = alias.upper()
    for scheme, pattern in _COMPILED:
        if upper.startswith(scheme.prefix):
            if pattern.fullmatch(alias):
                return None
            return f"does not match the {scheme.name} pattern {scheme.example}"
    if _VENDOR_ID.fullmatch(alias):
        return None
    if not alias.isprintable():
        return f"has control characters; {HELP}"
    if any(char in alias for char in "<>&\"'`"):
        return f"contains markup characters; {HELP}"
    return f"is not one identifier; {HELP}"


def alias_schema() -> dict[str, Any]:
    """The JSON Schema of one alias: a known scheme exactly, or a vendor id that does not
    start like a known scheme (the same verdicts as :func:`alias_problem`)."""
    prefixes = "|".join(_any_case(s.prefix) for s in SCHEMES)
    return {
        "type": "string",
        "anyOf": [
            *({"pattern": f"^{s.pattern()}$"} for s in SCHEMES),
            {
                "pattern": f"^{VENDOR_ID_PATTERN}$",
                "not": {"pattern": f"^(?:{prefixes})"},
            },
        ],
    }
