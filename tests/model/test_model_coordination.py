"""Issue 19: `kind`/`informational`, `vendor_status` and `remediations` — parsed into the
model, every problem reported at once with its exact field path, and the editor schema
agreeing with the parser."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from typing import Any

import jsonschema
import pytest
import yaml

from advpub.model import Fix, ModelOptions, Remediation, VendorStatus, parse_advisory
from advpub.model.schema import front_matter_schema
from tests.conftest import advisory_text

PATH = "advisories/ADV-2026-0001.md"

MULTI_VENDOR = textwrap.dedent(
    """\
    affected:
      - vendor: Example Corp
        product: Example Server
        ecosystem: PyPI
        package: example-server
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
        status: under_investigation
      - vendor: Third KK
        status: not_affected
      - vendor: Silent Inc
        status: unknown
    remediations:
      - category: vendor_fix
        details: Update to 2.3.2.
        url: https://example.com/download
        products: [Example Server]
      - category: workaround
        details: Block port 8080.
        products: [example-server, Other Gateway]
      - category: none_available
        details: No fix for the gateway yet.
    """
)


def parse(text: str) -> Any:
    return parse_advisory(text, path=PATH, options=ModelOptions(), expected_id="ADV-2026-0001")


def problems(text: str) -> list[str]:
    return [str(v) for v in parse(text).violations]


def test_vendor_status_and_remediations_are_parsed() -> None:
    adv = parse(advisory_text(extra=MULTI_VENDOR)).advisory
    assert adv is not None
    assert adv.kind == "vulnerability" and not adv.is_informational
    assert adv.informational is None
    assert adv.vendor_status == (
        VendorStatus(
            "Example Corp",
            "affected",
            "Fixed in 2.3.2.",
            date(2020, 10, 1),
            "https://example.com/psirt/1",
        ),
        VendorStatus("Other Ltd", "under_investigation"),
        VendorStatus("Third KK", "not_affected"),
        VendorStatus("Silent Inc", "unknown"),
    )
    assert adv.remediations == (
        Remediation(
            "vendor_fix", "Update to 2.3.2.", "https://example.com/download", ("Example Server",)
        ),
        Remediation("workaround", "Block port 8080.", None, ("example-server", "Other Gateway")),
        Remediation("none_available", "No fix for the gateway yet."),
    )


def test_informational_needs_no_fix_and_defaults_to_notice() -> None:
    text = advisory_text(extra="kind: informational\n").replace(
        "fix:\n  verified: true\n  verified_by: Example Corp PSIRT\n", ""
    )
    adv = parse(text).advisory
    assert adv is not None
    assert adv.is_informational and adv.informational == "notice"
    assert adv.fix == Fix(verified=False)
    adv = parse(advisory_text(extra="kind: informational\ninformational: unmaintained\n")).advisory
    assert adv is not None and adv.informational == "unmaintained"
    assert adv.fix.verified is True


def test_a_vulnerability_still_needs_fix() -> None:
    text = advisory_text().replace(
        "fix:\n  verified: true\n  verified_by: Example Corp PSIRT\n", ""
    )
    assert problems(text) == [
        f"{PATH}:2: fix: required key is missing; add `fix:` with `verified: true` or "
        "`verified: false`"
    ]


def test_every_problem_is_reported_at_once_with_its_field_path() -> None:
    extra = textwrap.dedent(
        """\
        kind: advisory
        informational: unmaintained
        affected:
          - vendor: Example Corp
            product: Example Server
        vendor_status:
          - vendor: Example Corp
            status: not_affected
            updated: 0001-01-01
            url: ftp://example.com/x
          - status: affected
          - vendor: example  corp
            status: fixed
          - vendor: Other Ltd
            status: unknown
          - vendor: other ltd
            status: affected
        remediations:
          - category: patch
            details: Update.
          - category: workaround
            products: [Example Router, Example Server]
          - category: mitigation
            details: Filter.
            url: javascript:alert(1)
        """
    )
    assert problems(advisory_text(extra=extra)) == [
        f"{PATH}:9: kind: 'advisory' is not allowed; use one of: vulnerability, informational",
        f"{PATH}:10: informational: only allowed with `kind: informational`; add "
        "`kind: informational` or remove it",
        f"{PATH}:16: vendor_status[0].status: `not_affected` contradicts the affected entries "
        "of 'Example Corp'; correct the status or remove those entries",
        f"{PATH}:17: vendor_status[0].updated: 0001-01-01 is out of range; use a year between "
        "1970 and 2999",
        f"{PATH}:18: vendor_status[0].url: only absolute http:// and https:// URLs are allowed "
        "(got ftp:)",
        f"{PATH}:19: vendor_status[1].vendor: required key is missing; add `vendor:`",
        f"{PATH}:20: vendor_status[2].vendor: 'example  corp' is listed twice; keep one entry "
        "per vendor",
        f"{PATH}:21: vendor_status[2].status: 'fixed' is not allowed; use one of: affected, "
        "not_affected, under_investigation, unknown",
        f"{PATH}:24: vendor_status[4].vendor: 'other ltd' is listed twice; keep one entry per "
        "vendor",
        f"{PATH}:27: remediations[0].category: 'patch' is not allowed; use one of: vendor_fix, "
        "workaround, mitigation, no_fix_planned, none_available",
        f"{PATH}:29: remediations[1].details: required key is missing; add `details:`",
        f"{PATH}:30: remediations[1].products[0]: 'Example Router' is not an affected product; "
        "use one of: Example Server",
        f"{PATH}:33: remediations[2].url: only absolute http:// and https:// URLs are allowed "
        "(got javascript:)",
    ]


def test_remediation_products_without_any_affected_entry() -> None:
    extra = "remediations:\n  - category: workaround\n    details: x\n    products: [Router]\n"
    assert problems(advisory_text(extra=extra)) == [
        f"{PATH}:12: remediations[0].products[0]: 'Router' is not an affected product; add the "
        "product under `affected:` or remove `products`"
    ]


def test_redacted_coordination_violations_keep_known_field_names() -> None:
    extra = "vendor_status:\n  - vendor: Secret Vendor\n    status: nope\n"
    (violation,) = parse(advisory_text(extra=extra)).violations
    assert violation.redacted().field == "vendor_status[0].status"
    assert "Secret" not in str(violation.redacted())


BASE: dict[str, Any] = {
    "id": "ADV-2026-0001",
    "title": "Example Router: command injection",
    "summary": "An attacker can run commands.",
    "release_date": "2026-01-15",
    "fix": {"verified": True, "verified_by": "Example PSIRT"},
}
NO_FIX = {k: v for k, v in BASE.items() if k != "fix"}
VS = {"vendor": "Example", "status": "affected"}

CASES: list[tuple[dict[str, Any], bool]] = [
    ({**BASE, "kind": "vulnerability"}, True),
    ({**BASE, "kind": "informational"}, True),
    ({**BASE, "kind": "informational", "informational": "unsound"}, True),
    ({**NO_FIX, "kind": "informational", "informational": "unmaintained"}, True),
    ({**NO_FIX, "kind": "vulnerability"}, False),
    (NO_FIX, False),
    ({**BASE, "kind": "other"}, False),
    ({**BASE, "informational": "unmaintained"}, False),
    ({**BASE, "kind": "informational", "informational": "deprecated"}, False),
    ({**BASE, "vendor_status": [VS]}, True),
    ({**BASE, "vendor_status": [{**VS, "updated": "2020-10-01", "url": "https://e.x"}]}, True),
    ({**BASE, "vendor_status": [{**VS, "statement": "Line\nline"}]}, True),
    ({**BASE, "vendor_status": [{**VS, "status": "fixed"}]}, False),
    ({**BASE, "vendor_status": [{**VS, "updated": "0001-01-01"}]}, False),
    ({**BASE, "vendor_status": [{**VS, "url": "ftp://e.x"}]}, False),
    ({**BASE, "vendor_status": [{"vendor": "Example"}]}, False),
    ({**BASE, "vendor_status": [{**VS, "colour": "red"}]}, False),
    ({**BASE, "remediations": [{"category": "mitigation", "details": "x"}]}, True),
    ({**BASE, "remediations": [{"category": "patch", "details": "x"}]}, False),
    ({**BASE, "remediations": [{"category": "workaround"}]}, False),
    (
        {
            **BASE,
            "affected": [{"product": "Router"}],
            "remediations": [{"category": "vendor_fix", "details": "x", "products": ["Router"]}],
        },
        True,
    ),
]


@pytest.mark.parametrize(("data", "valid"), CASES)
def test_parser_and_schema_agree_on_coordination_keys(data: dict[str, Any], valid: bool) -> None:
    text = "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\nBody\n"
    result = parse_advisory(text, path="ADV-2026-0001.md", options=ModelOptions())
    assert (result.advisory is not None and not result.violations) is valid
    validator = jsonschema.Draft202012Validator(front_matter_schema())
    assert (not list(validator.iter_errors(json.loads(json.dumps(data))))) is valid
