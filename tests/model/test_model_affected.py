# ruff: noqa: E501  (a table of exact YAML inputs and messages reads best unwrapped)
"""Issue 19: precise affected data, related/upstream ids, OSV credit and reference types.

Every invalid value is a violation naming the exact field, all reported at once."""

from __future__ import annotations

import pytest

from advpub.model import ModelOptions, parse_advisory
from advpub.model.advisory import RangeEvent, RangeInterval, VersionRange
from tests.conftest import advisory_text

PATH = "advisories/ADV-2026-0001.md"


def problems(extra: str) -> list[str]:
    result = parse_advisory(
        advisory_text(extra=extra), path=PATH, options=ModelOptions(), expected_id="ADV-2026-0001"
    )
    return [str(v).removeprefix(f"{PATH}:") for v in result.violations]


INVALID: dict[str, tuple[str, list[str]]] = {
    "cpe-joomla": (
        'affected:\n  - product: Joomla\n    cpe: "cpe:2.3:a:joomla:joomla!:*:*:*:*:*:*:*:*"\n',
        [
            "11: affected[0].cpe: 'cpe:2.3:a:joomla:joomla!:*:*:*:*:*:*:*:*' is not a CPE 2.3 formatted string: product 'joomla!' has an unquoted special character; write cpe:2.3:a:joomla:joomla\\!:*:*:*:*:*:*:*:*"
        ],
    ),
    "cpe-list": (
        'affected:\n  - product: A\n  - product: B\n  - product: C\n    cpe:\n      - cpe:/a:cybozu:garoon\n      - "cpe:2.3:a:ex:server:*:*:*:*:*:*:*"\n',
        [
            "15: affected[2].cpe[1]: 'cpe:2.3:a:ex:server:*:*:*:*:*:*:*' has 10 components after cpe:2.3: but a CPE 2.3 formatted string has 11 (part:vendor:product:version:update:edition:language:sw_edition:target_sw:target_hw:other); use * for any value"
        ],
    ),
    "purl": (
        'affected:\n  - product: A\n    purl: pkg:1x/y\n  - product: B\n    purl: "pkg:npm/a b"\n',
        [
            "11: affected[0].purl: 'pkg:1x/y' is not a package URL (purl type cannot start with a number: '1x'); write one like pkg:pypi/name@1.2.3",
            "13: affected[1].purl: 'pkg:npm/a b' is not a package URL: spaces must be percent-encoded; write pkg:npm/a%20b",
        ],
    ),
    "range-type": (
        'affected:\n  - product: A\n    ranges:\n      - type: semver\n        events:\n          - introduced: "1.0"\n',
        [
            "12: affected[0].ranges[0].type: 'semver' is not allowed; use one of: ECOSYSTEM, SEMVER, GIT"
        ],
    ),
    "git": (
        'affected:\n  - product: A\n    ranges:\n      - type: GIT\n        events:\n          - introduced: "0"\n          - fixed: abc123\n      - type: SEMVER\n        repo: https://example.org/r\n        events:\n          - introduced: "1.0.0"\n',
        [
            "12: affected[0].ranges[0].repo: required for a GIT range; add the repository URL",
            "15: affected[0].ranges[0].events[1].fixed: 'abc123' is not a full commit hash; GIT ranges use 40 (or 64) hex digit commit ids, or \"0\"",
            "17: affected[0].ranges[1].repo: only GIT ranges have a repo; remove it or use GIT",
        ],
    ),
    "order": (
        'affected:\n  - product: A\n    ranges:\n      - type: ECOSYSTEM\n        events:\n          - fixed: "1.0"\n          - introduced: "0"\n          - introduced: "2.0"\n          - introduced: "3.0"\n          - limit: "4.0"\n          - fixed: "5.0"\n',
        [
            "14: affected[0].ranges[0].events[0].fixed: must follow an introduced event; write events in version order as introduced then fixed (or last_affected) pairs",
            '15: affected[0].ranges[0].events[1].introduced: "0" (from the first version) must be the first event',
            "16: affected[0].ranges[0].events[2].introduced: the introduced before it has no end; add a fixed or last_affected event between them",
            "17: affected[0].ranges[0].events[3].introduced: the introduced before it has no end; add a fixed or last_affected event between them",
            "19: affected[0].ranges[0].events[5].fixed: nothing may follow `limit`; write limit last",
        ],
    ),
    "mixed": (
        'affected:\n  - product: A\n    ranges:\n      - type: ECOSYSTEM\n        events:\n          - introduced: "1.0"\n          - fixed: "1.2"\n          - introduced: "2.0"\n          - last_affected: "2.3"\n      - type: ECOSYSTEM\n        events:\n          - fixed: "1.0"\n',
        [
            "13: affected[0].ranges[0].events: fixed and last_affected exclude each other in one range (OSV); split it into two ranges",
            '19: affected[0].ranges[1].events: needs an introduced event (introduced: "0" for all versions)',
            "20: affected[0].ranges[1].events[0].fixed: must follow an introduced event; write events in version order as introduced then fixed (or last_affected) pairs",
        ],
    ),
    "event-shape": (
        'affected:\n  - product: A\n    ranges:\n      - type: ECOSYSTEM\n        events:\n          - introduced: "1.0"\n            fixed: "2.0"\n          - fixd: "3.0"\n          - introduced: 1.10\n',
        [
            "14: affected[0].ranges[0].events[0]: must be one `kind: version` pair; write each event as its own `- ` item",
            "16: affected[0].ranges[0].events[1].fixd: unknown key; did you mean `fixed`?",
            '17: affected[0].ranges[0].events[2].introduced: must be text: write the version in quotes, e.g. "1.10" (YAML reads an unquoted 1.10 as the number 1.1)',
        ],
    ),
    "shorthand": (
        'affected:\n  - product: A\n    introduced: "1.0"\n    fixed: "1.2"\n    last_affected: "1.1"\n    ranges:\n      - type: ECOSYSTEM\n        events:\n          - introduced: "0"\n',
        [
            "13: affected[0].last_affected: `fixed` and `last_affected` exclude each other (OSV); keep one",
            "14: affected[0].ranges: `ranges` replaces the shorthand `introduced`, `fixed`, `last_affected`; move them into a range's events",
        ],
    ),
    "versions": (
        'affected:\n  - product: A\n    versions: []\n  - product: B\n    versions: ["1.0", 2.10, null]\n',
        [
            "11: affected[0].versions: must not be empty; list the affected versions",
            '13: affected[1].versions[1]: must be text: write the version in quotes, e.g. "1.10" (YAML reads an unquoted 1.10 as the number 1.1)',
            "13: affected[1].versions[2]: must not be empty",
        ],
    ),
    "cvss": (
        'affected:\n  - product: A\n    cvss: CVSS:3.1/AV:N\n  - product: B\n    cvss: ["CVSS:3.1/AV:N", "nope"]\n',
        [
            "11: affected[0].cvss: must be a list of CVSS vectors, not a string",
            '13: affected[1].cvss[0]: invalid CVSS vector: Missing mandatory metrics "AC, PR, UI, S, C, I, A"',
            "13: affected[1].cvss[1]: must start with CVSS:3.1/, CVSS:3.0/ or CVSS:4.0/",
        ],
    ),
    "specific": (
        "affected:\n  - product: A\n    ecosystem_specific: [1]\n  - product: B\n    ecosystem_specific: {a: {1: x}}\n",
        [
            "11: affected[0].ecosystem_specific: must be a mapping, not a list",
            "13: affected[1].ecosystem_specific.a: keys must be text, not a number",
        ],
    ),
    "related": (
        'related: ["GHSA-2c8m-w4hq-9fqx", "two words"]\nupstream: ["CVE-2024-1"]\n',
        [
            "9: related[1]: 'two words' is not a valid alias: it is not one identifier; use a known scheme (JVN#12345678, JVNVU#12345678, JVNDB-2026-000123, GHSA-xxxx-xxxx-xxxx) or a vendor/OSV id of letters, digits and . _ : # / + - (e.g. PYSEC-2026-1, VU#123456)",
            "10: upstream[0]: 'CVE-2024-1' is not a valid alias: it does not match the CVE pattern CVE-2026-12345",
        ],
    ),
    "credit": (
        'credits:\n  - name: A\n    type: sponsor\n    contact: ["https://example.org/a", ""]\n  - name: B\n    type: founder\n',
        [
            "12: credits[0].contact[1]: must not be empty",
            "14: credits[1].type: 'founder' is not allowed; use one of: finder, reporter, coordinator, analyst, remediation_developer, remediation_reviewer, remediation_verifier, tool, sponsor, other",
        ],
    ),
    "reftype": (
        "references:\n  - url: https://example.org/a\n    type: evidence\n  - url: https://example.org/b\n    type: exploit\n",
        [
            "13: references[1].type: 'exploit' is not allowed; use one of: advisory, fix, report, web, package, article, detection, discussion, introduced, evidence, git"
        ],
    ),
    "dates": (
        "published: 0001-01-01\nrevisions:\n  - date: 0001-01-01T00:00:00Z\n    summary: x\n",
        [
            "9: published: 0001-01-01 is out of range; use a year between 1970 and 2999",
            "11: revisions[0].date: 0001-01-01T00:00:00Z is out of range; use a year between 1970 and 2999",
        ],
    ),
}


