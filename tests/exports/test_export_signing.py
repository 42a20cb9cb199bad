"""CSAF trusted provider: signatures, public key, ROLIE documents, listings, security.txt.

Real gpg in temporary GNUPGHOMEs; every signature is checked with the gpg command line, not
with advpub's own verifier.
"""

from __future__ import annotations

import json
import logging
import stat
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from advpub.config import SecurityTxt, Settings, Signing
from advpub.errors import ExportError
from advpub.exports.site import csaf_outputs, csaf_skipped_reason
from tests.conftest import SCHEMAS
from tests.exports.export_cases import SITE_URL, all_cases, case, make_settings
from tests.exports.export_schemas import errors as schema_errors
from tests.exports.export_schemas import load, provider_errors, rolie_errors
from tests.exports.export_site import site_context
from tests.exports.gpg_support import (
    SigningKey,
    gpg_verifies,
    gpg_verifies_cleartext,
    leftover_homes,
    make_key,
    stop_agent,
)

CSAF = ".well-known/csaf"
WHITE = f"{CSAF}/white"
CONTACT = ("mailto:psirt@example.org",)


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SigningKey]:
    made = make_key(tmp_path_factory.mktemp("gpg") / "home")
    yield made
    stop_agent(made.home)


@pytest.fixture(scope="module")
def other_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SigningKey]:
    made = make_key(tmp_path_factory.mktemp("gpg-other") / "home", "Someone Else")
    yield made
    stop_agent(made.home)


def _files(settings: Settings, advisories: list[Any] | None = None) -> dict[str, bytes]:
    ctx = site_context(settings, advisories if advisories is not None else all_cases(settings))
    return {o.path: o.content for o in csaf_outputs(ctx)}


