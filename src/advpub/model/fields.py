"""The front matter contract: known keys, required keys, allowed values and the shapes of
values. The parser (:mod:`advpub.model.parse`, :mod:`advpub.model.timeutil`,
:mod:`advpub.model.aliases`) and the editor schema (:mod:`advpub.model.schema`) are both
built from these definitions, so they cannot drift apart.

Patterns are written in the common subset of Python ``re`` and ECMA-262 (JSON Schema).
"""

from __future__ import annotations

# -- value shapes ------------------------------------------------------------------------
DATE_SHAPE = r"\d{4}-\d{2}-\d{2}"
# Seconds optional, up to 6 fractional digits (what Python reads), Z or z or an offset with
# or without a colon; a space may replace the T.
TIME_SHAPE = r"[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?\s*(?:Z|z|[+-]\d{2}:?\d{2})?"
# The same shapes with the calendar ranges the parser checks after matching (years
# timeutil.MIN_YEAR to MAX_YEAR, months, days, hours, offsets), for the editor schema.
STRICT_DATE_SHAPE = r"(?:19[7-9]\d|2\d{3})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
STRICT_TIME_SHAPE = (
    r"[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,6})?)?\s*"
    r"(?:Z|z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?"
)
CVE_PATTERN = r"CVE-\d{4}-\d{4,}"
CWE_PATTERN = r"CWE-[1-9]\d*"
LANG_PATTERN = r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*"
CVSS_VECTOR_PREFIX = r"CVSS:(?:3\.[01]|4\.0)/"
URL_PATTERN = r"[Hh][Tt][Tt][Pp][Ss]?://[^/?#\s]+"
PURL_PATTERN = r"pkg:[A-Za-z.+-][A-Za-z0-9.+-]*/.+"

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
    "waive_fix_verification",
    "scope",
    "tlp",
    "lang",
    "published",
    "revisions",
    "withdrawn",
    "approvals",
    # Drafts only: the case-only recipients (names from embargo/recipients.txt) who may read
    # this draft. Never published: the release drops the key from the public file.
    "share_with",
    # Issue 19, precise affected data: related (not identical) and upstream advisory ids.
    "related",
    "upstream",
)
# Keys a draft may hold that the public file never carries (release removes them).
DRAFT_ONLY_KEYS: tuple[str, ...] = ("share_with",)
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
    # Issue 19: OSV-shaped precise data (see advpub.model.affected).
    "last_affected",
    "ranges",
    "cvss",
    "ecosystem_specific",
)
# Of AFFECTED_KEYS, the ones holding one line of text.
AFFECTED_TEXT_KEYS = (
    "vendor",
    "product",
    "introduced",
    "fixed",
    "last_affected",
    "ecosystem",
    "package",
    "purl",
)
RANGE_KEYS = ("type", "repo", "events")
RANGE_TYPES = ("ECOSYSTEM", "SEMVER", "GIT")
RANGE_EVENT_KINDS = ("introduced", "fixed", "last_affected", "limit")
# OSV: a GIT range's events are full commit hashes, or "0" for "from the first commit".
GIT_COMMIT_PATTERN = r"(?:0|[a-f0-9]{40}|[a-f0-9]{64})"
CREDIT_KEYS = ("name", "type", "contact")
REFERENCE_KEYS = ("url", "type")
EARLY_RELEASE_KEYS = ("basis", "approved_by", "reference")
# `early_release` reads as "publish before the date", but it waives the fix verification
# only: the release date still holds. `waive_fix_verification` is the same record under a
# clearer name; a file uses one of the two.
FIX_WAIVER_KEYS = ("early_release", "waive_fix_verification")
FIX_WAIVER_DESCRIPTION = (
    "Waives the fix verification only: the advisory may be released without a verified fix "
    "(fix.verified: false), and never before its release_date. Needs a basis and the "
    "approvals the site requires (plugins.advpub.early_release_approvals). "
    "`waive_fix_verification` and `early_release` are the same key; use one."
)
REVISION_KEYS = ("date", "summary")
WITHDRAWN_KEYS = ("date", "reason")

# The OSV sets (lower case).
CREDIT_TYPES = (
    "finder",
    "reporter",
    "coordinator",
    "analyst",
    "remediation_developer",
    "remediation_reviewer",
    "remediation_verifier",
    "tool",
    "sponsor",
    "other",
)
REFERENCE_TYPES = (
    "advisory",
    "fix",
    "report",
    "web",
    "package",
    "article",
    "detection",
    "discussion",
    "introduced",
    "evidence",
    "git",
)
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
