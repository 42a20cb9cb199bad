"""OSV export: schema validity of every edge case, the mapping, the site files."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from advpub.exports.osv import osv_document, osv_ecosystem, osv_id
from advpub.exports.site import osv_outputs
from tests.conftest import SCHEMAS
from tests.exports.export_cases import EXTRAS, SITE_URL, case, make_settings
from tests.exports.export_schemas import load, osv_errors
from tests.exports.export_site import site_context

PAGE = SITE_URL + "2026/ADV-2026-0001/"


@pytest.mark.parametrize("name", list(EXTRAS))
def test_every_edge_case_is_valid_osv(tmp_path: Path, name: str) -> None:
    settings = make_settings(tmp_path)
    doc = osv_document(case(name, settings), settings, PAGE)
    assert osv_errors(doc) == []


def test_validator_rejects_what_it_should() -> None:
    """The validator is live: bad dates, unknown id prefixes and bad URLs fail."""
    good = load(SCHEMAS / "examples" / "osv" / "GHSA-9v2f-6vcg-3hgv.json")
    assert osv_errors(good) == []
    assert osv_errors({**good, "modified": "yesterday"})
    assert osv_errors({**good, "id": "ADV-2026-0001"})
    assert osv_errors({**good, "references": [{"type": "WEB", "url": "not a uri"}]})


def test_id_aliases_dates_and_database_specific(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    doc = osv_document(case("two-cves", settings), settings, PAGE)
    assert doc["id"] == "x_ADV-2026-0001" == osv_id("ADV-2026-0001")
    assert doc["aliases"] == ["CVE-2026-10001", "CVE-2026-10002", "JVNVU#99999999"]
    assert doc["published"] == "2026-01-15T00:00:00Z"
    assert doc["modified"] == "2026-01-15T00:00:00Z"
    assert "withdrawn" not in doc
    assert doc["summary"].startswith("Example Router")
    assert doc["details"].startswith("An attacker on the network")
    assert doc["severity"] == [
        {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}
    ]
    assert doc["database_specific"] == {
        "id": "ADV-2026-0001",
        "url": PAGE,
        "cwe_ids": ["CWE-78", "CWE-20"],
        "severity": "Critical",
        "base_score": 9.8,
    }
    assert doc["references"] == [
        {"type": "ADVISORY", "url": PAGE},
        {"type": "FIX", "url": "https://example.org/fix"},
        {"type": "REPORT", "url": "https://example.org/report"},
    ]
    assert doc["credits"] == [
        {"name": "Alex Rivera", "type": "FINDER"},
        {"name": "Example CERT", "type": "COORDINATOR"},
    ]


def test_shorthand_is_an_ecosystem_range_even_when_it_looks_like_semver(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    doc = osv_document(case("two-cves", settings), settings, None)
    assert [a["package"] for a in doc["affected"]] == [
        {"ecosystem": "PyPI", "name": "example-lib"}
    ] * 2
    assert [a["ranges"] for a in doc["affected"]] == [
        [{"type": "ECOSYSTEM", "events": [{"introduced": "1.0.0"}, {"fixed": "1.2.3"}]}],
        [{"type": "ECOSYSTEM", "events": [{"introduced": "2.0.0"}, {"fixed": "2.0.1"}]}],
    ]
    assert "url" not in doc["database_specific"]
    assert "references" in doc and all(r["url"] != PAGE for r in doc["references"])


def test_purl_gives_the_package_and_non_semver_is_ecosystem_range(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    doc = osv_document(case("cvss4-only", settings), settings, PAGE)
    (entry,) = doc["affected"]
    assert entry["package"] == {
        "ecosystem": "npm",
        "name": "@example/widget",
        "purl": "pkg:npm/%40example/widget",
    }
    assert entry["ranges"] == [
        {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "v3.1"}]}
    ]
    assert doc["severity"] == [
        {
            "type": "CVSS_V4",
            "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        }
    ]


def test_affected_without_package_data_goes_to_database_specific(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    for name in ("no-package", "no-cve", "japanese"):
        doc = osv_document(case(name, settings), settings, PAGE)
        assert "affected" not in doc, name
    doc = osv_document(case("no-package", settings), settings, PAGE)
    assert doc["database_specific"]["affected_products"] == [
        {"product": "Standalone Appliance"},
        {
            "vendor": "Example Corp",
            "product": "Example Firmware",
            "ecosystem": "vendor-firmware",
            "package": "fw",
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}],
        },
    ]


def test_withdrawn_advisory_has_withdrawn(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    doc = osv_document(case("withdrawn", settings), settings, PAGE)
    assert doc["withdrawn"] == "2026-02-01T00:00:00Z"
    assert doc["modified"] == "2026-02-01T00:00:00Z"
    assert doc["database_specific"]["withdrawn_reason"] == (
        "Not a vulnerability after further analysis."
    )


def test_japanese_text_is_kept(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    doc = osv_document(case("japanese", settings), settings, PAGE)
    assert doc["summary"] == "さくらビューア におけるパストラバーサルの脆弱性"
    assert "パストラバーサルの脆弱性が存在します" in doc["details"]
    assert doc["credits"] == [{"name": "佐藤 太郎", "type": "FINDER"}]


def test_revisions_move_modified(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    doc = osv_document(case("revisions", settings), settings, PAGE)
    assert doc["published"] == "2026-01-15T00:00:00Z"
    assert doc["modified"] == "2026-03-01T03:00:00Z"


def test_ecosystem_names() -> None:
    assert osv_ecosystem("pypi") == "PyPI"
    assert osv_ecosystem("Debian:12") == "Debian:12"
    assert osv_ecosystem("Debian:") is None
    assert osv_ecosystem("vendor-firmware") is None


def test_site_files_are_valid_and_deterministic(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    advisories = [case(name, settings, n) for n, name in enumerate(EXTRAS, start=1)]
    first = osv_outputs(site_context(settings, advisories))
    again = osv_outputs(site_context(settings, list(reversed(advisories))))
    assert [(o.path, o.content) for o in first] == [(o.path, o.content) for o in again]
    paths = [o.path for o in first]
    assert paths == [f"osv/ADV-2026-{n:04d}.json" for n in range(1, 8)] + ["osv/all.zip"]
    by_path = {o.path: o.content for o in first}
    with zipfile.ZipFile(io.BytesIO(by_path["osv/all.zip"])) as archive:
        names = archive.namelist()
        assert names == [f"ADV-2026-{n:04d}.json" for n in range(1, 8)]
        for name in names:
            info = archive.getinfo(name)
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            content = archive.read(name)
            assert content == by_path[f"osv/{name}"]
            assert osv_errors(json.loads(content)) == []
    doc = json.loads(by_path["osv/ADV-2026-0001.json"])
    assert doc["database_specific"]["url"] == PAGE


def test_site_without_site_url_has_no_page_links(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, site_url=None)
    outputs = osv_outputs(site_context(settings, [case("no-cve", settings)]))
    doc = json.loads(outputs[0].content)
    assert "url" not in doc["database_specific"]
    assert osv_errors(doc) == []
