"""``/.well-known/security.txt`` (RFC 9116) pointing to the CSAF provider metadata.

Fields: ``Contact`` (``security_txt.contact``, else the publisher's contact when it is an
e-mail address or URI), ``Expires``, ``Encryption`` (optional), ``Preferred-Languages``
(the site language, then the advisories' languages), ``Canonical`` and ``CSAF`` (CSAF
requirement 8). Signed with a cleartext OpenPGP signature when a signer can make one.

How ``Expires`` is computed (decision): without ``security_txt.expires`` it is midnight UTC
on the first day of the build's month, one year later, so it is always between 335 and
365 days after the build (RFC 9116 recommends less than a year), every build refreshes it,
and the file (and its signature) changes only once a month. The scheduled ``advpub publish``
job rebuilds the site, so a deployed file never ages much; ``advpub verify-site`` warns
when a deployed file expires within 30 days and fails once it has expired.
A fixed ``security_txt.expires`` is refused when it has passed or is more than a year after
the build, and the build warns during its last 30 days.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from advpub.config import CONFIG_FILE, Settings
from advpub.errors import ExportError
from advpub.exports.common import iso_utc

PATH = ".well-known/security.txt"
WARN_BEFORE = timedelta(days=30)
MAX_AHEAD = timedelta(days=366)  # "a year", leap years included
log = logging.getLogger("advpub.exports")


def computed_expiry(build_time: datetime) -> datetime:
    """Midnight UTC on the first of the build's month, one year later."""
    now = build_time.astimezone(UTC)
    return datetime(now.year + 1, now.month, 1, tzinfo=UTC)


def expiry(settings: Settings, build_time: datetime) -> datetime:
    """The ``Expires`` instant of this build (see the module docstring)."""
    fixed = settings.security_txt.expires
    if fixed is None:
        return computed_expiry(build_time)
    where = f"{CONFIG_FILE}: plugins.advpub.security_txt.expires"
    if fixed <= build_time:
        raise ExportError(
            f"{where}: {iso_utc(fixed)} has passed; set a later instant (at most a year "
            "ahead) or remove it so every build sets Expires itself"
        )
    if fixed - build_time > MAX_AHEAD:
        raise ExportError(
            f"{where}: {iso_utc(fixed)} is more than a year ahead; RFC 9116 asks for less "
            "than a year"
        )
    if fixed - build_time <= WARN_BEFORE:
        log.warning(
            f"advpub: {where}: security.txt expires on {iso_utc(fixed)} (in "
            f"{(fixed - build_time).days} days); move it forward or remove it"
        )
    return fixed


def _languages(settings: Settings, languages: Iterable[str]) -> list[str]:
    found: list[str] = []
    for lang in (settings.language, *languages):
        tag = lang.strip().replace("_", "-")
        if tag and tag.lower() not in (f.lower() for f in found):
            found.append(tag)
    return found


def security_txt(
    settings: Settings,
    *,
    build_time: datetime,
    site_url: str,
    provider_metadata_url: str,
    languages: Iterable[str],
) -> bytes | None:
    """The unsigned file, or None without any contact (RFC 9116 requires one)."""
    contacts = settings.security_txt.contact
    if not contacts:
        # Optional for CSAF (the well-known URL of requirement 9 suffices) and RFC 9116 needs
        # a contact: no file, and no warning on every build of sites that chose not to.
        return None
    lines = [f"Contact: {c}" for c in contacts]
    expires = expiry(settings, build_time)
    lines.append(f"Expires: {iso_utc(expires)}")
    if settings.security_txt.encryption:
        lines.append(f"Encryption: {settings.security_txt.encryption}")
    lines.append(f"Preferred-Languages: {', '.join(_languages(settings, languages))}")
    lines.append(f"Canonical: {site_url}{PATH}")
    lines.append(f"CSAF: {provider_metadata_url}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def parse_fields(text: str) -> dict[str, list[str]]:
    """The fields of a security.txt (signature armour and comments ignored), by lower-case
    name."""
    fields: dict[str, list[str]] = {}
    in_signature = False
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("-----BEGIN PGP SIGNATURE"):
            in_signature = True
        elif line.startswith("-----END PGP SIGNATURE"):
            in_signature = False
            continue
        if in_signature or not line or line.startswith(("#", "-----", "Hash:")):
            continue
        name, sep, value = line.partition(":")
        if sep:
            fields.setdefault(name.strip().lower(), []).append(value.strip())
    return fields
