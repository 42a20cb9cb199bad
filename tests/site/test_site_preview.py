"""``advpub preview ID`` in Debian's Chromium: the draft's page with the banner and noindex,
live reload after an edit, and no plaintext left on disk after SIGTERM or SIGKILL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright import sync_api

from advpub.embargo.editor import workspace_bases
from advpub.embargo.store import EmbargoStore
from tests.conftest import Key, advisory_text, require_tool
from tests.site.site_support import sample_repo
from tests.site.test_site_browser import CHROMIUM_ARGS

DRAFT = "ADV-2026-0042"
RELEASE = "2030-03-10T09:00:00+09:00"  # after release: the draft is at 2030/ADV-2026-0042/


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _draft(canary: str, title: str) -> str:
    return advisory_text(
        DRAFT,
        title=title,
        release_date=RELEASE,
        body=f"## Overview\n\nThe {canary} handler trusts its input.\n",
    )


class Preview:
    """``advpub preview`` as a real process; its stderr is read line by line."""

    def __init__(self, repo: Path, key: Key, port: int) -> None:
        env = dict(os.environ, ADVPUB_IDENTITY_FILE=str(key.file))
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "advpub", "preview", DRAFT, "-a", f"127.0.0.1:{port}"],
            cwd=repo,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        # A thread reads stderr: a select() on a buffered text stream misses buffered lines.
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def wait_for(self, text: str, timeout: float = 60) -> str:
        """The first stderr line holding ``text`` (fails on exit or timeout)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [line for line in self.lines if text in line]
            if found:
                return found[0]
            if self.process.poll() is not None and not self.reader.is_alive():
                break
            time.sleep(0.05)
        self.process.kill()
        pytest.fail(f"advpub preview did not print {text!r}; stderr:\n{''.join(self.lines)}")

    def stop(self, sig: signal.Signals) -> int:
        self.process.send_signal(sig)
        code = self.process.wait(30)
        self.reader.join(10)
        return code


def _holding(canary: str, *folders: Path) -> list[str]:
    """Files under ``folders`` whose bytes contain ``canary`` (grep, unreadable files skipped)."""
    found = subprocess.run(
        ["grep", "-rlF", "--binary-files=text", "--no-messages", canary, *map(str, folders)],
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.split()


@pytest.mark.browser
@pytest.mark.slow
def test_preview_in_chromium(tmp_path: Path, make_key: Callable[[str], Key]) -> None:
    chromium = require_tool("chromium")
    canary = f"CANARY-{uuid.uuid4().hex}"
    repo = sample_repo(tmp_path / "repo", language="en")
    key = make_key("alice")
    (repo.path / "embargo" / "recipients.txt").write_text(f"{key.public} alice\n")
    store = EmbargoStore(repo.path / "embargo", repo.path)
    title = f"Example Camera: {canary} authentication bypass"
    store.write(DRAFT, _draft(canary, title))
    bases = [*workspace_bases(), Path(tempfile.gettempdir())]
    port = _free_port()

    preview = Preview(repo.path, key, port)
    ready = preview.wait_for("EMBARGOED PREVIEW at")
    first = time.monotonic() - preview.started
    url = f"http://127.0.0.1:{port}/2030/{DRAFT}/"
    assert url in ready
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.goto(url)
                banner = page.locator(".advpub-preview-banner")
                assert banner.is_visible()
                assert "EMBARGOED PREVIEW" in banner.inner_text()
                assert page.inner_text("article h1") == title
                robots = page.eval_on_selector("meta[name=robots]", "m => m.content")
                assert robots == "noindex"
                # The public site around it is the same site, with the banner on every page.
                page.goto(f"http://127.0.0.1:{port}/")
                assert page.locator(".advpub-preview-banner").is_visible()
                assert page.locator(f"article a:text-is('{DRAFT}')").count() == 1
                page.goto(url)

                # `advpub edit` in another terminal rewrites the ciphertext: the page reloads.
                revised = f"{title} (revised)"
                edited = time.monotonic()
                store.write(DRAFT, _draft(canary, revised))
                page.wait_for_function(
                    "t => document.querySelector('article h1')?.textContent === t",
                    arg=revised,
                    timeout=20000,
                )
                reload = time.monotonic() - edited
                assert page.locator(".advpub-preview-banner").is_visible()
            finally:
                browser.close()
        # While it runs, the plaintext is only in its private workspace.
        assert _holding(canary, repo.path) == []
        live = [p for p in _holding(canary, *bases) if "/advpub-" in p]
        assert live, "the preview should be in a private workspace while it runs"
        workspace = next(f for f in Path(live[0]).parents if f.name.startswith("advpub-"))
        assert workspace.stat().st_mode & 0o777 == 0o700
    finally:
        code = preview.stop(signal.SIGTERM)
    assert code == 128 + signal.SIGTERM, "".join(preview.lines)
    assert "preview stopped; its temporary folder was removed" in "".join(preview.lines)
    assert _holding(canary, repo.path, *bases) == []
    print(f"\npreview: first page {first:.2f} s (process start to serving), reload {reload:.2f} s")

    # SIGKILL leaves the workspace behind; the next command that decrypts sweeps it.
    killed = Preview(repo.path, key, _free_port())
    killed.wait_for("EMBARGOED PREVIEW at")
    assert killed.stop(signal.SIGKILL) == -signal.SIGKILL
    assert _holding(canary, *bases) != []
    status = subprocess.run(
        [sys.executable, "-m", "advpub", "status"],
        cwd=repo.path,
        env=dict(os.environ, ADVPUB_IDENTITY_FILE=str(key.file)),
        capture_output=True,
        text=True,
        check=False,
    )
    assert status.returncode == 0, status.stderr
    assert _holding(canary, repo.path, *bases) == []
