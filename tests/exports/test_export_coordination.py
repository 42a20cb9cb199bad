"""Issue 19 exports: vendor status, remediations and informational advisories in CSAF
(official schemas, csaf-validator-lib mandatory tests, optional test 6.2.2) and OSV."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from advpub.config import Settings
from advpub.exports.csaf import csaf_document
from advpub.exports.osv import osv_document
from advpub.model import Advisory, parse_advisory
from tests.conftest import advisory_text
from tests.exports.csaf_mandatory import mandatory_problems
from tests.exports.export_cases import SITE_URL, make_settings
from tests.exports.export_schemas import csaf_errors, osv_errors
from tests.exports.test_csaf_validator_lib import MANDATORY, run_validator, verdicts

PAGE = SITE_URL + "2026/ADV-2026-0001/"
FIX = "fix:\n  verified: true\n  verified_by: Example Corp PSIRT\n"

MULTI_VENDOR = """\
cve: [CVE-2026-20001]
affected:
  - vendor: Example Corp
    product: Example Server
    ecosystem: PyPI
    package: example-server
    introduced: 2.0.0
    fixed: 2.3.2
  - vendor: Other Ltd
    product: Other Gateway
vendor_status:
  - vendor: Example Corp
    status: affected
    statement: Fixed in 2.3.2.
    updated: 2020-10-01
    url: https://example.com/psirt/1
  - vendor: Other Ltd
    status: affected
  - vendor: Third KK
    status: not_affected
    statement: Our products do not use the library.
  - vendor: Fourth GmbH
    status: under_investigation
  - vendor: Silent Inc
    status: unknown
remediations:
  - category: vendor_fix
    details: Update Example Server to 2.3.2.
    url: https://example.com/download
    products: [example-server]
  - category: workaround
    details: Block port 8080.
  - category: no_fix_planned
    details: The gateway is end of life.
    products: [Other Gateway]
"""

VENDORS_ONLY = """\
vendor_status:
  - vendor: Example Corp
    status: affected
  - vendor: Third KK
    status: not_affected
remediations:
  - category: mitigation
    details: Filter traffic.
"""

INFORMATIONAL = """\
kind: informational
informational: unmaintained
affected:
  - product: example-crate
    ecosystem: crates.io
    package: example-crate
vendor_status:
  - vendor: Example Corp
    status: unknown
remediations:
  - category: none_available
    details: Switch to a maintained fork.
references:
  - url: https://example.org/unmaintained
    type: web
