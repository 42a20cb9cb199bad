"""Issue 19: OSV, CVE JSON 5 and CSAF say the same thing about every version range.

Each shape is exported to the three formats, each export is checked by its official schema,
then every format is decoded back to one common form (product, start, end, end included,
git) and the three are compared.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from advpub.config import Settings
from advpub.exports.csaf import csaf_document
from advpub.exports.cve import cve_containers
from advpub.exports.osv import osv_document
from advpub.model import Advisory, parse_advisory
from tests.conftest import advisory_text
from tests.exports.csaf_mandatory import mandatory_problems
from tests.exports.export_cases import SITE_URL, make_settings
from tests.exports.export_schemas import csaf_errors, cve_errors, osv_errors
from tests.exports.test_csaf_validator_lib import MANDATORY, run_validator, verdicts

PAGE = SITE_URL + "2026/ADV-2026-0001/"
COMMIT_A = "a" * 40
COMMIT_B = "0123456789abcdef0123456789abcdef01234567"
PACKAGE = (
    "    vendor: Larch\n    product: larch-http\n    ecosystem: PyPI\n    package: larch-http\n"
)

SHAPES: dict[str, str] = {
    "introduced-only": f'  - {PACKAGE.strip()}\n    introduced: "2.0"\n',
    "introduced-0-fixed": f'  - {PACKAGE.strip()}\n    introduced: "0"\n    fixed: "1.4.2"\n',
    "multiple-ranges": f"""  - {PACKAGE.strip()}
    ranges:
      - type: ECOSYSTEM
        events:
          - introduced: "0"
          - fixed: "1.4.2"
          - introduced: "2.0"
          - fixed: "2.3.2"
      - type: SEMVER
        events:
          - introduced: "3.0.0"
""",
    "last-affected": f"""  - {PACKAGE.strip()}
    ranges:
      - type: ECOSYSTEM
        events:
          - introduced: "1.0"
          - last_affected: "1.3"
""",
    "git": f"""  - {PACKAGE.strip()}
    ranges:
      - type: GIT
        repo: https://git.example.org/larch
        events:
          - introduced: "{COMMIT_A}"
          - fixed: "{COMMIT_B}"
""",
    "enumerated": f"""  - {PACKAGE.strip()}
    versions: ["1.0", "1.1", "2.0rc1"]
