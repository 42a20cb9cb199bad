"""Setting ``published:`` by editing the front matter TEXT, so comments, key order and
quoting survive publication (re-dumping the YAML would lose them)."""

from __future__ import annotations

import re

from advpub.errors import GateError

_PUBLISHED = re.compile(r"^published[ \t]*:")


def _front_matter_end(lines: list[str]) -> int:
    if not lines or lines[0].lstrip("\ufeff").rstrip("\r\n").rstrip() != "---":
        raise GateError("the advisory has no front matter; cannot set `published`")
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n").rstrip() in ("---", "..."):
            return index
    raise GateError("the advisory's front matter is not closed; cannot set `published`")


def _published_span(lines: list[str], end: int) -> tuple[int, int] | None:
    for index in range(1, end):
        if _PUBLISHED.match(lines[index]):
            stop = index + 1
            # Indented lines right after belong to the same value (a folded scalar).
            while stop < end and lines[stop][:1] in (" ", "\t") and lines[stop].strip():
                stop += 1
            return index, stop
    return None


def set_published(text: str, value: str) -> str:
    """``text`` with the top-level ``published:`` line set to ``value`` (added if missing)."""
    lines = text.splitlines(keepends=True)
    end = _front_matter_end(lines)
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    line = f"published: {value}{newline}"
    span = _published_span(lines, end)
    if span is None:
        lines.insert(end, line)
    else:
        lines[span[0] : span[1]] = [line]
    return "".join(lines)


def without_published(text: str) -> str:
    """``text`` without its top-level ``published:`` line (to compare content)."""
    lines = text.splitlines(keepends=True)
    try:
        end = _front_matter_end(lines)
    except GateError:
        return text
    span = _published_span(lines, end)
    if span is not None:
        del lines[span[0] : span[1]]
    return "".join(lines)
