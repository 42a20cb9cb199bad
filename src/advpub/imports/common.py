"""What every converter produces: an advpub file's front matter and body, plus the list of
source fields it could not carry (reported, never dropped silently)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import yaml

from advpub.model.timeutil import format_iso_utc


class RecordError(Exception):
    """A record that cannot become an advisory at all (no id, no date, not a mapping)."""


@dataclass(frozen=True)
class NotCarried:
    """A source field (dotted path into the record) that has no place in the advisory."""

    path: str
    reason: str


@dataclass
class Converted:
    """One record converted: its source id, the front matter (in file order) and body."""

    source_id: str
    front: dict[str, Any]
    body: str
    not_carried: list[NotCarried] = field(default_factory=list)

    def drop(self, path: str, reason: str) -> None:
        """Record that the field at ``path`` is not carried, and why."""
        self.not_carried.append(NotCarried(path, reason))


# Which database published a record, by its id prefix (named as who verified the fix).
DATABASES = {
    "GHSA": "GitHub Advisory Database",
    "PYSEC": "PyPI Advisory Database",
    "RUSTSEC": "RustSec Advisory Database",
    "GO": "Go Vulnerability Database",
    "OSV": "OSV",
    "PSF": "Python Software Foundation",
    "BIT": "Bitnami Vulnerability Database",
}


def database_name(source_id: str) -> str:
    """The publisher of a record, from its id prefix (``GHSA-…`` → GitHub Advisory Database)."""
    prefix = source_id.split("-", 1)[0].upper()
    return DATABASES.get(prefix, f"the {prefix} database")


def instant(value: object, where: str) -> str:
    """An RFC 3339 instant as the advpub front matter writes it (UTC, ``Z``)."""
    if not isinstance(value, str):
        raise RecordError(f"{where}: must be an RFC 3339 date-time string")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("z", "Z"))
    except ValueError:
        # The value is not quoted: a --draft import's records may be embargoed text.
        raise RecordError(
            f"{where}: not an RFC 3339 date-time (write e.g. 2024-01-31T09:00:00Z)"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return format_iso_utc(parsed)


def split_details(details: str) -> tuple[str | None, str]:
    """``(summary, body)``: the first paragraph of ``details`` as the one-paragraph summary
    and the rest as the Markdown body. A first paragraph that is Markdown structure (a
    heading, list, quote, code or table) is no summary: None, and all of it is the body."""
    text = details.strip().replace("\r\n", "\n")
    if not text:
        return None, ""
    first, _, rest = text.partition("\n\n")
    if first.lstrip().startswith(("#", "-", "*", "+", ">", "`", "|", "1.", "<", "    ")):
        return None, text + "\n"
    return " ".join(line.strip() for line in first.splitlines()), (
        rest.strip() + "\n" if rest.strip() else ""
    )


class _Dumper(yaml.SafeDumper):
    """Block style, keys in the order built, strings that would read as another type
    quoted (``"1.0"``, ``"2024-01-01"``, ``"0"``)."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def render(converted: Converted) -> str:
    """The advpub file: ``---``, the YAML front matter, ``---``, the Markdown body."""
    front = yaml.dump(
        converted.front,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    body = converted.body
    if body and not body.endswith("\n"):
        body += "\n"
    return f"---\n{front}---\n{body}"
