"""The advisory page's Related / 関連情報 section: related and upstream ids, linked to their
database record where the id's scheme has one (cve.org, GitHub advisories, JVN, osv.dev)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.site.site_support import NOW, Sample, sample_repo, write_sample

Cli = Callable[..., CliResult]
LINKED = Sample(
    "ADV-2026-0005",
    "Larch HTTP: request smuggling through duplicated Content-Length headers",
    "2026-05-12T09:00:00+09:00",
    "related: [GHSA-2c8m-w4hq-9fqx, CVE-2025-1234, cisco-sa-example-2025]\n"
    "upstream: [PYSEC-2025-17]\n"
    "references:\n  - url: https://example.org/psirt/1\n    type: advisory\n",
)
RELATED_ITEMS = (
    '<li class="advpub-related--related"><span class="advpub-reftype">{related}</span> '
    '<a href="https://github.com/advisories/GHSA-2c8m-w4hq-9fqx" rel="noopener noreferrer">'
    "GHSA-2c8m-w4hq-9fqx</a></li>\n"
    '<li class="advpub-related--related"><span class="advpub-reftype">{related}</span> '
    '<a href="https://www.cve.org/CVERecord?id=CVE-2025-1234" rel="noopener noreferrer">'
    "CVE-2025-1234</a></li>\n"
    '<li class="advpub-related--related"><span class="advpub-reftype">{related}</span> '
    "cisco-sa-example-2025</li>\n"
    '<li class="advpub-related--upstream"><span class="advpub-reftype">{upstream}</span> '
    '<a href="https://osv.dev/vulnerability/PYSEC-2025-17" rel="noopener noreferrer">'
    "PYSEC-2025-17</a></li>\n"
)


def build(tmp_path: Path, cli: Cli, language: str) -> Path:
    repo = sample_repo(tmp_path / "repo", language=language)
    write_sample(repo, LINKED)
    result = cli("build", cwd=repo.path)
    assert result.code == 0, result.err
    return repo.path / "site"


@pytest.mark.parametrize(
    ("language", "heading", "related", "upstream"),
    [("en", "Related", "Related", "Upstream"), ("ja", "関連情報", "関連", "上流")],
)
def test_related_section_links_known_databases(
    tmp_path: Path,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    heading: str,
    related: str,
    upstream: str,
) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    site = build(tmp_path, cli, language)
    page = (site / "2026/ADV-2026-0005/index.html").read_text(encoding="utf-8")
    items = RELATED_ITEMS.format(related=related, upstream=upstream)
    assert f'<h2 id="adv-related">{heading}</h2>\n<ul class="advpub-related">\n{items}</ul>' in page
    toc = page.split('data-md-component="toc"')[1].split("</nav>")[0]
    anchors = re.findall(r'href="#([^"]+)"', toc)
    assert anchors == ["overview", "adv-references", "adv-related"]
    # An advisory without related ids has no such section.
    other = (site / "2026/ADV-2026-0001/index.html").read_text(encoding="utf-8")
    assert "adv-related" not in other
