"""``advpub serve`` and ``advpub preview`` rebuild incrementally (a store in the session's
memory): after an edit of one advisory or draft only what depends on it is written again,
the result equals a cold build byte for byte, and a preview puts nothing in ``.cache/``."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from advpub.config import load_settings
from advpub.embargo.identity import parse_identities
from advpub.embargo.recipients import RecipientEntry
from advpub.embargo.store import EmbargoStore
from advpub.pipeline.preview import DraftPreview
from advpub.site.build import quiet_dirty_warning
from advpub.site.incremental import live_session
from advpub.site.preview import PreviewMode
from tests.conftest import Key, Repo, advisory_text
from tests.scale.test_scale_cache import tree
from tests.scale.test_scale_reuse import stamps
from tests.site.site_support import NOW, SAMPLES, Sample, quiet_mkdocs, sample_repo, write_sample

SERVE_URL = "http://127.0.0.1:8000/"
DRAFT = "ADV-2026-0077"


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)


def serve_build(repo: Repo, site_dir: Path, *, dirty: bool = True, preview: Any = None) -> None:
    """One build as ``mkdocs serve`` (and the preview) runs it: a fresh configuration, the
    site_url of the local server, the serve URL."""
    config = load_config(config_file=str(repo.path / "mkdocs.yml"), site_dir=str(site_dir))
    config.site_url = SERVE_URL
    if preview is not None:
        config["plugins"]["advpub"].preview = preview
    with quiet_mkdocs(), quiet_dirty_warning():
        build(config, serve_url=SERVE_URL, dirty=dirty)


def page(ident: str) -> str:
    return f"{ident[4:8]}/{ident}/index.html"


def edit(repo: Repo, sample: Sample, sentence: str) -> None:
    body = f"{sample.body}\n{sentence}\n"
    write_sample(repo, Sample(sample.ident, sample.title, sample.release_date, sample.extra, body))


def test_serve_rebuild_after_an_edit_equals_a_cold_build(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path / "repo")
    live = tmp_path / "live"
    changed, other = SAMPLES[0], SAMPLES[1]
    with live_session():
        serve_build(repo, live)
        before = stamps(live)
        edit(repo, changed, "A sentence added while serving.")
        serve_build(repo, live)
        after = stamps(live)
    # Only what depends on the edited advisory was written again.
    assert after[page(other.ident)] == before[page(other.ident)]
    assert after[f"osv/{other.ident}.json"] == before[f"osv/{other.ident}.json"]
    assert after[page(changed.ident)] != before[page(changed.ident)]
    assert b"A sentence added while serving." in (live / page(changed.ident)).read_bytes()
    cold = tmp_path / "cold"
    serve_build(repo, cold, dirty=False)
    a, b = tree(live), tree(cold)
    assert sorted(a) == sorted(b)
    assert [p for p in a if a[p] != b[p]] == []
    # A serve session keeps its store in memory: nothing under .cache/.
    assert not (repo.path / ".cache").exists()


def _preview(repo: Repo, key: Key, workspace: Path) -> PreviewMode:
    settings = load_settings(repo.path)
    store = EmbargoStore(repo.path / "embargo", repo.path)
    identities = parse_identities(key.file.read_text(), "coordinator")
    now = datetime(2026, 11, 1, tzinfo=UTC)
    return PreviewMode(DraftPreview(settings, store, identities, (DRAFT,), now).load, workspace)


def _write_draft(repo: Repo, key: Key, canary: str) -> None:
    text = advisory_text(
        DRAFT,
        title="Example Router: embargoed flaw",
        release_date="2026-12-24T09:00:00+09:00",
        body=f"## Overview\n\nThe {canary} handler trusts its input.\n",
    )
    store = EmbargoStore(repo.path / "embargo", repo.path)
    store.write(DRAFT, text, [RecipientEntry(key.public, "coordinator", 1)])


def test_preview_rebuild_after_editing_the_draft_equals_a_cold_preview_and_stores_nothing(
    tmp_path: Path, make_key: Callable[[str], Key], grep_tree: Callable[[Path, str], list[Path]]
) -> None:
    repo = sample_repo(tmp_path / "repo")
    key = make_key("coordinator")
    first, second = f"canary-{uuid.uuid4().hex}", f"canary-{uuid.uuid4().hex}"
    _write_draft(repo, key, first)
    workspace = tmp_path / "private"
    live = workspace / "site"
    with live_session():
        serve_build(repo, live, preview=_preview(repo, key, workspace))
        before = stamps(live)
        assert first in (live / page(DRAFT)).read_text(encoding="utf-8")
        _write_draft(repo, key, second)
        serve_build(repo, live, preview=_preview(repo, key, workspace))
        after = stamps(live)
    text = (live / page(DRAFT)).read_text(encoding="utf-8")
    assert second in text and first not in text
    assert "EMBARGOED PREVIEW" in text
    # The published advisories' pages were kept, not rendered again.
    for sample in SAMPLES:
        assert after[page(sample.ident)] == before[page(sample.ident)]
    cold = workspace / "cold"
    serve_build(repo, cold, dirty=False, preview=_preview(repo, key, workspace))
    assert tree(live) == tree(cold)
    # Neither draft's text reached the repository (no .cache/, no site/).
    for canary in (first, second):
        assert grep_tree(repo.path, canary) == []
    assert not (repo.path / ".cache").exists()
