"""Labels the plugin writes (English and Japanese) and how instants are shown to readers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml

from advpub.model.timeutil import format_iso_utc

SUPPORTED_LANGUAGES = ("en", "ja")
FALLBACK_LANGUAGE = "en"


def language_code(language: str | None) -> str:
    """The supported language for a theme language such as ``ja``, ``ja-JP`` or ``de``."""
    base = (language or FALLBACK_LANGUAGE).replace("_", "-").split("-")[0].lower()
    return base if base in SUPPORTED_LANGUAGES else FALLBACK_LANGUAGE


@cache
def _load(code: str) -> MappingProxyType[str, str]:
    text = resources.files("advpub.site").joinpath("locales", f"{code}.yml").read_text("utf-8")
    data: Any = yaml.safe_load(text)
    return MappingProxyType({str(k): str(v) for k, v in data.items()})


@dataclass(frozen=True)
class Labels:
    """The labels of one language; missing keys fall back to English, then to the key."""

    language: str

    def __call__(self, key: str, **values: object) -> str:
        """The label ``key`` with ``{name}`` placeholders filled from ``values``."""
        text = _load(self.language).get(key) or _load(FALLBACK_LANGUAGE).get(key) or key
        return text.format(**values) if values else text

    def keys(self) -> frozenset[str]:
        """Every key of this language's table."""
        return frozenset(_load(self.language))


def labels_for(language: str | None) -> Labels:
    """The labels for a theme language (unsupported languages get English)."""
    return Labels(language_code(language))


@dataclass(frozen=True)
class ShownInstant:
    """An instant as readers see it: ``local`` text in the site time zone, the exact UTC
    instant as ``iso`` (for ``<time datetime>``) and ``utc`` (for the hover ``title``)."""

    local: str
    date: str
    iso: str
    utc: str


def show_instant(instant: datetime, zone: tzinfo) -> ShownInstant:
    """Format ``instant`` in ``zone`` (e.g. ``2026-01-15 09:00 JST``) and in UTC."""
    local = instant.astimezone(zone)
    in_utc = instant.astimezone(UTC)
    name = local.tzname() or ""
    if name and not name[0].isalpha():
        # Zones without an abbreviation give "+09"; show a full offset instead.
        name = "UTC" + local.strftime("%z")[:3] + ":" + local.strftime("%z")[3:]
    return ShownInstant(
        local=f"{local:%Y-%m-%d %H:%M} {name}".strip(),
        date=f"{local:%Y-%m-%d}",
        iso=format_iso_utc(instant),
        utc=in_utc.strftime("%Y-%m-%d %H:%M UTC"),
    )
