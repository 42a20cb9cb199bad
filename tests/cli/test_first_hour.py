"""A coordinator's first hour (issue 16): the template of `advpub new`, `show` of a released
advisory, help with examples, usage errors per command, `recipients add` of a missing file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import CliResult, Key, advisory_text, make_repo
from tests.embargo.embargo_support import script, set_recipients

from advpub.cli.main import COMMANDS, EXAMPLES

Cli = Callable[..., CliResult]

JA_SECTIONS = (
    "## 概要\n\n## 影響を受けるシステム\n\n## 想定される影響\n\n## 対策方法\n\n"
    "## ベンダ情報\n\n## 参考情報\n"
)


def _peeking_editor(folder: Path) -> tuple[str, Path]:
    """An editor that copies what it was shown to ``seen.md`` and changes nothing."""
    seen = folder / "seen.md"
    body = f"""\
        import shutil, sys
        shutil.copyfile(sys.argv[1], {str(seen)!r})
        """
    return script(folder, "peek.py", body), seen


def test_new_uses_the_sections_of_the_site_language(
    tmp_path: Path, make_key: Callable[[str], Key], cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "repo", language="ja")
    set_recipients(repo, ("alice", make_key("alice")))
    editor, seen = _peeking_editor(tmp_path)
    monkeypatch.setenv("EDITOR", editor)
    result = cli("new", "ADV-2026-0001", cwd=repo.path)
    assert result.code == 1  # left unchanged: nothing saved
    text = seen.read_text(encoding="utf-8")
    assert text.endswith("---\n" + JA_SECTIONS)
    assert "## Overview" not in text


def test_a_template_file_in_the_repository_overrides_the_sections(
    tmp_path: Path, make_key: Callable[[str], Key], cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "repo", language="ja")
    set_recipients(repo, ("alice", make_key("alice")))
    repo.write(".advpub/template.md", "## For every language\n")
    repo.write(".advpub/template.ja.md", "## 概要\n\n## 私たちの節\n")
    editor, seen = _peeking_editor(tmp_path)
    monkeypatch.setenv("EDITOR", editor)
    cli("new", "ADV-2026-0001", cwd=repo.path)
    assert seen.read_text(encoding="utf-8").endswith("---\n## 概要\n\n## 私たちの節\n")
    (repo.path / ".advpub" / "template.ja.md").unlink()
    cli("new", "ADV-2026-0001", cwd=repo.path)
    assert seen.read_text(encoding="utf-8").endswith("---\n## For every language\n")


def test_show_of_a_released_advisory_points_to_its_file(
    tmp_path: Path, make_key: Callable[[str], Key], cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "repo")
    key = make_key("alice")
    set_recipients(repo, ("alice", key))
    repo.write("advisories/2020/ADV-2020-0001.md", advisory_text("ADV-2020-0001"))
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(key.file))
    result = cli("show", "ADV-2020-0001", cwd=repo.path)
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "advpub: error: ADV-2020-0001 is no longer a draft: it was released to "
        "advisories/2020/ADV-2020-0001.md (public, in plain text: read that file)\n"
    )
    missing = cli("show", "ADV-2020-0002", cwd=repo.path)
    assert missing.err == "advpub: error: embargo/ADV-2020-0002.md.age: no such draft\n"


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_a_purpose_and_an_example(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from advpub.cli.main import main

    with pytest.raises(SystemExit) as exited:
        main([name, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert f"\n{COMMANDS[name][1]}\n" in out  # the one-line purpose
    examples = EXAMPLES[name]
    label = "example" if len(examples) == 1 else "examples"
    assert out.endswith(f"{label}:\n" + "".join(f"  {line}\n" for line in examples))


def test_help_ends_with_the_examples(capsys: pytest.CaptureFixture[str]) -> None:
    from advpub.cli.main import main

    with pytest.raises(SystemExit):
        main(["release", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("usage: advpub release")
    assert "\nmove releasable drafts to advisories/\n" in out
    assert out.endswith(
        "early_release (also spelt waive_fix_verification) waives the fix verification only:\n"
        "a draft without a verified fix may be released, never before its release_date.\n"
        "\nexamples:\n  advpub release --dry-run\n  advpub release --commit\n"
    )


def test_a_typo_in_an_option_prints_that_commands_usage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from advpub.cli.main import main

    with pytest.raises(SystemExit) as exited:
        main(["status", "--titels"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: advpub status [-h]")
    assert err.endswith("advpub status: error: unrecognized arguments: --titels\n")


def test_recipients_add_of_a_missing_file_says_file_not_found(
    tmp_path: Path, make_key: Callable[[str], Key], cli: Cli
) -> None:
    repo = make_repo(tmp_path / "repo")
    set_recipients(repo, ("alice", make_key("alice")))
    result = cli("recipients", "add", "missing.pub", "--name", "bob", cwd=repo.path)
    assert result.code == 1
    assert result.err == (
        "advpub: error: missing.pub: file not found; give the path of a public key file (.pub) "
        "or the key itself (age1... or ssh-ed25519 ...)\n"
    )
    typo = cli("recipients", "add", "age1notakey", cwd=repo.path)
    assert "file not found" not in typo.err
