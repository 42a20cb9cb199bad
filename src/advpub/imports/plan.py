"""Plan and write an import of published records (``advpub import --from osv|csaf``).

All or nothing: every record is read, converted, given its advpub id, validated by the
model and judged by the release gate (public history must be public now) before the first
file is written. A record that fails any of these fails the import, and nothing is written.
A field that has no advpub home does not fail it: it is reported (file, record, field
path) and the advisory is written without it.

Ids: the record's own id is the advpub id when it matches the configured id pattern;
``--id SOURCE=ID`` maps a record to another id. Either way the record id is kept in
``aliases``. An id already under ``advisories/`` or ``embargo/`` is refused unless
``replace`` is set, so running the same import twice writes nothing twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from advpub.config import CONFIG_FILE, Settings
from advpub.fsutil import atomic_write_text
from advpub.gate.decision import evaluate_published
from advpub.imports.common import Converted, NotCarried, RecordError, render
from advpub.imports.csaf import convert_csaf
from advpub.imports.osv import convert_osv
from advpub.model import Advisory, parse_advisory

Converter = Callable[..., Converted]
CONVERTERS: dict[str, Converter] = {"osv": convert_osv, "csaf": convert_csaf}
MAX_RECORD_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class PlannedRecord:
    """One converted record ready to be written."""

    source: Path
    source_id: str
    advisory: Advisory
    text: str
    target: Path
    replaces: bool
    not_carried: tuple[NotCarried, ...]


@dataclass(frozen=True)
class ImportPlan:
    """Every record that converted, and every problem of those that did not."""

    records: tuple[PlannedRecord, ...]
    problems: tuple[str, ...]


def record_files(paths: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """The ``*.json`` files named or found (recursively, sorted) in folders, and problems."""
    files: list[Path] = []
    problems: list[str] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.json") if p.is_file())
            if not found:
                problems.append(f"{path}: no *.json records in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(f"{path}: no such file or folder")
    return files, problems


def _load(path: Path) -> object:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RecordError(f"cannot read: {exc.strerror}") from None
    if len(data) > MAX_RECORD_BYTES:
        raise RecordError(f"larger than {MAX_RECORD_BYTES // (1024 * 1024)} MiB")
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RecordError(f"not JSON ({exc})") from None


def _record_id(fmt: str, record: object) -> str | None:
    if not isinstance(record, dict):
        return None
    if fmt == "csaf":
        tracking = record.get("document", {}).get("tracking", {})
        value = tracking.get("id") if isinstance(tracking, dict) else None
    else:
        value = record.get("id")
    return value.strip() if isinstance(value, str) and value.strip() else None


def plan_import(
    settings: Settings,
    fmt: str,
    paths: Sequence[Path],
    now: datetime,
    *,
    id_map: Mapping[str, str],
    replace: bool,
    published: Mapping[str, Path],
    drafts: Mapping[str, Path],
    draft: bool,
    approved_by: Sequence[str] = (),
    details: bool = True,
) -> ImportPlan:
    """Convert and check every record under ``paths``; ``published`` and ``drafts`` map the
    ids already in the repository to their files. Nothing is written.

    ``details``: whether validation problems may quote the record; False redacts them (a
    ``--draft`` import outside a terminal: the records may be embargoed text).
    """
    files, problems = record_files(paths)
    records: list[PlannedRecord] = []
    seen: dict[str, Path] = {}
    options = settings.model_options
    for file in files:
        try:
            record = _load(file)
            source_id = _record_id(fmt, record)
            if source_id is None:
                raise RecordError(
                    "document.tracking.id: missing" if fmt == "csaf" else "id: missing"
                )
            ident = id_map.get(source_id, source_id)
            if not options.id_pattern.match(ident):
                raise RecordError(_id_refusal(source_id, ident, settings))
            converted = CONVERTERS[fmt](record, ident, approved_by=approved_by)
        except RecordError as exc:
            problems.append(f"{file}: {exc}")
            continue
        shown = f"{file} ({source_id})"
        text = render(converted)
        parsed = parse_advisory(text, path=shown, options=options, expected_id=ident)
        if parsed.advisory is None:
            shown_violations = [v if details else v.redacted() for v in parsed.violations]
            problems += [f"{v} (in the converted advisory)" for v in shown_violations]
            continue
        if not draft:
            decision = evaluate_published(parsed.advisory, now, settings.gate_options)
            if not decision.releasable:
                problems += [f"{shown}: the release gate holds it: {r}" for r in decision.reasons]
                problems.append(_held_hint(shown))
                continue
        if ident in seen:
            problems.append(f"{shown}: id {ident} is also imported from {seen[ident]}")
            continue
        seen[ident] = file
        # A draft import may replace a draft, a public one a public file: never the other.
        same, other = (drafts, published) if draft else (published, drafts)
        if ident in other:
            kind = "published" if draft else "an embargoed draft"
            problems.append(f"{shown}: {ident} is already {kind} ({other[ident]})")
            continue
        if ident in same and not replace:
            problems.append(
                f"{shown}: {ident} already exists ({same[ident]}); pass --replace to overwrite it"
            )
            continue
        target = same.get(ident) or _public_path(settings, parsed.advisory)
        records.append(
            PlannedRecord(
                file,
                source_id,
                parsed.advisory,
                text,
                target,
                ident in same,
                tuple(converted.not_carried),
            )
        )
    return ImportPlan(tuple(records), tuple(problems))


def _id_refusal(source_id: str, ident: str, settings: Settings) -> str:
    mapped = "" if ident == source_id else f" (mapped to {ident} by --id)"
    return (
        f"id {ident}{mapped} does not match the id pattern {settings.id_pattern.pattern}; "
        f"set plugins.advpub.id_pattern in {CONFIG_FILE} to accept the record ids (e.g. "
        f"'{suggested_pattern(settings.id_pattern.pattern)}'), or give it an id of yours: "
        f"--id {source_id}={settings.id_prefix}-YYYY-NNNN"
    )


# What the ids of the common databases look like: GHSA (either case), PYSEC, RUSTSEC, GO,
# and CSAF tracking ids of letters, digits and dashes.
RECORD_ID_PATTERN = r"[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*"


def suggested_pattern(current: str) -> str:
    """An id pattern accepting ``current``'s ids and the record ids of common databases."""
    inner = current.removeprefix("^").removesuffix("$")
    return f"^(?:{inner}|{RECORD_ID_PATTERN})$"


