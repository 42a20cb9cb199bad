"""`advpub status`: human lines and the exact --json shape."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from advpub.embargo.recipients import parse_recipients
from tests.conftest import CliResult, Key, advisory_text
from tests.gate.gate_helpers import make_site

Cli = Callable[..., CliResult]


def test_status_json_shape(tmp_path: Path, make_key: Callable[[str], Key], cli: Cli) -> None:
    site = make_site(tmp_path / "repo", make_key, "Asia/Tokyo")
    site.draft("ADV-2026-0001", release_date="2026-12-01T09:00:00+09:00")
    site.draft("ADV-2026-0002", release_date="2026-11-01", verified=False)
    other = make_key("mallory")
    site.store.write(
        "ADV-2026-0003",
        advisory_text("ADV-2026-0003"),
        parse_recipients(f"{other.public}\n", "recipients.txt"),
    )
    result = cli(
        "status",
        "--json",
        "--identity",
        str(site.key.file),
        "--now",
        "2026-11-28T09:00:00+09:00",
        cwd=site.path,
    )
    assert result.code == 0, result.err
    assert json.loads(result.out) == {
        "now": "2026-11-28T00:00:00Z",
        "advisories": [
            {
                "id": "ADV-2026-0001",
                "title": "Example Router: command injection in the web console",
                "release_date": "2026-12-01T00:00:00Z",
                "releasable": False,
                "reasons": [
                    "release date 2026-12-01 09:00 JST (2026-12-01T00:00:00Z) is in 3 days"
                ],
            },
            {
                "id": "ADV-2026-0002",
                "title": "Example Router: command injection in the web console",
                "release_date": "2026-10-31T15:00:00Z",
                "releasable": False,
                "reasons": [
                    "fix not verified (fix.verified is false) and no approved early_release"
                ],
            },
            {
                "id": "ADV-2026-0003",
                "title": None,
                "release_date": None,
                "releasable": False,
                "reasons": [
                    "cannot be read: embargo/ADV-2026-0003.md.age: your identity is not among "
                    "its recipients; ask a coordinator to add your public key and re-encrypt "
                    "(`advpub recipients add`)"
                ],
            },
        ],
    }


def test_status_lines_show_both_zones_relative_time_and_verdict(
    tmp_path: Path, make_key: Callable[[str], Key], cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path / "repo", make_key, "Asia/Tokyo")
    site.draft("ADV-2026-0001", release_date="2026-11-28T07:00:00+09:00")
    site.draft("ADV-2026-0002", release_date="2026-12-01T09:00:00+09:00")
    (site.path / "embargo" / "ADV-2026-0003.md.age").write_bytes(b"garbage")
    monkeypatch.setenv("ADVPUB_NOW", "2026-11-28T09:00:00+09:00")
    result = cli("status", "--identity", str(site.key.file), cwd=site.path)
    assert result.code == 0, result.err
    assert result.out == (
        "ADV-2026-0001: Example Router: command injection in the web console\n"
        "  release 2026-11-28 07:00 JST (2026-11-27T22:00:00Z), 2 hours ago\n"
        "  fix verified\n"
        "  releasable\n"
        "ADV-2026-0002: Example Router: command injection in the web console\n"
        "  release 2026-12-01 09:00 JST (2026-12-01T00:00:00Z), in 3 days\n"
        "  fix verified\n"
        "  held\n"
        "    - release date 2026-12-01 09:00 JST (2026-12-01T00:00:00Z) is in 3 days\n"
        "ADV-2026-0003: unreadable (embargo/ADV-2026-0003.md.age)\n"
        "  held\n"
        "    - cannot be read: embargo/ADV-2026-0003.md.age: not an age-encrypted file\n"
    )


def test_status_without_identity_says_where_it_looked(
    tmp_path: Path, make_key: Callable[[str], Key], cli: Cli
) -> None:
    site = make_site(tmp_path / "repo", make_key)
    result = cli("status", cwd=site.path)
    assert result.code == 1
    assert result.err.startswith("advpub: error: no identity to decrypt drafts: looked at")


def test_status_shows_early_release_fix_state_and_releasable(
    tmp_path: Path, make_key: Callable[[str], Key], cli: Cli
) -> None:
    site = make_site(tmp_path / "repo", make_key)
    site.draft(
        "ADV-2026-0001",
        verified=False,
        release_date="2026-01-01T00:00:00Z",
        extra=(
            "early_release:\n  basis: exploited\n  approved_by: [Alice, Bob]\n"
            "  reference: https://example.org/decision/7\n"
        ),
    )
    result = cli(
        "status", "--identity", str(site.key.file), "--now", "2026-01-01T00:00:00Z", cwd=site.path
    )
    assert result.out == (
        "ADV-2026-0001: Example Router: command injection in the web console\n"
        "  release 2026-01-01 00:00 UTC (2026-01-01T00:00:00Z), now\n"
        "  fix not verified, waived by early_release (exploited, 2 approvals)\n"
        "  releasable\n"
    )


def test_status_with_no_drafts(tmp_path: Path, make_key: Callable[[str], Key], cli: Cli) -> None:
    site = make_site(tmp_path / "repo", make_key)
    args = ("status", "--identity", str(site.key.file), "--now", "2026-01-01T09:00:00+09:00")
    assert cli(*args, cwd=site.path).out == "no drafts in embargo/\n"
    assert json.loads(cli(*args, "--json", cwd=site.path).out) == {
        "now": "2026-01-01T00:00:00Z",
        "advisories": [],
    }


def test_titles_are_hidden_under_ci_even_when_asked(
    tmp_path: Path,
    cli: Callable[..., CliResult],
    make_key: Callable[[str], Key],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """CI logs may be public: `status` under CI=true shows ids and instants, not titles; the
    log guard keeps them out even with --titles (issue 14: one guard on every CI log line)."""
    site = make_site(tmp_path / "repo", make_key)
    site.draft("ADV-2026-0001", title="Secret title of the embargoed draft")
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(site.key.file))
    monkeypatch.setenv("CI", "true")
    hidden = cli("status", "--now", "2026-01-01T00:00:00Z", cwd=site.path)
    assert hidden.code == 0
    assert "Secret title" not in hidden.out
    assert "ADV-2026-0001: (title hidden)" in hidden.out
    as_json = cli("status", "--json", "--now", "2026-01-01T00:00:00Z", cwd=site.path)
    assert '"title": null' in as_json.out
    shown = cli("status", "--titles", "--now", "2026-01-01T00:00:00Z", cwd=site.path)
    assert "Secret title" not in shown.out
    assert "ADV-2026-0001: [embargoed]" in shown.out
    monkeypatch.delenv("CI")
    local = cli("status", "--now", "2026-01-01T00:00:00Z", cwd=site.path)
    assert "ADV-2026-0001: Secret title of the embargoed draft" in local.out
