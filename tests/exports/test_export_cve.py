"""CVE JSON 5 export: CNA containers per CVE, schema-valid; `advpub export` on the CLI."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cvelib.cve_api import CveRecord

from advpub.embargo.recipients import parse_recipients
from advpub.embargo.store import EmbargoStore
from advpub.errors import ExportError
from advpub.exports.cve import PLACEHOLDER_ORG_ID, check_org_id, cve_containers
from tests.conftest import Key, Repo, advisory_text, make_repo
from tests.exports.export_cases import EXTRAS, SITE_URL, case, make_settings
from tests.exports.export_schemas import csaf_errors, cve_errors, osv_errors
from tests.translations.translation_helpers import (
    EN_TITLE,
    JA_TITLE,
    primary_text,
    translation_text,
)

PAGE = SITE_URL + "2026/ADV-2026-0001/"
ORG = "b3476cb9-2e3d-41a6-98d0-0f47421a65b6"
WITH_CVE = [n for n in EXTRAS if n not in ("no-cve", "withdrawn")]


@pytest.mark.parametrize("name", WITH_CVE)
def test_every_edge_case_with_cves_is_valid(tmp_path: Path, name: str) -> None:
    settings = make_settings(tmp_path)
    adv = case(name, settings)
    containers = cve_containers(adv, settings, org_id=ORG, page_url=PAGE)
    assert len(containers) == len(adv.cve)
    for container in containers:
        assert cve_errors(container) == []


def test_validator_rejects_what_it_should(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    (container,) = cve_containers(case("japanese", settings), settings, page_url=PAGE)
    no_english = {**container, "descriptions": container["descriptions"][1:]}
    assert cve_errors(no_english)
    assert cve_errors({**container, "providerMetadata": {"orgId": "not-a-uuid"}})
    assert cve_errors({**container, "datePublic": "yesterday"})


def test_two_cves_mapping(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    first, second = cve_containers(
        case("two-cves", settings), settings, org_id=ORG, short_name="ExampleCC", page_url=PAGE
    )
    assert first == second
    assert first["providerMetadata"] == {"orgId": ORG, "shortName": "ExampleCC"}
    assert first["datePublic"] == "2026-01-15T00:00:00Z"
    assert first["descriptions"] == [
        {"lang": "en", "value": "An attacker on the network can run commands on the device."}
    ]
    assert first["affected"] == [
        {
            "vendor": "Example Corp",
            "product": "example-lib",
            "packageName": "example-lib",
            "versions": [
                {
                    "version": "1.0.0",
                    "status": "affected",
                    "lessThan": "1.2.3",
                    "versionType": "python",
                },
                {
                    "version": "2.0.0",
                    "status": "affected",
                    "lessThan": "2.0.1",
                    "versionType": "python",
                },
            ],
            "defaultStatus": "unaffected",
        }
    ]
    assert [p["descriptions"][0]["cweId"] for p in first["problemTypes"]] == ["CWE-78", "CWE-20"]
    assert first["problemTypes"][1]["descriptions"][0]["description"] == (
        "CWE-20 Improper Input Validation"
    )
    assert first["metrics"] == [
        {
            "cvssV3_1": {
                "version": "3.1",
                "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                "baseScore": 9.8,
                "baseSeverity": "CRITICAL",
            }
        }
    ]
    assert first["references"] == [
        {"url": PAGE, "name": "ADV-2026-0001", "tags": ["third-party-advisory"]},
        {"url": "https://example.org/fix", "tags": ["patch"]},
        {"url": "https://example.org/report", "tags": ["issue-tracking"]},
    ]
    assert first["credits"] == [
        {"lang": "en", "value": "Alex Rivera", "type": "finder"},
        {"lang": "en", "value": "Example CERT", "type": "coordinator"},
    ]


def test_cvss4_metric(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    (container,) = cve_containers(case("cvss4-only", settings), settings, page_url=PAGE)
    assert container["metrics"] == [
        {
            "cvssV4_0": {
                "version": "4.0",
                "vectorString": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                "baseScore": 9.3,
                "baseSeverity": "CRITICAL",
            }
        }
    ]
    assert container["affected"][0]["versions"] == [
        {"version": "0", "status": "affected", "lessThan": "v3.1", "versionType": "semver"}
    ]


def test_japanese_advisory_gets_an_english_description_first(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    (container,) = cve_containers(case("japanese", settings, 5), settings, page_url=PAGE)
    assert container["descriptions"] == [
        {
            "lang": "en",
            "value": "Improper Limitation of a Pathname to a Restricted Directory "
            "('Path Traversal') (CWE-22) in 株式会社サンプルソフト（架空） さくらビューア "
            "before 5.2.0. See advisory ADV-2026-0005 for details.",
        },
        {"lang": "ja", "value": "An attacker on the network can run commands on the device."},
    ]
    assert container["title"] == "さくらビューア におけるパストラバーサルの脆弱性"
    assert container["credits"] == [{"lang": "ja", "value": "佐藤 太郎", "type": "finder"}]


def test_products_without_versions_or_vendor(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    (container,) = cve_containers(case("no-package", settings), settings, page_url=PAGE)
    assert container["affected"] == [
        {"vendor": "n/a", "product": "Standalone Appliance", "defaultStatus": "affected"},
        {
            "vendor": "Example Corp",
            "product": "Example Firmware",
            "packageName": "fw",
            "versions": [
                {"version": "0", "status": "affected", "lessThan": "2.0", "versionType": "custom"}
            ],
            "defaultStatus": "unaffected",
        },
    ]


def test_refusals_name_every_reason(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with pytest.raises(ExportError) as caught:
        cve_containers(case("no-cve", settings), settings, page_url=PAGE)
    assert str(caught.value) == (
        "advisories/ADV-2026-0001.md: cve: no CVE id; add `cve: [CVE-YYYY-NNNN]` to export CVE JSON"
    )
    with pytest.raises(ExportError) as caught:
        cve_containers(case("withdrawn", settings), settings)
    assert str(caught.value) == (
        "advisories/ADV-2026-0001.md: references: CVE records need a reference URL; add one "
        "under `references:` or set site_url in mkdocs.yml so the advisory page is used\n"
        "advisories/ADV-2026-0001.md: withdrawn: the advisory is withdrawn; reject its CVE ids "
        "with `cve reject` (cvelib) instead of publishing them"
    )


def test_org_id_check() -> None:
    assert check_org_id(f" {ORG} ", "--org-id") == ORG
    with pytest.raises(ExportError) as caught:
        check_org_id("1234", "ADVPUB_CVE_ORG_ID")
    assert str(caught.value) == (
        "ADVPUB_CVE_ORG_ID: '1234' is not a CNA organisation UUID (a version 4 UUID like "
        "b3476cb9-2e3d-41a6-98d0-0f47421a65b6); `cve org --raw` (cvelib) shows yours"
    )


CLI_EXTRA = EXTRAS["two-cves"]


def _repo(tmp_path: Path) -> Repo:
    repo = make_repo(tmp_path / "repo", site_url=SITE_URL, timezone="Asia/Tokyo")
    repo.write("advisories/2026/ADV-2026-0003.md", advisory_text("ADV-2026-0003", extra=CLI_EXTRA))
    return repo


def test_cli_prints_a_list_of_containers(
    tmp_path: Path, cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path)
    monkeypatch.setenv("ADVPUB_CVE_ORG_ID", ORG)
    result = cli("export", "cve", "ADV-2026-0003", cwd=repo.path)
    assert result.code == 0, result.err
    containers = json.loads(result.out)
    assert len(containers) == 2
    for container in containers:
        assert cve_errors(container) == []
        assert container["providerMetadata"]["orgId"] == ORG
        assert container["references"][0]["url"] == SITE_URL + "2026/ADV-2026-0003/"


def test_cli_writes_one_file_per_cve(tmp_path: Path, cli: Callable[..., Any]) -> None:
    repo = _repo(tmp_path)
    out = tmp_path / "out"
    result = cli("export", "cve", "ADV-2026-0003", "-o", str(out), cwd=repo.path)
    assert result.code == 0, result.err
    assert sorted(p.name for p in out.iterdir()) == ["CVE-2026-10001.json", "CVE-2026-10002.json"]
    assert result.err == (
        "advpub export: note: no --org-id or $ADVPUB_CVE_ORG_ID; wrote the placeholder "
        f"{PLACEHOLDER_ORG_ID}, which CVE Services refuses\n"
    )
    for file in out.iterdir():
        assert cve_errors(json.loads(file.read_text(encoding="utf-8"))) == []


def test_cli_osv_and_csaf(tmp_path: Path, cli: Callable[..., Any]) -> None:
    repo = _repo(tmp_path)
    osv = cli("export", "osv", "ADV-2026-0003", cwd=repo.path)
    assert osv.code == 0, osv.err
    assert osv_errors(json.loads(osv.out)) == []
    csaf = cli("export", "csaf", "ADV-2026-0003", "-o", str(tmp_path / "c"), cwd=repo.path)
    assert csaf.code == 0, csaf.err
    doc = json.loads((tmp_path / "c" / "adv-2026-0003.json").read_text(encoding="utf-8"))
    assert csaf_errors(doc) == []


def test_cli_refuses_unknown_future_and_bad_org_id(tmp_path: Path, cli: Callable[..., Any]) -> None:
    repo = _repo(tmp_path)
    missing = cli("export", "cve", "ADV-2026-0099", cwd=repo.path)
    assert (missing.code, missing.out) == (1, "")
    assert missing.err == (
        "advpub: error: ADV-2026-0099: no published advisory with this id under advisories/; "
        "check the id (`advpub status` lists them)\n"
    )
    early = cli(
        "export", "osv", "ADV-2026-0003", "--now", "2026-01-15T08:59:59+09:00", cwd=repo.path
    )
    assert early.code == 1
    assert early.err == (
        "advpub: error: advisories/2026/ADV-2026-0003.md: not releasable: release date "
        "2026-01-15 09:00 JST (2026-01-15T00:00:00Z) is in 1 second\n"
        "ADV-2026-0003: the release gate holds it; export it once it is released\n"
    )
    bad = cli("export", "cve", "ADV-2026-0003", "--org-id", "x", cwd=repo.path)
    assert bad.code == 1 and "--org-id: 'x' is not a CNA organisation UUID" in bad.err


def test_cli_never_exports_an_embargoed_draft(
    tmp_path: Path,
    cli: Callable[..., Any],
    make_key: Callable[[str], Key],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Even with a usable identity configured, a draft is not an exportable advisory."""
    repo = _repo(tmp_path)
    key = make_key("alice")
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(key.file))
    canary = "CANARY-7f3e9c1d-export"
    store = EmbargoStore(repo.path / "embargo", repo.path)
    store.write(
        "ADV-2026-0009",
        advisory_text("ADV-2026-0009", title=canary, extra=CLI_EXTRA),
        parse_recipients(f"{key.public} alice\n", "recipients.txt"),
    )
    for fmt in ("osv", "csaf", "cve"):
        result = cli("export", fmt, "ADV-2026-0009", "-o", str(tmp_path / "o"), cwd=repo.path)
        assert result.code == 1
        assert canary not in result.out + result.err
    assert not (tmp_path / "o").exists()


