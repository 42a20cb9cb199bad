"""The CLI skeleton, `advpub check`, `advpub schema`, `advpub init` and config loading."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from tests.conftest import CliResult, Repo, advisory_text, make_repo, run_advpub

from advpub.cli.main import COMMANDS
from advpub.config import load_settings
from advpub.errors import ConfigError
from advpub.model.frontmatter import load_front_matter

Cli = Callable[..., CliResult]
ROOT = Path(__file__).resolve().parents[2]


def test_version_and_help_list_every_command(cli: Cli) -> None:
    result = run_advpub("--version", cwd=ROOT)
    assert result.returncode == 0
    assert result.stdout.startswith("advpub ")
    result = run_advpub("--help", cwd=ROOT)
    assert result.returncode == 0
    for name in [
        "init",
        "keygen",
        "recipients",
        "import",
        "new",
        "edit",
        "show",
        "status",
        "release",
        "publish",
        "check",
        "build",
        "serve",
        "hooks",
        "export",
    ]:
        assert f"    {name} " in result.stdout
        assert name in COMMANDS


def test_check_ok_on_this_repository(cli: Cli) -> None:
    result = cli("check", cwd=ROOT)
    assert result.code == 0, result.out + result.err
    assert result.out.startswith("advpub check: OK (")


def test_check_reports_every_problem_in_every_file(cli: Cli, repo: Repo) -> None:
    repo.write("advisories/2026/ADV-2026-0001.md", advisory_text(extra="cve: [CVE-1]\n"))
    repo.write("advisories/2026/ADV-2026-0002.md", advisory_text(ident="ADV-2026-0002"))
    repo.write("advisories/2025/ADV-2026-0002.md", advisory_text(ident="ADV-2026-0002"))
    repo.write("advisories/2026/ADV-2026-0003.md", "no front matter\n")
    result = cli("check", cwd=repo.path)
    assert result.code == 1
    assert result.out.splitlines() == [
        "advisories/2026/ADV-2026-0001.md:9: cve[0]: 'CVE-1' is not a CVE id; use CVE-YYYY-NNNN",
        "advisories/2026/ADV-2026-0002.md: id: ADV-2026-0002 is also used by "
        "advisories/2025/ADV-2026-0002.md; give each advisory its own id",
        "advisories/2026/ADV-2026-0003.md:1: front matter: no YAML front matter; start the "
        "file with a line `---`, the keys, then a closing `---`",
    ]
    assert "3 problem(s) in 3 file(s)" in result.err


def test_check_json(cli: Cli, repo: Repo) -> None:
    repo.write("advisories/ADV-2026-0001.md", advisory_text(extra="bogus: 1\n"))
    result = cli("check", "--json", cwd=repo.path)
    assert result.code == 1
    assert json.loads(result.out) == {
        "violations": [
            {
                "path": "advisories/ADV-2026-0001.md",
                "line": 9,
                "field": "bogus",
                "rule": "unknown-key",
                "message": "unknown key; allowed: id, title, summary, release_date, fix, cve, "
                "cwe, aliases, cvss, affected, credits, references, early_release, "
                "waive_fix_verification, scope, tlp, lang, published, revisions, withdrawn, "
                "approvals, kind, informational, vendor_status, remediations, share_with, "
                "related, upstream",
            }
        ]
    }
    repo.write("advisories/ADV-2026-0001.md", advisory_text())
    result = cli("check", "--json", cwd=repo.path)
    assert result.code == 0
    assert json.loads(result.out) == {"violations": []}


def test_check_outside_a_repository(cli: Cli, tmp_path: Path) -> None:
    result = cli("check", cwd=tmp_path)
    assert result.code == 1
    assert result.err == (
        f"advpub: error: no mkdocs.yml in {tmp_path.resolve()} or any folder above it; cd "
        "into an advisory repository or create one with `advpub init DIR`\n"
    )


def test_schema_validates_the_samples_and_rejects_mistakes(cli: Cli) -> None:
    result = cli("schema", cwd=ROOT)
    assert result.code == 0
    schema = json.loads(result.out)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    translations = cli("schema", "--translation", cwd=ROOT)
    assert translations.code == 0
    translation_validator = jsonschema.Draft202012Validator(json.loads(translations.out))
    checked = {"advisory": 0, "translation": 0}
    for file in sorted((ROOT / "advisories").rglob("ADV-*.md")):
        data = load_front_matter(file.read_text(encoding="utf-8")).data
        # ADV-2026-0011.en.md is a linked translation: its own schema.
        kind = "translation" if len(file.name.split(".")) == 3 else "advisory"
        checker = translation_validator if kind == "translation" else validator
        assert [e.message for e in checker.iter_errors(data)] == [], file
        checked[kind] += 1
    assert checked["translation"] >= 1 and checked["advisory"] >= 5
    # A translation without its own title is refused; a full advisory is not a translation
    # of nothing (it lacks `lang`).
    assert not translation_validator.is_valid({"id": "ADV-2026-0011", "lang": "en", "summary": "s"})
    bad = {
        "id": "x",
        "title": "t",
        "summary": "s",
        "release_date": "2026-01-01",
        "fix": {"verified": True},
        "fix_verifed": True,
    }
    assert not validator.is_valid(bad)


def test_commands_not_yet_available_exit_2_without_traceback(cli: Cli) -> None:
    for name, (module, _) in COMMANDS.items():
        text = Path(module.replace(".", "/") + ".py")
        source = (ROOT / "src" / text).read_text(encoding="utf-8")
        if "not_available(" in source:
            result = cli(name, cwd=ROOT)
            assert result.code == 2
            assert "is not available yet" in result.err
            assert "Traceback" not in result.err


def test_internal_errors_exit_3_and_hide_the_message(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import advpub.cli.cmd_check as check

    def boom(args: object) -> int:
        raise RuntimeError("SECRET-CANARY")

    monkeypatch.setattr(check, "run", boom)
    result = cli("check", cwd=ROOT)
    assert result.code == 3
    assert "SECRET-CANARY" not in result.err
    assert "internal error (RuntimeError)" in result.err
    result = cli("-v", "check", cwd=ROOT)
    assert "Traceback" in result.err


def test_init_scaffolds_and_never_overwrites(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "new"
    result = cli(
        "init",
        str(target),
        "--timezone",
        "Asia/Tokyo",
        "--language",
        "ja",
        "--site-url",
        "https://sec.example.jp/",
        "--site-name",
        "例のアドバイザリ",
        "--publisher-name",
        "例示 CSIRT",
        "--publisher-namespace",
        "https://www.example.jp",
        "--publisher-contact",
        "psirt@example.jp",
        cwd=tmp_path,
    )
    assert result.code == 0, result.err
    assert (target / ".git").is_dir()
    assert "wrote mkdocs.yml" in result.out
    settings = load_settings(target)
    assert settings.timezone == ZoneInfo("Asia/Tokyo")
    assert settings.language == "ja"
    assert settings.site_url == "https://sec.example.jp/"
    assert settings.site_name == "例のアドバイザリ"
    assert (settings.publisher.name, settings.publisher.namespace) == (
        "例示 CSIRT",
        "https://www.example.jp",
    )
    assert settings.publisher.contact == "psirt@example.jp"
    assert cli("check", cwd=target).code == 0
    (target / "mkdocs.yml").write_text("site_name: mine\n", encoding="utf-8")
    again = cli("init", str(target), cwd=tmp_path)
    assert again.code == 0
    assert "kept existing mkdocs.yml" in again.out
    assert (target / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: mine\n"


def test_init_refuses_bad_options(cli: Cli, tmp_path: Path) -> None:
    result = cli("init", str(tmp_path / "x"), "--timezone", "Mars/Olympus", cwd=tmp_path)
    assert result.code == 1
    assert result.err == (
        "advpub: error: --timezone: unknown time zone 'Mars/Olympus'; use an IANA name such "
        "as Asia/Tokyo or UTC\n"
    )
    assert not (tmp_path / "x").exists()


def test_config_errors_name_the_option(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    config = repo.path / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "timezone: UTC", "timezone: Nowhere/City\n      id_pattern: '(['"
        ),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_settings(repo.path)
    assert str(info.value) == (
        "mkdocs.yml: plugins.advpub.timezone: unknown time zone 'Nowhere/City'; use an IANA "
        "name such as Asia/Tokyo or UTC\n"
        "mkdocs.yml: plugins.advpub.id_pattern: not a regular expression (unterminated "
        "character set at position 1)"
    )


def test_config_without_plugin_and_with_python_tags(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    (repo.path / "mkdocs.yml").write_text("site_name: x\ndocs_dir: advisories\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="the `advpub` plugin is not enabled"):
        load_settings(repo.path)
    (repo.path / "mkdocs.yml").write_text(
        "site_name: x\ndocs_dir: advisories\nplugins:\n  - advpub:\n      timezone: Asia/Tokyo\n"
        "markdown_extensions:\n  - pymdownx.superfences:\n      custom_fences:\n"
        "        - name: mermaid\n          class: mermaid\n"
        "          format: !!python/name:pymdownx.superfences.fence_code_format\n",
        encoding="utf-8",
    )
    settings = load_settings(repo.path / "advisories")
    assert settings.root == repo.path.resolve()
    assert settings.timezone_name == "Asia/Tokyo"


def test_now_override_env_and_flag(cli: Cli, repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    from advpub.cli.common import resolve_now

    monkeypatch.setenv("ADVPUB_NOW", "2026-06-01T09:00:00+09:00")
    assert resolve_now() == datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
    monkeypatch.setenv("ADVPUB_NOW", "2026-06-01T09:00:00")
    result = cli("check", cwd=repo.path)
    assert result.code == 1
    assert "ADVPUB_NOW: '2026-06-01T09:00:00' has no UTC offset" in result.err


def test_git_repository_created_by_init(tmp_path: Path, cli: Cli) -> None:
    cli("init", str(tmp_path / "g"), cwd=tmp_path)
    top = subprocess.run(
        ["git", "-C", str(tmp_path / "g"), "rev-parse", "--show-toplevel"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(top) == (tmp_path / "g").resolve()


def test_missing_docs_dir_is_a_clean_config_error(cli: Cli, repo: Repo) -> None:
    (repo.path / "mkdocs.yml").write_text(
        "site_name: x\ndocs_dir: nope\nplugins:\n  - advpub\n", encoding="utf-8"
    )
    result = cli("check", cwd=repo.path)
    assert result.code == 1
    assert result.err == (
        f"advpub: error: {repo.path.resolve()}/mkdocs.yml: Config value 'docs_dir': The path "
        f"'{repo.path.resolve()}/nope' isn't an existing directory.\n"
    )


def test_only_the_named_command_module_is_imported() -> None:
    code = (
        "import sys; from advpub.cli.main import main; main(['schema']);"
        "assert 'advpub.cli.cmd_release' not in sys.modules, 'release imported';"
        "assert 'git' not in sys.modules, 'GitPython imported'"
    )
    import sys as _sys

    result = subprocess.run(
        [_sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
