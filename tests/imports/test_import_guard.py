"""``advpub import --from``: what leaves the import is guarded like a release.

- Public history is written only when the one gate allows it AND the one leak guard finds
  no embargoed draft's CVE id, alias or title in the converted file.
- ``--draft`` imports: the records may be embargoed text, so validation problems are shown
  redacted outside a terminal (CI logs, pipes), like a draft's own problems.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from advpub.embargo.recipients import parse_recipients
from advpub.embargo.store import EmbargoStore
from tests.conftest import CliResult, Key, advisory_text
from tests.imports.test_import_cli import FIXTURES, public_files, record_repo

Cli = Callable[..., CliResult]
NOW = "2026-11-01T00:00:00Z"
CANARY = "CANARY-3f9c2d71"
EMBARGOED_CVE = "CVE-2099-90017"


@pytest.fixture(autouse=True)
def _now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)


def record(tmp_path: Path, change: Callable[[Any], None]) -> Path:
    data: Any = json.loads((FIXTURES / "osv" / "PYSEC-2006-1.json").read_text(encoding="utf-8"))
    change(data)
    source = tmp_path / "PYSEC-2006-1.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    return source


def test_public_import_naming_an_embargoed_draft_is_refused(
    tmp_path: Path, cli: Cli, make_key: Callable[[str], Key], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = record_repo(tmp_path / "repo")
    key = make_key("coordinator")
    EmbargoStore(repo.path / "embargo", repo.path).write(
        "ADV-2026-0900",
        advisory_text(
            "ADV-2026-0900",
            title=f"{CANARY} title",
            release_date="2099-01-01T00:00:00Z",
            extra=f"cve: [{EMBARGOED_CVE}]\n",
        ),
        parse_recipients(f"{key.public} coordinator\n", "recipients.txt"),
    )
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(key.file))
    source = record(tmp_path, lambda data: data["aliases"].append(EMBARGOED_CVE))
    result = cli("import", "--from", "osv", str(source), cwd=repo.path)
    assert result.code == 1
    assert result.out == ""
    assert result.err == (
        "advisories/2006/PYSEC-2006-1.md:10: leak: mentions the CVE id of embargoed draft "
        "ADV-2026-0900; remove it until that advisory is released "
        f"(in the file imported from {source})\n"
        "advpub: import refused: 1 problem(s); nothing was written\n"
    )
    assert EMBARGOED_CVE not in result.err and CANARY not in result.err
    assert public_files(repo) == []
    # The same record without the embargoed id is imported.
    clean = record(tmp_path, lambda data: None)
    done = cli("import", "--from", "osv", str(clean), cwd=repo.path)
    assert done.code == 0, done.err
    assert public_files(repo) == ["advisories/2006/PYSEC-2006-1.md"]


def test_public_import_without_identity_says_the_leak_scan_was_skipped(
    tmp_path: Path, cli: Cli, make_key: Callable[[str], Key]
) -> None:
    repo = record_repo(tmp_path / "repo")
    key = make_key("coordinator")
    EmbargoStore(repo.path / "embargo", repo.path).write(
        "ADV-2026-0900",
        advisory_text("ADV-2026-0900", release_date="2099-01-01T00:00:00Z"),
        parse_recipients(f"{key.public} coordinator\n", "recipients.txt"),
    )
    result = cli("import", "--from", "osv", str(record(tmp_path, lambda d: None)), cwd=repo.path)
    assert result.code == 0, result.err
    assert result.err.startswith(
        "advpub: leak scan skipped: no identity configured (set ADVPUB_IDENTITY_FILE to check "
        "the imported files against the embargoed drafts before they are written)\n"
    )


def _bad_purl(data: Any) -> None:
    data["affected"][0]["package"]["purl"] = f"pkg:{CANARY}"


def test_draft_import_problems_are_redacted_outside_a_terminal(
    tmp_path: Path, cli: Cli, make_key: Callable[[str], Key], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = record_repo(tmp_path / "repo")
    key = make_key("coordinator")
    assert cli("recipients", "add", key.public, "--name", "coordinator", cwd=repo.path).code == 0
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(key.file))
    source = record(tmp_path, _bad_purl)
    result = cli("import", "--from", "osv", "--draft", str(source), cwd=repo.path)
    assert result.code == 1
    assert result.out == ""
    assert result.err == (
        f"{source} (PYSEC-2006-1):16: affected[0].purl: a package URL is malformed (details "
        "hidden for an embargoed draft) (in the converted advisory)\n"
        "advpub: import refused: 1 problem(s); nothing was written\n"
    )
    assert list((repo.path / "embargo").glob("*.age")) == []
    # Public history is the user's published record: the details are shown.
    public = cli("import", "--from", "osv", str(source), cwd=repo.path)
    assert public.code == 1
    assert f"'pkg:{CANARY}' is not a package URL" in public.err


def test_record_errors_do_not_quote_the_record(tmp_path: Path, cli: Cli) -> None:
    repo = record_repo(tmp_path / "repo")
    source = record(tmp_path, lambda data: data.update(published=f"{CANARY}-date"))
    result = cli("import", "--from", "osv", "--draft", str(source), cwd=repo.path)
    assert result.code == 1
    assert result.err == (
        f"{source}: published: not an RFC 3339 date-time (write e.g. 2024-01-31T09:00:00Z)\n"
        "advpub: import refused: 1 problem(s); nothing was written\n"
    )
