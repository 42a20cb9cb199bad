"""CWE names: the shipped table is the installed catalogue's, and the first lookup does not
read the catalogue's CSV files."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from advpub.exports import cwe_names
from advpub.exports.cwe_names import (
    SHIPPED,
    catalogue_names,
    catalogue_version,
    cwe_name,
    shipped_document,
)

XSS = "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')"


@pytest.fixture(autouse=True)
def _fresh_lookups() -> Iterator[None]:
    # Also after: a table a test planted must not reach later tests' exports.
    cwe_names._names.cache_clear()
    cwe_name.cache_clear()
    yield
    cwe_names._names.cache_clear()
    cwe_name.cache_clear()


def test_shipped_table_is_the_installed_catalogue() -> None:
    """Fails after a cwe2 upgrade until `python scripts/cwe_names.py` is run."""
    assert SHIPPED.read_text(encoding="utf-8") == shipped_document(
        catalogue_names(), catalogue_version()
    )
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    assert shipped["cwe2"] == catalogue_version()
    assert shipped["names"]["79"] == XSS
    assert len(shipped["names"]) > 900


def test_first_lookup_uses_the_shipped_table(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_csv() -> dict[str, str]:
        raise AssertionError("the catalogue's CSV files were read")

    monkeypatch.setattr(cwe_names, "catalogue_names", no_csv)
    assert cwe_name("CWE-79") == XSS
    assert cwe_name("CWE-999999") is None
    assert cwe_name("79") is None


def test_table_of_another_catalogue_version_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[bool] = []

    def csv_names() -> dict[str, str]:
        read.append(True)
        return {"79": "from the CSV files"}

    monkeypatch.setattr(cwe_names, "catalogue_version", lambda: "0.0.1")
    monkeypatch.setattr(cwe_names, "catalogue_names", csv_names)
    assert cwe_name("CWE-79") == "from the CSV files"
    assert read == [True]
