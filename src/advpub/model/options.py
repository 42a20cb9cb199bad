"""Options the model needs from the site configuration (kept free of MkDocs)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import tzinfo
from zoneinfo import ZoneInfo

DEFAULT_ID_PATTERN = r"^[A-Z][A-Z0-9]*-\d{4}-\d{4,}$"


@dataclass(frozen=True)
class ModelOptions:
    """How to read advisories: the site time zone, the id pattern, the default language."""

    timezone: tzinfo = field(default_factory=lambda: ZoneInfo("UTC"))
    id_pattern: re.Pattern[str] = field(default_factory=lambda: re.compile(DEFAULT_ID_PATTERN))
    default_lang: str = "en"
