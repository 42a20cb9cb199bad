"""Parsing one ``affected`` entry: identifiers, versions, OSV ranges, per-product severity.

Called by :mod:`advpub.model.parse` through the :class:`FieldChecks` it implements, so every
problem is reported with its exact field path (``affected[2].ranges[0].events[1].fixed``)
and all problems of a file are reported at once.

Range rules (the OSV ones, plus an order that makes a range readable without knowing the
ecosystem's version ordering): events are written in version order as ``introduced`` then
at most one ``fixed`` or ``last_affected``, pair after pair; ``introduced: "0"`` (from the
first version) only opens the list; one range holds ``fixed`` or ``last_affected``, not
both; a ``limit`` comes last and caps the open stretch before it; GIT ranges name their
``repo`` and use full commit hashes. The type is kept as written, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol

from advpub.model import fields as F
from advpub.model.advisory import Affected, CvssScore, RangeEvent, VersionRange
from advpub.model.identifiers import cpe_problem, purl_problem
from advpub.model.kinds import value_kind

_GIT_COMMIT = re.compile(f"^{F.GIT_COMMIT_PATTERN}$")
_SHORTHAND = ("introduced", "fixed", "last_affected")


class FieldChecks(Protocol):
    """What the parser's checker offers: reporting and the generic value checks."""

    def add(self, field: str, rule: str, message: str) -> None:
        """Report one problem of ``field``."""

    def string(self, value: object, field: str, *, one_line: bool = False) -> str | None:
        """A non-empty string, or None (reported) for a wrong type or empty value."""

    def mapping(
        self, value: object, field: str, known: Sequence[str], required: Sequence[str] = ()
    ) -> dict[str, Any] | None:
        """The known keys of a mapping (unknown and missing keys reported)."""

    def vector(self, vector: str, field: str) -> CvssScore | None:
        """The score of a CVSS vector, or None (reported) when invalid."""


def parse_affected(checks: FieldChecks, m: dict[str, Any], where: str) -> Affected | None:
    """The entry ``m`` at ``where`` (``affected[0]``), or None; problems go to ``checks``."""
    values = {
        key: checks.string(m.get(key), f"{where}.{key}", one_line=True)
        for key in F.AFFECTED_TEXT_KEYS
    }
    if (values["ecosystem"] is None) != (values["package"] is None):
        missing = "package" if values["package"] is None else "ecosystem"
        checks.add(
            f"{where}.{missing}",
            "consistency",
            "`ecosystem` and `package` go together; add the missing one",
        )
    purl = values["purl"]
    if purl is not None:
        problem = purl_problem(purl)
        if problem is not None:
            checks.add(f"{where}.purl", "purl", f"{purl!r} {problem}")
    versions, enumerated = _versions(checks, m.get("versions"), f"{where}.versions")
    cpes = _cpes(checks, m.get("cpe"), f"{where}.cpe")
    given = [key for key in _SHORTHAND if values[key] is not None]
    if values["fixed"] is not None and values["last_affected"] is not None:
        checks.add(
            f"{where}.last_affected",
            "consistency",
            "`fixed` and `last_affected` exclude each other (OSV); keep one",
        )
    ranges: tuple[VersionRange, ...] = ()
    if m.get("ranges") is not None:
        ranges = _ranges(checks, m["ranges"], f"{where}.ranges")
        if given:
            shown = ", ".join(f"`{key}`" for key in given)
            checks.add(
                f"{where}.ranges",
                "consistency",
                f"`ranges` replaces the shorthand {shown}; move them into a range's events",
            )
    scores = _scores(checks, m.get("cvss"), f"{where}.cvss")
    specific = _json_mapping(checks, m.get("ecosystem_specific"), f"{where}.ecosystem_specific")
    product = values.pop("product")
    if product is None:
        return None
    return Affected(
        product=product,
        versions=versions,
        cpe=cpes[0] if cpes else None,
        ranges=ranges,
        enumerated=enumerated,
        cpes=cpes,
        cvss=scores,
        ecosystem_specific=specific,
        **values,
    )


