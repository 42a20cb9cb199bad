"""The marker file the plugin writes into every site it built (``advpub build`` checks it).

A build that ran without the advpub plugin (another generator ignoring third-party plugins,
a missing entry point) has no marker, so it is never treated as a gated site.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from advpub.fsutil import atomic_write_text

MARKER_FILE = "advpub-build.json"
GENERATOR = "advpub"


@dataclass(frozen=True)
class BuildMarker:
    """What the plugin records: how many advisories, when, and the leak scan's outcome."""

    advisories: int
    built_at: str
    leak_scan: str  # "passed", "no-identity" or "disabled"


def write_marker(site_dir: Path, marker: BuildMarker) -> None:
    """Write the marker into ``site_dir``."""
    data = {
        "generator": GENERATOR,
        "advisories": marker.advisories,
        "built_at": marker.built_at,
        "leak_scan": marker.leak_scan,
    }
    atomic_write_text(site_dir / MARKER_FILE, json.dumps(data, indent=2) + "\n")


def read_marker(site_dir: Path) -> BuildMarker | None:
    """The marker of a built site, or None when the plugin did not write one."""
    try:
        data = json.loads((site_dir / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("generator") != GENERATOR:
        return None
    return BuildMarker(
        advisories=int(data.get("advisories", 0)),
        built_at=str(data.get("built_at", "")),
        leak_scan=str(data.get("leak_scan", "")),
    )
