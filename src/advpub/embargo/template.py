"""The next free advisory id and the template ``advpub new`` opens."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime


def next_free_id(prefix: str, year: int, taken: Iterable[str]) -> str:
    """``PREFIX-YYYY-NNNN`` one above the highest number used this year (0001 first)."""
    number = re.compile(rf"^{re.escape(prefix)}-{year}-(\d+)$")
    highest = 0
    for ident in taken:
        match = number.match(ident)
        if match:
            highest = max(highest, int(match.group(1)))
    return f"{prefix}-{year}-{highest + 1:04d}"


# The body of a new draft per site language: the sections of a JVN advisory, in its order.
SECTIONS: dict[str, tuple[str, ...]] = {
    "en": (
        "Overview",
        "Affected products",
        "Impact",
        "Solution",
        "Vendor information",
        "References",
    ),
    "ja": ("概要", "影響を受けるシステム", "想定される影響", "対策方法", "ベンダ情報", "参考情報"),
}

# A repository's own body template, per language then for all: committed, so public, so it
# lives outside embargo/ (where any plaintext is refused).
TEMPLATE_DIR = ".advpub"


def template_files(language: str) -> tuple[str, ...]:
    """Repository-relative paths of the body templates ``advpub new`` looks for, in order."""
    return (f"{TEMPLATE_DIR}/template.{language}.md", f"{TEMPLATE_DIR}/template.md")


def default_body(language: str) -> str:
    """The sections of a new draft in ``language`` (English when there is no translation)."""
    headings = SECTIONS.get(language, SECTIONS["en"])
    return "\n".join(f"## {heading}\n" for heading in headings)


def draft_template(ident: str, today: datetime, body: str | None = None) -> str:
    """A new draft for ``ident``: the required keys left empty, then ``body`` (default:
    the English sections, see :func:`default_body`)."""
    sections = default_body("en") if body is None else body
    return f"""---
id: {ident}
title: ""
summary: ""
# The embargo end, e.g. {today:%Y-%m-%d}T09:00:00+09:00 (the site time zone applies to
# plain dates).
release_date:
fix:
  verified: false
  # verified_by: Vendor PSIRT
cve: []
cwe: []
# cvss:
#   - vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H
# affected:
#   - vendor: Example Corp
#     product: Example Router
#     versions: "< 2.0.1"
#     fixed: "2.0.1"
# credits:
#   - name: Someone (with their consent)
#     type: finder
---
{sections}"""
