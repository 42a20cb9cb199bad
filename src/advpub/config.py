"""Site configuration: the ``advpub`` plugin options in ``mkdocs.yml`` and where to find them.

The CLI and the MkDocs plugin read the same options through MkDocs' own config loader, so a
``mkdocs.yml`` that builds is a ``mkdocs.yml`` the CLI understands.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mkdocs.config import base
from mkdocs.config import config_options as c

from advpub.errors import ConfigError
from advpub.gate.options import GateOptions
from advpub.model.options import DEFAULT_ID_PATTERN, ModelOptions

CONFIG_FILE = "mkdocs.yml"
PLUGIN_NAME = "advpub"


# What a repository without a `publisher:` publishes: placeholders, which feeds and CSAF
# documents must never carry (see :func:`publisher_problems`).
PLACEHOLDER_PUBLISHER_NAME = "Example Coordination Center"
PLACEHOLDER_PUBLISHER_NAMESPACE = "https://example.org"


class PublisherConfig(base.Config):
    """Who publishes the advisories (used by CSAF and the site footer)."""

    name = c.Type(str, default=PLACEHOLDER_PUBLISHER_NAME)
    namespace = c.Type(str, default=PLACEHOLDER_PUBLISHER_NAMESPACE)
    category = c.Choice(
        ("coordinator", "vendor", "discoverer", "other", "translator", "user"),
        default="coordinator",
    )
    contact = c.Type(str, default="")


class SigningConfig(base.Config):
    """OpenPGP signing of the CSAF distribution (see :mod:`advpub.exports.signing`)."""

    command = c.Type(str, default="")
    clearsign_command = c.Type(str, default="")
    public_key = c.Type(str, default="")
    required = c.Type(bool, default=False)


class SecurityTxtConfig(base.Config):
    """``/.well-known/security.txt`` (RFC 9116)."""

    contact = c.ListOfItems(c.Type(str), default=[])
    encryption = c.Type(str, default="")
    expires = c.Type((str, datetime, date), default="")


class CveConfig(base.Config):
    """CVE Services account used by ``advpub publish`` (the API key is a CI secret)."""

    org = c.Type(str, default="")
    user = c.Type(str, default="")
    since = c.Type((str, datetime, date), default="")


class AnnounceConfig(base.Config):
    """Mailing-list announcements (``advpub announce``): who sends them, to which lists."""

    sender = c.Type(str, default="")
    to = c.ListOfItems(c.Type(str), default=[])


class AdvpubConfig(base.Config):
    """Options of the ``advpub`` plugin entry in ``mkdocs.yml``."""

    timezone = c.Type(str, default="UTC")
    id_pattern = c.Type(str, default=DEFAULT_ID_PATTERN)
    id_prefix = c.Type(str, default="ADV")
    advisories_dir = c.Type(str, default="advisories")
    embargo_dir = c.Type(str, default="embargo")
    early_release_approvals = c.Type(int, default=2)
    required_approvals = c.Type(int, default=0)
    feed_size = c.Type(int, default=50)
    page_size = c.Type(int, default=50)
    leak_scan = c.Type(bool, default=True)
    publisher = c.SubConfig(PublisherConfig)
    signing = c.SubConfig(SigningConfig)
    security_txt = c.SubConfig(SecurityTxtConfig)
    cve = c.SubConfig(CveConfig)
    announce = c.SubConfig(AnnounceConfig)


@dataclass(frozen=True)
class Publisher:
    """The publishing organisation."""

    name: str
    namespace: str
    category: str
    contact: str


@dataclass(frozen=True)
class Signing:
    """How the CSAF distribution is signed: an external ``command`` (detached armored
    signature of stdin on stdout), else the key in ``ADVPUB_OPENPGP_KEY`` when set.
    ``public_key`` is the repository path of the command's public key; ``required`` makes a
    build without any signer fail (for deploy jobs)."""

    command: str = ""
    clearsign_command: str = ""
    public_key: str = ""
    required: bool = False


@dataclass(frozen=True)
class SecurityTxt:
    """The fields of ``security.txt`` the publisher chooses; ``expires`` None: computed."""

    contact: tuple[str, ...] = ()
    encryption: str = ""
    expires: datetime | None = None


@dataclass(frozen=True)
class CveAccount:
    """The CVE Services account (``org`` short name and ``user``); advisories first
    published before ``since`` are never sent (records made by hand stay as they are)."""

    org: str
    user: str
    since: datetime | None = None


@dataclass(frozen=True)
class Announce:
    """``From`` (empty: the publisher and its contact address) and ``To`` of announcements."""

    sender: str = ""
    to: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    """Everything advpub needs to know about one advisory repository."""

    root: Path
    timezone_name: str
    timezone: ZoneInfo
    id_pattern: re.Pattern[str]
    id_prefix: str
    advisories_dir: str
    embargo_dir: str
    site_name: str
    site_url: str | None
    language: str
    early_release_approvals: int
    required_approvals: int
    feed_size: int
    page_size: int
    leak_scan: bool
    publisher: Publisher
    signing: Signing = Signing()
    security_txt: SecurityTxt = SecurityTxt()
    cve: CveAccount | None = None
    announce: Announce = Announce()

    @property
    def advisories_path(self) -> Path:
        """Absolute path of the public advisories folder."""
        return self.root / self.advisories_dir

    @property
    def embargo_path(self) -> Path:
        """Absolute path of the encrypted drafts folder."""
        return self.root / self.embargo_dir

    @property
    def model_options(self) -> ModelOptions:
        """The subset of settings the model needs to parse advisories."""
        return ModelOptions(
            timezone=self.timezone, id_pattern=self.id_pattern, default_lang=self.language
        )

    @property
    def gate_options(self) -> GateOptions:
        """The subset of settings the release gate needs."""
        return GateOptions(
            timezone=self.timezone,
            early_release_approvals=self.early_release_approvals,
            required_approvals=self.required_approvals,
        )


def publisher_problems(settings: Settings) -> list[str]:
    """Why feeds and CSAF documents may not be published with this publisher: a missing or
    placeholder name or namespace while ``site_url`` is set (empty when all is well).

    A site without ``site_url`` publishes neither, and the ``http://127.0.0.1`` address of
    ``advpub serve`` is a local preview, so neither needs a real publisher.
    """
    url = settings.site_url
    if not url or is_loopback_url(url):
        return []
    pub = settings.publisher
    problems: list[str] = []
    if not pub.name.strip() or pub.name.strip() == PLACEHOLDER_PUBLISHER_NAME:
        problems.append(
            f"{CONFIG_FILE}: plugins.advpub.publisher.name: missing or the placeholder "
            f'"{PLACEHOLDER_PUBLISHER_NAME}"; set the name of your organisation: feeds and '
            "CSAF documents publish it (site_url is set)"
        )
    namespace = pub.namespace.strip().rstrip("/")
    if not namespace or namespace == PLACEHOLDER_PUBLISHER_NAMESPACE:
        problems.append(
            f"{CONFIG_FILE}: plugins.advpub.publisher.namespace: missing or the placeholder "
            f"{PLACEHOLDER_PUBLISHER_NAMESPACE}; set your organisation's web address "
            "(https://...): feeds and CSAF documents publish it (site_url is set)"
        )
    return problems


def require_publisher(settings: Settings) -> None:
    """Raise :class:`ConfigError` with every :func:`publisher_problems` (feed and CSAF
    generators call it before writing anything)."""
    problems = publisher_problems(settings)
    if problems:
        raise ConfigError("\n".join(problems))


@functools.lru_cache(maxsize=64)  # asked once per advisory by the exports
def is_loopback_url(url: str) -> bool:
    """True for the ``http://127.0.0.1`` / ``localhost`` addresses of a local preview."""
    parts = urlsplit(url)
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")


