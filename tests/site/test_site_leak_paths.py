"""Paths by which files could reach the site without the release gate (issue #14): links
under advisories/, unlinked media, include extensions, a build without the plugin, files
that skip the plugin, and advisory fields written into the search index unescaped."""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, get_files

from advpub.checks.site_files import sentinel_problem
from advpub.config import load_settings
from advpub.corpus import load_corpus
from advpub.layout import SENTINEL_BYTES, SENTINEL_NAME
from advpub.scaffold import ScaffoldOptions, scaffold_files
from advpub.site.search import merge_entries, search_entry
from advpub.site.sources import config_problems
from tests.conftest import CliResult, Repo
from tests.site.site_support import NOW, Sample, run_tool, sample_repo

Cli = Callable[..., CliResult]

RULE = "advpub publishes only regular files under advisories/"
SENTINEL = f"advisories/{SENTINEL_NAME}"
RESTORE = (
    "run `advpub init .` in the folder of mkdocs.yml to restore it (it only adds missing files)"
)


@pytest.fixture(autouse=True)
def _now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)


def site_bytes(site: Path) -> bytes:
    """Every byte of every file under ``site`` (nothing when it does not exist)."""
    if not site.exists():
        return b""
    return b"".join(p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file())


def without_plugin(repo: Repo) -> None:
    """Remove the `- advpub:` entry (and its settings) from mkdocs.yml."""
    config = repo.path / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    stripped = re.sub(r"  - advpub:\n(?:      .*\n)*", "", text)
    assert stripped != text
    config.write_text(stripped, encoding="utf-8")


# -- item 1: symbolic and hard links ---------------------------------------------------------


def test_links_under_advisories_fail_the_build_and_publish_nothing(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path / "repo")
    canary = f"CANARY-{uuid.uuid4().hex}"
    advisories = repo.path / "advisories"
    (advisories / "env.txt").symlink_to("/proc/self/environ")
    (advisories / "2026" / "cfg.txt").symlink_to("../../.git/config")
    (advisories / "2025" / "git").symlink_to("../../.git", target_is_directory=True)
    notes = repo.write("notes.txt", f"internal {canary}\n")
    os.link(notes, advisories / "2026" / "notes.txt")

    result = run_tool("mkdocs", "build", cwd=repo.path, env={"ADVPUB_TEST_SECRET": canary})

    assert result.returncode == 1
    assert (
        "ERROR   -  advpub: refusing to build the site:\n"
        f"  advisories/2025/git: a symbolic link; {RULE} — replace it with the file itself "
        "or remove it\n"
        f"  advisories/2026/cfg.txt: a symbolic link; {RULE} — replace it with the file "
        "itself or remove it\n"
        f"  advisories/2026/notes.txt: a hard link (2 names for one file); {RULE} — replace "
        "it with a copy of its own or remove it\n"
        f"  advisories/env.txt: a symbolic link; {RULE} — replace it with the file itself "
        "or remove it\n"
    ) in result.stderr
    published = site_bytes(repo.path / "site")
    assert canary.encode() not in published
    assert b"repositoryformatversion" not in published
    assert not (repo.path / "site" / "env.txt").exists()


# -- item 4a: media only when a released advisory links to them ----------------------------


def test_media_are_published_only_when_a_released_advisory_links_to_them(tmp_path: Path) -> None:
    linking = Sample(
        "ADV-2026-0001",
        "Example NAS: stored cross-site scripting in the file browser",
        "2026-02-03T09:00:00+09:00",
        body="## Proof of concept\n\nSee [the PoC](poc-linked.txt) and ![shot][s].\n\n"
        "[s]: ../shots/screen%20one.png\n",
    )
    repo = sample_repo(tmp_path / "repo", samples=(linking,))
    repo.write("advisories/2026/poc-linked.txt", "curl -d x http://target/\n")
    repo.write("advisories/shots/screen one.png", "PNG")
    repo.write("advisories/2026/poc-unlinked.txt", "exploit for a future advisory\n")
    # A link from a page that is not an advisory does not count.
    repo.write("advisories/README.md", "[x](2026/poc-readme.txt)\n")
    repo.write("advisories/2026/poc-readme.txt", "linked from the README only\n")

    result = run_tool("mkdocs", "build", cwd=repo.path)

    assert result.returncode == 0, result.stderr
    for name in ("2026/poc-unlinked.txt", "2026/poc-readme.txt"):
        assert (
            f"INFO    -  advpub: advisories/{name}: not published (no released advisory "
            "links to it)\n"
        ) in result.stderr
    site = repo.path / "site"
    assert (site / "2026" / "poc-linked.txt").is_file()
    assert (site / "shots" / "screen one.png").is_file()
    assert not (site / "2026" / "poc-unlinked.txt").exists()
    assert not (site / "2026" / "poc-readme.txt").exists()
    assert b"exploit for a future advisory" not in site_bytes(site)


