"""Helpers shared by the exports: timestamps, stable JSON bytes."""

from __future__ import annotations

from datetime import datetime

from advpub.jsonio import dumps
from advpub.model.timeutil import format_iso_utc


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