def _versions(checks: FieldChecks, value: object, field: str) -> tuple[str | None, tuple[str, ...]]:
    """Free text (a string) or the enumerated affected versions (a list)."""
    if isinstance(value, list):
        if not value:
            checks.add(field, "empty", "must not be empty; list the affected versions")
        listed = [_version(checks, item, f"{field}[{n}]") for n, item in enumerate(value)]
        return None, tuple(dict.fromkeys(v for v in listed if v is not None))
    return checks.string(value, field, one_line=True), ()


def _version(checks: FieldChecks, value: object, field: str) -> str | None:
    """One version; an unquoted YAML number like 1.10 is refused (YAML reads it as 1.1)."""
    if isinstance(value, float):
        checks.add(
            field,
            "type",
            'must be text: write the version in quotes, e.g. "1.10" (YAML reads an unquoted '
            "1.10 as the number 1.1)",
        )
        return None
    if value is None:
        checks.add(field, "empty", "must not be empty")
        return None
    return checks.string(value, field, one_line=True)


def _cpes(checks: FieldChecks, value: object, field: str) -> tuple[str, ...]:
    """One CPE (a string) or several (a list), each checked by its grammar."""
    items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
    out: list[str] = []
    for index, item in items:
        where = field if index is None else f"{field}[{index}]"
        if item is None and index is not None:
            checks.add(where, "empty", "must not be empty")
            continue
        text = checks.string(item, where, one_line=True)
        if text is None:
            continue
        problem = cpe_problem(text)
        if problem is not None:
            checks.add(where, "cpe", f"{text!r} {problem}")
            continue
        out.append(text)
    return tuple(dict.fromkeys(out))


