"""CSAF 2.0 export: schema (official and strict) and mandatory tests, the provider layout."""

from __future__ import annotations

import copy
import hashlib
import json
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from advpub.errors import ExportError
from advpub.exports.csaf import csaf_document, tracking_file_name
from advpub.exports.site import csaf_outputs, csaf_skipped_reason, export_outputs
from tests.conftest import SCHEMAS, require_tool
from tests.exports.csaf_mandatory import (
    check_6_1_1_missing_product_id_definitions,
    check_6_1_16_latest_document_version,
    check_6_1_17_document_status_draft,
    check_6_1_21_missing_item_in_revision_history,
    mandatory_problems,
)
from tests.exports.export_cases import EXTRAS, SITE_URL, all_cases, case, make_settings
from tests.exports.export_schemas import csaf_errors, load, provider_errors, rolie_errors
from tests.exports.export_site import site_context

PAGE = SITE_URL + "2026/ADV-2026-0001/"
WHITE = ".well-known/csaf/white"
EXAMPLES = SCHEMAS / "examples" / "csaf" / "2.0"


@pytest.mark.parametrize("name", list(EXTRAS))
def test_every_edge_case_is_valid_csaf(tmp_path: Path, name: str) -> None:
    settings = make_settings(tmp_path)
    for page in (PAGE, None):
        doc = csaf_document(case(name, settings), settings, page)
        assert csaf_errors(doc) == []
        assert mandatory_problems(doc) == []


@pytest.mark.parametrize(
    "example", ["bsi-2022-0001.json", "cisco-sa-20180328-smi2.json", "rhsa-2021_5217.json"]
)
def test_upstream_examples_pass_our_checks(example: str) -> None:
    doc = load(EXAMPLES / "csaf" / example)
    assert [e for e in csaf_errors(doc) if not e.startswith("strict")] == []
    assert check_6_1_1_missing_product_id_definitions(doc) == []
    assert check_6_1_21_missing_item_in_revision_history(doc) == []


