"""Helpers shared by the exports: timestamps, version shapes, stable JSON bytes."""

from __future__ import annotations

import re
from datetime import datetime

from advpub.jsonio import dumps
from advpub.model.timeutil import format_iso_utc

# Semantic Versioning 2.0.0 (the regular expression published with the specification).
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)


def is_semver(version: str) -> bool:
    """True when ``version`` is a SemVer 2.0.0 version (no ``v`` prefix)."""
    return bool(_SEMVER.match(version))


def iso_utc(instant: datetime) -> str:
    """An instant in UTC with ``Z``, to the second (what OSV and ROLIE expect)."""
    return format_iso_utc(instant)


def json_bytes(data: object) -> bytes:
    """Indented UTF-8 JSON with a final newline; key order is the order the export built.

    Exports build their dictionaries in a fixed order, so equal input gives equal bytes.
    The bytes are those of ``json.dumps(data, ensure_ascii=False, indent=2)`` (see
    :mod:`advpub.jsonio`).
    """
    return dumps(data)
