"""A JSON Schema (draft 2020-12) of the advisory front matter, for editors.

Generated from the definitions the parser uses (:mod:`advpub.model.fields` for keys, enums
and value shapes, :mod:`advpub.model.aliases` for aliases), so the two give the same
verdicts (``tests/model/test_model_schema.py`` feeds edge cases to both). What a pattern
cannot say — a 30th of February, a CVSS vector's metrics, an id that differs from the file
name — only ``advpub check`` finds.
"""

from __future__ import annotations

from typing import Any

from advpub.model import fields as F
from advpub.model.aliases import alias_schema
from advpub.model.coordination_schema import apply_kind_rules, coordination_properties
from advpub.model.identifiers import CPE_PATTERN
from advpub.model.options import DEFAULT_ID_PATTERN
from advpub.model.translation import REQUIRED_OWN_KEYS

_STR: dict[str, Any] = {"type": "string", "minLength": 1}
_LINE: dict[str, Any] = {"type": "string", "minLength": 1, "pattern": "^[^\\n]*$"}
_DATE: dict[str, Any] = {
    "description": "YYYY-MM-DD (a year from 1970 to 2999)",
    "type": "string",
    "pattern": f"^{F.STRICT_DATE_SHAPE}$",
}
_DATE_OR_DATETIME: dict[str, Any] = {
    "description": "YYYY-MM-DD, or an ISO 8601 date-time; without an offset it is read in "
    "the site time zone",
    "type": "string",
    "pattern": f"^{F.STRICT_DATE_SHAPE}(?:{F.STRICT_TIME_SHAPE})?$",
}


def _pattern(shape: str) -> dict[str, Any]:
    return {"type": "string", "pattern": f"^{shape}$"}


