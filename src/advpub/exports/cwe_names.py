"""CWE names from the CWE catalogue shipped by the ``cwe2`` package (offline).

CSAF 2.0 requires a ``name`` with every ``cwe`` (and its mandatory test 6.1.11 checks that
the name is the catalogue's), so exports look names up instead of asking authors to type them.
"""

from __future__ import annotations

import functools
import re

_CWE_ID = re.compile(r"^CWE-([1-9]\d*)$")


@functools.cache
def _database() -> object:
    from cwe2.database import Database  # type: ignore[import-untyped]

    return Database()


@functools.cache
def cwe_name(cwe_id: str) -> str | None:
    """The catalogue name of ``CWE-<n>``, or None when the id is not in the catalogue."""
    match = _CWE_ID.match(cwe_id)
    if match is None:
        return None
    from cwe2.database import InvalidCWEError

    try:
        weakness = _database().get(int(match.group(1)))  # type: ignore[attr-defined]
    except InvalidCWEError:
        return None
    name = getattr(weakness, "name", None)
    return str(name) if name else None
