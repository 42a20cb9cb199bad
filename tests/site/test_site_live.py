"""Live sites (``advpub serve``, ``advpub preview``) render a page when it is asked for: the
first page and the page after an edit do not wait for the whole site, a completed
generation equals a cold build byte for byte, and files only the end of a build writes
(feeds, exports, search index) are served complete."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config

from advpub.site.build import quiet_dirty_warning
from advpub.site.incremental import live_session
from advpub.site.live import LiveSite, _observer, dest_of
from tests.conftest import Key, Repo
from tests.scale.test_scale_cache import tree
from tests.site.site_support import NOW, SAMPLES, Sample, quiet_mkdocs, sample_repo, write_sample
from tests.site.test_site_generators import fetch, free_port
from tests.site.test_site_live_incremental import (
    DRAFT,
    SERVE_URL,
    _preview,
    _write_draft,
    edit,
    page,
    serve_build,
)


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)


def _configs(repo: Repo, preview: Callable[[], Any] | None = None) -> Callable[[Path], Any]:
    def make(folder: Path) -> Any:
        config = load_config(config_file=str(repo.path / "mkdocs.yml"), site_dir=str(folder))
        config["site_url"] = SERVE_URL
        if preview is not None:
            config["plugins"]["advpub"].preview = preview()
        return config

    return make


def _site(tmp_path: Path, make: Callable[[Path], Any], **kwargs: Any) -> LiveSite:
    workspace = tmp_path / "workspace"
    workspace.mkdir(exist_ok=True)
    return LiveSite(make, workspace, **{"background": False, **kwargs})


def test_a_page_is_rendered_when_asked_for_and_nothing_else_before(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path / "repo")
    first, other = SAMPLES[0].ident, SAMPLES[1].ident
    with live_session(), quiet_mkdocs(), quiet_dirty_warning():
        site = _site(tmp_path, _configs(repo))
        generation = site.rebuild()
        assert list(generation.folder.iterdir()) == []
        served = site.provide(page(first))
        assert served is not None
        assert first in served.read_text(encoding="utf-8")
        assert not (generation.folder / page(other)).exists()
        assert not (generation.folder / "feed.xml").exists()
        # A theme asset is copied when asked for.
        assert site.provide("assets/advpub/advpub.css") is not None
        # A page the site does not have is answered at once (only files the end of the
        # build writes, never HTML, complete the generation first).
        assert site.provide(dest_of("2025/ADV-2025-9999/")) is None
        assert not generation.complete
        assert site.provide("404.html") is not None
        assert not generation.complete


def test_a_completed_generation_equals_a_cold_build(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path / "repo")
    with live_session(), quiet_mkdocs(), quiet_dirty_warning():
        site = _site(tmp_path, _configs(repo))
        site.rebuild()
        site.stop()
        # Pages asked for out of MkDocs' order, then a file only the end writes.
        for sample in reversed(SAMPLES):
            assert site.provide(page(sample.ident)) is not None
        assert site.provide("search/search_index.json") is not None
        generation = site.current
        assert generation is not None and generation.complete
        live = tree(generation.folder)
    cold = tmp_path / "cold"
    serve_build(repo, cold, dirty=False)
    assert sorted(live) == sorted(tree(cold))
    assert [p for p, data in live.items() if tree(cold)[p] != data] == []


def test_an_edit_is_served_from_a_new_generation_equal_to_a_cold_build(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path / "repo")
    changed = SAMPLES[0]
    sentence = f"Sentence {uuid.uuid4().hex} added while serving."
    with live_session(), quiet_mkdocs(), quiet_dirty_warning():
        site = _site(tmp_path, _configs(repo))
        old = site.rebuild()
        assert site.provide(page(changed.ident)) is not None
        site.provide("feed.xml")  # completes the first generation
        edit(repo, changed, sentence)
        new = site.rebuild()
        site.stop()
        # The replaced generation's folder is removed (beside the server, not before the
        # browsers reload).
        assert _wait_for(lambda: not old.folder.exists(), 30)
        served = site.provide(page(changed.ident))
        assert served is not None and sentence in served.read_text(encoding="utf-8")
        feed = site.provide("feed.xml")
        assert feed is not None and new.complete
        live = tree(new.folder)
    cold = tmp_path / "cold"
    serve_build(repo, cold, dirty=False)
    assert live == tree(cold)


def test_the_background_completes_the_generation_while_nobody_asks(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path / "repo")
    with live_session(), quiet_mkdocs(), quiet_dirty_warning():
        site = _site(tmp_path, _configs(repo), background=True)
        generation = site.rebuild()
        try:
            for _ in range(600):
                if generation.complete:
                    break
                threading.Event().wait(0.1)
        finally:
            site.stop()
        assert generation.complete
        assert (generation.folder / "search" / "search_index.json").is_file()
        assert all((generation.folder / page(s.ident)).is_file() for s in SAMPLES)


def test_a_change_that_does_not_build_keeps_the_last_generation(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path / "repo")
    with live_session(), quiet_mkdocs(), quiet_dirty_warning():
        site = _site(tmp_path, _configs(repo))
        good = site.rebuild()
        site.stop()
        broken = repo.path / "advisories" / "2026" / "ADV-2026-0001.md"
        broken.write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
        with pytest.raises(Exception, match=r"ADV-2026-0001\.md"):
            site.rebuild()
        assert site.current is good
        assert site.provide(page(SAMPLES[0].ident)) is not None
        assert sorted(p.name for p in (tmp_path / "workspace").iterdir()) == [good.folder.name]


def test_requests_never_leave_the_site(tmp_path: Path) -> None:
    assert dest_of("") == "index.html"
    assert dest_of("2025/ADV-2025-0001/") == "2025/ADV-2025-0001/index.html"
    assert dest_of("../../etc/passwd") == "etc/passwd"
    assert dest_of("a/../../b/") == "b/index.html"
    repo = sample_repo(tmp_path / "repo")
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    with live_session(), quiet_mkdocs(), quiet_dirty_warning():
        site = _site(tmp_path, _configs(repo))
        site.rebuild()
        site.stop()
        assert site.provide(dest_of("../../secret.txt")) is None
        assert site.provide(dest_of("../workspace/site-1/index.html")) is None


def test_preview_renders_the_draft_before_anything_is_asked(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    repo = sample_repo(tmp_path / "repo")
    key = make_key("coordinator")
    canary = f"canary-{uuid.uuid4().hex}"
    _write_draft(repo, key, canary)
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    with live_session(), quiet_mkdocs(), quiet_dirty_warning():
        site = LiveSite(
            _configs(repo, lambda: _preview(repo, key, workspace)),
            workspace,
            eager=lambda plugin: list(plugin.preview.urls.values()),
            background=False,
        )
        generation = site.rebuild()
        site.stop()
        draft_page = generation.folder / page(DRAFT)
        assert canary in draft_page.read_text(encoding="utf-8")
        assert "EMBARGOED PREVIEW" in draft_page.read_text(encoding="utf-8")
        # Completed: the same files as a cold preview build.
        site.provide("search/search_index.json")
        live = tree(generation.folder)
    cold = workspace / "cold"
    serve_build(repo, cold, dirty=False, preview=_preview(repo, key, workspace))
    assert live == tree(cold)


class _Server:
    """What the watcher needs of MkDocs' server: a condition and a flag."""

    def __init__(self) -> None:
        self._rebuild_cond = threading.Condition()
        self._want_rebuild = False
        self._watched_paths: dict[str, int] = {}


