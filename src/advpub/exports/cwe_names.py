"""CWE names from the CWE catalogue shipped by the ``cwe2`` package (offline).

CSAF 2.0 requires a ``name`` with every ``cwe`` (and its mandatory test 6.1.11 checks that
the name is the catalogue's), so exports look names up instead of asking authors to type them.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

_CWE_ID = re.compile(r"^CWE-([1-9]\d*)$")


@functools.cache
def _database() -> object:
    from cwe2.database import Database  # type: ignore[import-untyped]

    return Database()


@functools.cache
def _csv_names() -> dict[str, str]:
    """Every weakness name of the catalogue's CSV files, read once.

    ``cwe2``'s ``Database.get`` reads every CSV file again on each call (about 50 ms), which
    made exports cost seconds on a corpus with many distinct CWEs.
    """
    import csv

    from cwe2.database import Database

    names: dict[str, str] = {}
    for path in sorted(Path(p) for p in Database.database_paths):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                if len(row) > 1 and row[0].isdigit() and row[1]:
                    names.setdefault(row[0], row[1])
    return names


@functools.cache
def cwe_name(cwe_id: str) -> str | None:
    """The catalogue name of ``CWE-<n>``, or None when the id is not in the catalogue."""
    match = _CWE_ID.match(cwe_id)
    if match is None:
        return None
    name = _csv_names().get(match.group(1))
    if name is not None:
        return name
    from cwe2.database import InvalidCWEError

    try:
        weakness = _database().get(int(match.group(1)))  # type: ignore[attr-defined]
    except InvalidCWEError:
        return None
    name = getattr(weakness, "name", None)
    return str(name) if name else None
