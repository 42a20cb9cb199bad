"""The CSAF 2.0 mandatory tests (§6.1) that concern what advpub writes.

Each returns a list of problems (empty when the document passes).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

_INTEGER_VERSION = re.compile(r"^(0|[1-9]\d*)$")
_SEMVER_PRE = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)-")


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _walk(value, f"{path}/{n}")


def defined_product_ids(doc: dict[str, Any]) -> set[str]:
    """Every ``product_id`` defined in the product tree (full_product_name objects)."""
    return {
        str(node["product_id"])
        for path, node in _walk(doc.get("product_tree", {}), "/product_tree")
        if isinstance(node, dict) and "product_id" in node and "name" in node
    }


PRODUCT_ID_LISTS = frozenset(
    {
        "product_ids",
        "products",
        "first_affected",
        "first_fixed",
        "fixed",
        "known_affected",
        "known_not_affected",
        "last_affected",
        "recommended",
        "under_investigation",
    }
)


def check_6_1_1_missing_product_id_definitions(doc: dict[str, Any]) -> list[str]:
    """6.1.1: every product id referenced in the vulnerabilities is defined in the tree."""
    defined = defined_product_ids(doc)
    problems = []
    for path, node in _walk(doc.get("vulnerabilities", []), "/vulnerabilities"):
        if not isinstance(node, dict):
            continue
        for key, value in node.items():
            if key in PRODUCT_ID_LISTS and isinstance(value, list):
                problems += [
                    f"{path}/{key}: {pid} is not defined in the product tree"
                    for pid in value
                    if pid not in defined
                ]
    return problems


def _version_key(version: str) -> tuple[int, ...]:
    if _INTEGER_VERSION.match(version):
        return (int(version),)
    core = version.split("-", 1)[0].split("+", 1)[0]
    return tuple(int(p) for p in core.split("."))


def check_6_1_16_latest_document_version(doc: dict[str, Any]) -> list[str]:
    """6.1.16: tracking.version equals the number of the newest revision_history item."""
    tracking = doc["document"]["tracking"]
    history = tracking["revision_history"]
    newest = max(history, key=lambda r: (r["date"], _version_key(r["number"])))
    latest = newest["number"].split("+", 1)[0]
    version = tracking["version"].split("+", 1)[0]
    if tracking["status"] in ("draft",):
        latest, version = latest.split("-", 1)[0], version.split("-", 1)[0]
    if latest != version:
        return [f"/document/tracking/version: {version} but the newest revision is {latest}"]
    return []


def check_6_1_17_document_status_draft(doc: dict[str, Any]) -> list[str]:
    """6.1.17: version 0, 0.y.z or a pre-release requires status draft."""
    tracking = doc["document"]["tracking"]
    version = tracking["version"]
    is_draft_version = (
        version == "0" or version.startswith("0.") or bool(_SEMVER_PRE.match(version))
    )
    if is_draft_version and tracking["status"] != "draft":
        return [f"/document/tracking/status: version {version} requires status draft"]
    return []


def check_6_1_21_missing_item_in_revision_history(doc: dict[str, Any]) -> list[str]:
    """6.1.21: revision numbers (their major part for SemVer) start at 0 or 1, no gaps."""
    numbers = sorted(
        {_version_key(r["number"])[0] for r in doc["document"]["tracking"]["revision_history"]}
    )
    if not numbers or numbers[0] not in (0, 1):
        return [f"/document/tracking/revision_history: starts at {numbers[:1]}, not 0 or 1"]
    for before, after in itertools.pairwise(numbers):
        if after != before + 1:
            return [f"/document/tracking/revision_history: {after} follows {before}"]
    return []


def mandatory_problems(doc: dict[str, Any]) -> list[str]:
    """Every problem of the implemented mandatory tests."""
    return [
        *check_6_1_1_missing_product_id_definitions(doc),
        *check_6_1_16_latest_document_version(doc),
        *check_6_1_17_document_status_draft(doc),
        *check_6_1_21_missing_item_in_revision_history(doc),
    ]