# -- item 7: extensions and plugins that include files -------------------------------------


def test_include_extensions_are_refused(tmp_path: Path, cli: Cli) -> None:
    sample = Sample(
        "ADV-2026-0001",
        "Example NAS: stored cross-site scripting in the file browser",
        "2026-02-03T09:00:00+09:00",
        body='## Overview\n\n--8<-- ".git/config"\n',
    )
    repo = sample_repo(tmp_path / "repo", samples=(sample,))
    config = repo.path / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text + "markdown_extensions:\n  - pymdownx.snippets\n", encoding="utf-8")

    mk = run_tool("mkdocs", "build", "--no-strict", cwd=repo.path)
    result = cli("build", cwd=repo.path)

    message = (
        "mkdocs.yml: markdown_extensions: pymdownx.snippets: includes other files into pages, "
        "bypassing the release gate; remove it from markdown_extensions"
    )
    assert mk.returncode == 1
    assert message in mk.stderr
    assert result.code == 1
    assert result.err == f"advpub: error: {message}\n"
    assert b"repositoryformatversion" not in site_bytes(repo.path / "site")


def test_include_plugins_hooks_and_serve_only_settings_are_refused(tmp_path: Path) -> None:
    docs = tmp_path / "advisories"
    config = {
        "markdown_extensions": ["toc", "markdown_include.include", "mdx_include", "pymdownx.b64"],
        "plugins": {
            "search": None,
            "macros": None,
            "include-markdown": None,
            "mkdocs-simple-hooks": None,
            "gen-files": None,
        },
        "hooks": ["hooks/pages.py"],
        "draft_docs": "drafts/\n",
        "extra_templates": ["sitemap-extra.html"],
        "theme": SimpleNamespace(custom_dir=str(docs / "overrides")),
    }
    gate = "bypassing the release gate"
    assert config_problems(config, docs, "advisories") == [
        "mkdocs.yml: markdown_extensions: markdown_include.include: includes other files "
        f"into pages, {gate}; remove it from markdown_extensions",
        "mkdocs.yml: markdown_extensions: mdx_include: includes other files into pages, "
        f"{gate}; remove it from markdown_extensions",
        "mkdocs.yml: markdown_extensions: pymdownx.b64: includes other files into pages, "
        f"{gate}; remove it from markdown_extensions",
        f"mkdocs.yml: plugins: macros: includes files into pages or generates pages, {gate}; "
        "remove it from plugins",
        "mkdocs.yml: plugins: include-markdown: includes files into pages or generates pages, "
        f"{gate}; remove it from plugins",
        "mkdocs.yml: plugins: mkdocs-simple-hooks: includes files into pages or generates "
        f"pages, {gate}; remove it from plugins",
        "mkdocs.yml: plugins: gen-files: includes files into pages or generates pages, "
        f"{gate}; remove it from plugins",
        "mkdocs.yml: hooks: hooks/pages.py: runs code that can change pages and files, "
        f"{gate}; remove it from hooks",
        "mkdocs.yml: draft_docs: drafts are served by `mkdocs serve` without the release "
        "gate; remove draft_docs (embargoed advisories belong encrypted under embargo/)",
        "mkdocs.yml: extra_templates: sitemap-extra.html: renders a file of advisories/ as a "
        f"page, {gate}; remove it from extra_templates",
        f"mkdocs.yml: theme.custom_dir: {docs / 'overrides'} is inside advisories/, whose "
        f"files would be published as theme files, {gate}; move it out of advisories/",
    ]


# -- item 11: a build without the plugin ---------------------------------------------------


@pytest.mark.parametrize("flags", [["-q"], ["--no-strict"], [], ["-q", "--no-strict"]])
def test_a_build_without_the_plugin_fails_and_leaves_no_output(
    tmp_path: Path, flags: list[str]
) -> None:
    repo = sample_repo(tmp_path / "repo")
    canary = f"CANARY-{uuid.uuid4().hex}"
    repo.write(
        "advisories/2026/ADV-2026-0009.md",
        f"---\nid: ADV-2026-0009\ntitle: {canary}\nrelease_date: 2027-01-01\n---\n{canary}\n",
    )
    repo.write("advisories/_pending/ADV-2026-0010.md", f"# {canary}\n")
    without_plugin(repo)
    site = repo.path / "site"
    site.mkdir()
    (site / "stale.html").write_text("old", encoding="utf-8")

    result = run_tool("mkdocs", "build", *flags, cwd=repo.path)

    assert result.returncode == 1
    assert f"Error reading page '{SENTINEL_NAME}'" in result.stderr
    # MkDocs emptied the folder and wrote nothing: no page, no advisory text.
    assert list(site.rglob("*")) == []


