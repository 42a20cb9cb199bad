"""`export` and `log` ask the one release gate, not only the release date (item 12)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult, Repo, advisory_text, make_repo

Cli = Callable[..., CliResult]
PAST = "2026-01-15T09:00:00+09:00"
# What a CVE record needs besides the gate's consent.
EXPORTABLE = (
    "affected:\n  - vendor: Example Corp\n    product: Example Router\n    fixed: 2.0.1\n"
    "references:\n  - url: https://example.org/psirt\n    type: advisory\n"
)
# id -> (extra front matter, fix verified, the gate's reason); all released in the past.
HELD = {
    "ADV-2026-0011": ("tlp: RED\n", True, "tlp is RED: only TLP:CLEAR may be published"),
    "ADV-2026-0012": (
        "scope: website\n",
        True,
        "scope is website: vulnerabilities in a single web site are not published",
    ),
    "ADV-2026-0013": (
        "",
        False,
        "fix not verified (fix.verified is false) and no approved early_release",
    ),
}


def title_of(ident: str) -> str:
    return f"Gate canary {ident}: overflow in the parser"


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    repo = make_repo(tmp_path / "repo")
    for ident, (extra, verified, _reason) in [*HELD.items(), ("ADV-2026-0014", ("", True, ""))]:
        text = advisory_text(
            ident,
            title=title_of(ident),
            release_date=PAST,
            verified=verified,
            extra=f"{extra}cve:\n  - CVE-2026-{ident[-4:]}1\n{EXPORTABLE}",
        )
        repo.write(f"advisories/2026/{ident}.md", text)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "advisories")
    return repo


@pytest.mark.parametrize("ident", sorted(HELD))
@pytest.mark.parametrize("fmt", ["cve", "osv", "csaf"])
def test_export_refuses_what_the_gate_holds(repo: Repo, cli: Cli, ident: str, fmt: str) -> None:
    result = cli("export", fmt, ident, cwd=repo.path)
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"advpub: error: advisories/2026/{ident}.md: not releasable: {HELD[ident][2]}\n"
        f"{ident}: the release gate holds it; export it once it is released\n"
    )


def test_export_of_a_released_advisory_still_works(repo: Repo, cli: Cli) -> None:
    result = cli("export", "cve", "ADV-2026-0014", cwd=repo.path)
    assert result.code == 0, result.err
    assert title_of("ADV-2026-0014") in result.out


def test_log_shows_a_title_only_when_the_gate_releases_it(repo: Repo, cli: Cli) -> None:
    for ident in HELD:
        one = cli("log", ident, "--json", cwd=repo.path)
        assert one.code == 0, one.err
        assert json.loads(one.out)["title"] is None
        text = cli("log", ident, cwd=repo.path)
        assert title_of(ident) not in text.out + text.err
    listing = cli("log", cwd=repo.path)
    assert not any(title_of(ident) in listing.out for ident in HELD)
    released = json.loads(cli("log", "ADV-2026-0014", "--json", cwd=repo.path).out)
    assert released["title"] == title_of("ADV-2026-0014")
