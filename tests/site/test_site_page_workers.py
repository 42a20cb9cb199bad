"""Pages rendered in worker processes (advpub.site.driver): a failing page fails the build
with the message one process gives, a worker that dies fails it too, and neither leaves a
site behind."""

from __future__ import annotations

import logging
import os
import shutil
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mkdocs.exceptions import PluginError

from advpub.site.parallel import WORKERS_ENV
from advpub.site.plugin import AdvpubPlugin
from tests.conftest import CliResult, Repo, advisory_text
from tests.scale.test_scale_parallel import many_repo, rendering_processes
from tests.site.site_support import NOW, sample_repo

Cli = Callable[..., CliResult]

# The severity listings are the last pages of the build: a forked worker renders them, never
# the build's own process (tests/scale/test_scale_parallel.py checks the split).
FAILING = "severity/"
# A theme override whose template fails on those pages (a template error is a bug: exit 3).
FAILING_MAIN = (
    '{% extends "base.html" %}\n{% block content %}{{ super() }}'
    f'{{% if page.url.startswith("{FAILING}") %}}{{{{ page.meta.nothing.here }}}}{{% endif %}}'
    "{% endblock %}\n"
)


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)


def _build(cli: Cli, repo: Repo, monkeypatch: pytest.MonkeyPatch, workers: str) -> CliResult:
    shutil.rmtree(repo.path / ".cache", ignore_errors=True)
    monkeypatch.setenv(WORKERS_ENV, workers)
    return cli("build", cwd=repo.path)


def _assert_no_site(repo: Repo) -> None:
    assert not (repo.path / "site").exists()
    assert list((repo.path / ".cache" / "advpub").glob("building-*")) == []


def test_a_template_failing_in_a_worker_fails_the_build_as_in_one_process(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="mkdocs.plugins.advpub")
    repo = many_repo(tmp_path / "repo")
    repo.write("overrides/main.html", FAILING_MAIN)
    config = (repo.path / "mkdocs.yml").read_text(encoding="utf-8")
    theme = "theme:\n  name: material\n"
    assert theme in config
    repo.write("mkdocs.yml", config.replace(theme, theme + "  custom_dir: overrides\n"))
    single = _build(cli, repo, monkeypatch, "1")
    assert single == CliResult(
        3,
        "",
        "advpub: internal error (UndefinedError); this is a bug, please report it "
        "(run again with -v for the traceback)\n",
    )
    _assert_no_site(repo)
    assert rendering_processes(caplog) == {}
    parallel = _build(cli, repo, monkeypatch, "2")
    assert parallel == single
    assert len(rendering_processes(caplog)) == 2
    _assert_no_site(repo)


def test_a_plugin_error_in_a_worker_fails_the_build_as_in_one_process(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = many_repo(tmp_path / "repo")
    context = AdvpubPlugin.on_page_context
    failed_in = tmp_path / "failed-in"

    def failing(self: AdvpubPlugin, ctx: Any, *, page: Any, config: Any, nav: Any) -> Any:
        if page.url.startswith(FAILING):
            failed_in.write_text(str(os.getpid()), encoding="utf-8")
            raise PluginError(f"advpub: {page.url}: cannot render this page")
        return context(self, ctx, page=page, config=config, nav=nav)

    monkeypatch.setattr(AdvpubPlugin, "on_page_context", failing)
    single = _build(cli, repo, monkeypatch, "1")
    assert single.code == 1
    # The first failing page in MkDocs' order, with MkDocs' own line before it.
    assert single.err.startswith("advpub: error: Error building page 'severity/")
    assert single.err.endswith("/: cannot render this page\n"), single.err
    _assert_no_site(repo)
    assert failed_in.read_text(encoding="utf-8") == str(os.getpid())
    parallel = _build(cli, repo, monkeypatch, "2")
    assert parallel == single
    # The page failed in a forked worker, and its error reached the build.
    assert failed_in.read_text(encoding="utf-8") != str(os.getpid())
    _assert_no_site(repo)


def test_a_page_worker_that_dies_fails_the_build_and_leaves_no_site(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = many_repo(tmp_path / "repo")
    start = AdvpubPlugin.start_page_worker

    def killed(self: AdvpubPlugin) -> None:
        # As under the OOM killer: only the forked worker dies.
        os.kill(os.getpid(), signal.SIGKILL)
        start(self)

    monkeypatch.setattr(AdvpubPlugin, "start_page_worker", killed)
    result = _build(cli, repo, monkeypatch, "2")
    assert result == CliResult(
        1,
        "",
        "advpub: error: a worker process rendering pages was killed by signal SIGKILL; the "
        "site was not built. Build again (with ADVPUB_WORKERS=1 to render in one process)\n",
    )
    _assert_no_site(repo)


def _one_product_repo(path: Path) -> Repo:
    """Advisories of one product (few listing pages), the last of them linking to a file
    that does not exist: MkDocs warns about that page, which a forked worker renders."""
    repo = sample_repo(path)
    for n in range(1, 61):
        ident = f"ADV-2024-{n:04d}"
        repo.write(
            f"advisories/2024/{ident}.md",
            advisory_text(
                ident, title=f"Example Switch: flaw {n}", release_date="2024-03-10T09:00:00+09:00"
            ),
        )
    repo.write(
        "advisories/2026/ADV-2026-0999.md",
        advisory_text(
            "ADV-2026-0999",
            release_date="2026-05-01T09:00:00+09:00",
            body="## Overview\n\nSee [the notes](missing-notes.md).\n",
        ),
    )
    return repo


def _messages(result: CliResult) -> tuple[int, list[str]]:
    """The exit status and lines of a build, without its progress lines (timed)."""
    lines = [line for line in result.err.splitlines() if not line.startswith("advpub build: ")]
    return result.code, lines


def test_warnings_of_pages_in_workers_count_for_strict_as_in_one_process(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="mkdocs.plugins.advpub")
    repo = _one_product_repo(tmp_path / "repo")
    single = _build(cli, repo, monkeypatch, "1")
    assert _messages(single) == (
        1,
        [
            "advpub: warning: Doc file '2026/ADV-2026-0999.md' contains a link "
            "'missing-notes.md', but the target '2026/missing-notes.md' is not found among "
            "documentation files.",
            "advpub: error: Aborted with 1 warnings in strict mode!",
        ],
    )
    _assert_no_site(repo)
    parallel = _build(cli, repo, monkeypatch, "2")
    assert _messages(parallel) == _messages(single)
    rendered = rendering_processes(caplog)
    assert len(rendered) == 2
    _assert_no_site(repo)
