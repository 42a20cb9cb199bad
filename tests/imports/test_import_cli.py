"""``advpub import --from osv|csaf``: real repositories, all or nothing, reports, round trip."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult, Key, Repo, make_repo

Cli = Callable[..., CliResult]

FIXTURES = Path(__file__).parent / "fixtures"
NOW = "2026-11-01T00:00:00Z"
RECORD_ID = r"[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*"
# What `advpub import` suggests for the record ids of common databases.
RECORD_IDS = (
    r"^(?:[A-Z][A-Z0-9]*-\d{4}-\d{4,}|[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)$"
)


@pytest.fixture(autouse=True)
def _now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)


def record_repo(path: Path, *, pattern: str | None = RECORD_IDS) -> Repo:
    repo = make_repo(path)
    if pattern is not None:
        config = (repo.path / "mkdocs.yml").read_text(encoding="utf-8")
        config = config.replace(
            "      timezone: UTC\n", f"      timezone: UTC\n      id_pattern: '{pattern}'\n"
        )
        (repo.path / "mkdocs.yml").write_text(config, encoding="utf-8")
    return repo


def public_files(repo: Repo) -> list[str]:
    folder = repo.path / "advisories"
    return sorted(
        p.relative_to(repo.path).as_posix()
        for p in folder.rglob("*.md")
        if not p.name.startswith("_")
    )


def test_default_id_pattern_keeps_database_ids_and_refuses_others(tmp_path: Path, cli: Cli) -> None:
    """GHSA, PYSEC, GO and RUSTSEC ids fit the default pattern; a Bitnami id does not, and
    then nothing at all is written."""
    repo = record_repo(tmp_path / "repo", pattern=None)
    folder = tmp_path / "records"
    shutil.copytree(FIXTURES / "osv", folder)
    record = json.loads((folder / "GHSA-j8r2-6x86-q33q.json").read_text(encoding="utf-8"))
    record["id"] = "BIT-apache-2020-11984"
    (folder / "BIT-apache-2020-11984.json").write_text(json.dumps(record), encoding="utf-8")
    result = cli("import", "--from", "osv", str(folder), cwd=repo.path)
    assert result.code == 1
    assert result.out == ""
    default = r"^(?:[A-Z][A-Z0-9]*-\d{4}-\d+|GHSA(?:-[0-9a-z]{4}){3})$"
    widened = r"^(?:(?:[A-Z][A-Z0-9]*-\d{4}-\d+|GHSA(?:-[0-9a-z]{4}){3})|" + RECORD_ID + ")$"
    suggestion = (
        "set plugins.advpub.id_pattern in mkdocs.yml to accept the record ids (e.g. "
        f"'{widened}'), or give it an id of yours: --id"
    )
    assert result.err == (
        f"{folder}/BIT-apache-2020-11984.json: id BIT-apache-2020-11984 does not match the id "
        f"pattern {default}; {suggestion} BIT-apache-2020-11984=ADV-YYYY-NNNN\n"
        "advpub: import refused: 1 problem(s); nothing was written\n"
    )
    assert public_files(repo) == []
    (folder / "BIT-apache-2020-11984.json").unlink()
    result = cli("import", "--from", "osv", str(folder), cwd=repo.path)
    assert result.code == 0, result.err
    assert sorted(Path(name).stem for name in public_files(repo)) == [
        "GHSA-j8r2-6x86-q33q",
        "GO-2024-1234",
        "PYSEC-2006-1",
        "RUSTSEC-2024-0001",
    ]


def test_remove_does_not_go_with_records(tmp_path: Path, cli: Cli) -> None:
    repo = record_repo(tmp_path / "repo")
    result = cli("import", "--from", "osv", "--remove", str(FIXTURES / "osv"), cwd=repo.path)
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "advpub: error: --remove goes with plaintext imports, not --from (records are kept)\n"
    )


def test_osv_folder_becomes_public_history_and_a_rerun_duplicates_nothing(
    tmp_path: Path, cli: Cli
) -> None:
    repo = record_repo(tmp_path / "repo")
    folder = FIXTURES / "osv"
    result = cli("import", "--from", "osv", str(folder), cwd=repo.path)
    assert result.code == 0, result.err
    assert result.out.splitlines()[:4] == [
        f"imported {folder}/GHSA-j8r2-6x86-q33q.json (GHSA-j8r2-6x86-q33q) -> "
        f"{repo.path}/advisories/2024/GHSA-j8r2-6x86-q33q.md",
        f"imported {folder}/GO-2024-1234.json (GO-2024-1234) -> "
        f"{repo.path}/advisories/2024/GO-2024-1234.md",
        f"imported {folder}/PYSEC-2006-1.json (PYSEC-2006-1) -> "
        f"{repo.path}/advisories/2006/PYSEC-2006-1.md",
        f"imported {folder}/RUSTSEC-2024-0001.json (RUSTSEC-2024-0001) -> "
        f"{repo.path}/advisories/2024/RUSTSEC-2024-0001.md",
    ]
    assert (
        f"not carried: {folder}/GHSA-j8r2-6x86-q33q.json (GHSA-j8r2-6x86-q33q): "
        "database_specific.github_reviewed_at: database-specific data has no advpub field"
    ) in result.out.splitlines()
    assert f"not carried: {folder}/RUSTSEC-2024-0001.json (RUSTSEC-2024-0001): " in result.out
    assert result.err == (
        "advpub: 10 field(s) could not be carried (listed above); the rest was imported\n"
    )
    assert public_files(repo) == [
        "advisories/2006/PYSEC-2006-1.md",
        "advisories/2024/GHSA-j8r2-6x86-q33q.md",
        "advisories/2024/GO-2024-1234.md",
        "advisories/2024/RUSTSEC-2024-0001.md",
    ]
    checked = cli("check", cwd=repo.path)
    assert checked.out == "advpub check: OK (4 published advisories)\n", checked.out
    before = {p: (repo.path / p).read_bytes() for p in public_files(repo)}
    again = cli("import", "--from", "osv", str(folder / "GO-2024-1234.json"), cwd=repo.path)
    assert again.code == 1
    assert again.err == (
        f"{folder}/GO-2024-1234.json (GO-2024-1234): GO-2024-1234 already exists "
        "(advisories/2024/GO-2024-1234.md); pass --replace to overwrite it\n"
        "advpub: import refused: 1 problem(s); nothing was written\n"
    )
    replaced = cli(
        "import", "--from", "osv", "--replace", str(folder / "GO-2024-1234.json"), cwd=repo.path
    )
    assert replaced.code == 0
    assert replaced.out.startswith(f"replaced {folder}/GO-2024-1234.json (GO-2024-1234) -> ")
    assert {p: (repo.path / p).read_bytes() for p in public_files(repo)} == before


def test_id_mapping_keeps_the_record_id_as_an_alias(tmp_path: Path, cli: Cli) -> None:
    repo = record_repo(tmp_path / "repo", pattern=None)
    source = FIXTURES / "osv" / "PYSEC-2006-1.json"
    result = cli(
        "import", "--from", "osv", "--id", "PYSEC-2006-1=ADV-2006-0001", str(source), cwd=repo.path
    )
    assert result.code == 0, result.err
    text = (repo.path / "advisories" / "2006" / "ADV-2006-0001.md").read_text(encoding="utf-8")
    assert "id: ADV-2006-0001\n" in text
    assert "aliases:\n- PYSEC-2006-1\n" in text
    assert "published: '2006-06-02T10:02:00Z'\n" in text


def test_a_vulnerability_without_a_fix_is_held_unless_approved(tmp_path: Path, cli: Cli) -> None:
    repo = record_repo(tmp_path / "repo")
    data: Any = json.loads((FIXTURES / "osv" / "PYSEC-2006-1.json").read_text(encoding="utf-8"))
    data["affected"][0]["ranges"][0]["events"] = [{"introduced": "0"}]
    source = tmp_path / "PYSEC-2006-1.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    held = cli("import", "--from", "osv", str(source), cwd=repo.path)
    assert held.code == 1
    shown = f"{source} (PYSEC-2006-1)"
    assert held.err == (
        f"{shown}: the release gate holds it: fix not verified (fix.verified is false) and "
        "no approved early_release\n"
        f"{shown}: public history must be releasable now; for a vulnerability without a fixed "
        "version pass --approved-by NAME (as many as early_release_approvals) to record the "
        "approved waiver, or import it with --draft\n"
        "advpub: import refused: 2 problem(s); nothing was written\n"
    )
    assert public_files(repo) == []
    approved = cli(
        "import",
        "--from",
        "osv",
        "--approved-by",
        "alice",
        "--approved-by",
        "bob",
        str(source),
        cwd=repo.path,
    )
    assert approved.code == 0, approved.err
    assert public_files(repo) == ["advisories/2006/PYSEC-2006-1.md"]


def test_draft_import_encrypts(
    tmp_path: Path, cli: Cli, make_key: Callable[[str], Key], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = record_repo(tmp_path / "repo")
    key = make_key("coordinator")
    assert cli("recipients", "add", key.public, "--name", "coordinator", cwd=repo.path).code == 0
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(key.file))
    source = FIXTURES / "osv" / "GO-2024-1234.json"
    result = cli("import", "--from", "osv", "--draft", str(source), cwd=repo.path)
    assert result.code == 0, result.err
    assert result.out.startswith(
        f"imported {source} (GO-2024-1234) -> embargo/GO-2024-1234.md.age\n"
    )
    assert public_files(repo) == []
    shown = cli("show", "GO-2024-1234", cwd=repo.path)
    assert "  - type: GIT\n" in shown.out or "- type: GIT\n" in shown.out


def test_csaf_documents_with_vendor_status_and_revisions(tmp_path: Path, cli: Cli) -> None:
    repo = record_repo(tmp_path / "repo")
    folder = FIXTURES / "csaf"
    result = cli("import", "--from", "csaf", str(folder), cwd=repo.path)
    assert result.code == 0, result.err
    assert public_files(repo) == [
        "advisories/2023/EXAMPLE-PSIRT-2023-0003.md",
        "advisories/2024/EXAMPLE-PSIRT-2024-0007.md",
    ]
    assert (
        f"not carried: {folder}/example-psirt-2024-0007.json (EXAMPLE-PSIRT-2024-0007): "
        "vulnerabilities[0].threats: no advpub field"
    ) in result.out.splitlines()
    assert cli("check", cwd=repo.path).code == 0


# OSV fields the round trip does not keep as they were (README "Importing published
# records"): the export's own id prefix and schema version, the source id added to the
# aliases, database_specific (the record's own data is reported as not carried), details
# rebuilt from summary and body, and credits without a type (FINDER, the advpub default).
DOCUMENTED = {"id", "schema_version", "aliases", "database_specific", "details"}


def test_osv_round_trip(tmp_path: Path, cli: Cli) -> None:
    repo = record_repo(tmp_path / "repo")
    for name in ("GHSA-j8r2-6x86-q33q", "GO-2024-1234", "RUSTSEC-2024-0001"):
        source = FIXTURES / "osv" / f"{name}.json"
        original: Any = json.loads(source.read_text(encoding="utf-8"))
        assert cli("import", "--from", "osv", str(source), cwd=repo.path).code == 0
        exported = cli("export", "osv", name, cwd=repo.path)
        assert exported.code == 0, exported.err
        again: Any = json.loads(exported.out)
        for key in sorted(set(original) - DOCUMENTED):
            if key == "affected":
                for before, after in zip(original[key], again[key], strict=True):
                    before.pop("database_specific", None)
                    after.pop("database_specific", None)
                    assert after == before, name
            elif key == "credits":
                # A credit without a type is a finder (the advpub default).
                expected = [{"type": "FINDER", **c} for c in original[key]]
                assert again[key] == expected, name
            else:
                assert again.get(key) == original[key], (name, key)
        assert again["aliases"] == list(dict.fromkeys([*original["aliases"], name])) or set(
            again["aliases"]
        ) == {*original["aliases"], name}
        assert again["details"].strip() == original["details"].strip(), name
    shutil.rmtree(repo.path / "advisories" / "2024")