def settings_from_options(
    root: Path,
    options: dict[str, Any] | AdvpubConfig,
    *,
    site_name: str = "Security advisories",
    site_url: str | None = None,
    language: str = "en",
) -> Settings:
    """Build :class:`Settings` from validated plugin options; bad values raise ConfigError."""
    problems: list[str] = []
    tz_name = str(options.get("timezone", "UTC"))
    try:
        zone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            f"{CONFIG_FILE}: plugins.advpub.timezone: unknown time zone {tz_name!r}; "
            "use an IANA name such as Asia/Tokyo or UTC"
        )
        zone = ZoneInfo("UTC")
    pattern_text = str(options.get("id_pattern", DEFAULT_ID_PATTERN))
    try:
        pattern = re.compile(pattern_text)
    except re.error as exc:
        problems.append(
            f"{CONFIG_FILE}: plugins.advpub.id_pattern: not a regular expression ({exc})"
        )
        pattern = re.compile(DEFAULT_ID_PATTERN)
    for key in ("advisories_dir", "embargo_dir"):
        value = str(options.get(key, ""))
        if not value or Path(value).is_absolute() or ".." in Path(value).parts:
            problems.append(
                f"{CONFIG_FILE}: plugins.advpub.{key}: must be a folder inside the repository"
            )
    pub = options.get("publisher") or {}
    signing = _signing(options.get("signing") or {}, root, problems)
    security_txt = _security_txt(
        options.get("security_txt") or {}, str(pub.get("contact", "")), problems
    )
    cve = _cve(options.get("cve") or {}, problems)
    if problems:
        raise ConfigError("\n".join(problems))
    return Settings(
        root=root,
        timezone_name=tz_name,
        timezone=zone,
        id_pattern=pattern,
        id_prefix=str(options.get("id_prefix", "ADV")),
        advisories_dir=str(options.get("advisories_dir", "advisories")),
        embargo_dir=str(options.get("embargo_dir", "embargo")),
        site_name=site_name,
        site_url=site_url.rstrip("/") + "/" if site_url else None,
        language=language or "en",
        early_release_approvals=int(options.get("early_release_approvals", 2)),
        required_approvals=int(options.get("required_approvals", 0)),
        feed_size=int(options.get("feed_size", 50)),
        page_size=int(options.get("page_size", 50)),
        leak_scan=bool(options.get("leak_scan", True)),
        publisher=Publisher(
            name=str(pub.get("name", PLACEHOLDER_PUBLISHER_NAME)),
            namespace=str(pub.get("namespace", PLACEHOLDER_PUBLISHER_NAMESPACE)),
            category=str(pub.get("category", "coordinator")),
            contact=str(pub.get("contact", "")),
        ),
        signing=signing,
        security_txt=security_txt,
        cve=cve,
        announce=Announce(
            sender=str((options.get("announce") or {}).get("sender", "")).strip(),
            to=tuple(str(t).strip() for t in (options.get("announce") or {}).get("to") or ()),
        ),
    )


