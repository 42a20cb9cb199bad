"""The site cannot leak: the gate under both build commands, hostile Markdown, embargo canaries."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from advpub.embargo.recipients import RecipientEntry
from advpub.embargo.store import EmbargoStore
from tests.conftest import CliResult, Key, Repo, advisory_text
from tests.site.site_support import NOW, Sample, run_tool, sample_repo, write_sample

Cli = Callable[..., CliResult]
GrepTree = Callable[[Path, str], list[Path]]

DRAFT_ID = "ADV-2026-0100"
DRAFT_CVE = "CVE-2026-99991"


@pytest.fixture(autouse=True)
def _now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)


def unreleasable_repo(path: Path) -> Repo:
    """Samples plus one advisory whose release date is a month after NOW."""
    repo = sample_repo(path)
    write_sample(repo, Sample("ADV-2026-0009", "Not yet", "2026-12-01T09:00:00+09:00"))
    return repo


REFUSAL = (
    "advisories/2026/ADV-2026-0009.md: not releasable: release date 2026-12-01 09:00 JST "
    "(2026-12-01T00:00:00Z) is in 30 days"
)


def test_unreleasable_advisory_fails_advpub_build(tmp_path: Path, cli: Cli) -> None:
    repo = unreleasable_repo(tmp_path / "repo")
    (repo.path / "site").mkdir()
    (repo.path / "site" / "stale.html").write_text("old", encoding="utf-8")
    result = cli("build", cwd=repo.path)
    assert result.code == 1
    assert result.out == ""
    assert result.err == (
        f"advpub: error: refusing to build the site; fix or remove these advisories:\n  {REFUSAL}\n"
    )
    assert "Traceback" not in result.err
    assert not (repo.path / "site" / "advpub-build.json").exists()
    assert not (repo.path / "site" / "2026" / "ADV-2026-0009").exists()


def test_unreleasable_advisory_fails_mkdocs_build(tmp_path: Path) -> None:
    repo = unreleasable_repo(tmp_path / "repo")
    result = run_tool("mkdocs", "build", cwd=repo.path)
    assert result.returncode == 1
    assert "advpub: refusing to build the site; fix or remove these advisories:" in result.stderr
    assert REFUSAL in result.stderr
    assert not (repo.path / "site" / "2026" / "ADV-2026-0009").exists()


def test_invalid_advisory_fails_with_every_violation(tmp_path: Path, cli: Cli) -> None:
    repo = sample_repo(tmp_path / "repo")
    repo.write("advisories/2026/ADV-2026-0011.md", "---\nid: ADV-2026-0011\ntitle: x\n---\nbody\n")
    repo.write("advisories/2026/ADV-2026-0012.md", advisory_text("ADV-2026-0012", verified=False))
    result = cli("build", cwd=repo.path)
    assert result.code == 1
    lines = result.err.splitlines()
    assert lines[0] == "advpub: error: refusing to build the site; fix or remove these advisories:"
    assert (
        "  advisories/2026/ADV-2026-0011.md:2: summary: required key is missing; add a "
        "one-paragraph `summary:`" in lines
    )
    assert (
        "  advisories/2026/ADV-2026-0012.md: not releasable: fix not verified "
        "(fix.verified is false) and no approved early_release"
    ) in lines


def test_build_without_the_plugin_fails(tmp_path: Path, cli: Cli) -> None:
    repo = sample_repo(tmp_path / "repo")
    config = repo.path / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    # The whole advpub entry: its options and the publisher block under it.
    plugin = re.search(r"  - advpub:\n(?:      .*\n)+", text)
    assert plugin is not None and "timezone: Asia/Tokyo" in plugin.group(0)
    config.write_text(text.replace(plugin.group(0), ""), encoding="utf-8")
    # MkDocs alone must not produce a site: the nav names pages only the plugin generates.
    result = run_tool("mkdocs", "build", cwd=repo.path)
    assert result.returncode == 1, result.stderr
    assert (
        "A reference to 'index.md' is included in the 'nav' configuration, which is not found "
        "in the documentation files."
    ) in result.stderr
    build = cli("build", cwd=repo.path)
    assert build.code == 1
    assert "the `advpub` plugin is not enabled" in build.err


HOSTILE_BODY = """\
## Proof of concept <img src=x onerror=alert('heading')>

<script>alert('script')</script>
<p onmouseover="alert('handler')">hover</p>
<a href="javascript:alert('link')">click</a>
<iframe src="https://evil.example/"></iframe>
<svg><script>alert('svg')</script><circle onload="alert('svgload')"/></svg>
<img src="https://tracker.example/pixel.png">
<div id="__drawer" class="md-dialog">fake dialog</div>
<form action="https://evil.example/"><input name="x"></form>
<object data="x.swf"></object>
[md link](javascript:alert('mdlink'))

