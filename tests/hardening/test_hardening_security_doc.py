"""SECURITY.md: every mitigated threat names tests that exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REF = re.compile(r"`(tests/[\w/]+\.py)?(::\w+)?`")


def _test_names(file: Path) -> set[str]:
    tree = ast.parse(file.read_text(encoding="utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    }


def test_every_mitigation_row_names_existing_tests() -> None:
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    table = text.split("## Threats, mitigations and the tests that show them", 1)[1]
    table = table.split("## Not covered", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) > 10
    for row in rows[1:]:  # the header row names the columns
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert len(cells) == 3, row
        refs = REF.findall(cells[2])
        assert refs, f"no test named for: {cells[0]}"
        current: Path | None = None
        for file_part, name_part in refs:
            if file_part:
                current = ROOT / file_part
                assert current.is_file(), file_part
            assert current is not None, row
            if name_part:
                assert name_part[2:] in _test_names(current), f"{current}{name_part}"
