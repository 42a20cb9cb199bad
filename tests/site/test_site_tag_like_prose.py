"""Tag-like prose is never silently deleted: shown as text, or reported by ``check``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from advpub.checks.raw_html import removed_tags
from advpub.site.sanitize import sanitize_html
from tests.conftest import CliResult
from tests.site.site_support import NOW, Sample, sample_repo, write_sample

Cli = Callable[..., CliResult]

PROSE_BODY = """\
## Overview

Each run gets a <uuid> of its own.

Crates named git-<crate> are affected.

Quoted `<script>` and &lt;script> and <kbd>Ctrl</kbd> stay.

```html
<script>alert("fenced")</script>
```

    <iframe src="indented-code"></iframe>

The crashing input "<svg><template>" is quoted.

Before <script> the rest of this paragraph.
"""


@pytest.fixture(autouse=True)
def _now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>Use the <uuid> of the run.</p>", "<p>Use the &lt;uuid&gt; of the run.</p>"),
        ("<p>git-<crate> crates</p>", "<p>git-&lt;crate&gt; crates</p>"),
        ("<p>a <Version-Range x=1> b</p>", "<p>a &lt;Version-Range x=1&gt; b</p>"),
        ("<p>See <kbd>Ctrl</kbd></p>", "<p>See <kbd>Ctrl</kbd></p>"),
        # Real elements the sanitiser does not allow are still removed (check reports them).
        ("<p>Before <script> after</p>", "<p>Before </p>"),
    ],
)
def test_unknown_tags_are_kept_as_text(html: str, expected: str) -> None:
    assert sanitize_html(html) == expected


def test_removed_tags_skip_code_and_escapes() -> None:
    assert list(removed_tags(PROSE_BODY)) == [(15, "svg"), (15, "template"), (17, "script")]


def test_tag_like_prose_on_the_page_and_in_check(tmp_path: Path, cli: Cli) -> None:
    repo = sample_repo(tmp_path / "repo", samples=())
    write_sample(
        repo, Sample("ADV-2026-0001", "Prose", "2026-01-15T09:00:00+09:00", body=PROSE_BODY)
    )
    checked = cli("check", cwd=repo.path)
    assert checked.code == 1
    path = "advisories/2026/ADV-2026-0001.md"
    # The front matter has 7 lines between the two `---`: the body starts on line 10.
    assert checked.out == (
        f"{path}:24: body: raw HTML `<svg>` would be removed from the page; write it as "
        "`&lt;svg>` or in backticks\n"
        f"{path}:24: body: raw HTML `<template>` would be removed from the page; write it as "
        "`&lt;template>` or in backticks\n"
        f"{path}:26: body: raw HTML `<script>` would be removed from the page; write it as "
        "`&lt;script>` or in backticks\n"
    )
    assert cli("build", cwd=repo.path).code == 0
    page = (repo.path / "site" / "2026" / "ADV-2026-0001" / "index.html").read_text("utf-8")
    body = page.split('<div class="advpub-body" lang="en">')[1].split("</article>")[0]
    assert "Each run gets a &lt;uuid&gt; of its own." in body
    assert "Crates named git-&lt;crate&gt; are affected." in body
    assert "<code>&lt;script&gt;</code> and &lt;script&gt; and <kbd>Ctrl</kbd> stay." in body
    assert "<script" not in body and "<svg" not in body


def test_check_passes_when_the_tags_are_written_as_text(tmp_path: Path, cli: Cli) -> None:
    repo = sample_repo(tmp_path / "repo", samples=())
    fixed = PROSE_BODY.replace('"<svg><template>"', '"`<svg><template>`"').replace(
        "Before <script>", "Before &lt;script>"
    )
    write_sample(repo, Sample("ADV-2026-0001", "Prose", "2026-01-15T09:00:00+09:00", body=fixed))
    checked = cli("check", cwd=repo.path)
    assert checked.out == "advpub check: OK (1 published advisories)\n"
    assert checked.code == 0