""",
}

# What each shape means, in the common form: (start or None for "0", end, end included, git).
MEANING: dict[str, set[tuple[str | None, str | None, bool, bool]]] = {
    "introduced-only": {("2.0", None, False, False)},
    "introduced-0-fixed": {(None, "1.4.2", False, False)},
    "multiple-ranges": {
        (None, "1.4.2", False, False),
        ("2.0", "2.3.2", False, False),
        ("3.0.0", None, False, False),
    },
    "last-affected": {("1.0", "1.3", True, False)},
    "git": {(COMMIT_A, COMMIT_B, False, True)},
    "enumerated": {("1.0", "1.0", True, False), ("1.1", "1.1", True, False)}
    | {("2.0rc1", "2.0rc1", True, False)},
}

Common = set[tuple[str | None, str | None, bool, bool]]


def advisory(settings: Settings, affected: str, extra: str = "") -> Advisory:
    text = advisory_text(extra=f"cve: [CVE-2026-31031]\n{extra}affected:\n{affected}")
    result = parse_advisory(
        text, path="advisories/ADV-2026-0001.md", options=settings.model_options
    )
    assert result.advisory is not None, [str(v) for v in result.violations]
    return result.advisory


def _pairs(events: list[tuple[str, str]], git: bool) -> Common:
    """Intervals from ordered (kind, version) events, as OSV reads them."""
    out: Common = set()
    start: str | None = None
    is_open = False
    for kind, version in events:
        if kind == "introduced":
            start, is_open = (None if version == "0" else version), True
        elif is_open:
            out.add((start, version, kind == "last_affected", git))
            is_open = False
    if is_open:
        out.add((start, None, False, git))
    return out


def from_osv(doc: dict[str, Any]) -> Common:
    out: Common = set()
    for entry in doc["affected"]:
        for r in entry.get("ranges", []):
            events = [next(iter(e.items())) for e in r["events"]]
            out |= _pairs(events, r["type"] == "GIT")
        out |= {(v, v, True, False) for v in entry.get("versions", [])}
    return out


def from_cve(container: dict[str, Any]) -> Common:
    out: Common = set()
    for product in container["affected"]:
        for v in product.get("versions", []):
            git = v.get("versionType") == "git"
            if "lessThan" in v or "lessThanOrEqual" in v:
                start = None if v["version"] == "0" else v["version"]
                end = v.get("lessThanOrEqual", v.get("lessThan"))
                out.add((start, None if end == "*" else end, "lessThanOrEqual" in v, git))
            else:
                out.add((v["version"], v["version"], True, git))
    return out


def from_csaf(doc: dict[str, Any]) -> Common:
    affected = set(doc["vulnerabilities"][0]["product_status"]["known_affected"])
    out: Common = set()
    for vendor in doc["product_tree"]["branches"]:
        for product in vendor["branches"]:
            for leaf in product["branches"]:
                if leaf["product"]["product_id"] not in affected:
                    continue
                if leaf["category"] == "product_version":
                    out.add((leaf["name"], leaf["name"], True, False))
                    continue
                scheme, _, constraints = leaf["name"].removeprefix("vers:").partition("/")
                events: list[tuple[str, str]] = []
                for c in constraints.split("|"):
                    if c == "*":
                        events.append(("introduced", "0"))
                    elif c.startswith(">="):
                        events.append(("introduced", unquote(c[2:])))
                    else:
                        if not events:
                            events.append(("introduced", "0"))
                        kind = "last_affected" if c.startswith("<=") else "fixed"
                        events.append((kind, unquote(c.lstrip("<="))))
                out |= _pairs(events, scheme == "git")
    return out


@pytest.mark.parametrize("shape", list(SHAPES))
def test_cve_osv_and_csaf_agree_on_every_range(tmp_path: Path, shape: str) -> None:
    settings = make_settings(tmp_path)
    adv = advisory(settings, SHAPES[shape])
    osv = osv_document(adv, settings, PAGE)
    (cve,) = cve_containers(adv, settings, page_url=PAGE)
    csaf = csaf_document(adv, settings, PAGE)
    assert osv_errors(osv) == []
    assert cve_errors(cve) == []
    assert csaf_errors(csaf) == [] and mandatory_problems(csaf) == []
    assert from_osv(osv) == MEANING[shape]
    assert from_cve(cve) == MEANING[shape]
    assert from_csaf(csaf) == MEANING[shape]


def test_ranges_are_exported_as_written(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    adv = advisory(settings, SHAPES["multiple-ranges"] + SHAPES["git"].replace("  - ", "  - ", 1))
    osv = osv_document(adv, settings, PAGE)
    assert [r["type"] for e in osv["affected"] for r in e["ranges"]] == [
        "ECOSYSTEM",
        "SEMVER",
        "GIT",
    ]
    assert osv["affected"][1]["ranges"][0]["repo"] == "https://git.example.org/larch"
    (cve,) = cve_containers(adv, settings, page_url=PAGE)
    assert cve["affected"][0]["versions"] == [
        {"version": "0", "status": "affected", "versionType": "python", "lessThan": "1.4.2"},
        {"version": "2.0", "status": "affected", "versionType": "python", "lessThan": "2.3.2"},
        {"version": "3.0.0", "status": "affected", "versionType": "semver", "lessThan": "*"},
        {
            "version": COMMIT_A,
            "status": "affected",
            "versionType": "git",
            "lessThan": COMMIT_B,
        },
    ]
    assert cve["affected"][0]["defaultStatus"] == "unaffected"
    csaf = csaf_document(adv, settings, PAGE)
    leaves = csaf["product_tree"]["branches"][0]["branches"][0]["branches"]
    assert [(leaf["category"], leaf["name"], leaf["product"]["name"]) for leaf in leaves] == [
        (
            "product_version_range",
            "vers:pypi/<1.4.2|>=2.0|<2.3.2",
            "Larch larch-http < 1.4.2; ≥ 2.0, < 2.3.2",
        ),
        ("product_version_range", "vers:semver/>=3.0.0", "Larch larch-http ≥ 3.0.0"),
        ("product_version", "1.4.2", "Larch larch-http 1.4.2"),
        ("product_version", "2.3.2", "Larch larch-http 2.3.2"),
        (
            "product_version_range",
            f"vers:git/>={COMMIT_A}|<{COMMIT_B}",
            f"Larch larch-http ≥ {COMMIT_A[:12]}, < {COMMIT_B[:12]}",
        ),
        ("product_version", COMMIT_B, f"Larch larch-http {COMMIT_B}"),
    ]


def test_free_text_versions_are_never_a_cve_version(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    adv = advisory(settings, "  - product: Router\n    versions: 5.1.9 and earlier\n")
    (cve,) = cve_containers(adv, settings, page_url=PAGE)
    assert cve["affected"] == [
        {
            "vendor": "n/a",
            "product": "Router",
            "versions": [{"version": "unspecified", "status": "affected"}],
            "defaultStatus": "unknown",
        }
    ]
    assert cve_errors(cve) == []


def test_osv_keeps_per_product_severity_specific_data_and_ids(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N"
    top = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    affected = (
        SHAPES["introduced-only"]
        + f"    cvss: [{vector}]\n    ecosystem_specific:\n      imports: [larch.parse]\n"
        + "  - product: larch-cli\n    ecosystem: npm\n    package: larch-cli\n"
        + '    introduced: "1.0"\n'
    )
    extra = (
        f"cvss:\n  - vector: {top}\nrelated: [GHSA-2c8m-w4hq-9fqx]\nupstream: [CVE-2025-12345]\n"
        "credits:\n  - name: Bot\n    type: tool\n    contact: [https://example.org/bot]\n"
    )
    adv = advisory(settings, affected, extra)
    osv = osv_document(adv, settings, PAGE)
    assert osv_errors(osv) == []
    assert "severity" not in osv  # OSV: top-level or per package, never both
    assert [e["severity"] for e in osv["affected"]] == [
        [{"type": "CVSS_V3", "score": vector}],
        [{"type": "CVSS_V3", "score": top}],
    ]
    assert osv["affected"][0]["ecosystem_specific"] == {"imports": ["larch.parse"]}
    assert osv["related"] == ["GHSA-2c8m-w4hq-9fqx"]
    assert osv["upstream"] == ["CVE-2025-12345"]
    assert osv["aliases"] == ["CVE-2026-31031"]
    assert osv["credits"] == [
        {"name": "Bot", "type": "TOOL", "contact": ["https://example.org/bot"]}
    ]
    csaf = csaf_document(adv, settings, PAGE)
    assert csaf_errors(csaf) == [] and mandatory_problems(csaf) == []
    scores = csaf["vulnerabilities"][0]["scores"]
    assert [(s["products"], s["cvss_v3"]["vectorString"]) for s in scores] == [
        (["CSAFPID-0001"], vector),
        (["CSAFPID-0002"], top),
    ]


def test_cpes_and_purl_are_product_identification_helpers(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    first = "cpe:2.3:a:joomla:joomla\\\\!:*:*:*:*:*:*:*:*"
    affected = (
        f"  - product: Joomla\n    purl: pkg:composer/joomla/joomla-cms\n"
        f'    cpe: ["{first}", "cpe:/a:joomla:joomla"]\n    fixed: "4.4.1"\n'
    )
    adv = advisory(settings, affected)
    assert adv.affected[0].cpes == (
        "cpe:2.3:a:joomla:joomla\\!:*:*:*:*:*:*:*:*",
        "cpe:/a:joomla:joomla",
    )
    csaf = csaf_document(adv, settings, PAGE)
    assert csaf_errors(csaf) == []
    (leaf, _fixed) = csaf["product_tree"]["branches"][0]["branches"]
    assert leaf["product"]["product_identification_helper"] == {
        "cpe": "cpe:2.3:a:joomla:joomla\\!:*:*:*:*:*:*:*:*",
        "purl": "pkg:composer/joomla/joomla-cms",
    }
    assert leaf["name"] == "vers:composer/<4.4.1"
    (cve,) = cve_containers(adv, settings, page_url=PAGE)
    assert cve["affected"][0]["cpes"] == list(adv.affected[0].cpes)
    assert cve_errors(cve) == []


def test_reference_tags_follow_meaning(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    refs = "".join(
        f"  - url: {url}\n    type: {kind}\n"
        for url, kind in (
            ("https://nvd.nist.gov/vuln/detail/CVE-2026-31031", "advisory"),
            ("https://jvn.jp/vu/JVNVU99999999/", "advisory"),
            (f"{SITE_URL}2026/ADV-2025-0007/", "advisory"),
            ("https://example.org/poc", "evidence"),
            ("https://example.org/rule", "detection"),
            ("https://example.org/thread", "discussion"),
            ("https://example.org/commit/1", "introduced"),
            ("https://example.org/repo", "git"),
            ("https://github.com/advisories/GHSA-2c8m-w4hq-9fqx", "web"),
        )
    )
    adv = advisory(settings, SHAPES["introduced-only"], f"references:\n{refs}")
    (cve,) = cve_containers(adv, settings, page_url=PAGE)
    assert [r.get("tags", []) for r in cve["references"][1:]] == [
        ["vdb-entry"],
        ["third-party-advisory"],
        ["third-party-advisory"],  # this site's own page; the publisher is a coordinator
        ["exploit"],
        ["signature"],
        ["media-coverage"],
        ["related"],
        ["related"],
        ["vdb-entry"],
    ]
    assert cve_errors(cve) == []


UNORDERED = """\
published: 2026-01-15T09:00:00+09:00
revisions:
  - date: 2026-03-01T12:00:00+09:00
    summary: Added the 2.x branch.
  - date: 2026-02-01T12:00:00+09:00
    summary: Corrected the CVSS vector.
