"""Converting published OSV records and CSAF documents into advpub front matter."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from advpub.imports.common import render
from advpub.imports.csaf import convert_csaf
from advpub.imports.osv import convert_osv

FIXTURES = Path(__file__).parent / "fixtures"


def record(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_ghsa_keeps_ecosystem_ranges_dates_and_the_source_id() -> None:
    out = convert_osv(record("osv/GHSA-j8r2-6x86-q33q.json"), "GHSA-j8r2-6x86-q33q")
    front = out.front
    assert front["aliases"] == ["GHSA-j8r2-6x86-q33q"]
    assert front["cve"] == ["CVE-2024-24762"]
    assert front["cwe"] == ["CWE-1333"]
    assert front["published"] == front["release_date"] == "2024-02-06T17:22:58Z"
    assert front["revisions"] == [
        {"date": "2024-03-12T08:30:41Z", "summary": "Updated in GitHub Advisory Database."}
    ]
    # 0.0.7 and 0.109.1 look like SemVer: the type stays as the record gives it.
    assert [a["ranges"] for a in front["affected"]] == [
        [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "0.0.7"}]}],
        [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "0.109.1"}]}],
    ]
    assert front["credits"] == [
        {
            "name": "Marcelo Trylesinski",
            "type": "remediation_developer",
            "contact": ["https://github.com/Kludex"],
        }
    ]
    assert [r["type"] for r in front["references"]] == ["web", "advisory", "fix", "package"]
    assert front["fix"]["verified_by"] == "GitHub Advisory Database"
    assert out.body.startswith("### Impact\n")
    assert [(n.path, n.reason) for n in out.not_carried] == [
        (path, "database-specific data has no advpub field")
        for path in (
            "affected[0].database_specific.source",
            "database_specific.severity",
            "database_specific.github_reviewed",
            "database_specific.github_reviewed_at",
            "database_specific.nvd_published_at",
        )
    ]


def test_rustsec_unmaintained_is_informational_without_a_fix() -> None:
    out = convert_osv(record("osv/RUSTSEC-2024-0001.json"), "RUSTSEC-2024-0001")
    front = out.front
    assert (front["kind"], front["informational"]) == ("informational", "unmaintained")
    assert "fix" not in front
    assert front["related"] == ["GHSA-h7vw-2cqm-qv3q"]
    assert front["affected"][0]["ranges"] == [
        {"type": "SEMVER", "events": [{"introduced": "0.0.0-0"}]}
    ]
    assert front["affected"][0]["ecosystem_specific"] == {
        "affects": {"arch": [], "os": [], "functions": []}
    }
    assert [n.path for n in out.not_carried] == [
        "affected[0].database_specific.categories",
        "affected[0].database_specific.cvss",
        "database_specific.license",
    ]


def test_go_record_keeps_symbols_several_ranges_and_git() -> None:
    out = convert_osv(record("osv/GO-2024-1234.json"), "GO-2024-1234")
    entry = out.front["affected"][0]
    assert entry["ecosystem_specific"] == {
        "imports": [{"path": "github.com/example/filestore", "symbols": ["Open", "Store.Read"]}]
    }
    assert entry["ranges"] == [
        {
            "type": "SEMVER",
            "events": [
                {"introduced": "0"},
                {"fixed": "1.4.2"},
                {"introduced": "2.0.0"},
                {"fixed": "2.0.3"},
            ],
        },
        {"type": "SEMVER", "events": [{"introduced": "3.0.0"}, {"last_affected": "3.1.0"}]},
        {
            "type": "GIT",
            "repo": "https://github.com/example/filestore",
            "events": [
                {"introduced": "0"},
                {"fixed": "5f2c0e1a9d1b3c4e5f60718293a4b5c6d7e8f901"},
            ],
        },
    ]
    assert out.front["aliases"] == ["GO-2024-1234", "GHSA-9x4v-4c9v-3hqx"]
    assert out.front["credits"] == [{"name": "Aiko Tanaka"}]
    assert [(n.path, n.reason) for n in out.not_carried] == [
        ("database_specific.url", "database-specific data has no advpub field"),
        ("database_specific.review_status", "database-specific data has no advpub field"),
    ]


def test_pysec_enumerated_versions_and_a_title_from_the_id() -> None:
    out = convert_osv(record("osv/PYSEC-2006-1.json"), "PYSEC-2006-1")
    assert out.front["title"] == "PYSEC-2006-1"
    assert out.front["summary"].startswith("Multiple cross-site scripting (XSS)")
    assert out.front["affected"][0]["versions"] == ["0.9", "0.9.1"]
    assert out.front["published"] == "2006-06-02T10:02:00Z"
    assert out.front["revisions"][0]["date"] == "2021-07-05T00:01:21Z"
    text = render(out)
    # Versions that YAML would read as numbers stay strings.
    assert "  - '0.9'\n" in text and "    - introduced: '0'\n" in text


def test_a_vulnerability_without_a_fix_records_the_approved_waiver() -> None:
    data = record("osv/PYSEC-2006-1.json")
    data["affected"][0]["ranges"][0]["events"] = [{"introduced": "0"}]
    assert convert_osv(data, "PYSEC-2006-1").front["fix"] == {"verified": False}
    waived = convert_osv(data, "PYSEC-2006-1", approved_by=["alice", "bob"]).front
    assert waived["waive_fix_verification"] == {
        "basis": "already-public",
        "approved_by": ["alice", "bob"],
        "reference": "PYSEC-2006-1 (published by PyPI Advisory Database)",
    }


def test_csaf_product_tree_status_and_remediations() -> None:
    out = convert_csaf(record("csaf/example-psirt-2024-0007.json"), "EXAMPLE-PSIRT-2024-0007")
    front = out.front
    assert front["summary"] == (
        "An unauthenticated attacker can call admin API endpoints of Example Server."
    )
    assert front["published"] == "2024-04-09T00:00:00Z"
    assert front["aliases"] == ["EXAMPLE-PSIRT-2024-0007", "JVN#12345678"]
    assert front["affected"] == [
        {
            "vendor": "Example Corp",
            "product": "Example Server",
            "purl": "pkg:pypi/example-server",
            "cpe": ["cpe:2.3:a:example:server:*:*:*:*:*:*:*:*"],
            "ranges": [
                {"type": "ECOSYSTEM", "events": [{"introduced": "2.0"}, {"fixed": "2.3.2"}]}
            ],
            "ecosystem": "PyPI",
            "package": "example-server",
        }
    ]
    assert front["vendor_status"] == [
        {"vendor": "Example Corp", "status": "affected"},
        {"vendor": "Other Vendor", "status": "not_affected"},
    ]
    assert front["remediations"] == [
        {
            "category": "vendor_fix",
            "details": "Update to 2.3.2.",
            "url": "https://psirt.example.com/downloads",
            "products": ["Example Server"],
        },
        {
            "category": "workaround",
            "details": "Block /admin at the reverse proxy.",
            "products": ["Example Server"],
        },
    ]
    assert out.body == (
        "## Details\n\nThe admin API accepts requests whose session header is empty.\n\n"
        "## Terms of use\n\nProvided as is.\n\n"
        "## Vulnerability description\n\nMissing check of the session header.\n"
    )
    assert [n.path for n in out.not_carried] == [
        "document.publisher",
        "document.aggregate_severity",
        "vulnerabilities[0].threats",
    ]


def test_csaf_revisions_in_date_order_after_the_initial_release() -> None:
    out = convert_csaf(record("csaf/example-psirt-2023-0003.json"), "EXAMPLE-PSIRT-2023-0003")
    assert out.front["revisions"] == [
        {"date": "2023-06-20T00:00:00Z", "summary": "Corrected the CVSS vector."},
        {"date": "2023-09-15T00:00:00Z", "summary": "Added the fixed version for the 4.x line."},
    ]
    assert out.front["affected"][0]["versions"] == ["4.1.0"]
    assert out.front["affected"][0]["ranges"] == [
        {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "4.1.1"}]}
    ]
