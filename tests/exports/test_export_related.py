"""``related`` and ``upstream`` ids in the CVE JSON 5 and CSAF 2.0 exports (issue 19).

Ids whose database has a fixed record URL become references (CVE tag ``related``, CSAF
category ``external``) named ``related: <id>`` / ``upstream: <id>``; CSAF names the others
in a ``Related advisories`` note; nothing goes to ``vulnerabilities[].ids`` (the
vulnerability's own ids).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advpub.config import Settings
from advpub.exports.csaf import csaf_document
from advpub.exports.cve import cve_containers
from advpub.model import Advisory, parse_advisory
from advpub.model.id_urls import advisory_id_url
from tests.conftest import advisory_text
from tests.exports.csaf_mandatory import mandatory_problems
from tests.exports.export_cases import SITE_URL, make_settings
from tests.exports.export_schemas import csaf_errors, cve_errors
from tests.exports.test_csaf_validator_lib import MANDATORY, run_validator, verdicts

PAGE = SITE_URL + "2026/ADV-2026-0001/"
LINKED = """\
cve: [CVE-2026-20001]
related: [ghsa-ABCD-efgh-ijkl, CVE-2025-1234, cisco-sa-example-2025]
upstream: [PYSEC-2025-17, "VU#123456"]
affected:
  - vendor: Example Corp
    product: Example Server
    ecosystem: PyPI
    package: example-server
    introduced: 2.0.0
    fixed: 2.3.2
"""
INFORMATIONAL = """\
kind: informational
informational: unmaintained
related: [RUSTSEC-2025-0001]
affected:
  - product: example-crate
    ecosystem: crates.io
    package: example-crate
"""
GHSA_URL = "https://github.com/advisories/GHSA-abcd-efgh-ijkl"
CVE_URL = "https://www.cve.org/CVERecord?id=CVE-2025-1234"
PYSEC_URL = "https://osv.dev/vulnerability/PYSEC-2025-17"


def parsed(extra: str, settings: Settings, *, verified: bool = True) -> Advisory:
    text = advisory_text(extra=extra, release_date="2020-10-02", verified=verified)
    if not verified:  # informational advisories need no fix block
        text = text.replace("fix:\n  verified: false\n", "")
    result = parse_advisory(
        text, path="advisories/ADV-2026-0001.md", options=settings.model_options
    )
    assert result.advisory is not None, [str(v) for v in result.violations]
    return result.advisory


@pytest.mark.parametrize(
    ("ident", "url"),
    [
        ("CVE-2025-1234", CVE_URL),
        ("GHSA-abcd-efgh-ijkl", GHSA_URL),
        ("ghsa-ABCD-efgh-ijkl", GHSA_URL),
        ("JVN#12345678", "https://jvn.jp/jp/JVN12345678/"),
        ("JVNVU#12345678", "https://jvn.jp/vu/JVNVU12345678/"),
        ("JVNTA#12345678", "https://jvn.jp/ta/JVNTA12345678/"),
        ("JVNDB-2026-000123", "https://jvndb.jvn.jp/ja/contents/2026/JVNDB-2026-000123.html"),
        ("PYSEC-2025-17", PYSEC_URL),
        ("RUSTSEC-2025-0001", "https://osv.dev/vulnerability/RUSTSEC-2025-0001"),
        ("GO-2025-3000", "https://osv.dev/vulnerability/GO-2025-3000"),
        ("VU#123456", None),
        ("cisco-sa-example-2025", None),
        ("GHSA-not-valid", None),
        ("<script>", None),
    ],
)
def test_known_databases_have_record_urls(ident: str, url: str | None) -> None:
    assert advisory_id_url(ident) == url


def test_cve_references_name_related_and_upstream_ids(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    [container] = cve_containers(parsed(LINKED, settings), settings, page_url=PAGE)
    assert cve_errors(container) == []
    assert container["references"] == [
        {"url": PAGE, "name": "ADV-2026-0001", "tags": ["third-party-advisory"]},
        {"url": GHSA_URL, "name": "related: ghsa-ABCD-efgh-ijkl", "tags": ["related"]},
        {"url": CVE_URL, "name": "related: CVE-2025-1234", "tags": ["related"]},
        {"url": PYSEC_URL, "name": "upstream: PYSEC-2025-17", "tags": ["related"]},
    ]


def test_csaf_references_related_ids_and_notes_the_rest(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    doc = csaf_document(parsed(LINKED, settings), settings, PAGE)
    assert csaf_errors(doc) == []
    assert mandatory_problems(doc) == []
    document = doc["document"]
    assert document["references"][2:] == [
        {"category": "external", "summary": "related: ghsa-ABCD-efgh-ijkl", "url": GHSA_URL},
        {"category": "external", "summary": "related: CVE-2025-1234", "url": CVE_URL},
        {"category": "external", "summary": "upstream: PYSEC-2025-17", "url": PYSEC_URL},
    ]
    assert document["notes"][-1] == {
        "category": "other",
        "title": "Related advisories",
        "text": "related: cisco-sa-example-2025\nupstream: VU#123456",
    }
    assert all("ids" not in vulnerability for vulnerability in doc["vulnerabilities"])


def test_a_related_id_is_the_external_reference_an_informational_document_needs(
    tmp_path: Path,
) -> None:
    """Without a page URL or references, the related id alone keeps the informational
    profile (mandatory test 6.1.27.2 needs an external reference)."""
    settings = make_settings(tmp_path)
    doc = csaf_document(parsed(INFORMATIONAL, settings, verified=False), settings)
    assert doc["document"]["category"] == "csaf_informational_advisory"
    assert doc["document"]["references"][1:] == [
        {
            "category": "external",
            "summary": "related: RUSTSEC-2025-0001",
            "url": "https://osv.dev/vulnerability/RUSTSEC-2025-0001",
        }
    ]
    assert csaf_errors(doc) == []
    assert mandatory_problems(doc) == []


def test_related_ids_pass_csaf_validator_lib(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    files = []
    for name, adv in (
        ("linked", parsed(LINKED, settings)),
        ("informational", parsed(INFORMATIONAL, settings, verified=False)),
    ):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(csaf_document(adv, settings)), encoding="utf-8")
        files.append(path)
    done = run_validator(*files)
    results = verdicts(done)
    assert len(results) == 2
    for result in results:
        assert MANDATORY.issubset(result.tests)
        assert result.errors == [], result.file
        assert result.is_valid
    assert done.returncode == 0