def _obj(
    props: dict[str, Any], keys: tuple[str, ...], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    assert set(props) == set(keys), sorted(set(props) ^ set(keys))
    return {
        "type": "object",
        "properties": props,
        "required": list(required),
        "additionalProperties": False,
    }


def _list(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


def _enum(values: tuple[str, ...]) -> dict[str, Any]:
    return {"enum": list(values)}


def _affected() -> dict[str, Any]:
    """One ``affected`` entry: text keys, identifiers, versions, OSV ranges (issue 19)."""
    cpe = {"type": "string", "pattern": f"^{CPE_PATTERN}$"}
    version = {**_LINE, "description": "quote it: YAML reads 1.10 as the number 1.1"}
    event = {
        "type": "object",
        "properties": {kind: version for kind in F.RANGE_EVENT_KINDS},
        "minProperties": 1,
        "maxProperties": 1,
        "additionalProperties": False,
    }
    git_event = {
        "properties": {kind: _pattern(F.GIT_COMMIT_PATTERN) for kind in F.RANGE_EVENT_KINDS}
    }
    version_range = {
        **_obj(
            {
                "type": _enum(F.RANGE_TYPES),
                "repo": _LINE,
                "events": {**_list(event), "minItems": 1},
            },
            F.RANGE_KEYS,
            ("type", "events"),
        ),
        "if": {"properties": {"type": {"const": "GIT"}}},
        "then": {"required": ["repo"], "properties": {"events": {"items": git_event}}},
        "else": {"not": {"required": ["repo"]}},
    }
    entry = _obj(
        {
            **{k: _LINE for k in F.AFFECTED_TEXT_KEYS},
            "purl": {"type": "string", "pattern": f"^{F.PURL_PATTERN}"},
            "versions": {
                "description": "free text for people, or the list of affected versions",
                "oneOf": [_LINE, {**_list(version), "minItems": 1}],
            },
            "cpe": {"oneOf": [cpe, {**_list(cpe), "minItems": 1}]},
            "ranges": {**_list(version_range), "minItems": 1},
            "cvss": _list({"type": "string", "pattern": f"^{F.CVSS_VECTOR_PREFIX}"}),
            "ecosystem_specific": {"type": "object"},
        },
        F.AFFECTED_KEYS,
        ("product",),
    )
    entry["allOf"] = [
        {"not": {"required": ["fixed", "last_affected"]}},
        {
            "if": {"required": ["ranges"]},
            "then": {
                "not": {
                    "anyOf": [{"required": [k]} for k in ("introduced", "fixed", "last_affected")]
                }
            },
        },
    ]
    return entry


def front_matter_schema(id_pattern: str = DEFAULT_ID_PATTERN) -> dict[str, Any]:
    """The schema; ``id_pattern`` is the configured advisory id pattern."""
    waiver = {
        **_obj(
            {
                "basis": _enum(F.EARLY_RELEASE_BASES),
                "approved_by": _list(_LINE),
                "reference": _LINE,
            },
            F.EARLY_RELEASE_KEYS,
            ("basis", "approved_by"),
        ),
        "description": F.FIX_WAIVER_DESCRIPTION,
    }
    props: dict[str, Any] = {
        "id": {"type": "string", "pattern": id_pattern, "description": "the advisory id"},
        "title": {**_LINE, "description": "one line"},
        "summary": {**_STR, "description": "one paragraph for listings, feeds and exports"},
        "release_date": {**_DATE_OR_DATETIME, "description": "the embargo end"},
        "fix": _obj(
            {
                "verified": {"type": "boolean"},
                "verified_by": _LINE,
                "verified_on": _DATE,
                "note": _STR,
            },
            F.FIX_KEYS,
            ("verified",),
        ),
        "cve": _list(_pattern(F.CVE_PATTERN)),
        "cwe": _list(_pattern(F.CWE_PATTERN)),
        "aliases": _list(alias_schema()),
        "cvss": _list(
            _obj(
                {
                    "vector": {"type": "string", "pattern": f"^{F.CVSS_VECTOR_PREFIX}"},
                    "score": {"type": "number", "minimum": 0, "maximum": 10},
                },
                F.CVSS_KEYS,
                ("vector",),
            )
        ),
        "affected": _list(_affected()),
        "credits": _list(
            _obj(
                {"name": _LINE, "type": _enum(F.CREDIT_TYPES), "contact": _list(_LINE)},
                F.CREDIT_KEYS,
                ("name",),
            )
        ),
        "references": _list(
            _obj(
                {
                    "url": {"type": "string", "pattern": f"^{F.URL_PATTERN}"},
                    "type": _enum(F.REFERENCE_TYPES),
                },
                F.REFERENCE_KEYS,
                ("url",),
            )
        ),
        **{key: waiver for key in F.FIX_WAIVER_KEYS},
        "scope": _enum(F.SCOPES),
        "tlp": _enum(F.TLP_LABELS),
        "lang": _pattern(F.LANG_PATTERN),
        "published": _DATE_OR_DATETIME,
        "revisions": _list(
            _obj({"date": _DATE_OR_DATETIME, "summary": _STR}, F.REVISION_KEYS, ("date", "summary"))
        ),
        "withdrawn": _obj(
            {"date": _DATE_OR_DATETIME, "reason": _STR}, F.WITHDRAWN_KEYS, ("date", "reason")
        ),
        "approvals": _list(_LINE),
        "share_with": {
            **_list(_LINE),
            "description": "case-only recipients (names in embargo/recipients.txt) who may "
            "read this draft; never published",
        },
        "related": {**_list(alias_schema()), "description": "ids of related advisories"},
        "upstream": {
            **_list(alias_schema()),
            "description": "ids of the upstream advisories this one derives from",
        },
        **coordination_properties(_DATE),
    }
    schema = _obj(props, F.TOP_LEVEL_KEYS, F.REQUIRED_KEYS)
    apply_kind_rules(schema)
    # The two names of the waiver are one key: a file uses one of them.
    schema["not"] = {"required": list(F.FIX_WAIVER_KEYS)}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://advpub.invalid/schema/front-matter.json",
        "title": "advpub advisory front matter",
        **schema,
    }


def translation_schema(id_pattern: str = DEFAULT_ID_PATTERN) -> dict[str, Any]:
    """The schema of a linked translation (``<ID>.<lang>.md``): its own ``id`` (the
    primary's), ``lang``, ``title`` and ``summary``; any other key must equal the primary's
    value, which only ``advpub check`` can compare."""
    schema = front_matter_schema(id_pattern)
    for key in ("if", "else", "not"):
        schema.pop(key, None)
    schema["required"] = list(REQUIRED_OWN_KEYS)
    schema["$id"] = "https://advpub.invalid/schema/translation-front-matter.json"
    schema["title"] = "advpub linked translation front matter"
    return schema
