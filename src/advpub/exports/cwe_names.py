"""CWE names from the CWE catalogue shipped by the ``cwe2`` package (offline).

CSAF 2.0 requires a ``name`` with every ``cwe`` (and its mandatory test 6.1.11 checks that
the name is the catalogue's), so exports look names up instead of asking authors to type them.

Reading the catalogue's CSV files takes about 0.25 s, paid by every build that shows a CWE
name, so the names are shipped as ``cwe_names.json`` (generated from the catalogue by
``scripts/cwe_names.py``; a test checks that both agree). It is used only when it was made
from the installed ``cwe2`` version; with any other the CSV files are read as before.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import re
from pathlib import Path

_CWE_ID = re.compile(r"^CWE-([1-9]\d*)$")
SHIPPED = Path(__file__).with_name("cwe_names.json")


@functools.cache
def _database() -> object:
    from cwe2.database import Database  # type: ignore[import-untyped]

    return Database()


def catalogue_names() -> dict[str, str]:
    """Every weakness name of the catalogue's CSV files (id digits -> name), read now.

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


def catalogue_version() -> str:
    """The installed ``cwe2`` version (the catalogue the names come from)."""
    return importlib.metadata.version("cwe2")


def shipped_document(names: dict[str, str], version: str) -> str:
    """The text of ``cwe_names.json`` for ``names`` from ``cwe2`` ``version``."""
    ordered = dict(sorted(names.items(), key=lambda item: int(item[0])))
    return json.dumps({"cwe2": version, "names": ordered}, ensure_ascii=False, indent=0) + "\n"


@functools.cache
def _names() -> dict[str, str]:
    """The catalogue's names: the shipped table when it matches the installed catalogue."""
    try:
        shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
        if shipped.get("cwe2") == catalogue_version():
            return {str(k): str(v) for k, v in shipped["names"].items()}
    except (OSError, ValueError, AttributeError, KeyError, importlib.metadata.PackageNotFoundError):
        pass
    return catalogue_names()


@functools.cache
def cwe_name(cwe_id: str) -> str | None:
    """The catalogue name of ``CWE-<n>``, or None when the id is not in the catalogue."""
    match = _CWE_ID.match(cwe_id)
    if match is None:
        return None
    name = _names().get(match.group(1))
    if name is not None:
        return name
    from cwe2.database import InvalidCWEError

    try:
        weakness = _database().get(int(match.group(1)))  # type: ignore[attr-defined]
    except InvalidCWEError:
        return None
    name = getattr(weakness, "name", None)
    return str(name) if name else None
