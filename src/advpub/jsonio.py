"""The one JSON writer of every file advpub publishes (exports, feeds, the search index).

:func:`dumps` gives exactly the bytes of ``json.dumps(data, ensure_ascii=False, indent=2)``
plus a final newline (or, with ``indent=False``, of ``separators=(",", ":")`` without one),
encoded as UTF-8, but through orjson's C encoder: the standard library's encoder falls back to
pure Python as soon as ``indent`` is set, and that was most of the time an export took.

The two encoders agree byte for byte on the JSON types advpub builds: dictionaries with
string keys (in insertion order), lists and tuples, strings (UTF-8, the same escapes),
integers, booleans, None and finite floats written without an exponent (orjson writes
``1e16`` where Python writes ``1e+16``). Anything else (a float with an exponent, NaN, an
integer beyond 64 bits, a non-string key, a subclass or an unknown type) goes through
``json.dumps``, so a document's bytes never depend on which encoder ran
(``tests/test_jsonio.py`` compares both on generated documents).
"""

from __future__ import annotations

import json
import math

import orjson

_INDENTED = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
# orjson writes integers in [-2**63, 2**64 - 1] and refuses the rest.
_INT_MIN, _INT_MAX = -(2**63), 2**64 - 1


def _same_in_orjson(value: object) -> bool:
    """True when orjson writes ``value`` exactly as ``json.dumps`` does (see the module
    docstring); walks containers without recursion, so deep documents cannot overflow."""
    stack: list[object] = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if item is None or kind is str or kind is bool:
            continue
        if isinstance(item, int) and kind is int:
            if not _INT_MIN <= item <= _INT_MAX:
                return False
        elif isinstance(item, float) and kind is float:
            if not math.isfinite(item) or "e" in repr(item):
                return False
        elif isinstance(item, dict) and kind is dict:
            if any(type(key) is not str for key in item):
                return False
            stack.extend(item.values())
        elif isinstance(item, list | tuple) and (kind is list or kind is tuple):
            stack.extend(item)
        else:
            return False
    return True


def dumps(data: object, *, indent: bool = True) -> bytes:
    """``data`` as UTF-8 JSON: indented by two spaces with a final newline, or compact
    without one (``indent=False``); byte-identical to the standard library's output."""
    if _same_in_orjson(data):
        return orjson.dumps(data, option=_INDENTED if indent else 0)
    if indent:
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