def test_the_sentinel_is_scaffolded_and_its_loss_is_refused(tmp_path: Path, cli: Cli) -> None:
    assert scaffold_files(ScaffoldOptions())[SENTINEL] == SENTINEL_BYTES
    # This repository's own site keeps one too.
    assert sentinel_problem(Path(__file__).resolve().parents[2] / "advisories") is None

    repo = sample_repo(tmp_path / "repo")
    (repo.path / SENTINEL).write_text("harmless text\n", encoding="utf-8")
    weakened = "a build without the advpub plugin (and its release gate) would not fail"
    assert cli("build", cwd=repo.path).err == (
        "advpub: error: refusing to build the site:\n"
        f"  {SENTINEL}: readable as text, so {weakened}; delete it and {RESTORE}\n"
    )
    (repo.path / SENTINEL).unlink()
    built = cli("build", cwd=repo.path)
    assert built.code == 1
    assert built.err == (
        "advpub: error: refusing to build the site:\n"
        f"  {SENTINEL}: missing, so {weakened}; {RESTORE}\n"
    )
    checked = cli("check", cwd=repo.path)
    assert checked.code == 1
    assert f"{SENTINEL}: file: missing, so {weakened}; {RESTORE}\n" in checked.out
    assert cli("init", ".", cwd=repo.path).code == 0
    assert (repo.path / SENTINEL).read_bytes() == SENTINEL_BYTES
    assert cli("build", cwd=repo.path).code == 0


# -- item 16: draft_docs and every other way around the plugin -----------------------------


def test_files_that_skip_the_plugin_never_reach_the_site(tmp_path: Path, cli: Cli) -> None:
    repo = sample_repo(tmp_path / "repo")
    repo.write("advisories/_drafts/ADV-2026-0042.md", "# an embargoed draft in plaintext\n")
    repo.write("advisories/_notes/plan.md", "# coordination notes\n")
    repo.write("advisories/_notes/poc.txt", "exploit\n")
    config = repo.path / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text + "draft_docs: _drafts/\n", encoding="utf-8")
    result = cli("build", cwd=repo.path)
    assert result.code == 1
    assert result.err == (
        "advpub: error: mkdocs.yml: draft_docs: drafts are served by `mkdocs serve` without "
        "the release gate; remove draft_docs (embargoed advisories belong encrypted under "
        "embargo/)\n"
    )

    # Excluded and not-in-nav files leave the build (MkDocs serves some of them live).
    config.write_text(
        text + "exclude_docs: _drafts/\nnot_in_nav: _notes/\n",
        encoding="utf-8",
    )
    mkdocs_config = load_config(str(config))
    mkdocs_config = mkdocs_config.plugins.on_config(mkdocs_config)
    mkdocs_config.plugins.on_pre_build(config=mkdocs_config)
    files = get_files(mkdocs_config)
    assert files.get_file_from_path("_drafts/ADV-2026-0042.md") is not None
    files = mkdocs_config.plugins.on_files(files, config=mkdocs_config)
    docs = Path(mkdocs_config["docs_dir"])
    from_docs = sorted(
        f.src_uri for f in files if f.abs_src_path and Path(f.abs_src_path).is_relative_to(docs)
    )
    assert from_docs == [
        "2025/ADV-2025-0001.md",
        "2026/ADV-2026-0001.md",
        "2026/ADV-2026-0002.md",
    ]
    # A file another plugin adds after advpub chose is refused before anything is written.
    files.append(File("_notes/plan.md", str(docs), mkdocs_config["site_dir"], False))
    plugin = mkdocs_config.plugins["advpub"]
    with pytest.raises(PluginError) as refused:
        plugin.on_env(None, config=mkdocs_config, files=files)
    assert str(refused.value) == (
        "advpub: refusing to build the site: another plugin added these files of advisories/ "
        "after advpub chose what is published: advisories/_notes/plan.md; remove that plugin "
        "from mkdocs.yml"
    )


# -- item 3: advisory fields in the search index -------------------------------------------


def test_search_index_tags_are_escaped(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path / "repo")
    corpus = load_corpus(load_settings(repo.path))
    hostile = "JVNVU#1<img src=x onerror=alert(1)>"
    # Built directly: the model may refuse such an alias when it parses one.
    adv = replace(corpus.advisories[0], aliases=(hostile,))
    site = tmp_path / "site"
    index = site / "search" / "search_index.json"
    index.parent.mkdir(parents=True)
    index.write_text(json.dumps({"config": {}, "docs": []}), encoding="utf-8")

    assert merge_entries(site, [search_entry(adv, "2026/x/")])

    written = index.read_text(encoding="utf-8")
    assert "<img" not in written
    tags = json.loads(written)["docs"][0]["tags"]
    assert "JVNVU#1&lt;img src=x onerror=alert(1)&gt;" in tags
