"""Every import fixture, imported into a repository and exported again, is valid: CSAF
documents pass the official schema (and its strict variant) and csaf-validator-lib's
mandatory tests; OSV re-exports pass the OSV schema."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult, Repo, make_repo
from tests.exports.export_schemas import csaf_errors, osv_errors
from tests.exports.test_csaf_validator_lib import MANDATORY, run_validator, verdicts
from tests.imports.test_import_cli import FIXTURES, NOW, RECORD_IDS

Cli = Callable[..., CliResult]
BASE = "https://advisories.example.org/"


def published_repo(path: Path) -> Repo:
    """A repository with a site_url (so CSAF documents have their canonical URL) that
    accepts the record ids of common databases."""
    repo = make_repo(path, site_url=BASE)
    config = (repo.path / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace(
        "      timezone: UTC\n", f"      timezone: UTC\n      id_pattern: '{RECORD_IDS}'\n"
    )
    (repo.path / "mkdocs.yml").write_text(config, encoding="utf-8")
    return repo


def fixture_ids() -> list[str]:
    """The advisory id each fixture becomes (an OSV id, or a CSAF tracking id upper-cased)."""
    ids = [json.loads(p.read_text(encoding="utf-8"))["id"] for p in (FIXTURES / "osv").glob("*")]
    for path in (FIXTURES / "csaf").glob("*.json"):
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        ids.append(data["document"]["tracking"]["id"].upper())
    return sorted(ids)


def test_every_fixture_exports_valid_csaf_and_osv(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    repo = published_repo(tmp_path / "repo")
    for kind in ("osv", "csaf"):
        result = cli("import", "--from", kind, str(FIXTURES / kind), cwd=repo.path)
        assert result.code == 0, result.err
    ids = fixture_ids()
    assert len(ids) == 6
    out = tmp_path / "csaf"
    out.mkdir()
    documents: list[Path] = []
    for ident in ids:
        osv = cli("export", "osv", ident, cwd=repo.path)
        assert osv.code == 0, osv.err
        assert osv_errors(json.loads(osv.out)) == [], ident
        csaf = cli("export", "csaf", ident, cwd=repo.path)
        assert csaf.code == 0, csaf.err
        doc = json.loads(csaf.out)
        assert csaf_errors(doc) == [], ident
        documents.append(out / f"{ident.lower()}.json")
        documents[-1].write_text(csaf.out, encoding="utf-8")
    done = run_validator(*documents)
    results = verdicts(done)
    assert [r.file for r in results] == [str(d) for d in documents]
    for result in results:
        assert MANDATORY.issubset(result.tests), result.file
        assert result.errors == [], result.file
    assert done.returncode == 0
    for result in results:
        for finding in result.optional:
            print(Path(result.file).name, *finding.values())