@pytest.mark.parametrize("name", list(INVALID))
def test_invalid_values_are_violations_with_the_exact_field(name: str) -> None:
    extra, expected = INVALID[name]
    assert problems(extra) == expected


VALID = """\
related: [GHSA-2c8m-w4hq-9fqx]
upstream: [CVE-2025-12345]
credits:
  - name: Bot
    type: tool
    contact: [https://example.org/bot]
affected:
  - product: Larch
    ecosystem: Homebrew
    package: larch
    purl: pkg:pypi/larch
    cpe:
      - cpe:2.3:a:larch:larch:*:*:*:*:*:*:*:*
      - cpe:/a:larch:larch
    versions: ["0.9.1", "0.9.2"]
    ranges:
      - type: ECOSYSTEM
        events:
          - introduced: "0"
          - fixed: "1.4.2"
          - introduced: "2.0"
          - fixed: "2.3.2"
      - type: ECOSYSTEM
        events:
          - introduced: "3.0"
          - last_affected: "3.1"
      - type: GIT
        repo: https://git.example.org/larch
        events:
          - introduced: "0"
          - limit: "0123456789abcdef0123456789abcdef01234567"
    cvss: [CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H]
    ecosystem_specific: {imports: [larch.parse], os: linux}
  - product: Router
    versions: 5.1.9 and earlier
    introduced: "2.0"
    fixed: "2.3.2"
"""


