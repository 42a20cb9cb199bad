"""`advpub release`: a translation leaves the embargo with its primary (one commit), never
before it, and by itself once the primary is public."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult, Key
from tests.gate.gate_helpers import Site, make_site
from tests.translations.translation_helpers import (
    AFTER,
    BEFORE,
    EN_TITLE,
    IDENT,
    JA_TITLE,
    primary_text,
    translation_text,
)

Cli = Callable[..., CliResult]


@pytest.fixture
def site(tmp_path: Path, make_key: Callable[[str], Key]) -> Site:
    return make_site(tmp_path / "repo", make_key, "Asia/Tokyo")


def release(cli: Cli, site: Site, now: str, *args: str) -> CliResult:
    return cli("release", "--identity", str(site.key.file), "--now", now, *args, cwd=site.path)


def test_pair_is_released_together_in_one_commit(site: Site, cli: Cli) -> None:
    site.draft_text(IDENT, primary_text())
    site.draft_text(f"{IDENT}.en", translation_text())
    site.commit_all()
    result = release(cli, site, AFTER, "--commit")
    assert result.code == 0, result.out + result.err
    assert site.head_count() == 2
    changed = site.repo.git("show", "--name-status", "--format=", "HEAD").stdout.splitlines()
    assert sorted(changed) == [
        f"A\tadvisories/2020/{IDENT}.en.md",
        f"A\tadvisories/2020/{IDENT}.md",
        f"D\tembargo/{IDENT}.en.md.age",
        f"D\tembargo/{IDENT}.md.age",
    ]
    message = site.repo.git("log", "-1", "--format=%B").stdout.strip()
    assert message == f"Publish {IDENT}: {JA_TITLE}\n\nPublish {IDENT} (en): {EN_TITLE}"
    english = (site.path / "advisories" / "2020" / f"{IDENT}.en.md").read_text(encoding="utf-8")
    primary = (site.path / "advisories" / "2020" / f"{IDENT}.md").read_text(encoding="utf-8")
    # Both became public when the release ran (one second after the release date).
    assert "published: 2020-03-02T10:00:01+09:00\n" in english
    assert "published: 2020-03-02T10:00:01+09:00\n" in primary
    assert site.repo.git("status", "--porcelain").stdout == ""


def test_translation_waits_for_its_primary(site: Site, cli: Cli) -> None:
    site.draft_text(IDENT, primary_text())
    site.draft_text(f"{IDENT}.en", translation_text())
    site.commit_all()
    result = release(cli, site, BEFORE, "--commit")
    assert result.code == 0, result.out + result.err
    assert site.head_count() == 1
    assert not (site.path / "advisories" / "2020").exists()
    # The gate judges the translation by its primary's facts: the same verdict.
    assert result.out == (
        f"{IDENT}: held: release date 2020-03-02 10:00 JST (2020-03-02T01:00:00Z) is in 1 minute\n"
        f"{IDENT}.en: held: release date 2020-03-02 10:00 JST (2020-03-02T01:00:00Z) is in "
        "1 minute\n"
    )
    assert EN_TITLE not in result.out + result.err


def test_translation_of_a_refused_primary_stays_embargoed(site: Site, cli: Cli) -> None:
    # The primary mentions another, held draft: the leak guard refuses it, and its
    # translation (due at the same instant) must stay embargoed with it.
    held = primary_text("ADV-2020-0099", release_date="2021-01-01", title="Unrelated advisory")
    site.draft_text("ADV-2020-0099", held)
    mentioning = primary_text().replace("## 概要\n", "## 概要\n\nADV-2020-0099 も参照。\n")
    site.draft_text(IDENT, mentioning)
    site.draft_text(f"{IDENT}.en", translation_text())
    site.commit_all()
    result = release(cli, site, AFTER, "--commit")
    assert result.code == 1
    assert site.head_count() == 1
    assert f"{IDENT}.en: failed: not released: its primary {IDENT} is not released" in result.out
    assert not (site.path / "advisories" / "2020" / f"{IDENT}.en.md").exists()


def test_translation_of_a_public_advisory_is_released_by_itself(site: Site, cli: Cli) -> None:
    site.draft_text(IDENT, primary_text())
    site.commit_all()
    assert release(cli, site, AFTER, "--commit").code == 0
    site.draft_text(f"{IDENT}.en", translation_text())
    site.commit_all("add the translation")
    later = "2020-04-01T00:00:00Z"
    result = release(cli, site, later, "--commit")
    assert result.code == 0, result.out + result.err
    changed = site.repo.git("show", "--name-status", "--format=", "HEAD").stdout.splitlines()
    assert sorted(changed) == [
        f"A\tadvisories/2020/{IDENT}.en.md",
        f"D\tembargo/{IDENT}.en.md.age",
    ]
    english = (site.path / "advisories" / "2020" / f"{IDENT}.en.md").read_text(encoding="utf-8")
    # Published when it appeared, not back-dated to the primary's release.
    assert "published: 2020-04-01T09:00:00+09:00\n" in english


def test_translation_without_primary_is_held(site: Site, cli: Cli) -> None:
    site.draft_text(f"{IDENT}.en", translation_text())
    site.commit_all()
    result = release(cli, site, AFTER, "--commit")
    assert site.head_count() == 1
    assert result.out == (
        f"{IDENT}.en: held: invalid: embargo/{IDENT}.en.md.age: id: translation-primary "
        "(details hidden for an embargoed draft)\n"
    )


def test_import_then_release_with_the_cli(site: Site, cli: Cli, tmp_path: Path) -> None:
    primary = tmp_path / f"{IDENT}.md"
    primary.write_text(primary_text(), encoding="utf-8")
    english = tmp_path / f"{IDENT}.en.md"
    english.write_text(translation_text(), encoding="utf-8")
    wrong = tmp_path / f"{IDENT}.fr.md"
    wrong.write_text(translation_text(lang="de"), encoding="utf-8")
    refused = cli("import", str(wrong), cwd=site.path)
    assert refused.code != 0
    assert f"{wrong}:3: lang: a translation named {IDENT}.fr.md needs `lang: fr`" in (
        refused.out + refused.err
    )
    done = cli("import", str(primary), str(english), cwd=site.path)
    assert done.code == 0, done.out + done.err
    assert (site.path / "embargo" / f"{IDENT}.en.md.age").is_file()
    site.commit_all()
    result = release(cli, site, AFTER, "--commit")
    assert result.code == 0, result.out + result.err
    assert site.head_count() == 2
    changed = site.repo.git("show", "--name-only", "--format=", "HEAD").stdout.split()
    assert sorted(changed) == [
        f"advisories/2020/{IDENT}.en.md",
        f"advisories/2020/{IDENT}.md",
        f"embargo/{IDENT}.en.md.age",
        f"embargo/{IDENT}.md.age",
    ]
