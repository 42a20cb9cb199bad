"""The official schemas ship with the tests: every file is listed in PROVENANCE.md with its hash."""

from __future__ import annotations

import hashlib
import re

from tests.conftest import SCHEMAS

NOTES = {"README.md", "PROVENANCE.md"}
ROW = re.compile(r"^\| `(?P<file>[^`]+)` \|.*\| `(?P<sha256>[0-9a-f]{64})` \|$")


def listed() -> dict[str, str]:
    """``local file -> sha256`` from the table in PROVENANCE.md."""
    text = (SCHEMAS / "PROVENANCE.md").read_text(encoding="utf-8")
    return {m["file"]: m["sha256"] for m in map(ROW.match, text.splitlines()) if m}


def test_every_schema_file_is_listed_with_its_hash() -> None:
    shipped = {
        p.relative_to(SCHEMAS).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(SCHEMAS.rglob("*"))
        if p.is_file() and p.name not in NOTES
    }
    assert shipped == listed()


def test_the_schemas_the_tests_read_are_shipped_with_their_licences() -> None:
    files = set(listed())
    for schema in (
        "osv/schema.json",
        "csaf/2.0/json_schema/csaf_json_schema.json",
        "csaf/2.0/json_schema/provider_json_schema.json",
        "csaf/2.0/rolie/ROLIE_feed_json_schema.json",
        "cve/CVE_JSON_cnaPublishedContainer_5.1.1.json",
        "atom/atom.rng",
    ):
        assert schema in files
    for licence in ("osv/LICENSE", "csaf/2.0/LICENSE.md", "cve/LICENSE.cvelib", "atom/LICENSE.ape"):
        assert licence in files
    # Small enough to version with the code.
    assert sum((SCHEMAS / name).stat().st_size for name in files) < 600_000
