"""``<html lang>`` of an advisory page is the advisory's own language, whatever the site's."""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest

from tests.conftest import CliResult, advisory_text
from tests.site.site_support import NOW, sample_repo
from tests.translations.translation_helpers import IDENT, primary_text, translation_text

Cli = Callable[..., CliResult]
ENGLISH = "ADV-2020-0008"


def html_lang(page: Path) -> str:
    match = re.search(r'<html lang="([^"]*)"', page.read_text(encoding="utf-8"))
    assert match is not None
    return match.group(1)


def test_html_lang_follows_the_advisory_on_a_japanese_site(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    repo = sample_repo(tmp_path / "repo", language="ja", samples=())
    repo.write(f"advisories/2020/{IDENT}.md", primary_text())
    repo.write(f"advisories/2020/{IDENT}.en.md", translation_text())
    english = advisory_text(ENGLISH, release_date="2020-04-01T10:00:00+09:00", extra="lang: en\n")
    repo.write(f"advisories/2020/{ENGLISH}.md", english)
    result = cli("build", cwd=repo.path)
    assert result.code == 0, result.err
    site = repo.path / "site"
    assert html_lang(site / "2020" / IDENT / "index.html") == "ja"
    assert html_lang(site / "2020" / IDENT / "en" / "index.html") == "en"
    assert html_lang(site / "2020" / ENGLISH / "index.html") == "en"
    # Generated pages keep the site's language, and the theme's labels stay Japanese on an
    # English page of a Japanese site (only the page's language changes).
    assert html_lang(site / "index.html") == "ja"
    assert html_lang(site / "products" / "index.html") == "ja"
    translated = (site / "2020" / IDENT / "en" / "index.html").read_text(encoding="utf-8")
    assert 'placeholder="検索"' in translated


def test_html_lang_on_an_english_site(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    repo = sample_repo(tmp_path / "repo", language="en", samples=())
    repo.write(f"advisories/2020/{IDENT}.md", primary_text())
    repo.write(f"advisories/2020/{IDENT}.en.md", translation_text())
    result = cli("build", cwd=repo.path)
    assert result.code == 0, result.err
    site = repo.path / "site"
    assert html_lang(site / "2020" / IDENT / "index.html") == "ja"
    assert html_lang(site / "2020" / IDENT / "en" / "index.html") == "en"
    assert html_lang(site / "index.html") == "en"


def test_language_partial_is_materials_apart_from_the_page_language() -> None:
    """advpub's partials/language.html is Material's with one branch added: a Material
    upgrade that changes its file fails here, so the copy is reviewed."""
    ours = (
        resources.files("advpub.site")
        .joinpath("templates", "theme", "partials", "language.html")
        .read_text(encoding="utf-8")
    )
    theirs = (
        resources.files("material")
        .joinpath("templates", "partials", "language.html")
        .read_text(encoding="utf-8")
    )
    branch = (
        '{% if key == "language" and advpub_head %}{{ advpub_head.lang | e }}{% else %}',
        "{% endif %}",
    )
    adapted = ours.split("-#}\n", 1)[1]
    for part in branch:
        adapted = adapted.replace(part, "")
    assert adapted == theirs.split("-#}\n", 1)[1]
