"""Options the model needs from the site configuration (kept free of MkDocs)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import tzinfo
from zoneinfo import ZoneInfo

# A prefix, a year and a number (ADV-2026-0001, JVNDB-2026-000123, and public databases'
# RUSTSEC-2024-0001, GO-2024-1234, PYSEC-2006-1), or a GitHub advisory id (GHSA-j8r2-6x86-q33q:
# lower-case groups), so records imported from OSV keep their ids.
DEFAULT_ID_PATTERN = r"^(?:[A-Z][A-Z0-9]*-\d{4}-\d+|GHSA(?:-[0-9a-z]{4}){3})$"


@dataclass(frozen=True)
class ModelOptions:
    """How to read advisories: the site time zone, the id pattern, the default language."""

    timezone: tzinfo = field(default_factory=lambda: ZoneInfo("UTC"))
    id_pattern: re.Pattern[str] = field(default_factory=lambda: re.compile(DEFAULT_ID_PATTERN))
    default_lang: str = "en"
