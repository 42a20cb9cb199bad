"""A draft or advisory dated 9999-12-31 in a non-UTC site: a violation, not a crash."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import CliResult, Key, advisory_text
from tests.gate.gate_helpers import make_site

Cli = Callable[..., CliResult]
FAR = "9999-12-31T23:59:59"
RANGE = "is out of range; use a year between 1970 and 2999"


def test_status_and_check_report_an_out_of_range_date(
    tmp_path: Path, make_key: Callable[[str], Key], cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path / "repo", make_key, "America/New_York")
    site.draft("ADV-2026-0001", release_date=FAR)
    site.draft("ADV-2026-0002", release_date="2026-01-15T09:00:00+09:00")
    site.repo.write(
        "advisories/2026/ADV-2026-0003.md",
        advisory_text("ADV-2026-0003", title="Example Printer: far future", release_date=FAR),
    )
    site.commit_all()
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(site.key.file))
    status = cli("status", cwd=site.path)
    assert status.code == 0, status.err
    assert status.out.startswith(
        "ADV-2026-0001: invalid (embargo/ADV-2026-0001.md.age)\n  held\n"
        "    - invalid: embargo/ADV-2026-0001.md.age:5: release_date: a date or date-time is "
        "invalid (details hidden for an embargoed draft)\n"
        "ADV-2026-0002: Example Router: command injection in the web console\n"
    )
    check = cli("check", cwd=site.path)
    assert check.code == 1
    # The invalid draft fails the check too, its details hidden outside a terminal.
    assert check.out == (
        f"advisories/2026/ADV-2026-0003.md:5: release_date: {FAR} {RANGE}\n"
        "embargo/ADV-2026-0001.md.age:5: release_date: a date or date-time is invalid "
        "(details hidden for an embargoed draft)\n"
    )
    assert check.err == "advpub check: 2 problem(s) in 2 file(s)\n"
