"""Issue 19 in a real browser: the vendor table with JVN's Japanese labels, the remediation
section and the informational badge (headless Chromium over the built site)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api

from tests.conftest import CliResult, require_tool
from tests.site.site_support import NOW, Sample, sample_repo, serve, write_sample
from tests.site.test_site_browser import CHROMIUM_ARGS, SCREENSHOTS

Cli = Callable[..., CliResult]
MULTI_VENDOR = Sample(
    "ADV-2026-0005",
    "Tern Print Server: heap buffer overflow in IPP attribute parsing",
    "2026-05-12T09:00:00+09:00",
    "affected:\n"
    "  - vendor: Tern Software\n    product: Tern Print Server\n    fixed: 1.9.3\n"
    "  - vendor: Kestrel Networks\n    product: Kestrel MFP 800\n    fixed: '2.14'\n"
    "vendor_status:\n"
    "  - vendor: Tern Software\n    status: affected\n    statement: Fixed in 1.9.3.\n"
    "    updated: 2026-05-01\n    url: https://tern.example.net/psirt/1\n"
    "  - vendor: Kestrel Networks\n    status: affected\n"
    "  - vendor: Osprey Imaging\n    status: not_affected\n"
    "    statement: Osprey uses its own IPP stack.\n"
    "  - vendor: Heron Office\n    status: under_investigation\n"
    "  - vendor: Lark Devices\n    status: unknown\n"
    "remediations:\n"
    "  - category: vendor_fix\n    details: Update to 1.9.3.\n"
    "    url: https://tern.example.net/download\n    products: [Tern Print Server]\n"
    "  - category: workaround\n    details: Allow IPP only from trusted networks.\n",
)
UNMAINTAINED = Sample(
    "ADV-2026-0006",
    "example-crate is unmaintained",
    "2026-05-13T09:00:00+09:00",
    "kind: informational\ninformational: unmaintained\n"
    "affected:\n  - product: example-crate\n    ecosystem: crates.io\n    package: example-crate\n",
)


def build(tmp_path: Path, cli: Cli) -> Path:
    repo = sample_repo(tmp_path / "repo", language="ja")
    write_sample(repo, MULTI_VENDOR)
    write_sample(repo, UNMAINTAINED)
    result = cli("build", cwd=repo.path)
    assert result.code == 0, result.err
    return repo.path / "site"


def rows(page: Any, selector: str) -> list[list[str]]:
    found: list[list[str]] = page.eval_on_selector_all(
        selector,
        "rows => rows.map(r => Array.from(r.children).map(c => c.innerText.trim()))",
    )
    return found


@pytest.mark.browser
@pytest.mark.slow
def test_vendor_table_and_remediations_in_chromium(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    chromium = require_tool("chromium")
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    site = build(tmp_path, cli)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p, serve(site) as base:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{base}2026/ADV-2026-0005/")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(SCREENSHOTS / "vendor-status-ja.png"), full_page=True)
            assert page.inner_text("#adv-vendor-status") == "ベンダ情報"
            assert rows(page, ".advpub-vendors thead tr") == [
                ["ベンダ", "ステータス", "ベンダの告知", "更新日"]
            ]
            assert rows(page, ".advpub-vendors tbody tr") == [
                ["Tern Software", "該当製品あり", "Fixed in 1.9.3. 詳細", "2026-05-01"],
                ["Kestrel Networks", "該当製品あり", "", ""],
                ["Osprey Imaging", "該当製品なし", "Osprey uses its own IPP stack.", ""],
                ["Heron Office", "調査中", "", ""],
                ["Lark Devices", "未確認", "", ""],
            ]
            link = page.locator(".advpub-vendors a")
            assert link.get_attribute("href") == "https://tern.example.net/psirt/1"
            assert page.is_visible(".advpub-vendors")
            assert page.inner_text("#adv-remediations") == "対策"
            items = page.locator(".advpub-remediations li").all_inner_texts()
            assert items == [
                "修正版 Update to 1.9.3. (対象製品: Tern Print Server) "
                "https://tern.example.net/download",
                "回避策 Allow IPP only from trusted networks.",
            ]
            # Every vendor's products are listed, not only the first vendor's.
            assert page.locator(".advpub-affected li strong").all_inner_texts() == [
                "Tern Software — Tern Print Server",
                "Kestrel Networks — Kestrel MFP 800",
            ]
            page.goto(f"{base}2026/ADV-2026-0006/")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(SCREENSHOTS / "informational-ja.png"), full_page=True)
            badge = page.locator(".advpub-badge--informational")
            assert badge.inner_text() == "情報提供: メンテナンス終了"
            assert badge.is_visible()
            assert page.locator(".advpub-vendors, .advpub-remediations").count() == 0
        finally:
            browser.close()
