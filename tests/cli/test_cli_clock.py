"""The clock override: it may look back for anything that commits, pushes, builds or checks,
and ahead only for read-only looks (status, release --dry-run, new, the serve preview)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.conftest import CliResult, Key, advisory_text
from tests.gate.gate_helpers import Site, make_site
from tests.git.hook_helpers import setup_hook_repo

from advpub.clock import ClockError, resolve_now
from advpub.site.build_checks import build_now, preview_clock

Cli = Callable[..., CliResult]
FUTURE = "2099-01-01T00:00:00Z"
PAST = "2026-06-01T00:00:00Z"
# Due between the real clock and FUTURE: only a look ahead sees it releasable.
LATER = "2098-06-01T00:00:00Z"
TITLE = "Clock canary 51c0de: overflow in the scheduler"
VENV_BIN = Path(sys.executable).parent


def refusal(source: str, text: str = FUTURE) -> re.Pattern[str]:
    """The exact refusal (the real clock's instant varies from run to run)."""
    return re.compile(
        re.escape(f"advpub: error: {source} {text}: later than the real clock (")
        + r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"
        + re.escape(
            "); overrides may only look back for commands that commit, push, build or check; "
            "use `advpub status` or `release --dry-run` to look ahead\n"
        )
    )


@pytest.fixture
def site(tmp_path: Path, make_key: Callable[[str], Key]) -> Site:
    site = make_site(tmp_path / "repo", make_key)
    site.draft("ADV-2026-0001", title=TITLE, release_date=LATER)
    site.commit_all()
    return site


def test_resolve_now_refuses_a_future_override_with_one_message() -> None:
    real = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)
    with pytest.raises(ClockError) as raised:
        resolve_now("2030-01-01T00:00:00Z", look_ahead=False, environ={}, clock=lambda: real)
    assert str(raised.value) == (
        "--now 2030-01-01T00:00:00Z: later than the real clock (2026-11-30T05:00:00Z); "
        "overrides may only look back for commands that commit, push, build or check; "
        "use `advpub status` or `release --dry-run` to look ahead"
    )
    env = {"ADVPUB_NOW": "2030-01-01T00:00:00Z"}
    with pytest.raises(ClockError, match=r"^ADVPUB_NOW 2030-01-01T00:00:00Z: later than"):
        resolve_now(None, look_ahead=False, environ=env, clock=lambda: real)
    past = resolve_now("2026-01-01T00:00:00Z", look_ahead=False, environ={}, clock=lambda: real)
    assert past == datetime(2026, 1, 1, tzinfo=UTC)
    ahead = resolve_now(None, look_ahead=True, environ=env, clock=lambda: real)
    assert ahead == datetime(2030, 1, 1, tzinfo=UTC)
    assert resolve_now(None, look_ahead=False, environ={}, clock=lambda: real) == real


@pytest.mark.parametrize(
    "args",
    [
        ("release", "--commit"),
        ("release",),
        ("publish",),
        ("check",),
        ("build",),
        ("log",),
        ("export", "cve", "ADV-2026-0001"),
    ],
    ids=lambda a: "-".join(a),
)
def test_committing_building_and_checking_commands_refuse_a_future_now(
    site: Site, cli: Cli, args: tuple[str, ...]
) -> None:
    before = site.head_count()
    result = cli(*args, "--now", FUTURE, cwd=site.path)
    assert result.code == 1
    assert refusal("--now").fullmatch(result.err), result.err
    assert result.out == ""
    assert site.head_count() == before
    assert (site.path / "embargo/ADV-2026-0001.md.age").is_file()
    assert not (site.path / "advisories/2098").exists()
    assert not (site.path / "site").exists()


def test_a_future_advpub_now_is_refused_by_release_commit(
    site: Site, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADVPUB_NOW", FUTURE)
    result = cli("release", "--commit", "--identity", str(site.key.file), cwd=site.path)
    assert result.code == 1
    assert refusal("ADVPUB_NOW").fullmatch(result.err), result.err
    assert site.head_count() == 1


def test_a_past_now_is_honoured_by_release_commit(site: Site, cli: Cli) -> None:
    site.draft("ADV-2026-0002", release_date="2026-01-15T09:00:00+09:00")
    site.commit_all("second draft")
    result = cli(
        "release", "--commit", "--identity", str(site.key.file), "--now", PAST, cwd=site.path
    )
    assert result.code == 0, result.err
    assert result.out.startswith("ADV-2026-0001: held: release date 2098-06-01 00:00 UTC")
    assert "ADV-2026-0002: published advisories/2026/ADV-2026-0002.md" in result.out


def test_status_and_release_dry_run_still_look_ahead(site: Site, cli: Cli) -> None:
    status = cli(
        "status", "--json", "--identity", str(site.key.file), "--now", FUTURE, cwd=site.path
    )
    assert status.code == 0, status.err
    data = json.loads(status.out)
    assert data["now"] == "2099-01-01T00:00:00Z"
    assert [(a["id"], a["releasable"]) for a in data["advisories"]] == [("ADV-2026-0001", True)]
    dry = cli(
        "release", "--dry-run", "--identity", str(site.key.file), "--now", FUTURE, cwd=site.path
    )
    assert dry.code == 0, dry.err
    assert dry.out == (
        "ADV-2026-0001: would publish advisories/2098/ADV-2026-0001.md and remove the draft\n"
    )
    assert (site.path / "embargo/ADV-2026-0001.md.age").is_file()


@pytest.mark.parametrize("value", ["1", "yes", "true", "TRUE"])
def test_any_non_empty_ci_hides_titles_in_status(
    site: Site, cli: Cli, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("CI", value)
    result = cli("status", "--identity", str(site.key.file), cwd=site.path)
    assert result.code == 0, result.err
    assert TITLE not in result.out
    assert result.out.startswith("ADV-2026-0001: (title hidden)\n")


def test_the_pre_commit_hook_refuses_a_future_now(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    hooked = setup_hook_repo(tmp_path, make_key)
    hooked.write("notes.md", "unrelated\n")
    hooked.git("add", "notes.md")
    done = hooked.git("commit", "-q", "-m", "notes", env={"ADVPUB_NOW": FUTURE})
    assert done.returncode != 0
    assert refusal("ADVPUB_NOW").search(done.stderr), done.stderr
    assert hooked.git("rev-list", "--count", "HEAD").stdout.strip() == "1"


def test_plain_mkdocs_build_refuses_a_future_advpub_now(site: Site) -> None:
    site.repo.write(
        "advisories/2026/ADV-2026-0005.md", advisory_text("ADV-2026-0005", release_date=LATER)
    )
    env = dict(os.environ, ADVPUB_NOW=FUTURE)
    result = subprocess.run(
        [str(VENV_BIN / "mkdocs"), "build", "-q"],
        cwd=site.path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1
    assert re.search(r"ADVPUB_NOW 2099-01-01T00:00:00Z: later than the real clock", result.stderr)
    assert not (site.path / "site/2026/ADV-2026-0005").exists()


def test_build_now_looks_ahead_only_inside_the_preview(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVPUB_NOW", FUTURE)
    with pytest.raises(ClockError, match=r"^ADVPUB_NOW 2099-01-01T00:00:00Z: later than"):
        build_now()
    with preview_clock():
        assert build_now() == datetime(2099, 1, 1, tzinfo=UTC)
    with pytest.raises(ClockError):
        build_now()
