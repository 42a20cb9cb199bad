"""Setting `published:` by editing the front matter text (formatting and comments kept)."""

from __future__ import annotations

import pytest

from advpub.errors import GateError
from advpub.pipeline.published_text import set_published, without_published

VALUE = "2026-12-01T09:00:00+09:00"


def test_inserted_before_the_closing_marker_keeping_everything_else() -> None:
    text = "---\nid: X  # keep me\ntitle: 'T'\n---\nbody: not front matter\npublished: no\n"
    assert set_published(text, VALUE) == (
        "---\nid: X  # keep me\ntitle: 'T'\npublished: 2026-12-01T09:00:00+09:00\n---\n"
        "body: not front matter\npublished: no\n"
    )


def test_replaces_a_value_and_its_continuation_lines_only() -> None:
    text = "---\npublished: >\n  2020-01-01\n  more\nfix:\n  published: nested\n---\nB\n"
    assert set_published(text, VALUE) == (
        "---\npublished: 2026-12-01T09:00:00+09:00\nfix:\n  published: nested\n---\nB\n"
    )


def test_crlf_and_bom_are_kept() -> None:
    text = "\ufeff---\r\nid: X\r\n---\r\nB\r\n"
    assert set_published(text, VALUE) == (
        "\ufeff---\r\nid: X\r\npublished: 2026-12-01T09:00:00+09:00\r\n---\r\nB\r\n"
    )


def test_without_published_inverts_set_published() -> None:
    text = "---\nid: X\n---\nB\n"
    assert without_published(set_published(text, VALUE)) == text


def test_text_without_front_matter_is_refused() -> None:
    with pytest.raises(GateError, match="no front matter"):
        set_published("no front matter\n", VALUE)
    with pytest.raises(GateError, match="not closed"):
        set_published("---\nid: X\n", VALUE)