_EMAIL = re.compile(r"^[^@\s:/]+@[^@\s/]+\.[^@\s/]+$")


def _instant(value: object, key: str, problems: list[str]) -> datetime | None:
    """An aware instant from a YAML date, datetime or ISO 8601 string (dates: 00:00 UTC)."""
    if value in ("", None):
        return None
    if isinstance(value, datetime):
        instant = value
    elif isinstance(value, date):
        instant = datetime(value.year, value.month, value.day)
    else:
        try:
            instant = datetime.fromisoformat(str(value).strip())
        except ValueError:
            problems.append(
                f"{CONFIG_FILE}: plugins.advpub.{key}: {value!r} is not an ISO 8601 instant; "
                "use e.g. 2027-03-01T00:00:00Z"
            )
            return None
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


def _signing(options: Any, root: Path, problems: list[str]) -> Signing:
    signing = Signing(
        command=str(options.get("command", "")).strip(),
        clearsign_command=str(options.get("clearsign_command", "")).strip(),
        public_key=str(options.get("public_key", "")).strip(),
        required=bool(options.get("required", False)),
    )
    if signing.command and not signing.public_key:
        problems.append(
            f"{CONFIG_FILE}: plugins.advpub.signing.public_key: required with signing.command; "
            "name the repository file holding the signer's armored public key"
        )
    elif signing.public_key and not (root / signing.public_key).is_file():
        problems.append(
            f"{CONFIG_FILE}: plugins.advpub.signing.public_key: {signing.public_key} does not "
            "exist; export the signer's public key there (gpg --armor --export FINGERPRINT)"
        )
    return signing