```html
<script>alert("code-block")</script>
```
"""


# Material's own (three inline helpers, the JSON config, the bundle) and advpub's search
# script (advpub-search.js, which runs Material's search worker through advpub's).
MATERIAL_SCRIPTS = 6
URL_ATTRIBUTES = ("href", "src", "action", "data")
FORBIDDEN_IN_ARTICLE = ("script", "iframe", "object", "embed", "form", "input", "svg")


class _ActiveContent(HTMLParser):
    """Collects every place in a page where markup could run code or load other hosts."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_article = False
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            scheme = (value or "").strip().lower()
            if name in URL_ATTRIBUTES and scheme.startswith(("javascript:", "data:", "vbscript:")):
                self.found.append(f"<{tag} {name}={value}>")
        if tag == "script":
            self.scripts += 1
        if tag == "article":
            self.in_article = True
        if self.in_article and tag in FORBIDDEN_IN_ARTICLE:
            self.found.append(f"<{tag}> in the article")
        if self.in_article and values.get("id", "").startswith("__"):
            self.found.append(f"<{tag} id={values['id']}> in the article")

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.in_article = False


def active_content(html: str, scripts: int = MATERIAL_SCRIPTS) -> list[str]:
    parser = _ActiveContent()
    parser.feed(html)
    if parser.scripts != scripts:
        parser.found.append(f"{parser.scripts} <script> elements")
    return parser.found


def test_hostile_markdown_is_neutralised(tmp_path: Path, cli: Cli) -> None:
    repo = sample_repo(tmp_path / "repo", samples=())
    write_sample(
        repo,
        Sample(
            "ADV-2026-0001",
            "<img src=x onerror=alert('title')> &lt;/title&gt;&lt;script&gt;",
            "2026-01-15T09:00:00+09:00",
            "affected:\n  - vendor: '<script>alert(\"vendor\")</script>'\n    product: P\n",
            HOSTILE_BODY,
        ),
    )
    assert cli("build", cwd=repo.path).code == 0
    site = repo.path / "site"
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        # The CSAF directory listings are plain pages without any script.
        scripts = 0 if ".well-known" in page.relative_to(site).parts else MATERIAL_SCRIPTS
        assert active_content(html, scripts) == [], page
        assert "tracker.example" not in html and "evil.example" not in html, page
    page = (site / "2026" / "ADV-2026-0001" / "index.html").read_text(encoding="utf-8")
    # Code stays visible as text.
    assert "&lt;script&gt;alert(&quot;code-block&quot;)&lt;/script&gt;" in page or (
        '&lt;script&gt;alert("code-block")&lt;/script&gt;' in page
    )
    body = page.split('<div class="advpub-body" lang="en">')[1].split("</article>")[0]
    assert "<div>fake dialog</div>" in body
    # Front matter values are escaped, in the content and in Material's own title/header.
    assert "&lt;img src=x onerror=alert(&#39;title&#39;)&gt;" in page.replace("&#x27;", "&#39;")
    assert "<title>ADV-2026-0001: &lt;img" in page
    assert "&amp;lt;/title&amp;gt;" in page
    assert (
        "&lt;script&gt;alert(&#34;vendor&#34;)" in page
        or "&lt;script&gt;alert(&quot;vendor" in page
    )
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert all("<script" not in d["title"] for d in index["docs"])


def write_draft(repo: Repo, key: Key, canary: str, ident: str = DRAFT_ID) -> None:
    text = advisory_text(
        ident,
        title=f"Embargoed {canary} remote code execution",
        release_date="2026-12-24T09:00:00+09:00",
        extra=f"cve:\n  - {DRAFT_CVE}\n",
        body=f"## Overview\n\n{canary} secret details.\n",
    )
    EmbargoStore(repo.path / "embargo", repo.path).write(
        ident, text, [RecipientEntry(key.public, "tester", 1)]
    )


def test_embargoed_canary_never_reaches_the_site(
    tmp_path: Path,
    cli: Cli,
    make_key: Callable[[str], Key],
    monkeypatch: pytest.MonkeyPatch,
    grep_tree: GrepTree,
) -> None:
    repo = sample_repo(tmp_path / "repo")
    key = make_key("coordinator")
    canary = f"CANARY-{uuid.uuid4().hex}"
    write_draft(repo, key, canary)
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(key.file))
    result = cli("build", cwd=repo.path)
    assert result.code == 0, result.err
    assert "(leak scan passed)" in result.out
    site = repo.path / "site"
    assert (site / "index.html").is_file()
    for needle in (canary, DRAFT_CVE, DRAFT_ID, "Embargoed"):
        assert grep_tree(site, needle) == []
    assert json.loads((site / "advpub-build.json").read_text())["leak_scan"] == "passed"


