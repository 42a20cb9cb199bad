"""``advpub verify-site`` on a real built site: signed with a real gpg key, read from the
folder and over http from a local server on 127.0.0.1; then broken on purpose."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from advpub.cli.main import main
from tests.conftest import CliResult
from tests.exports.gpg_support import SigningKey, make_key, stop_agent
from tests.site.site_support import NOW, quiet_mkdocs, sample_repo, serve

Cli = Callable[..., CliResult]
SITE_URL = "https://advisories.example.org/"
WHITE = ".well-known/csaf/white"


@dataclass(frozen=True)
class Built:
    site: Path
    key: SigningKey


def with_contact(mkdocs_yml: Path) -> None:
    """Give the sample repository a publisher contact (security.txt needs one)."""
    text = mkdocs_yml.read_text(encoding="utf-8")
    mkdocs_yml.write_text(
        text.replace(
            "      timezone: Asia/Tokyo\n",
            "      timezone: Asia/Tokyo\n      publisher:\n        contact: psirt@example.org\n",
        ),
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    root = tmp_path_factory.mktemp("signed")
    key = make_key(root / "gpg")
    repo = sample_repo(root / "repo")
    with_contact(repo.path / "mkdocs.yml")
    with pytest.MonkeyPatch.context() as m, quiet_mkdocs():
        for name in ("ADVPUB_IDENTITY", "ADVPUB_IDENTITY_FILE", "CI"):
            m.delenv(name, raising=False)
        m.setenv("HOME", str(root))
        m.setenv("ADVPUB_OPENPGP_KEY", key.secret)
        m.setenv("ADVPUB_NOW", NOW)
        m.chdir(repo.path)
        assert main(["build"]) == 0
    yield Built(repo.path / "site", key)
    stop_agent(key.home)


@pytest.fixture
def site(tmp_path: Path, signed: Built) -> Path:
    """A copy of the signed site that a test may break."""
    return Path(shutil.copytree(signed.site, tmp_path / "site"))


def _lines(out: str) -> list[str]:
    return out.splitlines()[1:]


MET = [
    "met      7.1.1 valid CSAF documents",
    "met      7.1.2 file names",
    "met      7.1.3 TLS",
    "met      7.1.4 TLP:WHITE freely accessible",
    "met      7.1.6 no redirects",
    "met      7.1.7 provider-metadata.json",
    "met      7.1.8 security.txt",
    "met      7.1.9 well-known URL of provider-metadata.json",
    "met      7.1.11 one folder per year",
    "met      7.1.12 index.txt",
    "met      7.1.13 changes.csv",
    "met      7.1.14 directory listings",
    "met      7.1.15 ROLIE feed",
    "met      7.1.16 ROLIE service document",
    "met      7.1.17 ROLIE category document",
    "met      7.1.18 integrity (hash files)",
    "met      7.1.19 signatures",
    "met      7.1.20 public OpenPGP key",
    "csaf_trusted_provider: every requirement met",
]


def test_built_signed_site_passes(site: Path, cli: Cli) -> None:
    result = cli("verify-site", str(site))
    assert result.code == 0, result.out
    assert result.out.splitlines()[0] == f"advpub verify-site {SITE_URL} (read from {site})"
    assert _lines(result.out) == MET


@pytest.fixture
def served(site: Path) -> Iterator[str]:
    """The site on a local http.server at 127.0.0.1 (a random free port)."""
    with serve(site) as url:
        yield url


def test_served_site_passes_over_http(
    served: str, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    result = cli("verify-site", served, "--site-url", SITE_URL)
    assert result.code == 0, result.out
    assert _lines(result.out) == MET


def _not_met(out: str) -> list[str]:
    lines = out.splitlines()
    found = []
    for index, line in enumerate(lines):
        if line.startswith("NOT MET"):
            found.append(line)
            found.extend(x.strip() for x in lines[index + 1 :] if x.startswith("           "))
    return found


def test_missing_listing_fails(site: Path, cli: Cli) -> None:
    (site / WHITE / "2026" / "index.html").unlink()
    result = cli("verify-site", str(site))
    assert result.code == 1
    assert _not_met(result.out)[:2] == [
        "NOT MET  7.1.14 directory listings",
        f"directory listing {SITE_URL}{WHITE}/2026/: not found (404)",
    ]
    assert result.out.splitlines()[-1] == "csaf_trusted_provider: 1 requirement(s) not met"


def test_wrong_hash_fails(site: Path, cli: Cli) -> None:
    target = site / WHITE / "2025" / "adv-2025-0001.json.sha512"
    target.write_text("0" * 128 + "  adv-2025-0001.json\n", encoding="utf-8")
    result = cli("verify-site", str(site))
    assert result.code == 1
    assert _not_met(result.out) == [
        "NOT MET  7.1.18 integrity (hash files)",
        f"{SITE_URL}{WHITE}/2025/adv-2025-0001.json.sha512: does not match the document",
    ]


def test_bad_signature_fails(site: Path, cli: Cli) -> None:
    # The signature of another document: a real signature, of other bytes.
    other = (site / WHITE / "2026" / "adv-2026-0001.json.asc").read_bytes()
    (site / WHITE / "2025" / "adv-2025-0001.json.asc").write_bytes(other)
    result = cli("verify-site", str(site))
    assert result.code == 1
    assert _not_met(result.out) == [
        "NOT MET  7.1.19 signatures",
        f"{SITE_URL}{WHITE}/2025/adv-2025-0001.json.asc: does not verify with a key of the "
        "provider metadata",
    ]


def test_expired_security_txt_fails(site: Path, cli: Cli) -> None:
    expires = next(
        line.split(": ", 1)[1]
        for line in (site / ".well-known/security.txt").read_text().splitlines()
        if line.startswith("Expires: ")
    )
    assert expires == "2027-11-01T00:00:00Z"  # built at NOW (2026-11-01)
    result = cli("verify-site", str(site), "--now", "2027-11-01T00:00:01Z")
    assert result.code == 1
    assert _not_met(result.out) == [
        "NOT MET  7.1.8 security.txt",
        f"{SITE_URL}.well-known/security.txt: expired on 2027-11-01T00:00:00Z; rebuild and "
        "deploy the site",
    ]
    soon = cli("verify-site", str(site), "--now", "2027-10-15T00:00:00Z")
    assert soon.code == 0
    assert (
        f"           warning: {SITE_URL}.well-known/security.txt: expires on "
        "2027-11-01T00:00:00Z; rebuild and deploy the site soon"
    ) in soon.out.splitlines()


def test_unsigned_document_in_a_trusted_provider_fails(site: Path, cli: Cli) -> None:
    (site / WHITE / "2026" / "adv-2026-0002.json.asc").unlink()
    result = cli("verify-site", str(site))
    assert result.code == 1
    assert _not_met(result.out) == [
        "NOT MET  7.1.19 signatures",
        f"{SITE_URL}{WHITE}/2026/adv-2026-0002.json.asc: not found (404)",
    ]


def test_not_a_site(tmp_path: Path, cli: Cli) -> None:
    result = cli("verify-site", str(tmp_path))
    assert result.code == 1
    assert result.err == (
        f"advpub: error: {tmp_path}/.well-known/csaf/provider-metadata.json: no readable "
        "provider metadata with a canonical_url; build the site with an https:// site_url in "
        "mkdocs.yml, or pass --site-url\n"
    )


def test_site_without_csaf_passes_only_when_allowed(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "index.html").write_text("<html></html>", encoding="utf-8")
    allowed = cli("verify-site", str(tmp_path), "--allow-no-csaf")
    assert allowed.code == 0
    assert allowed.out == (
        f"advpub verify-site: {tmp_path} has no CSAF distribution; nothing to verify\n"
    )
    assert cli("verify-site", str(tmp_path)).code == 1
