"""Plain functions of the site: sanitising, grouping, pagination, labels, times, rendering."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advpub.config import settings_from_options
from advpub.model import Advisory, ModelOptions, parse_advisory
from advpub.site.i18n import labels_for, show_instant
from advpub.site.listings import (
    group_by_cwe,
    group_by_product,
    group_by_severity,
    group_by_year,
    paginate,
    plan_site,
)
from advpub.site.render import Renderer, relative_url
from advpub.site.sanitize import sanitize_html
from advpub.site.search import WIDE_CHARACTERS, index_config, search_entry
from tests.conftest import advisory_text

TOKYO = ZoneInfo("Asia/Tokyo")


def advisory(ident: str, release: str, extra: str = "", body: str = "") -> Advisory:
    result = parse_advisory(
        advisory_text(ident, release_date=release, extra=extra, body=body or "Body.\n"),
        path=f"advisories/{ident}.md",
        options=ModelOptions(timezone=TOKYO),
    )
    assert result.advisory is not None, result.violations
    return result.advisory


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p onclick='x()'>a</p>", "<p>a</p>"),
        ("<script>alert(1)</script><p>b</p>", "<p>b</p>"),
        ('<a href="javascript:alert(1)">c</a>', '<a rel="noopener noreferrer nofollow">c</a>'),
        ('<a href="data:text/html,x">c</a>', '<a rel="noopener noreferrer nofollow">c</a>'),
        ('<iframe src="https://e.example/"></iframe>d', "d"),
        ("<svg><script>alert(1)</script></svg>e", "e"),
        ('<img src="https://e.example/p.png" alt="p">', '<img alt="p">'),
        ('<img src="shot.png" alt="s">', '<img src="shot.png" alt="s">'),
        ('<div id="__drawer" class="md-dialog note">f</div>', '<div class="note">f</div>'),
        ('<p style="position:fixed">g</p>', "<p>g</p>"),
        ("<pre><code>&lt;script&gt;</code></pre>", "<pre><code>&lt;script&gt;</code></pre>"),
        ('<h2 id="overview">O</h2>', '<h2 id="overview">O</h2>'),
    ],
)
def test_sanitize_html(html: str, expected: str) -> None:
    assert sanitize_html(html) == expected


def test_groups_and_pages() -> None:
    router = "affected:\n  - vendor: Example Corp\n    product: Example Router\n"
    crit = "cvss:\n  - vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
    advisories = [
        advisory("ADV-2026-0003", "2026-01-01T00:30:00+09:00", router + crit + "cwe: [CWE-79]\n"),
        advisory("ADV-2026-0002", "2025-12-31T23:00:00+09:00", router + "cwe: [CWE-787]\n"),
        advisory("ADV-2026-0001", "2025-06-01", "cwe: [CWE-79, CWE-20]\n"),
    ]
    # The year is taken in the site time zone (00:30 JST on New Year's day is 2026).
    years = group_by_year(advisories, TOKYO)
    assert [(g.key, [a.id for a in g.advisories]) for g in years] == [
        ("2026", ["ADV-2026-0003"]),
        ("2025", ["ADV-2026-0002", "ADV-2026-0001"]),
    ]
    assert [(g.base, len(g.advisories)) for g in group_by_product(advisories)] == [
        ("products/example-corp-example-router/", 2)
    ]
    # Advisories without CVSS come last, in their own listing.
    assert [(g.key, len(g.advisories)) for g in group_by_severity(advisories)] == [
        ("critical", 1),
        ("unscored", 2),
    ]
    assert [g.title for g in group_by_cwe(advisories)] == ["CWE-20", "CWE-79", "CWE-787"]
    pages = paginate(years[1], 1)
    assert [p.src_uri for p in pages] == ["2025/index.md", "2025/page/2/index.md"]
    assert [p.number for p in pages] == [1, 2] and pages[0].pages == 2
    plan = plan_site(advisories, TOKYO, 2)
    assert plan[0].src_uri == "index.md" and len(plan[0].advisories) == 2
    assert "cwe/cwe-787/index.md" in {p.src_uri for p in plan}
    # Overviews paginate too: three CWEs, one per page.
    cwe_pages = [p for p in plan_site(advisories, TOKYO, 1) if p.kind == "overview"][-3:]
    assert [(p.src_uri, [g.title for g in p.groups]) for p in cwe_pages] == [
        ("cwe/index.md", ["CWE-20"]),
        ("cwe/page/2/index.md", ["CWE-79"]),
        ("cwe/page/3/index.md", ["CWE-787"]),
    ]


def test_show_instant_in_site_zone_and_utc() -> None:
    shown = show_instant(datetime(2026, 1, 15, 0, 0, tzinfo=UTC), TOKYO)
    assert (shown.local, shown.date, shown.iso, shown.utc) == (
        "2026-01-15 09:00 JST",
        "2026-01-15",
        "2026-01-15T00:00:00Z",
        "2026-01-15 00:00 UTC",
    )
    kolkata = show_instant(datetime(2026, 1, 15, 0, 0, tzinfo=UTC), ZoneInfo("Asia/Kolkata"))
    assert kolkata.local == "2026-01-15 05:30 IST"
    dubai = show_instant(datetime(2026, 1, 15, 0, 0, tzinfo=UTC), ZoneInfo("Asia/Dubai"))
    assert dubai.local == "2026-01-15 04:00 UTC+04:00"


def test_labels_fill_placeholders() -> None:
    assert labels_for("ja")("page.of", page=2, pages=5) == "5 ページ中 2 ページ目"
    assert labels_for("en")("severity.page", severity="High") == "High severity advisories"


@pytest.mark.parametrize(
    ("target", "current", "expected"),
    [
        ("2026/ADV-2026-0001/", "", "2026/ADV-2026-0001/"),
        ("2026/ADV-2026-0001/", "products/x/", "../../2026/ADV-2026-0001/"),
        ("products/x/page/2/", "products/x/", "page/2/"),
        ("products/x/", "products/x/page/2/", "../../"),
        ("", "archive/", "../"),
    ],
)
def test_relative_url(target: str, current: str, expected: str) -> None:
    assert relative_url(target, current) == expected


def test_withdrawn_and_early_release_are_shown(tmp_path: Path) -> None:
    adv = advisory(
        "ADV-2026-0004",
        "2026-01-10T09:00:00+09:00",
        # Labels follow the advisory's language.
        "lang: ja\n"
        "withdrawn:\n  date: 2026-02-01T10:00:00+09:00\n  reason: Duplicate of ADV-2026-0001.\n"
        "early_release:\n  basis: exploited\n  approved_by: [alice, bob]\n"
        "  reference: javascript:alert(1)\n",
    )
    settings = settings_from_options(
        tmp_path,
        {"timezone": "Asia/Tokyo", "advisories_dir": "advisories", "embargo_dir": "embargo"},
        language="ja",
    )
    renderer = Renderer(settings, labels_for("ja"), {adv.id: "2026/ADV-2026-0004/"}, {})
    html = renderer.advisory(adv, "<p>body</p>", "2026/ADV-2026-0004/")
    assert '<div class="admonition danger advpub-withdrawn">' in html
    assert (
        'このアドバイザリは <time datetime="2026-02-01T01:00:00Z" title="2026-02-01 01:00 UTC">'
        "2026-02-01 10:00 JST</time> に取り下げられました。"
    ) in html
    assert "Duplicate of ADV-2026-0001." in html
    assert "悪用を確認" in html
    # A reference that is not http(s) is shown as text, never as a link.
    assert "(javascript:alert(1))" in html and 'href="javascript' not in html


def test_search_entry_indexes_summary_and_new_product_words_but_not_the_body() -> None:
    adv = advisory(
        "ADV-2026-0001",
        "2026-01-15T09:00:00+09:00",
        extra=(
            "affected:\n  - vendor: Example Corp\n    product: Example Router\n"
            "  - vendor: Globex\n    product: Globex ERP\n"
        ),
        body="## Overview\n\nBODYWORD appears only here.\n",
    )
    entry = search_entry(adv, "2026/ADV-2026-0001/")
    # The text is the snippet: the summary alone. Product words neither the title nor the
    # summary has ("Example Router" is in the title) are indexed in a field never shown.
    assert entry["text"] == adv.summary
    assert entry["keywords"] == "Corp Globex ERP"
    assert "BODYWORD" not in str(entry)
    assert entry["tags"] == ["ADV-2026-0001"]


def test_index_config_leaves_japanese_to_advpub_search() -> None:
    config = {
        "lang": ["ja"],
        "separator": "[\\s\\-]+",
        "pipeline": ["stemmer"],
        "fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}},
    }
    shaped = index_config(config)
    assert shaped["lang"] == ["en"]
    assert shaped["pipeline"] == ["trimmer"]
    assert shaped["fields"]["keywords"] == {"boost": 10.0}
    assert shaped["separator"] == f"(?:[\\s\\-]+)|[{WIDE_CHARACTERS}]+"
    assert re.fullmatch(f"[{WIDE_CHARACTERS}]+", "さくらビューア、ＮＡＳ「版」")
    assert index_config({"lang": ["de", "ja"]})["lang"] == ["de"]


@settings(max_examples=300, deadline=None)
@given(
    base=st.sampled_from(
        [
            "http://127.0.0.1:8000/",
            "https://advisories.example.org",
            "https://example.org/security/",
            "https://example.org/a/b/c",
            "https://example.org/x/?q=1",
            "https://example.org/x/#top",
            "",
        ]
    ),
    segments=st.lists(
        st.text(alphabet="aZ09._~-/%?#:@é", min_size=1, max_size=8), min_size=1, max_size=4
    ),
)
def test_advisory_pages_have_mkdocs_canonical_urls(base: str, segments: list[str]) -> None:
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page

    from advpub.site.plugin import AdvisoryPage

    dest = "/".join(segments).strip("/") + "/index.html"
    config = {"site_url": base or None, "repo_url": None, "edit_uri": None}
    ours = AdvisoryPage(None, File("x.md", "/docs", "/site", True, dest_uri=dest), config)
    theirs = Page(None, File("x.md", "/docs", "/site", True, dest_uri=dest), config)  # type: ignore[arg-type]
    assert (ours.canonical_url, ours.abs_url) == (theirs.canonical_url, theirs.abs_url)
