"""``advpub preview``'s refusals (before anything is served) and the plugin's preview mode
writing only inside its private folder."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from advpub.embargo.store import EmbargoStore
from advpub.site.preview import PreviewDrafts, PreviewMode, mark_page
from tests.conftest import CliResult, Key, Repo, advisory_text, make_repo
from tests.site.site_support import quiet_mkdocs

Cli = Callable[..., CliResult]


def _repo(tmp_path: Path, key: Key) -> Repo:
    repo = make_repo(tmp_path / "repo")
    (repo.path / "embargo" / "recipients.txt").write_text(f"{key.public} alice\n")
    return repo


def test_preview_refuses_unknown_and_invalid_drafts_by_id(
    tmp_path: Path, make_key: Callable[[str], Key], cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = make_key("alice")
    repo = _repo(tmp_path, key)
    store = EmbargoStore(repo.path / "embargo", repo.path)
    store.write("ADV-2026-0001", "---\nid: ADV-2026-0001\ntitle: SECRET-TITLE-1\n---\nbody\n")
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(key.file))
    result = cli("preview", "ADV-2026-0009", cwd=repo.path)
    assert result.code == 1
    assert result.err == (
        "advpub: error: no such draft: embargo/ADV-2026-0009.md.age; "
        "`advpub status` lists the drafts\n"
    )
    result = cli("preview", "ADV-2026-0001", cwd=repo.path)
    assert result.code == 1
    assert result.err.startswith(
        "advpub: error: embargo/ADV-2026-0001.md.age: cannot preview: the draft is invalid ("
    )
    assert result.err.endswith("problem(s)); `advpub edit ADV-2026-0001` shows them\n")
    assert "SECRET-TITLE-1" not in result.err


def test_preview_is_served_on_loopback_only(
    tmp_path: Path, make_key: Callable[[str], Key], cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = make_key("alice")
    repo = _repo(tmp_path, key)
    EmbargoStore(repo.path / "embargo", repo.path).write("ADV-2026-0001", advisory_text())
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(key.file))
    result = cli("preview", "-a", "0.0.0.0:8000", cwd=repo.path)
    assert result.code == 1
    assert result.err == (
        "advpub: error: --dev-addr: 0.0.0.0 is not 127.0.0.1; the preview shows embargoed "
        "drafts and is served on 127.0.0.1 only\n"
    )


def test_preview_mode_refuses_an_output_folder_outside_its_workspace(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    config = load_config(config_file=str(repo.path / "mkdocs.yml"))
    drafts = PreviewDrafts((), datetime(2020, 1, 1, tzinfo=UTC))
    config["plugins"]["advpub"].preview = PreviewMode(lambda: drafts, tmp_path / "private")
    with quiet_mkdocs(), pytest.raises((PluginError, Abort)):
        build(config)
    assert not (repo.path / "site" / "index.html").exists()


def test_mark_page_adds_noindex_and_banner() -> None:
    marked = mark_page('<html><head><title>t</title></head><body class="x"><p>a</p></body></html>')
    assert marked.startswith(
        '<html><head><title>t</title><meta name="robots" content="noindex"></head>'
        '<body class="x"><div class="advpub-preview-banner"'
    )
    assert "EMBARGOED PREVIEW" in marked


def test_a_case_only_recipient_previews_only_the_drafts_shared_with_them(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    """Issue 18: preview without ids shows the drafts this identity reads, and only a count
    of the others (no id); asking for another's draft by id is refused cleanly."""
    from advpub.config import load_settings
    from advpub.embargo.identity import parse_identities
    from advpub.embargo.recipients import parse_recipients
    from advpub.errors import EmbargoError
    from advpub.pipeline.preview import DraftPreview

    alice, vendor = make_key("alice"), make_key("vendor")
    repo = _repo(tmp_path, alice)
    store = EmbargoStore(repo.path / "embargo", repo.path)
    both = parse_recipients(f"{alice.public} alice\n{vendor.public} vendor\n", "r")
    store.write("ADV-2026-0001", advisory_text("ADV-2026-0001", title="Shared case title"), both)
    store.write("ADV-2026-0002", advisory_text("ADV-2026-0002", title="Other vendor case"))
    settings = load_settings(repo.path)
    identities = parse_identities(vendor.file.read_text(), "vendor")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    drafts = DraftPreview(settings, store, identities, (), now).load()
    assert [a.id for a in drafts.advisories] == ["ADV-2026-0001"]
    assert "1 draft not shared with you (not shown)" in drafts.notes
    assert not any("ADV-2026-0002" in note for note in drafts.notes)
    with pytest.raises(EmbargoError) as refused:
        DraftPreview(settings, store, identities, ("ADV-2026-0002",), now).load()
    assert "Other vendor case" not in str(refused.value)