withdrawn:
  date: 2026-02-15T00:00:00Z
  reason: Duplicate of ADV-2026-0002.
"""


def test_revision_history_is_sorted_with_the_withdrawal(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    adv = advisory(settings, SHAPES["introduced-0-fixed"], UNORDERED)
    tracking = csaf_document(adv, settings, PAGE)["document"]["tracking"]
    assert [(r["number"], r["date"], r["summary"]) for r in tracking["revision_history"]] == [
        ("1", "2026-01-15T00:00:00Z", "Initial public release."),
        ("2", "2026-02-01T03:00:00Z", "Corrected the CVSS vector."),
        ("3", "2026-02-15T00:00:00Z", "Withdrawn: Duplicate of ADV-2026-0002."),
        ("4", "2026-03-01T03:00:00Z", "Added the 2.x branch."),
    ]
    assert tracking["version"] == "4"
    assert tracking["current_release_date"] == "2026-03-01T03:00:00Z"


def test_csaf_validator_lib_passes_unordered_revisions_and_withdrawal(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    files = []
    for n, shape in enumerate(SHAPES):
        adv = advisory(settings, SHAPES[shape], UNORDERED)
        doc = csaf_document(replace(adv, id=f"ADV-2026-{n + 1:04d}"), settings, PAGE)
        file = tmp_path / f"adv-2026-{n + 1:04d}.json"
        file.write_text(json.dumps(doc), encoding="utf-8")
        files.append(file)
    done = run_validator(*files)
    results = verdicts(done)
    assert len(results) == len(files)
    for result in results:
        assert MANDATORY.issubset(result.tests)
        assert result.errors == [], result.file
        # 6.2.11: the self reference is the JSON document's URL, not the HTML page
        assert [o for o in result.optional if o.get("test") == "optionalTest_6_2_11"] == []
    assert done.returncode == 0


def test_a_year_one_instant_is_written_with_four_digits(tmp_path: Path) -> None:
    """The parser refuses year 1 (tests/model/test_model_dates.py); the exports never write
    a year as "1" even for a model built without it (issue 19: OSV "1-01-01T00:00:00Z")."""
    settings = make_settings(tmp_path)
    adv = replace(
        advisory(settings, SHAPES["introduced-0-fixed"]),
        published=datetime(1, 1, 1, tzinfo=UTC),
        release_date=datetime(1, 1, 1, tzinfo=UTC),
    )
    osv = osv_document(adv, settings, PAGE)
    (cve,) = cve_containers(adv, settings, page_url=PAGE)
    csaf = csaf_document(adv, settings, PAGE)
    assert osv["published"] == "0001-01-01T00:00:00Z"
    assert cve["datePublic"] == "0001-01-01T00:00:00Z"
    assert csaf["document"]["tracking"]["initial_release_date"] == "0001-01-01T00:00:00Z"
    for doc in (osv, cve, csaf):
        text = json.dumps(doc)
        assert '"1-01-01' not in text and "/1-01/" not in text


@pytest.mark.parametrize(
    ("extra", "line", "field"),
    [
        ("published: 0001-01-01\n", 9, "published"),
        ("revisions:\n  - date: 0001-01-01\n    summary: x\n", 10, "revisions[0].date"),
        ("withdrawn:\n  date: 0001-01-01\n  reason: x\n", 10, "withdrawn.date"),
    ],
)
def test_year_one_is_refused_for_every_date_key(extra: str, line: int, field: str) -> None:
    settings = make_settings(Path("/nonexistent"))
    result = parse_advisory(advisory_text(extra=extra), path="a.md", options=settings.model_options)
    assert [str(v) for v in result.violations] == [
        f"a.md:{line}: {field}: 0001-01-01 is out of range; use a year between 1970 and 2999"
    ]


def test_release_date_and_verified_on_year_one_are_refused() -> None:
    text = advisory_text(release_date="0001-01-01", verified=False).replace(
        "  verified: false\n", "  verified: false\n  verified_on: 0001-01-01\n"
    )
    settings = make_settings(Path("/nonexistent"))
    result = parse_advisory(text, path="a.md", options=settings.model_options)
    assert [str(v) for v in result.violations] == [
        "a.md:5: release_date: 0001-01-01 is out of range; use a year between 1970 and 2999",
        "a.md:8: fix.verified_on: 0001-01-01 is out of range; use a year between 1970 and 2999",
    ]
