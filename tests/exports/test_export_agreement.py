"""A real site build: the exports agree with the HTML pages, and nothing embargoed is exported."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from lxml import html

from advpub.embargo.identity import generate_identity
from advpub.embargo.recipients import parse_recipients
from advpub.embargo.store import EmbargoStore
from tests.conftest import advisory_text, make_repo, run_advpub
from tests.exports.csaf_mandatory import mandatory_problems
from tests.exports.export_schemas import csaf_errors, osv_errors

ROOT = Path(__file__).resolve().parents[2]
SITE_URL = "https://advisories.example.org/"
CANARY = "CANARY-5d1e0b7a-embargoed-export"
WHITE = ".well-known/csaf/white"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample advisories plus an embargoed draft (with a canary), built with the CLI."""
    base = tmp_path_factory.mktemp("agree")
    repo = make_repo(base / "repo", site_url=SITE_URL, timezone="Asia/Tokyo")
    shutil.copytree(ROOT / "advisories", repo.path / "advisories", dirs_exist_ok=True)
    secret, public = generate_identity()
    key_file = base / "identity.txt"
    key_file.write_text(secret + "\n", encoding="utf-8")
    key_file.chmod(0o600)
    store = EmbargoStore(repo.path / "embargo", repo.path)
    store.write(
        "ADV-2026-0900",
        advisory_text(
            "ADV-2026-0900",
            title=f"{CANARY} title",
            release_date="2099-01-01T00:00:00+09:00",
            extra=f'cve: [CVE-2099-90000]\naliases: ["{CANARY}-alias"]\n',
            body=f"## Overview\n\n{CANARY} body\n",
        ),
        parse_recipients(f"{public} ci\n", "recipients.txt"),
    )
    repo.git("add", "-A")
    repo.git("commit", "-qm", "advisories")
    done = run_advpub(
        "build",
        "--now",
        "2026-11-01T00:00:00Z",
        cwd=repo.path,
        env={"ADVPUB_IDENTITY_FILE": str(key_file)},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return repo.path / "site"


def _instants(page: html.HtmlElement) -> set[datetime]:
    return {datetime.fromisoformat(t.get("datetime")) for t in page.iter("time")}


def test_exports_and_html_agree(built: Path) -> None:
    osv_files = sorted((built / "osv").glob("*.json"))
    assert len(osv_files) >= 5
    for file in osv_files:
        osv = json.loads(file.read_text(encoding="utf-8"))
        assert osv_errors(osv) == []
        ident = osv["database_specific"]["id"]
        assert osv["id"] == f"x_{ident}"
        url = osv["database_specific"]["url"]
        assert url.startswith(SITE_URL)
        page_file = built / url.removeprefix(SITE_URL) / "index.html"
        page = html.fromstring(page_file.read_bytes())
        assert page.xpath("string(//span[@class='advpub-id'])") == ident
        html_cves = {a.text for a in page.xpath("//a") if (a.text or "").startswith("CVE-")}
        osv_cves = {a for a in osv.get("aliases", []) if a.startswith("CVE-")}
        assert html_cves == osv_cves, ident
        instants = _instants(page)
        for key in ("published", "modified"):
            assert datetime.fromisoformat(osv[key].replace("Z", "+00:00")) in instants, key
        html_fixed = {s.text for s in page.xpath("//span[@class='advpub-fixed']")}
        year = osv["published"][:4]
        csaf_path = built / WHITE / year / f"{ident.lower()}.json"
        csaf = json.loads(csaf_path.read_text(encoding="utf-8"))
        assert csaf_errors(csaf) == [] and mandatory_problems(csaf) == []
        tracking = csaf["document"]["tracking"]
        assert tracking["id"] == ident
        assert datetime.fromisoformat(tracking["initial_release_date"]) in instants
        assert datetime.fromisoformat(tracking["current_release_date"]) in instants
        # An informational document has no vulnerabilities (mandatory test 6.1.27.3).
        vulnerabilities = csaf.get("vulnerabilities", [{}])
        csaf_cves = {v["cve"] for v in vulnerabilities if "cve" in v}
        assert csaf_cves == html_cves
        fixed_ids = set(vulnerabilities[0].get("product_status", {}).get("fixed", []))
        csaf_fixed = {
            leaf["name"]
            for vendor in csaf.get("product_tree", {}).get("branches", [])
            for branch in [vendor, *vendor.get("branches", [])]
            for leaf in branch.get("branches", [])
            if leaf["category"] == "product_version" and leaf["product"]["product_id"] in fixed_ids
        }
        assert csaf_fixed == html_fixed, ident
        osv_fixed = {
            event["fixed"]
            for entry in osv.get("affected", [])
            for r in entry.get("ranges", [])
            for event in r["events"]
            if "fixed" in event
        }
        assert osv_fixed <= html_fixed


def test_nothing_embargoed_is_exported(built: Path) -> None:
    needle = CANARY.encode()
    leaks = [p for p in built.rglob("*") if p.is_file() and needle in p.read_bytes()]
    assert leaks == []
    with zipfile.ZipFile(io.BytesIO((built / "osv" / "all.zip").read_bytes())) as archive:
        for name in archive.namelist():
            assert needle not in archive.read(name)
            assert "0900" not in name
    assert not list(built.rglob("*0900*"))
    index = (built / WHITE / "index.txt").read_text(encoding="utf-8")
    assert "0900" not in index and "2099" not in index


def test_cli_export_matches_the_site(built: Path) -> None:
    repo = built.parent
    for fmt, site_file in (
        ("osv", built / "osv" / "ADV-2026-0003.json"),
        ("csaf", built / WHITE / "2026" / "adv-2026-0003.json"),
    ):
        done = run_advpub("export", fmt, "ADV-2026-0003", cwd=repo)
        assert done.returncode == 0, done.stderr
        assert done.stdout == site_file.read_text(encoding="utf-8")


def test_sample_informational_advisory_is_shown_and_exported(built: Path) -> None:
    """The sample site has an informational advisory (unmaintained): badge, CSAF profile,
    OSV marker."""
    page = html.fromstring((built / "2026" / "ADV-2026-0028" / "index.html").read_bytes())
    badge = page.xpath("string(//span[contains(@class, 'advpub-badge--informational')])")
    assert badge == "Informational: unmaintained"
    # One badge on the page (no "Not scored" beside it), and the listings say what it is.
    assert page.xpath("count(//p[@class='advpub-ids']/span[contains(@class, 'advpub-badge')])") == 1
    listing = html.fromstring((built / "2026" / "index.html").read_bytes())
    item = listing.xpath("//tr[td[@class='advpub-list__id']/a[text()='ADV-2026-0028']]")
    assert item, "the listing shows the informational advisory"
    badges = item[0].xpath(".//span[contains(@class, 'advpub-badge')]/text()")
    assert badges == ["Informational"]
    csaf = json.loads((built / WHITE / "2026" / "adv-2026-0028.json").read_text(encoding="utf-8"))
    assert csaf["document"]["category"] == "csaf_informational_advisory"
    assert "vulnerabilities" not in csaf
    assert {
        "category": "external",
        "summary": "web",
        "url": "https://willow.example.org/news/2026-10-archived",
    } in csaf["document"]["references"]
    osv = json.loads((built / "osv" / "ADV-2026-0028.json").read_text(encoding="utf-8"))
    assert osv["database_specific"]["kind"] == "informational"
    assert osv["database_specific"]["informational"] == "unmaintained"