def test_validators_reject_what_they_should(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    doc = csaf_document(case("two-cves", settings), settings, PAGE)
    unknown = copy.deepcopy(doc)
    unknown["document"]["tracking"]["surprise"] = 1
    assert csaf_errors(unknown) == [
        "strict: document/tracking: Additional properties are not allowed "
        "('surprise' was unexpected)"
    ]
    bad_date = copy.deepcopy(doc)
    bad_date["document"]["tracking"]["current_release_date"] = "yesterday"
    assert "document/tracking/current_release_date: 'yesterday' is not a 'date-time'" in (
        csaf_errors(bad_date)
    )
    bad_score = copy.deepcopy(doc)
    bad_score["vulnerabilities"][0]["scores"][0]["cvss_v3"]["baseSeverity"] = "Critical"
    assert csaf_errors(bad_score)


def test_mandatory_checks_find_planted_defects(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    doc = csaf_document(case("revisions", settings), settings, PAGE)
    undefined = copy.deepcopy(doc)
    undefined["vulnerabilities"][0]["product_status"]["fixed"].append("CSAFPID-9999")
    assert check_6_1_1_missing_product_id_definitions(undefined) == [
        "/vulnerabilities/0/product_status/fixed: CSAFPID-9999 is not defined in the product tree"
    ]
    stale = copy.deepcopy(doc)
    stale["document"]["tracking"]["version"] = "2"
    assert check_6_1_16_latest_document_version(stale) == [
        "/document/tracking/version: 2 but the newest revision is 3"
    ]
    draft = copy.deepcopy(doc)
    draft["document"]["tracking"]["version"] = "0"
    assert check_6_1_17_document_status_draft(draft) == [
        "/document/tracking/status: version 0 requires status draft"
    ]
    gap = copy.deepcopy(doc)
    gap["document"]["tracking"]["revision_history"][1]["number"] = "5"
    assert check_6_1_21_missing_item_in_revision_history(gap) == [
        "/document/tracking/revision_history: 3 follows 1"
    ]


def test_tracking_and_revision_history(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    tracking = csaf_document(case("revisions", settings), settings)["document"]["tracking"]
    assert tracking["id"] == "ADV-2026-0001"
    assert tracking["status"] == "final"
    assert tracking["version"] == "3"
    assert tracking["revision_history"] == [
        {"date": "2026-01-15T00:00:00Z", "number": "1", "summary": "Initial public release."},
        {
            "date": "2026-02-01T03:00:00Z",
            "number": "2",
            "summary": "Corrected the CVSS vector.",
        },
        {
            "date": "2026-03-01T03:00:00Z",
            "number": "3",
            "summary": "Added the fixed version for the 2.x branch.",
        },
    ]
    assert tracking["initial_release_date"] == "2026-01-15T00:00:00Z"
    assert tracking["current_release_date"] == "2026-03-01T03:00:00Z"


def test_withdrawn_adds_a_revision_and_a_note(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    doc = csaf_document(case("withdrawn", settings), settings)["document"]
    assert doc["tracking"]["version"] == "2"
    assert doc["tracking"]["revision_history"][-1]["summary"] == (
        "Withdrawn: Not a vulnerability after further analysis."
    )
    assert {
        "category": "general",
        "title": "Withdrawn",
        "text": "This advisory was withdrawn on 2026-02-01T00:00:00Z: "
        "Not a vulnerability after further analysis.",
    } in doc["notes"]


def test_document_fields(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    doc = csaf_document(case("two-cves", settings), settings, PAGE)
    document = doc["document"]
    assert document["category"] == "csaf_security_advisory"
    assert document["distribution"]["tlp"]["label"] == "WHITE"
    assert document["publisher"] == {
        "category": "coordinator",
        "name": "Sample Coordination Center",
        "namespace": "https://advisories.example.org",
        "contact_details": "security@example.org",
    }
    assert document["references"][:2] == [
        {
            "category": "self",
            "summary": "ADV-2026-0001 (CSAF)",
            "url": f"{SITE_URL}.well-known/csaf/white/2026/adv-2026-0001.json",
        },
        {"category": "external", "summary": "ADV-2026-0001 (HTML)", "url": PAGE},
    ]
    assert document["acknowledgments"] == [
        {"names": ["Alex Rivera"], "summary": "finding the vulnerability"},
        {"names": ["Example CERT"], "summary": "coordinating the disclosure"},
    ]
    assert [n["category"] for n in document["notes"]] == ["summary", "details"]


def test_one_vulnerability_per_cve_with_one_cwe(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    doc = csaf_document(case("two-cves", settings), settings, PAGE)
    vulns = doc["vulnerabilities"]
    assert [v["cve"] for v in vulns] == ["CVE-2026-10001", "CVE-2026-10002"]
    for vuln in vulns:
        assert vuln["cwe"] == {
            "id": "CWE-78",
            "name": "Improper Neutralization of Special Elements used in an OS Command "
            "('OS Command Injection')",
        }
        assert {
            "category": "other",
            "title": "Additional CWE ids",
            "text": "CWE-20 (Improper Input Validation)",
        } in vuln["notes"]
        assert vuln["product_status"] == {
            "fixed": ["CSAFPID-0002", "CSAFPID-0004"],
            "known_affected": ["CSAFPID-0001", "CSAFPID-0003"],
        }
        assert vuln["scores"] == [
            {
                "products": ["CSAFPID-0001", "CSAFPID-0003"],
                "cvss_v3": {
                    "version": "3.1",
                    "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                    "baseScore": 9.8,
                    "baseSeverity": "CRITICAL",
                },
            }
        ]
        assert [r["product_ids"] for r in vuln["remediations"]] == [
            ["CSAFPID-0001"],
            ["CSAFPID-0003"],
        ]
        assert vuln["remediations"][0]["category"] == "vendor_fix"
    (vendor,) = doc["product_tree"]["branches"]
    assert vendor["name"] == "Example Corp"
    (product,) = vendor["branches"]
    assert [(b["category"], b["name"]) for b in product["branches"]] == [
        ("product_version_range", "vers:pypi/>=1.0.0|<1.2.3"),
        ("product_version", "1.2.3"),
        ("product_version_range", "vers:pypi/>=2.0.0|<2.0.1"),
        ("product_version", "2.0.1"),
    ]


def test_no_cve_gives_one_vulnerability_without_cve(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    (vuln,) = csaf_document(case("no-cve", settings), settings)["vulnerabilities"]
    assert "cve" not in vuln
    assert vuln["product_status"] == {"fixed": ["CSAFPID-0002"], "known_affected": ["CSAFPID-0001"]}


def test_cvss4_goes_to_notes(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    (vuln,) = csaf_document(case("cvss4-only", settings), settings)["vulnerabilities"]
    assert "scores" not in vuln
    assert {
        "category": "other",
        "title": "CVSS v4.0",
        "text": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N "
        "(base score 9.3, Critical)",
    } in vuln["notes"]


def test_product_without_vendor_and_without_versions(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    doc = csaf_document(case("no-package", settings), settings)
    assert doc["product_tree"]["branches"] == [
        {
            "category": "product_name",
            "name": "Standalone Appliance",
            "branches": [
                {
                    "category": "product_version_range",
                    "name": "vers:all/*",
                    "product": {
                        "name": "Standalone Appliance all versions",
                        "product_id": "CSAFPID-0001",
                    },
                }
            ],
        },
        {
            "category": "vendor",
            "name": "Example Corp",
            "branches": [
                {
                    "category": "product_name",
                    "name": "Example Firmware",
                    "branches": [
                        {
                            "category": "product_version_range",
                            "name": "vers:generic/<2.0",
                            "product": {
                                "name": "Example Corp Example Firmware < 2.0",
                                "product_id": "CSAFPID-0002",
                            },
                        },
                        {
                            "category": "product_version",
                            "name": "2.0",
                            "product": {
                                "name": "Example Corp Example Firmware 2.0",
                                "product_id": "CSAFPID-0003",
                            },
                        },
                    ],
                }
            ],
        },
    ]


def test_japanese_text_is_kept(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    doc = csaf_document(case("japanese", settings), settings)
    assert doc["document"]["lang"] == "ja"
    assert doc["document"]["title"] == "さくらビューア におけるパストラバーサルの脆弱性"
    assert doc["vulnerabilities"][0]["cwe"]["id"] == "CWE-22"
    (vendor,) = doc["product_tree"]["branches"]
    assert vendor["name"] == "株式会社サンプルソフト（架空）"
    leaf = vendor["branches"][0]["branches"][0]
    assert leaf["name"] == "vers:generic/<5.2.0"
    assert (
        leaf["product"]["name"]
        == "株式会社サンプルソフト（架空） さくらビューア 5.1.9 およびそれ以前"
    )


@pytest.mark.parametrize(
    ("tracking_id", "file_name"),
    [
        ("ADV-2026-0001", "adv-2026-0001.json"),
        ("JVN#2026 Foo", "jvn_2026_foo.json"),
        ("Example+Co--SA 1.2", "example+co--sa_1_2.json"),
        ("さくら-1", "_-1.json"),
    ],
)
def test_tracking_file_names(tracking_id: str, file_name: str) -> None:
    assert tracking_file_name(tracking_id) == file_name


def _site_outputs(tmp_path: Path) -> tuple[list[Any], dict[str, bytes]]:
    settings = make_settings(tmp_path)
    outputs = csaf_outputs(site_context(settings, all_cases(settings)))
    return outputs, {o.path: o.content for o in outputs}


def test_provider_layout_is_valid(tmp_path: Path) -> None:
    _, files = _site_outputs(tmp_path)
    docs = [p for p in files if p.endswith(".json") and "/2026/" in p]
    assert docs == [f"{WHITE}/2026/adv-2026-{n:04d}.json" for n in range(1, 8)]
    for path in docs:
        doc = json.loads(files[path])
        assert csaf_errors(doc) == []
        assert mandatory_problems(doc) == []
        assert tracking_file_name(doc["document"]["tracking"]["id"]) == path.rsplit("/", 1)[1]
        assert doc["document"]["tracking"]["initial_release_date"][:4] == path.split("/")[-2]
    provider = json.loads(files[".well-known/csaf/provider-metadata.json"])
    assert provider_errors(provider) == []
    assert provider["canonical_url"] == SITE_URL + ".well-known/csaf/provider-metadata.json"
    assert provider["distributions"] == [
        {"directory_url": SITE_URL + f"{WHITE}/"},
        {
            "rolie": {
                "categories": [SITE_URL + f"{WHITE}/category-white.json"],
                "feeds": [
                    {
                        "summary": "TLP:WHITE advisories",
                        "tlp_label": "WHITE",
                        "url": SITE_URL + f"{WHITE}/csaf-feed-tlp-white.json",
                    }
                ],
                "services": [SITE_URL + ".well-known/csaf/service.json"],
            }
        },
    ]
    assert provider["last_updated"] == "2026-03-01T03:00:00Z"
    feed = json.loads(files[f"{WHITE}/csaf-feed-tlp-white.json"])
    assert rolie_errors(feed) == []
    entries = feed["feed"]["entry"]
    assert [e["id"] for e in entries][:2] == ["ADV-2026-0007", "ADV-2026-0004"]
    assert {e["content"]["src"] for e in entries} == {SITE_URL + p for p in docs}


def test_hash_files_verify(tmp_path: Path) -> None:
    _, files = _site_outputs(tmp_path)
    path = f"{WHITE}/2026/adv-2026-0002.json"
    content = files[path]
    assert files[path + ".sha256"] == (
        f"{hashlib.sha256(content).hexdigest()}  adv-2026-0002.json\n".encode()
    )
    assert files[path + ".sha512"] == (
        f"{hashlib.sha512(content).hexdigest()}  adv-2026-0002.json\n".encode()
    )
    folder = tmp_path / "check"
    folder.mkdir()
    (folder / "adv-2026-0002.json").write_bytes(content)
    for algorithm in ("sha256", "sha512"):
        (folder / f"x.{algorithm}").write_bytes(files[f"{path}.{algorithm}"])
        tool = require_tool(f"{algorithm}sum")
        done = subprocess.run(
            [tool, "-c", f"x.{algorithm}"], cwd=folder, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout == "adv-2026-0002.json: OK\n"


def test_index_and_changes(tmp_path: Path) -> None:
    _, files = _site_outputs(tmp_path)
    assert files[f"{WHITE}/index.txt"].decode() == "".join(
        f"2026/adv-2026-{n:04d}.json\n" for n in range(1, 8)
    )
    assert files[f"{WHITE}/changes.csv"].decode().splitlines() == [
        '"2026/adv-2026-0007.json","2026-03-01T03:00:00Z"',
        '"2026/adv-2026-0004.json","2026-02-01T00:00:00Z"',
        '"2026/adv-2026-0006.json","2026-01-15T00:00:00Z"',
        '"2026/adv-2026-0005.json","2026-01-15T00:00:00Z"',
        '"2026/adv-2026-0003.json","2026-01-15T00:00:00Z"',
        '"2026/adv-2026-0002.json","2026-01-15T00:00:00Z"',
        '"2026/adv-2026-0001.json","2026-01-15T00:00:00Z"',
    ]


def test_site_exports_are_deterministic(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    advisories = all_cases(settings)
    first = list(export_outputs(site_context(settings, advisories)))
    again = list(export_outputs(site_context(settings, list(reversed(advisories)))))
    assert [(o.path, o.content) for o in first] == [(o.path, o.content) for o in again]
    assert len({o.path for o in first}) == len(first)


def test_without_site_url_csaf_is_skipped_and_osv_written(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, site_url=None)
    ctx = site_context(settings, all_cases(settings))
    paths = [o.path for o in export_outputs(ctx)]
    assert paths and all(p.startswith("osv/") for p in paths)
    assert csaf_skipped_reason(ctx) == (
        "mkdocs.yml: site_url: not set, so no CSAF provider metadata or ROLIE feed was "
        "written (they need absolute URLs); set site_url to publish CSAF"
    )


def test_only_tlp_clear_goes_to_white(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    clear = case("no-cve", settings, 1)
    amber = case("two-cves", settings, 2)
    amber = replace(amber, tlp="AMBER")
    files = {o.path for o in csaf_outputs(site_context(settings, [clear, amber]))}
    assert f"{WHITE}/2026/adv-2026-0001.json" in files
    assert not [p for p in files if "0002" in p]


def test_colliding_csaf_file_names_are_refused(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    first = case("no-cve", settings, 1)
    second = replace(first, id="Adv-2026-0001", path="advisories/Adv-2026-0001.md")
    with pytest.raises(ExportError) as caught:
        csaf_outputs(site_context(settings, [first, second]))
    assert str(caught.value) == (
        "advisories/ADV-2026-0001.md: id: ADV-2026-0001 and Adv-2026-0001 give the same CSAF "
        "file name 2026/adv-2026-0001.json (CSAF lower-cases ids and replaces other "
        "characters by _); rename one of them"
    )
