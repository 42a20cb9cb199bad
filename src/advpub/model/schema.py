"""A JSON Schema (draft 2020-12) of the advisory front matter, for editors."""

from __future__ import annotations

from typing import Any

from advpub.model import fields as F
from advpub.model.options import DEFAULT_ID_PATTERN

_DATE_OR_DATETIME: dict[str, Any] = {
    "description": "YYYY-MM-DD, or an ISO 8601 date-time; without an offset it is read in "
    "the site time zone",
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$",
}
_STR: dict[str, Any] = {"type": "string", "minLength": 1}


def _obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": props,
        "required": list(required),
        "additionalProperties": False,
    }


def _list(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


def front_matter_schema(id_pattern: str = DEFAULT_ID_PATTERN) -> dict[str, Any]:
    """The schema; ``id_pattern`` is the configured advisory id pattern."""
    props: dict[str, Any] = {
        "id": {"type": "string", "pattern": id_pattern, "description": "the advisory id"},
        "title": {**_STR, "description": "one line"},
        "summary": {**_STR, "description": "one paragraph for listings, feeds and exports"},
        "release_date": {**_DATE_OR_DATETIME, "description": "the embargo end"},
        "fix": _obj(
            {
                "verified": {"type": "boolean"},
                "verified_by": _STR,
                "verified_on": {"type": "string", "format": "date"},
                "note": _STR,
            },
            ("verified",),
        ),
        "cve": _list({"type": "string", "pattern": r"^CVE-\d{4}-\d{4,}$"}),
        "cwe": _list({"type": "string", "pattern": r"^CWE-[1-9]\d*$"}),
        "aliases": _list(_STR),
        "cvss": _list(
            _obj(
                {
                    "vector": {"type": "string", "pattern": r"^CVSS:(3\.[01]|4\.0)/"},
                    "score": {"type": "number", "minimum": 0, "maximum": 10},
                },
                ("vector",),
            )
        ),
        "affected": _list(_obj({k: _STR for k in F.AFFECTED_KEYS}, ("product",))),
        "credits": _list(_obj({"name": _STR, "type": {"enum": list(F.CREDIT_TYPES)}}, ("name",))),
        "references": _list(
            _obj(
                {
                    "url": {"type": "string", "pattern": "^https?://"},
                    "type": {"enum": list(F.REFERENCE_TYPES)},
                },
                ("url",),
            )
        ),
        "early_release": _obj(
            {
                "basis": {"enum": list(F.EARLY_RELEASE_BASES)},
                "approved_by": _list(_STR),
                "reference": _STR,
            },
            ("basis", "approved_by"),
        ),
        "scope": {"enum": list(F.SCOPES)},
        "tlp": {"enum": list(F.TLP_LABELS)},
        "lang": {"type": "string", "pattern": r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"},
        "published": _DATE_OR_DATETIME,
        "revisions": _list(_obj({"date": _DATE_OR_DATETIME, "summary": _STR}, ("date", "summary"))),
        "withdrawn": _obj({"date": _DATE_OR_DATETIME, "reason": _STR}, ("date", "reason")),
        "approvals": _list(_STR),
    }
    assert set(props) == set(F.TOP_LEVEL_KEYS)
    schema = _obj(props, F.REQUIRED_KEYS)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://advpub.invalid/schema/front-matter.json",
        "title": "advpub advisory front matter",
        **schema,
    }
