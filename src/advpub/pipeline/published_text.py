"""Setting ``published:`` and dropping draft-only keys (``share_with``) by editing the front
matter TEXT, so comments, key order and quoting survive publication (re-dumping the YAML
would lose them)."""

from __future__ import annotations

from advpub.errors import GateError
from advpub.model.fields import DRAFT_ONLY_KEYS
from advpub.model.frontmatter_text import front_matter_end, set_key, without_key


def set_published(text: str, value: str) -> str:
    """``text`` with the top-level ``published:`` line set to ``value`` (added if missing)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].lstrip("\ufeff").rstrip("\r\n").rstrip() != "---":
        raise GateError("the advisory has no front matter; cannot set `published`")
    if front_matter_end(lines) is None:
        raise GateError("the advisory's front matter is not closed; cannot set `published`")
    result = set_key(text, "published", value)
    assert result is not None  # the front matter is closed
    return result


def without_draft_keys(text: str) -> str:
    """``text`` without the keys only drafts carry: who a case is shared with is not
    public (it would name the vendors and finders who worked on it)."""
    for key in DRAFT_ONLY_KEYS:
        text = without_key(text, key)
    return text


def without_published(text: str) -> str:
    """``text`` without its top-level ``published:`` line (to compare content)."""
    return without_key(text, "published")
