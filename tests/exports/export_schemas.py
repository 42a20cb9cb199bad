"""Offline validation of exports against the official schemas in tests/schemas (README.md there).

Every ``$ref`` resolves from the local files through a ``referencing.Registry`` (no network:
an unknown URI raises), and formats (``date-time``, ``uri``) are checked.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012, specification_with

from tests.conftest import SCHEMAS, require_path

CSAF_DIR = SCHEMAS / "csaf" / "2.0"
CVSS_NAMES = ("cvss-v2.0", "cvss-v3.0", "cvss-v3.1")


def load(path: Path) -> dict[str, Any]:
    """A schema file shipped in tests/schemas (a missing one fails the test)."""
    data: dict[str, Any] = json.loads(require_path(path).read_text(encoding="utf-8"))
    return data


def _resource(schema: dict[str, Any]) -> Resource[Any]:
    dialect = schema.get("$schema", "")
    spec = specification_with(dialect, default=DRAFT202012) if dialect else DRAFT202012
    return Resource.from_contents(schema, default_specification=spec)


def _register(registry: Registry[Any], schema: dict[str, Any]) -> Registry[Any]:
    """Register under the schema's own id and, for FIRST's ``?date`` ids, without the suffix."""
    ident = schema.get("$id") or schema.get("id")
    assert ident, "schema without an id"
    resource = _resource(schema)
    registry = registry.with_resource(ident, resource)
    base = ident.split("?", 1)[0]
    return registry.with_resource(base, resource) if base != ident else registry


def strict(schema: Any) -> Any:
    """The CSAF committee's strict variant: no unknown properties on any object with properties."""
    if isinstance(schema, dict):
        result = {k: strict(v) for k, v in schema.items()}
        if "properties" in result and "additionalProperties" not in result:
            result["additionalProperties"] = False
        return result
    if isinstance(schema, list):
        return [strict(v) for v in schema]
    return schema


@functools.cache
def _registry(strict_variant: bool) -> Registry[Any]:
    registry: Registry[Any] = Registry()
    for name in CVSS_NAMES:
        suffix = "_strict" if strict_variant else ""
        registry = _register(
            registry, load(CSAF_DIR / "referenced_schema" / "first" / f"{name}{suffix}.json")
        )
    csaf = load(CSAF_DIR / "json_schema" / "csaf_json_schema.json")
    return _register(registry, strict(csaf) if strict_variant else csaf)


def errors(instance: Any, schema: dict[str, Any], *, strict_refs: bool = False) -> list[str]:
    """Every schema error as ``path: message`` (empty when valid)."""
    registry = _registry(strict_refs)
    if schema.get("$id") or schema.get("id"):
        registry = _register(registry, schema)
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    validator = cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)
    return [
        f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
        for e in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.path)))
    ]


def osv_errors(doc: Any) -> list[str]:
    """Errors against ``osv/schema.json``."""
    return errors(doc, load(SCHEMAS / "osv" / "schema.json"))


def csaf_errors(doc: Any) -> list[str]:
    """Errors against the official CSAF 2.0 schema and its strict variant."""
    official = load(CSAF_DIR / "json_schema" / "csaf_json_schema.json")
    found = errors(doc, official)
    found += [
        f"strict: {e}" for e in errors(doc, strict(copy.deepcopy(official)), strict_refs=True)
    ]
    return found


def provider_errors(doc: Any) -> list[str]:
    """Errors against the CSAF provider-metadata schema."""
    return errors(doc, load(CSAF_DIR / "json_schema" / "provider_json_schema.json"))


def rolie_errors(doc: Any) -> list[str]:
    """Errors against the (non-normative) ROLIE feed schema."""
    return errors(doc, load(CSAF_DIR / "rolie" / "ROLIE_feed_json_schema.json"))


def cve_errors(container: Any) -> list[str]:
    """Errors against the CVE Services CNA published container schema 5.1.1."""
    return errors(container, load(SCHEMAS / "cve" / "CVE_JSON_cnaPublishedContainer_5.1.1.json"))
