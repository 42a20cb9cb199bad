"""A single validation problem, reported as ``path:line: field: message``."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from advpub.model import fields as F

KNOWN_FIELD_NAMES = frozenset(
    {
        "front matter",
        "file",
        *F.TOP_LEVEL_KEYS,
        *F.FIX_KEYS,
        *F.CVSS_KEYS,
        *F.AFFECTED_KEYS,
        *F.RANGE_KEYS,
        *F.RANGE_EVENT_KINDS,
        *F.CREDIT_KEYS,
        *F.REFERENCE_KEYS,
        *F.EARLY_RELEASE_KEYS,
        *F.REVISION_KEYS,
        *F.WITHDRAWN_KEYS,
        *F.VENDOR_STATUS_KEYS,
        *F.REMEDIATION_KEYS,
    }
)

# Generic descriptions, used when the detailed message could echo embargoed text.
RULE_DESCRIPTIONS: dict[str, str] = {
    "encoding": "the file is not valid UTF-8",
    "size": "the file or its front matter is too large",
    "front-matter-missing": "the file has no YAML front matter",
    "front-matter-type": "the front matter is not a mapping",
    "yaml-syntax": "YAML syntax error",
    "yaml-alias": "YAML anchors and aliases are not allowed",
    "duplicate-key": "a key appears twice",
    "unknown-key": "unknown key",
    "missing-key": "a required key is missing",
    "type": "a value has the wrong type",
    "empty": "a value is empty",
    "enum": "a value is not one of the allowed choices",
    "date": "a date or date-time is invalid",
    "id-pattern": "the id does not match the configured id pattern",
    "id-path": "the id looks like a path",
    "id-filename": "the id differs from the file name",
    "duplicate-id": "the id is used by another file",
    "cve-format": "a CVE id is malformed",
    "alias-format": "an alias is malformed or contains markup",
    "cwe-format": "a CWE id is malformed",
    "cvss-vector": "a CVSS vector is invalid",
    "cvss-score": "a CVSS score does not match its vector",
    "url-scheme": "a URL is not http(s)",
    "raw-html": "the body holds raw HTML the site would remove",
    "one-line": "a value must fit on one line",
    "purl": "a package URL is malformed",
    "cpe": "a CPE name is malformed",
    "range-event": "a range event is malformed",
    "range-order": "range events are out of order",
    "range-version": "a range version is invalid",
    "lang": "a language tag is malformed",
    "consistency": "fields contradict each other",
    "duplicate": "an entry is listed twice",
    "remediation-product": "a remediation names a product that is not affected",
}


@dataclass(frozen=True)
class Violation:
    """One problem in one file; ``field`` is a dotted path like ``cvss[0].vector``."""

    path: str
    line: int | None
    field: str
    rule: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.message}"

    def to_json(self) -> dict[str, object]:
        """The ``--json`` form: path, line, field, rule and message."""
        return {
            "path": self.path,
            "line": self.line,
            "field": self.field,
            "rule": self.rule,
            "message": self.message,
        }

    def redacted(self) -> Violation:
        """A copy whose message and field cannot echo draft content (for drafts in logs).

        An unknown key is itself draft text (a sentence pasted into the front matter), so
        every part of the field path that is not a known key is hidden too.
        """
        generic = RULE_DESCRIPTIONS.get(self.rule, self.rule)
        return replace(
            self,
            field=_redact_field(self.field),
            message=f"{generic} (details hidden for an embargoed draft)",
        )


_FIELD_PART = re.compile(r"^([^\[\]]*)((?:\[\d+\])*)$")


def _redact_field(field: str) -> str:
    parts = []
    for part in field.split("."):
        match = _FIELD_PART.match(part)
        name, index = (match.group(1), match.group(2)) if match else (part, "")
        parts.append((name if name in KNOWN_FIELD_NAMES else "(unknown key)") + index)
    return ".".join(parts)
