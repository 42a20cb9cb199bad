"""The editor-schema part of the coordination keys (``kind``, ``informational``,
``vendor_status``, ``remediations``), built from :mod:`advpub.model.fields` like the rest of
:mod:`advpub.model.schema`. That a remediation's products name affected entries and that a
``not_affected`` vendor has none only ``advpub check`` finds."""

from __future__ import annotations

from typing import Any

from advpub.model import fields as F

_STR: dict[str, Any] = {"type": "string", "minLength": 1}
_LINE: dict[str, Any] = {"type": "string", "minLength": 1, "pattern": "^[^\\n]*$"}
_URL: dict[str, Any] = {"type": "string", "pattern": f"^{F.URL_PATTERN}"}


def _record(props: dict[str, Any], required: tuple[str, ...]) -> dict[str, Any]:
    return {
        "type": "array",
        "items": {
            "type": "object",
            "properties": props,
            "required": list(required),
            "additionalProperties": False,
        },
    }


def coordination_properties(date: dict[str, Any]) -> dict[str, Any]:
    """The four keys' schemas; ``date`` is the schema's YYYY-MM-DD shape."""
    return {
        "kind": {
            "enum": list(F.KINDS),
            "description": "vulnerability (default) or informational: an informational "
            "advisory needs no verified fix; its release date alone decides",
        },
        "informational": {
            "enum": list(F.INFORMATIONAL_TYPES),
            "description": "only with kind: informational (default notice)",
        },
        "vendor_status": _record(
            {
                "vendor": _LINE,
                "status": {"enum": list(F.VENDOR_STATUSES)},
                "statement": _STR,
                "updated": date,
                "url": _URL,
            },
            ("vendor", "status"),
        ),
        "remediations": _record(
            {
                "category": {"enum": list(F.REMEDIATION_CATEGORIES)},
                "details": _STR,
                "url": _URL,
                "products": {
                    "type": "array",
                    "items": _LINE,
                    "description": "affected products (their `product` or `package`); none: all",
                },
            },
            ("category", "details"),
        ),
    }


def apply_kind_rules(schema: dict[str, Any]) -> None:
    """``fix`` is required for vulnerabilities only; ``informational`` needs the kind."""
    schema["required"] = list(F.INFORMATIONAL_REQUIRED_KEYS)
    schema["if"] = {"properties": {"kind": {"const": "informational"}}, "required": ["kind"]}
    schema["else"] = {"required": ["fix"], "not": {"required": ["informational"]}}
