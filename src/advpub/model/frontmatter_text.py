"""Editing one top-level front matter key in the TEXT of an advisory, so comments, key
order and quoting survive (re-dumping the YAML would lose them). Used to set ``published``
on release, to drop draft-only keys (``share_with``) from the public file, and by
``advpub share``/``unshare``."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence


def front_matter_end(lines: Sequence[str]) -> int | None:
    """The index of the closing ``---``/``...`` line, or None when there is no front
    matter or it is not closed."""
    if not lines or lines[0].lstrip("\ufeff").rstrip("\r\n").rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n").rstrip() in ("---", "..."):
            return index
    return None


def key_span(lines: Sequence[str], end: int, key: str) -> tuple[int, int] | None:
    """Lines ``[start, stop)`` holding the top-level ``key`` and its value, or None."""
    pattern = re.compile(rf"^{re.escape(key)}[ \t]*:")
    for index in range(1, end):
        if pattern.match(lines[index]):
            stop = index + 1
            # Indented lines right after belong to the same value (a folded scalar, a block
            # mapping); so do `- item` lines, which YAML allows at column 0 under a key.
            while stop < end and lines[stop].strip() and _continues(lines[stop]):
                stop += 1
            return index, stop
    return None


def _continues(line: str) -> bool:
    return line[:1] in (" ", "\t") or line.startswith("- ") or line.rstrip("\r\n") == "-"


def set_key(text: str, key: str, value: str) -> str | None:
    """``text`` with top-level ``key`` set to the YAML ``value`` (one line; added before
    the closing line if missing); None when ``text`` has no closed front matter."""
    lines = text.splitlines(keepends=True)
    end = front_matter_end(lines)
    if end is None:
        return None
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    line = f"{key}: {value}{newline}"
    span = key_span(lines, end, key)
    if span is None:
        lines.insert(end, line)
    else:
        lines[span[0] : span[1]] = [line]
    return "".join(lines)


def without_key(text: str, key: str) -> str:
    """``text`` without its top-level ``key`` (unchanged when absent or no front matter)."""
    lines = text.splitlines(keepends=True)
    end = front_matter_end(lines)
    if end is None:
        return text
    span = key_span(lines, end, key)
    if span is not None:
        del lines[span[0] : span[1]]
    return "".join(lines)


def flow_list(items: Sequence[str]) -> str:
    """A YAML flow sequence of strings (JSON strings are valid YAML scalars)."""
    return "[" + ", ".join(json.dumps(item, ensure_ascii=False) for item in items) + "]"