def test_cli_refuses_an_export_naming_another_embargoed_draft(
    tmp_path: Path,
    cli: Callable[..., Any],
    make_key: Callable[[str], Key],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The leak guard sees exports too: a released advisory whose text names a draft's
    (unpublished) CVE is not exported; a CVE a released advisory already carries is public."""
    repo = make_repo(tmp_path / "repo", site_url=SITE_URL, timezone="Asia/Tokyo")
    key = make_key("alice")
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(key.file))
    secret_cve = "CVE-2026-990077"
    repo.write(
        "advisories/2026/ADV-2026-0003.md",
        advisory_text(
            "ADV-2026-0003",
            summary=f"Related to {secret_cve}, fixed in the same release.",
            extra=CLI_EXTRA,
        ),
    )
    store = EmbargoStore(repo.path / "embargo", repo.path)
    store.write(
        "ADV-2026-0009",
        advisory_text(
            "ADV-2026-0009",
            title="Dingo canary 44af overflow in the widget",
            release_date="2030-01-01",
            extra=f"cve:\n  - {secret_cve}\n",
        ),
        parse_recipients(f"{key.public} alice\n", "recipients.txt"),
    )
    for fmt in ("osv", "csaf"):
        result = cli("export", fmt, "ADV-2026-0003", "-o", str(tmp_path / "o"), cwd=repo.path)
        assert result.code == 1, result.out
        assert secret_cve not in result.out + result.err
        assert "mentions the CVE id of embargoed draft ADV-2026-0009" in result.err
        assert "ADV-2026-0003: nothing was exported" in result.err
    assert not (tmp_path / "o").exists()
    # The draft's CVE appears in a released advisory's own cve list: public, exported.
    repo.write(
        "advisories/2026/ADV-2026-0004.md",
        advisory_text("ADV-2026-0004", extra=f"cve:\n  - {secret_cve}\n"),
    )
    assert cli("export", "osv", "ADV-2026-0003", cwd=repo.path).code == 0


# Linked translations: one description per language, exactly one English, its title.
BILINGUAL = "ADV-2020-0007"
CVE_FACTS = (
    "cve: [CVE-2020-10007]\n"
    "affected:\n  - vendor: Example Corp\n    product: Sample Router\n    fixed: 2.0.1\n"
)
JA_SUMMARY = "ネットワーク上の攻撃者が任意のコマンドを実行できます。"


def _bilingual_repo(tmp_path: Path, *translations: tuple[str, str, str]) -> Repo:
    """A Japanese advisory with a CVE and its translations ``(lang, title, extra)``."""
    repo = make_repo(tmp_path / "repo", site_url=SITE_URL, timezone="Asia/Tokyo")
    repo.write(f"advisories/2020/{BILINGUAL}.md", primary_text(extra=CVE_FACTS))
    for lang, title, extra in translations:
        text = translation_text(lang=lang, title=title, extra=extra)
        repo.write(f"advisories/2020/{BILINGUAL}.{lang}.md", text)
    return repo


def _exported(repo: Repo, cli: Callable[..., Any], *args: str) -> dict[str, Any]:
    result = cli("export", "cve", BILINGUAL, "--org-id", ORG, *args, cwd=repo.path)
    assert result.code == 0, result.err
    (container,) = json.loads(result.out)
    assert cve_errors(container) == []
    CveRecord.validate(container)  # cvelib's own check, as `cve publish` runs it
    return dict(container)


def test_cve_descriptions_carry_every_language_with_the_english_one_first(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    repo = _bilingual_repo(tmp_path, ("en", EN_TITLE, ""), ("zh", "示例路由器命令注入", ""))
    container = _exported(repo, cli)
    assert container["descriptions"] == [
        {"lang": "en", "value": "An attacker on the network can run any command."},
        {"lang": "ja", "value": JA_SUMMARY},
        {"lang": "zh", "value": "An attacker on the network can run any command."},
    ]
    assert container["title"] == EN_TITLE
    # Credits and everything else stay the primary's; OSV and CSAF stay one language.
    osv = cli("export", "osv", BILINGUAL, cwd=repo.path)
    assert json.loads(osv.out)["summary"] == JA_TITLE
    csaf = cli("export", "csaf", BILINGUAL, "-o", str(tmp_path / "c"), cwd=repo.path)
    assert csaf.code == 0, csaf.err
    doc = json.loads((tmp_path / "c" / "adv-2020-0007.json").read_text(encoding="utf-8"))
    assert doc["document"]["lang"] == "ja" and doc["document"]["title"] == JA_TITLE


def test_cve_without_an_english_version_keeps_the_generated_english_description(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    repo = _bilingual_repo(tmp_path, ("zh", "示例路由器命令注入", ""))
    container = _exported(repo, cli)
    assert container["descriptions"] == [
        {
            "lang": "en",
            "value": "A vulnerability in Example Corp Sample Router before 2.0.1. See "
            f"advisory {BILINGUAL} for details.",
        },
        {"lang": "ja", "value": JA_SUMMARY},
        {"lang": "zh", "value": "An attacker on the network can run any command."},
    ]
    assert container["title"] == JA_TITLE


def test_cve_exports_only_translations_the_gate_releases(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    """A translation the gate refuses (here: `published` before the release date) is not
    exported; the primary's record keeps the generated English description."""
    early = "published: 2020-03-01T10:00:00+09:00\n"
    repo = _bilingual_repo(tmp_path, ("en", EN_TITLE, early), ("zh", "示例路由器命令注入", ""))
    container = _exported(repo, cli)
    assert [d["lang"] for d in container["descriptions"]] == ["en", "ja", "zh"]
    assert container["descriptions"][0]["value"].startswith("A vulnerability in Example Corp")
    assert container["title"] == JA_TITLE


def test_cve_of_an_english_primary_lists_its_translation_after_it(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    adv = case("two-cves", settings)
    ja = dataclasses.replace(
        adv, lang="ja", title=JA_TITLE, summary=JA_SUMMARY, source_lang=adv.lang
    )
    us = dataclasses.replace(adv, lang="en-US", summary="Another English text.", source_lang="en")
    first, _ = cve_containers(adv, settings, page_url=PAGE, translations=(us, ja))
    assert first["descriptions"] == [
        {"lang": "en", "value": "An attacker on the network can run commands on the device."},
        {"lang": "ja", "value": JA_SUMMARY},
    ]
    assert first["title"] == adv.title
    assert cve_errors(first) == []
