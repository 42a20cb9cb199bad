"""Invalid drafts: ``check`` fails on them; a recipient at a terminal sees the details,
CI logs and pipes only the redacted form (naming the draft by its id)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from tests.cli.terminal import run_in_terminal
from tests.conftest import CliResult, Key, advisory_text, run_advpub
from tests.gate.gate_helpers import Site, make_site

Cli = Callable[..., CliResult]

CANARY = "CVE-CANARY-7741"
# A CVE id that is malformed; the full message quotes it, the redacted one does not.
INVALID = advisory_text(
    "ADV-2020-0001", release_date="2020-01-15T09:00:00+09:00", extra=f"cve: [{CANARY}]\n"
)


def _site(tmp_path: Path, make_key: Callable[[str], Key]) -> Site:
    site = make_site(tmp_path / "repo", make_key)
    site.draft_text("ADV-2020-0001", INVALID)
    site.commit_all()
    return site


def _env(key: Key, **extra: str) -> dict[str, str]:
    return {"ADVPUB_IDENTITY_FILE": str(key.file), **extra}


FULL = f"embargo/ADV-2020-0001.md.age:9: cve[0]: {CANARY!r} is not a CVE id; use CVE-YYYY-NNNN"
REDACTED = (
    "embargo/ADV-2020-0001.md.age:9: cve[0]: a CVE id is malformed (details hidden for an "
    "embargoed draft)"
)


def test_check_fails_on_an_invalid_draft_redacted_in_a_pipe(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    site = _site(tmp_path, make_key)
    result = run_advpub("check", cwd=site.path, env=_env(site.key))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [REDACTED]
    assert result.stderr == "advpub check: 1 problem(s) in 1 file(s)\n"
    assert CANARY not in result.stdout + result.stderr


def test_check_shows_a_recipient_at_a_terminal_the_details(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    site = _site(tmp_path, make_key)
    code, output = run_in_terminal("check", cwd=site.path, env=_env(site.key))
    assert code == 1
    assert output.splitlines() == [FULL, "advpub check: 1 problem(s) in 1 file(s)"]


def test_check_under_ci_redacts_even_at_a_terminal(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    site = _site(tmp_path, make_key)
    code, output = run_in_terminal("check", cwd=site.path, env=_env(site.key, CI="1"))
    assert code == 1
    assert output.splitlines() == [REDACTED, "advpub check: 1 problem(s) in 1 file(s)"]
    assert CANARY not in output


def test_status_shows_a_recipient_the_details(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    site = _site(tmp_path, make_key)
    code, output = run_in_terminal("status", cwd=site.path, env=_env(site.key))
    assert code == 0
    assert output.splitlines() == [
        "ADV-2020-0001: invalid (embargo/ADV-2020-0001.md.age)",
        "  held",
        f"    - invalid: {FULL}",
    ]
    piped = run_advpub("status", cwd=site.path, env=_env(site.key))
    assert piped.stdout.splitlines()[-1] == f"    - invalid: {REDACTED}"


def _editor(tmp_path: Path, text: str) -> str:
    """An $EDITOR that replaces the file with ``text`` every time it is opened."""
    source = tmp_path / "replacement.md"
    source.write_text(text, encoding="utf-8")
    script = tmp_path / "editor.sh"
    script.write_text(f'#!/bin/sh\ncp "{source}" "$1"\n', encoding="utf-8")
    script.chmod(0o755)
    return str(script)


def test_new_and_edit_show_a_recipient_the_details(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    site = make_site(tmp_path / "repo", make_key)
    site.commit_all()
    env = _env(site.key, EDITOR=_editor(tmp_path, INVALID), ADVPUB_NOW="2020-01-01T00:00:00Z")
    code, output = run_in_terminal("new", "ADV-2020-0001", cwd=site.path, env=env)
    assert code == 1
    lines = output.splitlines()
    assert FULL.replace("embargo/ADV-2020-0001.md.age:9", "ADV-2020-0001:9") in lines
    assert lines[-1] == (
        "advpub: saved embargo/ADV-2020-0001.md.age with 1 problem(s); it will not be "
        "released until fixed: `advpub edit ADV-2020-0001`"
    )
    changed = INVALID.replace("## Overview", "## Overview (changed)")
    env["EDITOR"] = _editor(tmp_path, changed)
    code, output = run_in_terminal("edit", "ADV-2020-0001", cwd=site.path, env=env)
    assert code == 1
    assert FULL.replace("embargo/ADV-2020-0001.md.age:9", "ADV-2020-0001:9") in output.splitlines()
    # Without a terminal (a pipe, a log) the same problem is redacted.
    env["EDITOR"] = _editor(tmp_path, changed.replace("(changed)", "(again)"))
    piped = run_advpub("edit", "ADV-2020-0001", cwd=site.path, env=env)
    assert piped.returncode == 1
    assert CANARY not in piped.stderr
    assert os.path.exists(site.path / "embargo" / "ADV-2020-0001.md.age")
