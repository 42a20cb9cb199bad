"""Edge-case advisories for the export tests, parsed with the real model."""

from __future__ import annotations

from pathlib import Path

from advpub.config import Settings, settings_from_options
from advpub.model import Advisory, parse_advisory
from tests.conftest import advisory_text

SITE_URL = "https://advisories.example.org/"
CVSS31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
CVSS40 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"

ROUTER = """\
affected:
  - vendor: Example Corp
    product: Example Router
    versions: "< 1.4.2"
    fixed: 1.4.2
"""

EXTRAS: dict[str, str] = {
    "no-cve": ROUTER,
    "two-cves": f"""\
cve: [CVE-2026-10001, CVE-2026-10002]
cwe: [CWE-78, CWE-20]
aliases: ["JVNVU#99999999"]
cvss:
  - vector: {CVSS31}
affected:
  - vendor: Example Corp
    product: example-lib
    introduced: 1.0.0
    fixed: 1.2.3
    ecosystem: pypi
    package: example-lib
  - vendor: Example Corp
    product: example-lib
    introduced: 2.0.0
    fixed: 2.0.1
    ecosystem: PyPI
    package: example-lib
credits:
  - name: Alex Rivera
  - name: Example CERT
    type: coordinator
references:
  - url: https://example.org/fix
    type: fix
  - url: https://example.org/report
    type: report
""",
    "cvss4-only": f"""\
cve: [CVE-2026-10003]
cwe: [CWE-79]
cvss:
  - vector: {CVSS40}
affected:
  - vendor: Example Corp
    product: example-widget
    fixed: v3.1
    purl: pkg:npm/%40example/widget
""",
    "withdrawn": f"""\
cve: [CVE-2026-10004]
cvss:
  - vector: {CVSS31}
{ROUTER}withdrawn:
  date: 2026-02-01T00:00:00Z
  reason: Not a vulnerability after further analysis.
""",
    "japanese": """\
lang: ja
cve: [CVE-2026-10005]
cwe: [CWE-22]
aliases: ["JVN#10000011"]
affected:
  - vendor: 株式会社サンプルソフト（架空）
    product: さくらビューア
    versions: 5.1.9 およびそれ以前
    fixed: 5.2.0
credits:
  - name: 佐藤 太郎
""",
    "no-package": f"""\
cve: [CVE-2026-10006]
cvss:
  - vector: {CVSS31}
  - vector: {CVSS40}
affected:
  - product: Standalone Appliance
  - vendor: Example Corp
    product: Example Firmware
    ecosystem: vendor-firmware
    package: fw
    fixed: 2.0
""",
    "revisions": f"""\
cve: [CVE-2026-10007]
cvss:
  - vector: {CVSS31}
{ROUTER}published: 2026-01-15T09:00:00+09:00
revisions:
  - date: 2026-03-01T12:00:00+09:00
    summary: Added the fixed version for the 2.x branch.
  - date: 2026-02-01T12:00:00+09:00
    summary: Corrected the CVSS vector.
""",
}

BODIES = {
    "japanese": "## 概要\n\nさくらビューア にはパストラバーサルの脆弱性が存在します。\n",
}
TITLES = {"japanese": "さくらビューア におけるパストラバーサルの脆弱性"}


def make_settings(root: Path, *, site_url: str | None = SITE_URL) -> Settings:
    """Settings of a Tokyo-time site with a configured publisher."""
    return settings_from_options(
        root,
        {
            "timezone": "Asia/Tokyo",
            "advisories_dir": "advisories",
            "embargo_dir": "embargo",
            "publisher": {
                "name": "Sample Coordination Center",
                "namespace": "https://advisories.example.org",
                "category": "coordinator",
                "contact": "security@example.org",
            },
        },
        site_url=site_url,
    )


def case(name: str, settings: Settings, number: int = 1) -> Advisory:
    """The edge case ``name`` as a parsed advisory ``ADV-2026-000<number>``."""
    ident = f"ADV-2026-{number:04d}"
    text = advisory_text(
        ident,
        title=TITLES.get(name, "Example Router: command injection in the web console"),
        extra=EXTRAS[name],
        body=BODIES.get(name, "## Overview\n\nDetails.\n"),
    )
    result = parse_advisory(text, path=f"advisories/{ident}.md", options=settings.model_options)
    assert result.advisory is not None, [str(v) for v in result.violations]
    return result.advisory


def all_cases(settings: Settings) -> list[Advisory]:
    """Every edge case, numbered in a stable order."""
    return [case(name, settings, n) for n, name in enumerate(EXTRAS, start=1)]
