"""The front matter contract: known keys, required keys, allowed values."""

from __future__ import annotations

TOP_LEVEL_KEYS: tuple[str, ...] = (
    "id",
    "title",
    "summary",
    "release_date",
    "fix",
    "cve",
    "cwe",
    "aliases",
    "cvss",
    "affected",
    "credits",
    "references",
    "early_release",
    "scope",
    "tlp",
    "lang",
    "published",
    "revisions",
    "withdrawn",
    "approvals",
)
REQUIRED_KEYS: tuple[str, ...] = ("id", "title", "summary", "release_date", "fix")

FIX_KEYS = ("verified", "verified_by", "verified_on", "note")
CVSS_KEYS = ("vector", "score")
AFFECTED_KEYS = (
    "vendor",
    "product",
    "versions",
    "introduced",
    "fixed",
    "ecosystem",
    "package",
    "purl",
    "cpe",
)
CREDIT_KEYS = ("name", "type")
REFERENCE_KEYS = ("url", "type")
EARLY_RELEASE_KEYS = ("basis", "approved_by", "reference")
REVISION_KEYS = ("date", "summary")
WITHDRAWN_KEYS = ("date", "reason")

CREDIT_TYPES = ("finder", "reporter", "coordinator", "analyst", "remediation_developer", "other")
REFERENCE_TYPES = ("advisory", "fix", "report", "web", "package", "article")
EARLY_RELEASE_BASES = ("already-public", "exploited", "unreachable-vendor")
SCOPES = ("product", "website")
TLP_LABELS = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")

# What to add when a required key is missing.
MISSING_HINTS: dict[str, str] = {
    "id": "add `id: ADV-YYYY-NNNN` matching the file name",
    "title": "add a one-line `title:`",
    "summary": "add a one-paragraph `summary:`",
    "release_date": "add `release_date:` (YYYY-MM-DD or an ISO 8601 date-time)",
    "fix": "add `fix:` with `verified: true` or `verified: false`",
    "fix.verified": "add `verified: true` or `verified: false`",
    "cvss.vector": "add `vector: CVSS:3.1/...` or `vector: CVSS:4.0/...`",
}
