"""Folded YAML text in Japanese: no space where a line break joined two Japanese characters."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from advpub.model import ModelOptions, parse_advisory
from advpub.model.frontmatter import load_front_matter
from tests.conftest import advisory_text


def test_folded_japanese_summary_joins_without_space() -> None:
    text = advisory_text("ADV-2026-0001", summary="SUMMARY", extra="lang: ja\n").replace(
        "SUMMARY",
        ">-\n  細工されたアーカイブを開くと任意のファイルが\n  上書きされます。\n  次の版で修正。",
    )
    result = parse_advisory(
        text, path="advisories/2026/ADV-2026-0001.md", options=ModelOptions(ZoneInfo("UTC"))
    )
    assert result.advisory is not None, result.violations
    assert result.advisory.summary == (
        "細工されたアーカイブを開くと任意のファイルが上書きされます。次の版で修正。"
    )


def test_latin_folds_keep_their_space() -> None:
    data = load_front_matter(
        "---\nsummary: >-\n  A remote attacker can\n  run code.\n\n  Update\n  now.\n---\n"
    ).data
    assert data == {"summary": "A remote attacker can run code.\nUpdate now."}


def test_mixed_scripts_and_typed_spaces() -> None:
    data = load_front_matter(
        "---\n"
        "a: >\n  もみじNAS\n  4.2 より前の\n  版\n"  # Latin|wide fold keeps its space
        "b: さくら ビューア の\n  脆弱性\n"  # spaces typed inside a line stay
        'c: "ファイルが\n  上書き"\n'  # quoted and plain scalars fold too
        "d: |\n  改行は\n  残る\n"  # a literal block has no folds
        "---\n"
    ).data
    assert data == {
        "a": "もみじNAS 4.2 より前の版\n",
        "b": "さくら ビューア の脆弱性",
        "c": "ファイルが上書き",
        "d": "改行は\n残る\n",
    }