def test_reading_a_watched_file_starts_no_rebuild_and_writing_one_does(tmp_path: Path) -> None:
    watched = tmp_path / "advisories"
    watched.mkdir()
    file = watched / "ADV-2026-0001.md"
    file.write_text("one", encoding="utf-8")
    server = _Server()
    observer = _observer(server, [str(watched), str(tmp_path / "missing")])
    observer.start()
    try:
        assert server._watched_paths == {str(watched): 1}
        for _ in range(3):
            file.read_bytes()  # every generation reads every advisory
        threading.Event().wait(0.8)
        assert server._want_rebuild is False
        file.write_text("two", encoding="utf-8")
        with server._rebuild_cond:
            assert server._rebuild_cond.wait_for(lambda: server._want_rebuild, timeout=10)
    finally:
        observer.stop()
        observer.join()


def test_a_site_with_another_plugin_is_built_whole(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path / "repo")
    config_file = repo.path / "mkdocs.yml"
    text = config_file.read_text(encoding="utf-8")
    assert "plugins:\n" in text
    config_file.write_text(text.replace("plugins:\n", "plugins:\n  - tags\n"), "utf-8")
    with live_session(), quiet_mkdocs(), quiet_dirty_warning():
        site = _site(tmp_path, _configs(repo))
        generation = site.rebuild()
        assert generation.complete
        assert all((generation.folder / page(s.ident)).is_file() for s in SAMPLES)
        assert (generation.folder / "search" / "search_index.json").is_file()


def _wait_for(predicate: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_advpub_serve_shows_an_edit_and_keeps_serving_after_a_refused_one(
    tmp_path: Path,
) -> None:
    repo = sample_repo(tmp_path / "repo")
    port = free_port()
    url = f"http://127.0.0.1:{port}/{page(SAMPLES[1].ident).removesuffix('index.html')}"
    process = subprocess.Popen(
        [sys.executable, "-m", "advpub", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=repo.path,
        env=dict(os.environ, ADVPUB_NOW=NOW),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    assert process.stderr is not None
    reader = threading.Thread(target=lambda: lines.extend(process.stderr or ()), daemon=True)
    reader.start()
    try:
        assert SAMPLES[1].title in fetch(url, time.monotonic() + 60)
        sentence = f"Sentence {uuid.uuid4().hex} added while serving."
        edit(repo, SAMPLES[1], sentence)
        assert _wait_for(lambda: sentence in fetch(url, time.monotonic() + 10), 30)
        # An edit the gate refuses: one line, no traceback, the last good site stays.
        write_sample(repo, Sample("ADV-2026-0009", "Not yet", "2026-12-01T09:00:00+09:00"))
        assert _wait_for(lambda: any("not rebuilt" in line for line in lines), 30), lines
        assert sentence in fetch(url, time.monotonic() + 10)
    finally:
        process.terminate()
        process.wait(timeout=30)
    reader.join(timeout=10)
    text = "".join(lines)
    assert "advpub serve: not rebuilt: " in text
    assert "ADV-2026-0009.md: not releasable: release date" in text
    assert "Traceback" not in text
