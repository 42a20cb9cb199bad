"""The leak guard knows the titles of translation drafts, and `check` validates them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult, Key
from tests.gate.gate_helpers import Site, make_site
from tests.translations.translation_helpers import (
    EN_TITLE,
    IDENT,
    JA_TITLE,
    primary_text,
    translation_text,
)

Cli = Callable[..., CliResult]
NOW = "2020-01-01T00:00:00Z"


@pytest.fixture
def site(tmp_path: Path, make_key: Callable[[str], Key], monkeypatch: Any) -> Site:
    site = make_site(tmp_path / "repo", make_key, "Asia/Tokyo")
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(site.key.file))
    return site


def test_an_embargoed_translations_japanese_title_is_caught(site: Site, cli: Cli) -> None:
    # The primary is English; only its (embargoed) Japanese translation has this title.
    english = primary_text(title=EN_TITLE).replace("lang: ja\n", "lang: en\n")
    site.draft_text(IDENT, english)
    japanese = translation_text(lang="ja", title=JA_TITLE)
    site.draft_text(f"{IDENT}.ja", japanese)
    site.repo.write("docs/notes.md", f"# メモ\n\n{JA_TITLE}について\n")
    done = cli("check", cwd=site.path)
    assert done.code == 1, done.out + done.err
    assert done.out == (
        f"docs/notes.md:3: leak: mentions the title of embargoed draft {IDENT}.ja; remove it "
        "until that advisory is released\n"
    )
    assert JA_TITLE not in done.out + done.err


def test_check_validates_translation_drafts_against_a_released_primary(
    site: Site, cli: Cli
) -> None:
    site.repo.write(f"advisories/2020/{IDENT}.md", primary_text(release_date="2019-12-01"))
    site.draft_text(f"{IDENT}.en", translation_text())
    done = cli("check", cwd=site.path)
    assert (done.code, done.err) == (0, ""), done.out
    site.draft_text(f"{IDENT}.en", translation_text(extra="tlp: CLEAR\n"))
    done = cli("check", cwd=site.path)
    assert done.code == 1
    assert done.out == (
        f"embargo/{IDENT}.en.md.age:6: tlp: translation-fact (details hidden for an embargoed "
        "draft)\n"
    )