def test_a_valid_entry_becomes_the_model() -> None:
    result = parse_advisory(
        advisory_text(extra=VALID), path=PATH, options=ModelOptions(), expected_id=None
    )
    assert result.violations == ()
    adv = result.advisory
    assert adv is not None
    assert adv.related == ("GHSA-2c8m-w4hq-9fqx",)
    assert adv.upstream == ("CVE-2025-12345",)
    assert adv.credits[0].contact == ("https://example.org/bot",)
    larch, router = adv.affected
    assert larch.ecosystem == "Homebrew"  # any ecosystem string
    assert larch.cpe == "cpe:2.3:a:larch:larch:*:*:*:*:*:*:*:*"
    assert larch.cpes == (larch.cpe, "cpe:/a:larch:larch")
    assert larch.versions is None and larch.enumerated == ("0.9.1", "0.9.2")
    assert larch.ranges[0] == VersionRange(
        "ECOSYSTEM",
        (
            RangeEvent("introduced", "0"),
            RangeEvent("fixed", "1.4.2"),
            RangeEvent("introduced", "2.0"),
            RangeEvent("fixed", "2.3.2"),
        ),
    )
    assert larch.ranges[0].intervals == (
        RangeInterval(None, "1.4.2", "fixed"),
        RangeInterval("2.0", "2.3.2", "fixed"),
    )
    assert larch.ranges[0].text == "< 1.4.2; ≥ 2.0, < 2.3.2"
    assert larch.ranges[1].intervals == (RangeInterval("3.0", "3.1", "last_affected"),)
    assert larch.ranges[1].text == "≥ 3.0, ≤ 3.1"
    assert larch.ranges[2].repo == "https://git.example.org/larch"
    assert larch.ranges[2].text == "< 0123456789ab"
    assert larch.fixed_versions == ("1.4.2", "2.3.2")
    assert [c.base_score for c in larch.cvss] == [9.8]
    assert larch.ecosystem_specific == {"imports": ["larch.parse"], "os": "linux"}
    # The shorthand is one ECOSYSTEM range, whatever the versions look like.
    assert router.versions == "5.1.9 and earlier"
    assert router.ranges == (
        VersionRange("ECOSYSTEM", (RangeEvent("introduced", "2.0"), RangeEvent("fixed", "2.3.2"))),
    )
    assert router.ranges[0].text == "≥ 2.0, < 2.3.2"
