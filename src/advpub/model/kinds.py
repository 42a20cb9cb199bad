"""How a front matter value is named in messages ("a list", "a mapping" ...)."""

from __future__ import annotations


def value_kind(value: object) -> str:
    """``a string``, ``a list`` ... for a parsed YAML value; ``empty`` for None."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    return f"a {type(value).__name__}"
