"""A build whose worker process dies leaves no site behind (plain ``mkdocs build``)."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

import advpub.site.scanning as scanning
from advpub.embargo.store import EmbargoStore
from tests.conftest import Key, advisory_text, make_repo

CANARY_TITLE = "Wombat canary 51c0 heap overflow in the zorblax parser"


def _killed_worker(folder: str, items: object) -> object:
    """A leak-scan task whose worker process dies (as under the OOM killer)."""
    os._exit(1)


def test_a_worker_killed_during_the_leak_scan_leaves_no_site(
    tmp_path: Path, make_key: Callable[[str], Key], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A released advisory that names an embargoed draft's title: only the scan stops it.
    repo = make_repo(tmp_path / "repo")
    key = make_key("alice")
    repo.write("embargo/recipients.txt", f"{key.public} alice\n")
    EmbargoStore(repo.path / "embargo", repo.path).write(
        "ADV-2020-0099",
        advisory_text("ADV-2020-0099", title=CANARY_TITLE, release_date="2030-01-01T00:00:00Z"),
    )
    repo.write(
        "advisories/2020/ADV-2020-0001.md",
        advisory_text(
            "ADV-2020-0001", release_date="2020-01-01T00:00:00Z", body=f"{CANARY_TITLE}\n"
        ),
    )
    monkeypatch.setenv("ADVPUB_NOW", "2020-06-01T00:00:00Z")
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(key.file))
    monkeypatch.setenv("ADVPUB_WORKERS", "2")
    # Forked workers look the task up by name: they run this one and die.
    monkeypatch.setattr(scanning, "_scan_batch", _killed_worker)
    monkeypatch.chdir(repo.path)
    with pytest.raises(BrokenProcessPool):
        build(load_config(str(repo.path / "mkdocs.yml")))
    assert not (repo.path / "site").exists()