def contact_uri(text: str) -> str | None:
    """A ``security.txt`` Contact URI: ``mailto:``/``tel:``/``https:`` as given, a bare
    e-mail address as ``mailto:``; None for anything else (free text)."""
    value = text.strip()
    if _EMAIL.match(value):
        return f"mailto:{value}"
    if value.startswith(("mailto:", "tel:", "https://")) and " " not in value:
        return value
    return None


def _security_txt(options: Any, publisher_contact: str, problems: list[str]) -> SecurityTxt:
    contacts: list[str] = []
    for index, item in enumerate(options.get("contact") or []):
        uri = contact_uri(str(item))
        if uri is None:
            problems.append(
                f"{CONFIG_FILE}: plugins.advpub.security_txt.contact[{index}]: {item!r} is not a "
                "mailto:, tel: or https:// URI (RFC 9116)"
            )
        else:
            contacts.append(uri)
    if not contacts:
        # The publisher's contact, when it is an address a machine can use.
        fallback = contact_uri(publisher_contact)
        if fallback is not None:
            contacts.append(fallback)
    encryption = str(options.get("encryption", "")).strip()
    if encryption and not encryption.startswith(("https://", "openpgp4fpr:", "dns:")):
        problems.append(
            f"{CONFIG_FILE}: plugins.advpub.security_txt.encryption: {encryption!r} must be an "
            "https://, openpgp4fpr: or dns: URI (RFC 9116 section 2.5.4)"
        )
        encryption = ""
    expires = _instant(options.get("expires", ""), "security_txt.expires", problems)
    return SecurityTxt(tuple(contacts), encryption, expires)


def _cve(options: Any, problems: list[str]) -> CveAccount | None:
    org = str(options.get("org", "")).strip()
    user = str(options.get("user", "")).strip()
    since = _instant(options.get("since", ""), "cve.since", problems)
    if not org and not user:
        return None
    if not org or not user:
        missing = "org" if not org else "user"
        problems.append(
            f"{CONFIG_FILE}: plugins.advpub.cve.{missing}: required with cve.org/cve.user "
            "(your CNA's short name and the CVE Services user name)"
        )
        return None
    return CveAccount(org, user, since)


def settings_from_mkdocs(config: Any, options: AdvpubConfig | dict[str, Any]) -> Settings:
    """Settings from a loaded MkDocs config and the plugin's own options."""
    root = Path(config["config_file_path"]).resolve().parent
    theme = config.get("theme")
    language = "en"
    if theme is not None:
        language = str(theme.get("language") or theme.get("locale") or "en")
    return settings_from_options(
        root,
        options,
        site_name=str(config.get("site_name") or "Security advisories"),
        site_url=config.get("site_url") or None,
        language=language,
    )


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` that holds ``mkdocs.yml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise ConfigError(
        f"no {CONFIG_FILE} in {here} or any folder above it; cd into an advisory "
        "repository or create one with `advpub init DIR`"
    )


class _Collector(logging.Handler):
    """Keeps MkDocs' error messages so they end up in one ConfigError."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def load_settings(root: Path | None = None) -> Settings:
    """Load ``mkdocs.yml`` at (or above) ``root`` with MkDocs' loader and return Settings."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    folder = find_root(root)
    path = folder / CONFIG_FILE
    collected = _Collector()
    mkdocs_log = logging.getLogger("mkdocs")
    previous = (mkdocs_log.level, mkdocs_log.propagate)
    mkdocs_log.setLevel(logging.ERROR)
    mkdocs_log.propagate = False
    mkdocs_log.addHandler(collected)
    try:
        config = load_config(config_file=str(path))
    except (ConfigurationError, Abort) as exc:
        detail = "; ".join(collected.messages) or str(exc)
        raise ConfigError(f"{path}: {detail}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    finally:
        mkdocs_log.removeHandler(collected)
        mkdocs_log.setLevel(previous[0])
        mkdocs_log.propagate = previous[1]
    plugin = config["plugins"].get(PLUGIN_NAME)
    if plugin is None:
        raise ConfigError(
            f"{path}: plugins: the `{PLUGIN_NAME}` plugin is not enabled; add `- advpub` "
            "under `plugins:`"
        )
    return settings_from_mkdocs(config, plugin.config)