def _scores(checks: FieldChecks, value: object, field: str) -> tuple[CvssScore, ...]:
    """The product's own CVSS vectors (a list of vector strings)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        checks.add(field, "type", f"must be a list of CVSS vectors, not {value_kind(value)}")
        return ()
    out: list[CvssScore] = []
    for index, item in enumerate(value):
        where = f"{field}[{index}]"
        if item is None:
            checks.add(where, "empty", "must not be empty")
            continue
        text = checks.string(item, where, one_line=True)
        score = checks.vector(text, where) if text is not None else None
        if score is not None:
            out.append(score)
    return tuple(out)


def _ranges(checks: FieldChecks, value: object, field: str) -> tuple[VersionRange, ...]:
    if not isinstance(value, list) or not value:
        checks.add(
            field,
            "type",
            f"must be a list of ranges (`- type: ECOSYSTEM` with `events:`), not "
            f"{'an empty list' if value == [] else value_kind(value)}",
        )
        return ()
    out = [_range(checks, item, f"{field}[{n}]") for n, item in enumerate(value)]
    return tuple(r for r in out if r is not None)


def _range(checks: FieldChecks, value: object, where: str) -> VersionRange | None:
    m = checks.mapping(value, where, F.RANGE_KEYS, ("type", "events"))
    if m is None:
        return None
    kind = checks.string(m.get("type"), f"{where}.type", one_line=True)
    if kind is not None and kind not in F.RANGE_TYPES:
        checks.add(
            f"{where}.type",
            "enum",
            f"{kind!r} is not allowed; use one of: {', '.join(F.RANGE_TYPES)}",
        )
        kind = None
    repo = checks.string(m.get("repo"), f"{where}.repo", one_line=True)
    if kind == "GIT" and "repo" not in m:
        checks.add(
            f"{where}.repo", "missing-key", "required for a GIT range; add the repository URL"
        )
    elif kind is not None and kind != "GIT" and repo is not None:
        checks.add(
            f"{where}.repo", "consistency", "only GIT ranges have a repo; remove it or use GIT"
        )
    events = _events(checks, m.get("events"), f"{where}.events", kind)
    if kind is None or events is None:
        return None
    return VersionRange(kind, events, repo if kind == "GIT" else None)


def _events(
    checks: FieldChecks, value: object, field: str, kind: str | None
) -> tuple[RangeEvent, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        checks.add(
            field,
            "type",
            'must be a list of events like `- introduced: "1.0"` then `- fixed: "1.2"`',
        )
        return None
    events: list[RangeEvent] = []
    complete = True
    for index, item in enumerate(value):
        where = f"{field}[{index}]"
        m = checks.mapping(item, where, F.RANGE_EVENT_KINDS)
        if m is None or len(item) != 1:
            if m is not None and len(item) != 1:
                checks.add(
                    where,
                    "range-event",
                    "must be one `kind: version` pair; write each event as its own `- ` item",
                )
            complete = False
            continue
        if not m:
            complete = False
            continue
        ((name, raw),) = m.items()
        version = _version(checks, raw, f"{where}.{name}")
        if version is None:
            complete = False
            continue
        if kind == "GIT" and not _GIT_COMMIT.match(version):
            checks.add(
                f"{where}.{name}",
                "range-version",
                f"{version!r} is not a full commit hash; GIT ranges use 40 (or 64) hex digit "
                'commit ids, or "0"',
            )
        events.append(RangeEvent(name, version))
    if complete:
        _check_order(checks, events, field)
    return tuple(events)


def _check_order(checks: FieldChecks, events: Sequence[RangeEvent], field: str) -> None:
    is_open = False
    seen_limit = False
    for index, event in enumerate(events):
        where = f"{field}[{index}].{event.kind}"
        if seen_limit:
            checks.add(where, "range-order", "nothing may follow `limit`; write limit last")
        if event.kind == "introduced":
            if is_open:
                checks.add(
                    where,
                    "range-order",
                    "the introduced before it has no end; add a fixed or last_affected event "
                    "between them",
                )
            if event.version == "0" and index != 0:
                checks.add(
                    where, "range-order", '"0" (from the first version) must be the first event'
                )
            is_open = True
        elif event.kind in ("fixed", "last_affected"):
            if not is_open:
                checks.add(
                    where,
                    "range-order",
                    "must follow an introduced event; write events in version order as "
                    "introduced then fixed (or last_affected) pairs",
                )
            if event.version == "0":
                checks.add(
                    where, "range-version", '"0" means "from the first version" only in introduced'
                )
            is_open = False
        else:
            if not is_open and not seen_limit:
                checks.add(
                    where, "range-order", "a limit caps an open range; it must follow introduced"
                )
            seen_limit = True
    kinds = {event.kind for event in events}
    if "introduced" not in kinds:
        checks.add(
            field, "range-order", 'needs an introduced event (introduced: "0" for all versions)'
        )
    if {"fixed", "last_affected"} <= kinds:
        checks.add(
            field,
            "consistency",
            "fixed and last_affected exclude each other in one range (OSV); split it into "
            "two ranges",
        )


def _json_mapping(checks: FieldChecks, value: object, field: str) -> dict[str, Any] | None:
    """A mapping of JSON values (what OSV ``ecosystem_specific`` holds), or None."""
    if value is None:
        return None
    if not isinstance(value, dict):
        checks.add(field, "type", f"must be a mapping, not {value_kind(value)}")
        return None
    return value if _json_clean(checks, value, field) else None


def _json_clean(checks: FieldChecks, value: object, field: str) -> bool:
    if isinstance(value, dict):
        ok = True
        for key, item in value.items():
            if not isinstance(key, str):
                checks.add(field, "type", f"keys must be text, not {value_kind(key)}")
                ok = False
                continue
            ok = _json_clean(checks, item, f"{field}.{key}") and ok
        return ok
    if isinstance(value, list):
        results = [_json_clean(checks, item, f"{field}[{n}]") for n, item in enumerate(value)]
        return all(results)
    if value is None or isinstance(value, str | int | float | bool):
        return True
    checks.add(
        field,
        "type",
        f"must hold JSON values only (text, numbers, true/false, lists, mappings), not "
        f"{value_kind(value)}; quote it",
    )
    return False
