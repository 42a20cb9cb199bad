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


def draft_template(ident: str, today: datetime) -> str:
    """A new draft for ``ident``: the required keys left empty, the usual sections."""
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
## Overview

## Affected products

## Impact

## Solution

## Vendor information

## References
"""