def _held_hint(shown: str) -> str:
    return (
        f"{shown}: public history must be releasable now; for a vulnerability without a "
        "fixed version pass --approved-by NAME (as many as early_release_approvals) to "
        "record the approved waiver, or import it with --draft"
    )


def _public_path(settings: Settings, adv: Advisory) -> Path:
    """``advisories/<year>/<ID>.md``, the year of the release in the site time zone."""
    year = adv.release_date.astimezone(settings.timezone).year
    return settings.advisories_path / str(year) / f"{adv.id}.md"


def write_public(plan: ImportPlan) -> list[PlannedRecord]:
    """Write every planned record to its public file (each atomically)."""
    for record in plan.records:
        atomic_write_text(record.target, record.text)
    return list(plan.records)


def not_carried_lines(records: Sequence[PlannedRecord]) -> list[str]:
    """One line per field not carried: ``file (record id): field: reason``."""
    return [
        f"{r.source} ({r.source_id}): {item.path}: {item.reason}"
        for r in records
        for item in r.not_carried
    ]


def as_json(records: Sequence[PlannedRecord]) -> list[dict[str, Any]]:
    """The fields not carried, per record, for ``--json``."""
    return [
        {
            "source": str(r.source),
            "id": r.advisory.id,
            "not_carried": [{"field": n.path, "reason": n.reason} for n in r.not_carried],
        }
        for r in records
    ]
