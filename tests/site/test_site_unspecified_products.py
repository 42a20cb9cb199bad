"""The products overview lists a vendor that a vendor_status names affected without naming
its products: "<vendor> (products not specified)" in its vendor group, linking the
advisory; vendors not affected, under investigation or unknown are not products."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.site.site_support import NOW, Sample, sample_repo, write_sample

Cli = Callable[..., CliResult]
STATUSES = Sample(
    "ADV-2026-0005",
    "Tern Print Server: heap buffer overflow in IPP attribute parsing",
    "2026-05-12T09:00:00+09:00",
    "affected:\n"
    "  - vendor: Tern Software\n    product: Tern Print Server\n    fixed: 1.9.3\n"
    "vendor_status:\n"
    "  - vendor: Tern Software\n    status: affected\n"
    # Spelled differently from its product group: shown in that group, as it spells it.
    "  - vendor: EXAMPLE  CORP\n    status: affected\n"
    "  - vendor: Kestrel Networks\n    status: affected\n"
    "  - vendor: Osprey Imaging\n    status: not_affected\n"
    "  - vendor: Heron Office\n    status: under_investigation\n"
    "  - vendor: Lark Devices\n    status: unknown\n",
)
ALSO_KESTREL = Sample(
    "ADV-2026-0007",
    "Kestrel MFP: default credentials",
    "2026-06-12T09:00:00+09:00",
    "affected:\n  - vendor: Tern Software\n    product: Tern Print Server\n    fixed: 2.0\n"
    "vendor_status:\n  - vendor: Kestrel Networks\n    status: affected\n",
)


def overview_rows(site: Path) -> list[tuple[str, ...]]:
    """Each row of the products overview as its cells' text (a vendor row: one cell)."""
    html = (site / "products" / "index.html").read_text(encoding="utf-8")
    table = html.split('<tbody class="advpub-overview__vendor-group">', 1)[1].split("</table>")[0]
    found = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        found.append(tuple(" ".join(unescape(re.sub(r"<[^>]+>", "", c)).split()) for c in cells))
    return found


def build(tmp_path: Path, cli: Cli, language: str) -> Path:
    repo = sample_repo(tmp_path / f"repo-{language}", language=language)
    write_sample(repo, STATUSES)
    write_sample(repo, ALSO_KESTREL)
    result = cli("build", cwd=repo.path)
    assert result.code == 0, result.err
    return repo.path / "site"


@pytest.mark.parametrize(
    ("language", "unspecified"), [("en", " (products not specified)"), ("ja", "（製品未特定）")]
)
def test_vendor_known_only_from_vendor_status(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, language: str, unspecified: str
) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    site = build(tmp_path, cli, language)
    rows = overview_rows(site)
    names = [row[0] for row in rows]
    assert names == [
        "Example Corp",
        "Example NAS",
        "Example Router",
        f"Example Corp{unspecified} — ADV-2026-0005",
        "Kestrel Networks",
        f"Kestrel Networks{unspecified} — ADV-2026-0007, ADV-2026-0005",
        "Tern Software",
        "Tern Print Server",
        "株式会社サンプル",
        "さくらビューア",
    ]
    assert rows[5][1] == "2"  # two advisories
    html = (site / "products" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../2026/ADV-2026-0007/">ADV-2026-0007</a>' in html
    for vendor in ("Osprey Imaging", "Heron Office", "Lark Devices"):
        assert vendor not in html
    # No listing page (nor feed) for products nobody named.
    assert not list((site / "products").glob("*kestrel*"))
