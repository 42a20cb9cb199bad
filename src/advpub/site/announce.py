"""The mailing-list announcement of a released advisory: a plain-text body and an RFC 5322
message (UTF-8, stdlib :mod:`email`).

The caller asks the release gate first (``advpub announce`` refuses what the gate holds)
and runs the leak guard over the bytes; this module only words the announcement. Labels
come from the site's own locale tables, so the mail and the page say the same thing.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default
from email.utils import format_datetime
from urllib.parse import urlsplit

from advpub.config import Settings
from advpub.model import Advisory, Affected, CvssScore
from advpub.model.advisory import VersionRange
from advpub.site.i18n import Labels, labels_for, show_instant

# Wording only the announcement needs (the rest is the page's labels).
_OWN_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "intro": "{publisher} has published the following security advisory.",
        "page": "Advisory page",
        "fixed_in": "fixed in {version}",
        "remediations": "Remediations",
    },
    "ja": {
        "intro": "{publisher} は次のセキュリティアドバイザリを公開しました。",
        "page": "アドバイザリのページ",
        "fixed_in": "{version} で修正",
        "remediations": "対策",
    },
}
REMEDIATION_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "vendor_fix": "Fix",
        "workaround": "Workaround",
        "mitigation": "Mitigation",
        "no_fix_planned": "No fix planned",
        "none_available": "None available",
    },
    "ja": {
        "vendor_fix": "修正",
        "workaround": "回避策",
        "mitigation": "緩和策",
        "no_fix_planned": "修正予定なし",
        "none_available": "対策なし",
    },
}


@dataclass(frozen=True)
class Envelope:
    """Who the message is from and to (RFC 5322 addresses, ``Name <addr>`` allowed)."""

    sender: str
    to: Sequence[str]


def announcement_text(
    adv: Advisory, settings: Settings, page_url: str | None, language: str
) -> str:
    """The plain-text body of the announcement of ``adv`` in ``language`` (en or ja)."""
    labels = labels_for(language)
    own = _OWN_LABELS[labels.language]
    lines = [f"{adv.id}: {adv.title}", ""]
    lines += [own["intro"].format(publisher=settings.publisher.name), ""]
    published = show_instant(adv.published_at, settings.timezone)
    lines += [f"{labels('adv.published')}: {published.local} ({published.utc})"]
    if adv.withdrawn is not None:
        when = show_instant(adv.withdrawn.date, settings.timezone).local
        lines += ["", labels("adv.withdrawn.notice", date=when), adv.withdrawn.reason]
    lines += [*_section(labels("adv.summary"), [adv.summary.strip()])]
    if adv.affected:
        entries = [f"- {_affected_line(item, own)}" for item in adv.affected]
        lines += _section(labels("adv.affected"), entries)
    if adv.cve:
        lines += _section(labels("adv.cve"), [f"- {cve}" for cve in adv.cve])
    if adv.cvss:
        lines += _section(labels("adv.cvss"), [_cvss_line(score, labels) for score in adv.cvss])
    remediations = _remediation_lines(adv, labels.language)
    if remediations:
        lines += _section(own["remediations"], remediations)
    links = [f"- {own['page']}: {page_url}"] if page_url else []
    links += [f"- {ref.url}" for ref in adv.references if ref.url != page_url]
    if links:
        lines += _section(labels("adv.references"), links)
    return "\n".join(lines).rstrip() + "\n"


def _section(heading: str, body: Sequence[str]) -> list[str]:
    return ["", heading, "-" * _width(heading), *body]


def _width(text: str) -> int:
    """Columns ``text`` takes in a fixed-width font (CJK characters take two)."""
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def _affected_line(item: Affected, own: dict[str, str]) -> str:
    """``Vendor Product (ecosystem: package): affected versions, fixed in …``: the free text
    when written, else the ranges (``≥ 2.0, < 2.3.2``) or the enumerated versions."""
    details: list[str] = []
    if item.versions:
        details.append(item.versions)
    else:
        ranges = "; ".join(r.text for r in item.ranges if r.text and r.type != "GIT")
        if ranges:
            details.append(ranges)
        elif item.enumerated:
            details.append(", ".join(item.enumerated))
    fixed = [v for r in item.ranges if r.type != "GIT" for v in _fixed(r)]
    if fixed:
        details.append(own["fixed_in"].format(version=", ".join(dict.fromkeys(fixed))))
    name = item.label
    if item.package and item.package != item.product:
        name += f" ({item.ecosystem}: {item.package})" if item.ecosystem else f" ({item.package})"
    return f"{name}: {', '.join(details)}" if details else name


def _fixed(version_range: VersionRange) -> list[str]:
    # Commit hashes of GIT ranges mean nothing to a reader of the list; versions do.
    return [e.version for e in version_range.events if e.kind == "fixed"]


def _cvss_line(score: CvssScore, labels: Labels) -> str:
    severity = labels(f"severity.{score.severity.lower()}")
    return f"- {score.base_score} {severity} {score.vector}"


def _remediation_lines(adv: Advisory, language: str) -> list[str]:
    # `remediations` arrives with issue 19's model; older advisories have none.
    names = REMEDIATION_LABELS[language]
    lines: list[str] = []
    for item in adv.remediations:
        category = names.get(item.category, item.category)
        line = f"- {category}: {item.details}"
        if item.products:
            line += f" ({', '.join(item.products)})"
        lines.append(line)
        if item.url:
            lines.append(f"  {item.url}")
    return lines


def announcement_message(
    adv: Advisory,
    settings: Settings,
    page_url: str | None,
    language: str,
    envelope: Envelope,
    now: datetime,
) -> EmailMessage:
    """The announcement as an RFC 5322 message: Subject with id and title, Date ``now``,
    a Message-ID in the site's domain, and the UTF-8 text body. Headers stay ASCII (RFC
    2047 words for non-ASCII text) and lines end in LF, as ``sendmail -t`` and mail
    clients read a message from a file."""
    message = EmailMessage(policy=default)
    message["Subject"] = f"[{adv.id}] {adv.title}"
    message["From"] = envelope.sender
    message["To"] = ", ".join(envelope.to)
    message["Date"] = format_datetime(now.astimezone(settings.timezone))
    # Unique per message (a re-sent announcement is a new message), short enough to stay on
    # one header line.
    stamp = f"{now.astimezone(UTC):%Y%m%d%H%M%S}.{secrets.token_hex(4)}"
    message["Message-ID"] = f"<{adv.id}.{stamp}@{_domain(settings, envelope)}>"
    message.set_content(announcement_text(adv, settings, page_url, language), charset="utf-8")
    # After set_content, which replaces every Content-* header.
    message["Content-Language"] = labels_for(language).language
    return message


def message_as_read(message: EmailMessage) -> str:
    """``message`` as a mail client shows it: every header decoded (RFC 2047 words) and the
    body decoded from its transfer encoding (base64 or quoted-printable, which a UTF-8 body
    with long or non-ASCII lines gets). The leak guard reads this, not the encoded bytes."""
    headers = [f"{name}: {value}" for name, value in message.items()]
    return "\n".join(headers) + "\n\n" + str(message.get_content())


def _domain(settings: Settings, envelope: Envelope) -> str:
    """The site's host name, else the sender's mail domain (never the local host name)."""
    host = urlsplit(settings.site_url).hostname if settings.site_url else None
    if host:
        return host
    address = envelope.sender.rsplit("<", 1)[-1].rstrip(">")
    return address.rpartition("@")[2] or "advpub.invalid"


def default_sender(settings: Settings) -> str | None:
    """``Publisher <contact>`` when the publisher's contact is an e-mail address."""
    contact = settings.publisher.contact.strip().removeprefix("mailto:")
    user, at, domain = contact.partition("@")
    if not at or not user or "." not in domain or " " in contact:
        return None
    return str(Address(settings.publisher.name, user, domain))