"""

CASES = {
    "multi-vendor": MULTI_VENDOR,
    "vendors-only": VENDORS_ONLY,
    "informational": INFORMATIONAL,
    "informational-no-reference": INFORMATIONAL.split("references:")[0],
}


def parsed(name: str, settings: Settings) -> Advisory:
    text = advisory_text(extra=CASES[name], release_date="2020-10-02")
    if name.startswith("informational"):
        text = text.replace(FIX, "")
    result = parse_advisory(
        text, path="advisories/ADV-2026-0001.md", options=settings.model_options
    )
    assert result.advisory is not None, [str(v) for v in result.violations]
    return result.advisory


def document(name: str, tmp_path: Path) -> dict[str, Any]:
    settings = make_settings(tmp_path)
    return csaf_document(parsed(name, settings), settings, PAGE)


@pytest.mark.parametrize("name", list(CASES))
def test_documents_are_valid_csaf(tmp_path: Path, name: str) -> None:
    doc = document(name, tmp_path)
    assert csaf_errors(doc) == []
    assert mandatory_problems(doc) == []


def test_vendor_status_becomes_product_status_notes_and_threats(tmp_path: Path) -> None:
    doc = document("multi-vendor", tmp_path)
    assert doc["document"]["category"] == "csaf_security_advisory"
    assert doc["product_tree"]["branches"][2:] == [
        {
            "category": "vendor",
            "name": "Third KK",
            "product": {"name": "Third KK products", "product_id": "CSAFPID-0004"},
        },
        {
            "category": "vendor",
            "name": "Fourth GmbH",
            "product": {"name": "Fourth GmbH products", "product_id": "CSAFPID-0005"},
        },
    ]
    (vuln,) = doc["vulnerabilities"]
    assert vuln["product_status"] == {
        "fixed": ["CSAFPID-0002"],
        "known_affected": ["CSAFPID-0001", "CSAFPID-0003"],
        "known_not_affected": ["CSAFPID-0004"],
        "under_investigation": ["CSAFPID-0005"],
    }
    assert vuln["notes"][1:] == [
        {
            "category": "other",
            "title": "Vendor status: Example Corp",
            "text": "Affected. Updated 2020-10-01. Fixed in 2.3.2. https://example.com/psirt/1",
        },
        {"category": "other", "title": "Vendor status: Other Ltd", "text": "Affected."},
        {
            "category": "other",
            "title": "Vendor status: Third KK",
            "text": "Not affected. Our products do not use the library.",
        },
        {
            "category": "other",
            "title": "Vendor status: Fourth GmbH",
            "text": "Under investigation.",
        },
        {"category": "other", "title": "Vendor status: Silent Inc", "text": "No response."},
    ]
    assert vuln["threats"] == [
        {
            "category": "impact",
            "details": "Our products do not use the library.",
            "product_ids": ["CSAFPID-0004"],
        }
    ]


def test_remediations_name_the_products_they_apply_to(tmp_path: Path) -> None:
    (vuln,) = document("multi-vendor", tmp_path)["vulnerabilities"]
    # The explicit vendor_fix replaces the generated "update to 2.3.2" for the same product.
    assert vuln["remediations"] == [
        {
            "category": "vendor_fix",
            "details": "Update Example Server to 2.3.2.",
            "product_ids": ["CSAFPID-0001"],
            "url": "https://example.com/download",
        },
        {
            "category": "workaround",
            "details": "Block port 8080.",
            "product_ids": ["CSAFPID-0001", "CSAFPID-0003", "CSAFPID-0005"],
        },
        {
            "category": "no_fix_planned",
            "details": "The gateway is end of life.",
            "product_ids": ["CSAFPID-0003"],
        },
    ]


def test_vendor_statuses_alone_make_a_security_advisory(tmp_path: Path) -> None:
    doc = document("vendors-only", tmp_path)
    assert doc["document"]["category"] == "csaf_security_advisory"
    assert list(doc) == ["document", "product_tree", "vulnerabilities"]
    (vuln,) = doc["vulnerabilities"]
    assert vuln["product_status"] == {
        "known_affected": ["CSAFPID-0001"],
        "known_not_affected": ["CSAFPID-0002"],
    }
    assert vuln["threats"][0]["details"] == "Third KK reports no affected products."
    assert vuln["remediations"] == [
        {"category": "mitigation", "details": "Filter traffic.", "product_ids": ["CSAFPID-0001"]}
    ]


def test_informational_advisory_has_no_vulnerabilities(tmp_path: Path) -> None:
    doc = document("informational", tmp_path)
    assert doc["document"]["category"] == "csaf_informational_advisory"
    assert "vulnerabilities" not in doc
    assert doc["document"]["notes"][2:] == [
        {
            "category": "general",
            "title": "Informational advisory",
            "text": "This is an informational advisory (unmaintained), not a vulnerability report.",
        },
        {"category": "other", "title": "Vendor status: Example Corp", "text": "No response."},
        {
            "category": "other",
            "title": "Remediation: none_available",
            "text": "Switch to a maintained fork.",
        },
    ]
    # The profile needs an external reference (6.1.27.2): the HTML page is one; without a
    # page and without other references the document is csaf_base.
    assert document("informational-no-reference", tmp_path)["document"]["category"] == (
        "csaf_informational_advisory"
    )
    settings = make_settings(tmp_path)
    bare = csaf_document(parsed("informational-no-reference", settings), settings)
    assert bare["document"]["category"] == "csaf_base"


def test_csaf_validator_lib_mandatory_tests_and_remediation_coverage(tmp_path: Path) -> None:
    files = []
    for name in CASES:
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(document(name, tmp_path)), encoding="utf-8")
        files.append(path)
    done = run_validator(*files)
    results = verdicts(done)
    for result in results:
        assert MANDATORY.issubset(result.tests)
        assert result.errors == [], result.file
        assert result.is_valid
    assert done.returncode == 0
    # Every affected product has a remediation (optional test 6.2.2 finds nothing).
    for result in results:
        assert [f for f in result.optional if f["test"] == "optionalTest_6_2_2"] == [], result.file


def test_osv_carries_kind_vendor_status_and_remediations(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    doc = osv_document(parsed("multi-vendor", settings), settings, PAGE)
    assert osv_errors(doc) == []
    specific = doc["database_specific"]
    assert "kind" not in specific
    assert specific["vendor_status"][0] == {
        "vendor": "Example Corp",
        "status": "affected",
        "statement": "Fixed in 2.3.2.",
        "updated": "2020-10-01",
        "url": "https://example.com/psirt/1",
    }
    assert [s["status"] for s in specific["vendor_status"]] == [
        "affected",
        "affected",
        "not_affected",
        "under_investigation",
        "unknown",
    ]
    assert specific["remediations"] == [
        {
            "category": "vendor_fix",
            "details": "Update Example Server to 2.3.2.",
            "url": "https://example.com/download",
            "products": ["example-server"],
        },
        {"category": "workaround", "details": "Block port 8080."},
        {
            "category": "no_fix_planned",
            "details": "The gateway is end of life.",
            "products": ["Other Gateway"],
        },
    ]
    info = osv_document(parsed("informational", settings), settings, PAGE)
    assert osv_errors(info) == []
    assert (info["database_specific"]["kind"], info["database_specific"]["informational"]) == (
        "informational",
        "unmaintained",
    )
