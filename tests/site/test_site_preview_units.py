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