def test_leak_fails_the_build_and_deletes_the_site(
    tmp_path: Path, cli: Cli, make_key: Callable[[str], Key], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = sample_repo(tmp_path / "repo")
    key = make_key("coordinator")
    write_draft(repo, key, f"CANARY-{uuid.uuid4().hex}")
    write_sample(
        repo,
        Sample(
            "ADV-2026-0003",
            "Follow-up fix",
            "2026-05-01T09:00:00+09:00",
            body=f"## Overview\n\nRelated to {DRAFT_CVE}.\n",
            summary=f"A follow-up fix related to {DRAFT_CVE}.",
        ),
    )
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(key.file))
    result = cli("build", cwd=repo.path)
    site = repo.path / "site"
    assert result.code == 1
    first, *rest = result.err.splitlines()
    assert first == (
        f"advpub: error: the built site mentions embargoed drafts; deleted {site} so it "
        "cannot be deployed:"
    )
    assert (
        "  2026/ADV-2026-0003/index.html: mentions the CVE id of embargoed draft "
        f"{DRAFT_ID}; remove it until that advisory is released"
    ) in rest
    assert any(line.startswith("  search/search_index.json: mentions the CVE id") for line in rest)
    assert DRAFT_CVE not in result.err
    assert not site.exists()
    # The same under plain `mkdocs build` (the plugin scans in on_post_build).
    mk = run_tool("mkdocs", "build", cwd=repo.path, env={"ADVPUB_IDENTITY_FILE": str(key.file)})
    assert mk.returncode == 1
    assert "the built site mentions embargoed drafts; deleted" in mk.stderr
    assert not site.exists()


def test_only_advisories_and_images_are_published(tmp_path: Path, cli: Cli) -> None:
    linking = Sample(
        "ADV-2026-0001",
        "Example NAS: stored cross-site scripting in the file browser",
        "2026-02-03T09:00:00+09:00",
        body="## Overview\n\n![The attack](diagram.png)\n",
    )
    repo = sample_repo(tmp_path / "repo", samples=(linking,))
    repo.write("advisories/README.md", "# How to write advisories\n\nINTERNAL-NOTE\n")
    repo.write("advisories/2026/poc.html", "<script>alert('poc')</script>")
    repo.write("advisories/2026/poc.svg", "<svg><script>alert('svg')</script></svg>")
    (repo.path / "advisories" / "2026" / "diagram.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    refused = (
        "advpub: warning: advisories/2026/poc.html: not published (only advisories "
        "and .gif, .jpeg, .jpg, .png, .txt, .webp files are)\n"
        "advpub: warning: advisories/2026/poc.svg: not published (only advisories "
        "and .gif, .jpeg, .jpg, .png, .txt, .webp files are)\n"
    )
    # Under `strict: true` (the scaffold's default) such files stop the build...
    strict = cli("build", cwd=repo.path)
    assert strict.code == 1
    assert strict.err == refused + "advpub: error: Aborted with 2 warnings in strict mode!\n"
    # ...otherwise they are left out.
    config = repo.path / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("strict: true\n", ""), "utf-8")
    result = cli("build", cwd=repo.path)
    assert result.code == 0, result.err
    assert result.err == refused
    site = repo.path / "site"
    assert (site / "2026" / "diagram.png").is_file()
    assert not (site / "2026" / "poc.html").exists() and not (site / "2026" / "poc.svg").exists()
    assert not any(b"INTERNAL-NOTE" in p.read_bytes() for p in site.rglob("*") if p.is_file())


def test_secrets_fail_the_build_even_without_an_identity(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A token of the environment, or a private key pasted into an advisory, never reaches
    the site: the guard looks for secrets whether or not drafts can be read."""
    repo = sample_repo(tmp_path / "repo")
    token = "ghp_CanaryToken0123456789abcdef"
    monkeypatch.setenv("GITHUB_TOKEN", token)
    result = _build_with_body(repo, cli, f"Debug log: Authorization: token {token}")
    assert result.code == 1
    assert "2026/ADV-2026-0003/index.html: contains a secret ($GITHUB_TOKEN)" in result.err
    assert token not in result.err + result.out
    assert not (repo.path / "site").exists()
    monkeypatch.delenv("GITHUB_TOKEN")
    key_block = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n"
    result = _build_with_body(repo, cli, f"```\n{key_block}-----END OPENSSH PRIVATE KEY-----\n```")
    assert result.code == 1
    assert "contains a secret (a private key block)" in result.err
    assert "b3BlbnNzaC1rZXkt" not in result.err


def _build_with_body(repo: Repo, cli: Cli, text: str) -> CliResult:
    """Build the site with a released advisory whose body holds ``text``."""
    date = "2026-05-01T09:00:00+09:00"
    write_sample(
        repo, Sample("ADV-2026-0003", "Follow-up fix", date, body=f"## Overview\n\n{text}\n")
    )
    return cli("build", cwd=repo.path)
