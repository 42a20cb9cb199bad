"""Issue #18: `share_with` names who worked on a case; it is never published. The release
drops it from the public file, so no page, feed or export can carry it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from advpub.pipeline.published_text import without_draft_keys
from tests.conftest import CliResult, Key, Repo, advisory_text

Cli = Callable[..., CliResult]
IDENT = "ADV-2020-0007"
# A recipient name used only in share_with: grep every output for it.
CANARY = "vendor-canary-e4d2b9"


def test_released_file_site_feeds_and_exports_never_name_who_it_was_shared_with(
    repo: Repo,
    make_key: Callable[[str], Key],
    cli: Cli,
    grep_tree: Callable[[Path, str], list[Path]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    alice, vendor = make_key("alice"), make_key("vendor")
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(alice.file))
    repo.write("embargo/recipients.txt", f"{alice.public} alice\n")
    added = cli("recipients", "add", vendor.public, "--name", CANARY, "--case-only", cwd=repo.path)
    assert added.code == 0, added.err
    text = advisory_text(
        IDENT,
        release_date="2020-03-01T00:00:00Z",
        extra="cve:\n  - CVE-2020-12345\n# reviewed by the vendor\nshare_with:\n"
        f"  - {CANARY}\nreferences:\n  - url: https://example.org/a\n"
        "affected:\n  - vendor: Example\n    product: Router\n    versions: '< 2.0'\n",
    )
    source = repo.write(f"import/{IDENT}.md", text)
    assert cli("import", str(source), "--remove", cwd=repo.path).code == 0
    released = cli("release", cwd=repo.path)
    assert released.code == 0, released.err
    public = (repo.path / f"advisories/2020/{IDENT}.md").read_text(encoding="utf-8")
    assert CANARY not in public
    assert "share_with" not in public
    # Only the key went: its neighbours, comments included, are untouched.
    assert "# reviewed by the vendor\nreferences:\n  - url: https://example.org/a\n" in public
    built = cli("build", cwd=repo.path)
    assert built.code == 0, built.err
    exports = tmp_path / "exports"
    for fmt in ("osv", "csaf", "cve"):
        done = cli("export", fmt, IDENT, "-o", str(exports / fmt), cwd=repo.path)
        assert done.code == 0, done.err
        assert CANARY not in done.out + done.err
    site = repo.path / "site"
    assert (site / "feed.xml").is_file() or list(site.rglob("*.xml"))
    assert list(site.rglob(f"*{IDENT}*"))  # the advisory is on the site
    assert grep_tree(site, CANARY) == []
    assert grep_tree(exports, CANARY) == []
    assert grep_tree(repo.path / "advisories", CANARY) == []
    for result in (released, built):
        assert CANARY not in result.out + result.err


def test_without_draft_keys_handles_flow_block_and_column_zero_lists() -> None:
    head = "---\nid: X\nshare_with: [a, b]\ntitle: T\n---\nbody share_with: [a]\n"
    assert without_draft_keys(head) == "---\nid: X\ntitle: T\n---\nbody share_with: [a]\n"
    block = "---\nid: X\nshare_with:\n- a\n- b\ntitle: T\n---\n"
    assert without_draft_keys(block) == "---\nid: X\ntitle: T\n---\n"
    indented = "---\r\nshare_with:\r\n  - a\r\ntitle: T\r\n---\r\n"
    assert without_draft_keys(indented) == "---\r\ntitle: T\r\n---\r\n"


def test_a_public_file_with_share_with_is_refused(repo: Repo, cli: Cli) -> None:
    text = advisory_text(
        IDENT, release_date="2020-03-01T00:00:00Z", extra=f"share_with: [{CANARY}]\n"
    )
    repo.write(f"advisories/2020/{IDENT}.md", text)
    checked = cli("check", cwd=repo.path)
    assert checked.code == 1
    assert (
        f"advisories/2020/{IDENT}.md: share_with: is for drafts only and is never published; "
        "remove it" in checked.out
    )
    built = cli("build", cwd=repo.path)
    assert built.code != 0
    assert grep_site(repo.path / "site", CANARY) == []


def grep_site(site: Path, needle: str) -> list[Path]:
    if not site.is_dir():
        return []
    return [p for p in site.rglob("*") if p.is_file() and needle.encode() in p.read_bytes()]
