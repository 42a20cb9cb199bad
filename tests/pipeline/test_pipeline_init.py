"""``advpub init``: the full scaffold, hooks, idempotence, never overwriting; check and build
pass on the result and the READMEs never become pages."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from advpub.git.hooks import MARKER
from advpub.scaffold import ADVISORIES_README, EMBARGO_README, ci_template
from tests.conftest import CliResult, require_tool

Cli = Callable[..., CliResult]

FIRST_RUN = [
    "wrote mkdocs.yml",
    "wrote advisories/_advpub-plugin-required.md",
    "wrote embargo/recipients.txt",
    "wrote .gitignore",
    "wrote advisories/README.md",
    "wrote embargo/README.md",
    "wrote .github/workflows/publish.yml",
    "wrote .gitlab-ci.yml",
    "wrote .gitattributes",
    "hook pre-commit: installed",
    "hook commit-msg: installed",
    "hook pre-push: installed",
    "next: `advpub keygen`, `advpub recipients add KEY --name NAME`, then `advpub new`",
]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(folder).parts[:1]
    }


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=False)


def test_init_writes_the_full_scaffold_and_installs_hooks(tmp_path: Path, cli: Cli) -> None:
    require_tool("git")
    target = tmp_path / "advisories-repo"
    result = cli("init", str(target), "--timezone", "Asia/Tokyo")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        f"initialised a git repository in {target}",
        *FIRST_RUN[:-1],
        "committed the scaffold: Start the advisory repository",
        FIRST_RUN[-1],
    ]
    # The scaffold is committed: a later `advpub publish` finds a clean tree.
    assert _git(target, "status", "--porcelain").stdout == ""
    assert _git(target, "log", "--format=%s").stdout == "Start the advisory repository\n"
    assert (target / "advisories" / "README.md").read_text(encoding="utf-8") == ADVISORIES_README
    assert (target / "embargo" / "README.md").read_text(encoding="utf-8") == EMBARGO_README
    assert (target / ".github/workflows/publish.yml").read_text(encoding="utf-8") == ci_template(
        "github-publish.yml"
    )
    assert (target / ".gitlab-ci.yml").read_text(encoding="utf-8") == ci_template("gitlab-ci.yml")
    assert (target / ".gitattributes").read_text(encoding="utf-8") == (
        "embargo/*.age diff=advpub -text\n"
    )
    for hook in ("pre-commit", "commit-msg", "pre-push"):
        assert MARKER in (target / ".git" / "hooks" / hook).read_text(encoding="utf-8")
    assert "advpub show --textconv" in _git(target, "config", "diff.advpub.textconv").stdout
    ignored = [
        "site/index.html",
        "public/index.html",
        "identity.txt",
        "ci-identity.txt",
        "k.agekey",
    ]
    checked = _git(target, "check-ignore", "--no-index", *ignored).stdout.splitlines()
    assert checked == ignored
    assert _git(target, "check-ignore", "--no-index", "embargo/ADV-2026-0001.md.age").stdout == ""


def test_init_again_keeps_everything_and_changes_nothing(tmp_path: Path, cli: Cli) -> None:
    require_tool("git")
    target = tmp_path / "repo"
    assert cli("init", str(target)).code == 0
    before = _snapshot(target)
    hooks_before = {p.name: p.read_bytes() for p in (target / ".git" / "hooks").iterdir()}
    again = cli("init", str(target))
    assert again.code == 0, again.err
    assert again.out.splitlines() == [
        line.replace("wrote ", "kept existing ").replace(
            ": installed", ": already installed (refreshed)"
        )
        for line in FIRST_RUN
    ]
    assert _snapshot(target) == before
    assert {p.name: p.read_bytes() for p in (target / ".git" / "hooks").iterdir()} == hooks_before


def test_init_never_overwrites_existing_files(tmp_path: Path, cli: Cli) -> None:
    require_tool("git")
    target = tmp_path / "existing"
    target.mkdir()
    assert _git(target, "init", "-q").returncode == 0
    own = {
        ".gitignore": "node_modules/\n",
        ".github/workflows/publish.yml": "name: our own workflow\n",
        ".gitattributes": "*.png binary\n",
        "advisories/README.md": "Our own words.\n",
    }
    for rel, text in own.items():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_text(text, encoding="utf-8")
    # A foreign hook is kept and runs first.
    foreign = target / ".git" / "hooks" / "pre-commit"
    foreign.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    foreign.chmod(0o755)
    result = cli("init", str(target))
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    for rel in (".gitignore", ".github/workflows/publish.yml", "advisories/README.md"):
        assert f"kept existing {rel}" in lines
        assert (target / rel).read_text(encoding="utf-8") == own[rel]
    assert "wrote .gitlab-ci.yml" in lines
    assert "added `embargo/*.age diff=advpub -text` to the existing .gitattributes" in lines
    assert (target / ".gitattributes").read_text(encoding="utf-8") == (
        "*.png binary\nembargo/*.age diff=advpub -text\n"
    )
    assert "hook pre-commit: installed; the existing hook runs first as pre-commit.legacy" in lines
    assert (target / ".git" / "hooks" / "pre-commit.legacy").read_text(encoding="utf-8") == (
        "#!/bin/sh\nexit 0\n"
    )


def test_check_and_build_pass_after_init_and_readmes_are_not_pages(
    tmp_path: Path, cli: Cli, grep_tree: Callable[[Path, str], list[Path]]
) -> None:
    require_tool("git")
    target = tmp_path / "fresh"
    assert cli("init", str(target), "--language", "ja").code == 0
    checked = cli("check", cwd=target)
    assert checked.code == 0, checked.out + checked.err
    built = cli("build", cwd=target)
    assert built.code == 0, built.out + built.err
    site = target / "site"
    assert (site / "index.html").is_file()
    assert not list(site.rglob("README*"))
    assert grep_tree(site, "脆弱性情報")  # the grep does find what is there (the ja site name)
    # The README's words reach neither a page nor the search index.
    assert grep_tree(site, "Do not write advisories here by hand") == []
    assert grep_tree(site, "Embargoed drafts") == []


def test_init_with_a_foreign_mkdocs_yml_keeps_it_and_leaves_hooks_for_later(
    tmp_path: Path, cli: Cli
) -> None:
    require_tool("git")
    target = tmp_path / "docs-site"
    target.mkdir()
    (target / "mkdocs.yml").write_text("site_name: ours\n", encoding="utf-8")
    result = cli("init", str(target))
    assert result.code == 0
    assert "kept existing mkdocs.yml" in result.out
    assert result.err.startswith("advpub: note: hooks and .gitattributes not installed: ")
    assert result.err.endswith("; fix it, then run `advpub hooks install`\n")
    assert (target / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: ours\n"
    assert not (target / ".git" / "hooks" / "pre-commit").exists()


PLACEHOLDER_PROBLEMS = [
    "mkdocs.yml: plugins.advpub.publisher.name: missing or the placeholder "
    '"Example Coordination Center"; set the name of your organisation: feeds and CSAF '
    "documents publish it (site_url is set)",
    "mkdocs.yml: plugins.advpub.publisher.namespace: missing or the placeholder "
    "https://example.org; set your organisation's web address (https://...): feeds and CSAF "
    "documents publish it (site_url is set)",
]


def test_init_without_a_publisher_then_check_and_build_refuse_to_publish(
    tmp_path: Path, cli: Cli
) -> None:
    require_tool("git")
    target = tmp_path / "nopub"
    result = cli("init", str(target), "--site-url", "https://sec.example.jp/")
    assert result.code == 0, result.err
    assert result.err == (
        "advpub: note: no --publisher-name, --publisher-namespace, --publisher-contact: set "
        "plugins.advpub.publisher in mkdocs.yml before publishing (with site_url set, "
        "`advpub check` and `advpub build` refuse feeds and CSAF without a publisher)\n"
    )
    checked = cli("check", cwd=target)
    assert checked.code == 1
    assert checked.out.splitlines() == PLACEHOLDER_PROBLEMS
    built = cli("build", cwd=target)
    assert built.code == 1
    first, *rest = PLACEHOLDER_PROBLEMS
    assert built.err.splitlines() == [f"advpub: error: {first}", *rest]
    assert not (target / "site" / "feed.xml").exists()


def test_the_placeholder_written_by_hand_is_refused_too(tmp_path: Path, cli: Cli) -> None:
    require_tool("git")
    target = tmp_path / "handmade"
    result = cli(
        "init",
        str(target),
        "--site-url",
        "https://sec.example.jp/",
        "--publisher-name",
        "Example Coordination Center",
        "--publisher-namespace",
        "https://example.org/",
        "--publisher-contact",
        "psirt@example.org",
    )
    assert result.code == 0, result.err
    checked = cli("check", cwd=target)
    assert checked.code == 1
    assert checked.out.splitlines() == PLACEHOLDER_PROBLEMS


def test_init_with_a_publisher_writes_it_and_a_localised_site_name(
    tmp_path: Path, cli: Cli
) -> None:
    require_tool("git")
    target = tmp_path / "ja"
    result = cli(
        "init",
        str(target),
        "--language",
        "ja",
        "--site-url",
        "https://sec.example.jp/",
        "--publisher-name",
        "例示 CSIRT",
        "--publisher-namespace",
        "https://www.example.jp",
        "--publisher-contact",
        "psirt@example.jp",
    )
    assert result.code == 0, result.err
    assert result.err == ""
    text = (target / "mkdocs.yml").read_text(encoding="utf-8")
    assert text.startswith('site_name: "脆弱性情報"\n')
    assert (
        "      publisher:\n"
        '        name: "例示 CSIRT"\n'
        '        namespace: "https://www.example.jp"\n'
        '        contact: "psirt@example.jp"\n'
    ) in text
    checked = cli("check", cwd=target)
    assert checked.code == 0, checked.out + checked.err
    built = cli("build", cwd=target)
    assert built.code == 0, built.err
    feed = (target / "site" / "feed.xml").read_text(encoding="utf-8")
    assert "<name>例示 CSIRT</name>" in feed
    assert "脆弱性情報 のセキュリティアドバイザリ" in feed
    assert "Example Coordination Center" not in feed


def test_init_refuses_a_publisher_namespace_that_is_no_address(tmp_path: Path, cli: Cli) -> None:
    result = cli("init", str(tmp_path / "x"), "--publisher-namespace", "example.jp")
    assert result.code == 1
    assert result.err == (
        "advpub: error: --publisher-namespace: 'example.jp' must be a web address starting "
        "with https://\n"
    )