def _signer_script(tmp_path: Path, key: SigningKey, log: Path, mode: str = "--detach-sign") -> str:
    """An external signer (as signing.command): logs each call, signs stdin with gpg."""
    script = tmp_path / f"sign{mode}.sh"
    script.write_text(
        "#!/bin/sh\n"
        f"echo call >> '{log}'\n"
        f"exec gpg --batch --no-tty --homedir '{key.home}' --armor {mode}\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return str(script)


def _command_settings(tmp_path: Path, key: SigningKey, log: Path) -> Settings:
    (tmp_path / "keys").mkdir(exist_ok=True)
    (tmp_path / "keys" / "signing.asc").write_bytes(key.public)
    settings = make_settings(tmp_path)
    return replace(
        settings,
        signing=Signing(
            command=_signer_script(tmp_path, key, log),
            clearsign_command=_signer_script(tmp_path, key, log, "--clearsign"),
            public_key="keys/signing.asc",
        ),
    )


def test_signed_distribution_is_a_trusted_provider(
    tmp_path: Path, key: SigningKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADVPUB_OPENPGP_KEY", key.secret)
    before = leftover_homes()
    files = _files(make_settings(tmp_path))
    assert leftover_homes() == before  # the temporary GNUPGHOMEs are gone
    docs = sorted(p for p in files if p.startswith(f"{WHITE}/2026/") and p.endswith(".json"))
    assert len(docs) == 7
    for path in docs:
        assert files[path + ".asc"].startswith(b"-----BEGIN PGP SIGNATURE-----")
        assert gpg_verifies(key.public, files[path], files[path + ".asc"]), path
    # The public key is published next to the provider metadata and listed there.
    assert files[f"{CSAF}/openpgp/{key.fingerprint}.asc"] == key.public
    provider = json.loads(files[f"{CSAF}/provider-metadata.json"])
    assert provider_errors(provider) == []
    assert provider["role"] == "csaf_trusted_provider"
    assert provider["public_openpgp_keys"] == [
        {
            "fingerprint": key.fingerprint,
            "url": f"{SITE_URL}{CSAF}/openpgp/{key.fingerprint}.asc",
        }
    ]
    # ROLIE: a signature link on every entry (requirement 15).
    feed = json.loads(files[f"{WHITE}/csaf-feed-tlp-white.json"])
    assert rolie_errors(feed) == []
    for entry in feed["feed"]["entry"]:
        src = entry["content"]["src"]
        assert {"rel": "signature", "href": src + ".asc"} in entry["link"]
    # security.txt is clearsigned.
    security = files[".well-known/security.txt"]
    assert security.startswith(b"-----BEGIN PGP SIGNED MESSAGE-----")
    assert gpg_verifies_cleartext(key.public, security)


def test_unsigned_distribution_keeps_the_provider_role(tmp_path: Path) -> None:
    files = _files(make_settings(tmp_path))
    provider = json.loads(files[f"{CSAF}/provider-metadata.json"])
    assert provider["role"] == "csaf_provider"
    assert "public_openpgp_keys" not in provider
    assert not [p for p in files if p.endswith(".asc")]
    feed = json.loads(files[f"{WHITE}/csaf-feed-tlp-white.json"])
    assert all(link["rel"] != "signature" for e in feed["feed"]["entry"] for link in e["link"])


def test_warm_build_signs_only_what_changed(tmp_path: Path, key: SigningKey) -> None:
    log = tmp_path / "calls.log"
    settings = _command_settings(tmp_path, key, log)
    advisories = all_cases(settings)
    first = _files(settings, advisories)
    # 7 documents and security.txt.
    assert len(log.read_text().splitlines()) == 8
    log.unlink()
    again = _files(settings, advisories)
    assert not log.exists()  # everything came from the cache
    assert again == first
    changed = [replace(advisories[0], summary="A corrected summary."), *advisories[1:]]
    third = _files(settings, changed)
    assert len(log.read_text().splitlines()) == 1
    path = next(p for p in third if p.endswith(".asc") and third[p] != first.get(p))
    assert gpg_verifies(key.public, third[path.removesuffix(".asc")], third[path])
    # Entries of signatures no longer published are pruned.
    cache = tmp_path / ".cache" / "advpub" / "signatures" / key.fingerprint
    assert len(list(cache.iterdir())) == 8


def test_signature_from_the_wrong_key_is_refused(
    tmp_path: Path, key: SigningKey, other_key: SigningKey
) -> None:
    log = tmp_path / "calls.log"
    settings = _command_settings(tmp_path, other_key, log)
    # The published public key is not the signer's.
    (tmp_path / "keys" / "signing.asc").write_bytes(key.public)
    with pytest.raises(ExportError) as caught:
        _files(settings, [case("no-cve", settings, 1)])
    assert str(caught.value) == (
        f"the signature of {WHITE}/2026/adv-2026-0001.json does not verify with the public "
        f"key {key.fingerprint}; check that the signing key and mkdocs.yml: "
        "plugins.advpub.signing.public_key belong together"
    )
    assert not (
        tmp_path / ".cache" / "advpub" / "signatures" / key.fingerprint
    ).exists() or not list(
        (tmp_path / ".cache" / "advpub" / "signatures" / key.fingerprint).iterdir()
    )


def test_a_bad_key_secret_is_refused_without_printing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nCANARYKEYTEXT0123456789\n-----END PGP"
    monkeypatch.setenv("ADVPUB_OPENPGP_KEY", secret)
    before = leftover_homes()
    with pytest.raises(ExportError) as caught:
        _files(make_settings(tmp_path))
    message = str(caught.value)
    assert message.startswith(
        "ADVPUB_OPENPGP_KEY: not an armored OpenPGP secret key without passphrase (gpg exit 2: "
    )
    assert "CANARYKEYTEXT" not in message
    assert leftover_homes() == before  # removed on error too


def test_required_signing_without_a_key_fails(tmp_path: Path) -> None:
    settings = replace(make_settings(tmp_path), signing=Signing(required=True))
    with pytest.raises(ExportError) as caught:
        _files(settings)
    assert str(caught.value) == (
        "mkdocs.yml: plugins.advpub.signing.required: true, but neither signing.command nor "
        "ADVPUB_OPENPGP_KEY is set; give the job the signing key secret"
    )


def test_temporary_gnupghome_is_private(tmp_path: Path, key: SigningKey) -> None:
    from advpub.exports.signing import gpg_home

    with gpg_home() as home:
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert not home.exists()


def test_listings_link_every_file(tmp_path: Path, key: SigningKey, monkeypatch: Any) -> None:
    monkeypatch.setenv("ADVPUB_OPENPGP_KEY", key.secret)
    files = _files(make_settings(tmp_path))
    year = files[f"{WHITE}/2026/index.html"].decode()
    names = sorted(p.rsplit("/", 1)[1] for p in files if p.startswith(f"{WHITE}/2026/"))
    assert "index.html" in names
    for name in names:
        if name != "index.html":
            assert f'<a href="{name}">{name}</a>' in year
    assert files[f"{WHITE}/2026/index.txt"].decode() == "".join(
        f"adv-2026-{n:04d}.json\n" for n in range(1, 8)
    )
    white = files[f"{WHITE}/index.html"].decode()
    for name in ("2026/", "index.txt", "changes.csv", "csaf-feed-tlp-white.json"):
        assert f'<a href="{name}">' in white
    top = files[f"{CSAF}/index.html"].decode()
    for name in ("white/", "openpgp/", "provider-metadata.json", "service.json"):
        assert f'<a href="{name}">' in top


def test_rolie_service_and_category_documents(tmp_path: Path) -> None:
    files = _files(make_settings(tmp_path))
    service = json.loads(files[f"{CSAF}/service.json"])
    (collection,) = service["service"]["workspace"][0]["collection"]
    assert collection["href"] == f"{SITE_URL}{WHITE}/csaf-feed-tlp-white.json"
    assert collection["categories"]["category"] == [
        {"scheme": "urn:ietf:params:rolie:category:information-type", "term": "csaf"}
    ]
    category = json.loads(files[f"{WHITE}/category-white.json"])
    terms = [c["term"] for c in category["categories"]["category"]]
    assert terms and terms == sorted(set(terms), key=lambda t: (t.casefold(), t))


def test_security_txt_fields_and_expiry(tmp_path: Path) -> None:
    settings = replace(
        make_settings(tmp_path),
        security_txt=SecurityTxt(
            contact=("mailto:psirt@example.org", "https://example.org/contact"),
            encryption="https://example.org/pgp.asc",
        ),
    )
    text = _files(settings)[".well-known/security.txt"].decode()
    # The build time of site_context is 2026-11-01T00:00:00Z: Expires is a year later.
    assert text == (
        "Contact: mailto:psirt@example.org\n"
        "Contact: https://example.org/contact\n"
        "Expires: 2027-11-01T00:00:00Z\n"
        "Encryption: https://example.org/pgp.asc\n"
        "Preferred-Languages: en, ja\n"
        f"Canonical: {SITE_URL}.well-known/security.txt\n"
        f"CSAF: {SITE_URL}{CSAF}/provider-metadata.json\n"
    )


def test_security_txt_expiry_is_under_a_year_and_stable_within_a_month() -> None:
    from advpub.exports.security_txt import computed_expiry

    for day in (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 30, 23, 59, tzinfo=UTC)):
        expires = computed_expiry(day)
        assert expires == datetime(2027, 11, 1, tzinfo=UTC)
        assert 0 < (expires - day).days <= 365


def test_fixed_security_txt_expiry(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    base = make_settings(tmp_path)
    past = replace(
        base, security_txt=SecurityTxt(CONTACT, expires=datetime(2026, 10, 1, tzinfo=UTC))
    )
    with pytest.raises(ExportError) as caught:
        _files(past)
    assert str(caught.value) == (
        "mkdocs.yml: plugins.advpub.security_txt.expires: 2026-10-01T00:00:00Z has passed; set a "
        "later instant (at most a year ahead) or remove it so every build sets Expires itself"
    )
    soon = replace(
        base, security_txt=SecurityTxt(CONTACT, expires=datetime(2026, 11, 20, tzinfo=UTC))
    )
    with caplog.at_level(logging.WARNING, logger="advpub.exports"):
        text = _files(soon)[".well-known/security.txt"].decode()
    assert "Expires: 2026-11-20T00:00:00Z\n" in text
    assert caplog.messages == [
        "advpub: mkdocs.yml: plugins.advpub.security_txt.expires: security.txt expires on "
        "2026-11-20T00:00:00Z (in 19 days); move it forward or remove it"
    ]


def test_non_https_site_url_is_refused(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, site_url="http://advisories.example.org/")
    with pytest.raises(ExportError) as caught:
        _files(settings)
    assert str(caught.value) == (
        "mkdocs.yml: site_url: http://advisories.example.org/ is not an https:// URL; CSAF "
        "documents must be served over TLS (CSAF requirement 3): use an https:// site_url, or "
        "remove site_url to build without the CSAF distribution"
    )


def test_local_preview_skips_csaf(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, site_url="http://127.0.0.1:8000/")
    ctx = site_context(settings, all_cases(settings))
    assert csaf_outputs(ctx) == []
    assert csaf_skipped_reason(ctx) == (
        "site_url: http://127.0.0.1:8000/ is a local preview address, so no CSAF distribution "
        "was written (CSAF needs https)"
    )


def test_site_url_with_a_path_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = make_settings(tmp_path, site_url="https://example.org/advisories/")
    with caplog.at_level(logging.WARNING, logger="advpub.exports"):
        files = _files(settings)
    assert f"{CSAF}/provider-metadata.json" in files
    assert caplog.messages == [
        "advpub: mkdocs.yml: site_url: https://example.org/advisories/ has a path, so the "
        "provider metadata is at https://example.org/advisories/.well-known/csaf/"
        "provider-metadata.json, not at the domain's /.well-known/ (CSAF requirement 9); "
        "serve the site at the domain root, use the DNS name csaf.data.security.<domain> "
        "(requirement 10), or point a security.txt at the domain root to it (requirement 8); "
        "see README, CSAF provider"
    ]


def test_provider_metadata_schema_with_key(
    tmp_path: Path, key: SigningKey, monkeypatch: Any
) -> None:
    monkeypatch.setenv("ADVPUB_OPENPGP_KEY", key.secret)
    files = _files(make_settings(tmp_path))
    schema = load(SCHEMAS / "csaf/2.0/json_schema/provider_json_schema.json")
    assert schema_errors(json.loads(files[f"{CSAF}/provider-metadata.json"]), schema) == []
