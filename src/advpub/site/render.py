"""HTML of the pages the plugin writes, from the advisory model and package templates.

Templates run in their own Jinja environment with autoescape on, so every front matter
value (titles, products, credits...) is escaped; only the sanitised body is inserted as is.
"""

from __future__ import annotations

import itertools
import posixpath
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup, escape

from advpub.config import Settings
from advpub.exports.cwe_names import cwe_name
from advpub.exports.site import csaf_path, osv_path
from advpub.model import Advisory
from advpub.model.id_urls import linked_ids
from advpub.site.i18n import Labels, ShownInstant, labels_for, show_instant
from advpub.site.languages import LanguageVersion, versions
from advpub.site.listings import (
    UNSCORED,
    Group,
    SitePage,
    overview_src_uri,
    severity_level,
)

if TYPE_CHECKING:
    # Only a type: the feeds import this module (cve_url, cwe_url).
    from advpub.site.feeds.links import FeedLink

CVE_URL = "https://www.cve.org/CVERecord?id={id}"
CWE_URL = "https://cwe.mitre.org/data/definitions/{number}.html"
PAGINATION_WINDOW = 2


# The content templates (also hashed into the page cache's fingerprint).
TEMPLATE_FOLDER = Path(__file__).resolve().parent / "templates" / "content"


def _environment(folder: Path = TEMPLATE_FOLDER) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


_ENV = _environment()


def content_environment() -> jinja2.Environment:
    """The Jinja environment of the content templates (advisory pages, listings)."""
    return _ENV


def _relpath(path: str, start: str) -> str:
    """``posixpath.relpath`` for site-relative paths without ``..`` (the listings call it
    for every row; relpath asks the OS for the working directory each time)."""
    parts = [p for p in path.split("/") if p not in ("", ".")]
    base = [p for p in start.split("/") if p not in ("", ".")]
    if ".." in parts or ".." in base or path.startswith("/") or start.startswith("/"):
        return posixpath.relpath(path, start)
    common = 0
    for mine, theirs in zip(parts, base, strict=False):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(base) - common) + parts[common:]) or "."


def relative_url(target: str, current: str) -> str:
    """Site-relative ``target`` as seen from the page at site-relative ``current``."""
    base = current if current.endswith("/") or not current else posixpath.dirname(current) + "/"
    if base == "./":
        base = ""
    rel = _relpath(target or ".", base or ".")
    if (target.endswith("/") or not target) and not rel.endswith("/"):
        rel += "/"
    return "./" if rel in (".", "./") else rel


def is_http_url(url: str) -> bool:
    """True for http(s) URLs, the only ones rendered as links from front matter."""
    return url.lower().startswith(("https://", "http://"))


def cve_url(cve: str) -> str:
    """The cve.org record of a CVE id."""
    return CVE_URL.format(id=cve)


def cwe_url(cwe: str) -> str | None:
    """The cwe.mitre.org definition of ``CWE-<n>`` (None for other values)."""
    number = cwe.strip().upper().removeprefix("CWE-")
    return CWE_URL.format(number=number) if number.isdigit() else None


def shown_cwe_name(cwe: str) -> str | None:
    """The catalogue name of a CWE id as written in front matter (None when unknown)."""
    return cwe_name(cwe.strip().upper())


def vendor_runs(groups: Iterable[Group]) -> list[tuple[str, list[Group]]]:
    """Consecutive product groups of the same vendor (``""`` for none), in the given order."""
    return [
        (vendor, list(run)) for vendor, run in itertools.groupby(groups, lambda g: g.vendor or "")
    ]


def document_links(settings: Settings, adv: Advisory) -> list[tuple[str, str]]:
    """``(name, site-relative path)`` of the machine-readable documents the build writes for
    ``adv``: OSV always, CSAF when the site has a CSAF distribution for it."""
    links = [("OSV (JSON)", osv_path(adv))]
    csaf = csaf_path(settings, adv)
    if csaf is not None:
        links.append(("CSAF (JSON)", csaf))
    return links


class Renderer:
    """Renders advisory and listing pages for one build.

    ``advisory_urls`` maps advisory ids to site-relative page URLs, ``page_urls`` maps the
    virtual source paths of generated pages to theirs; ``page_feeds`` gives the feeds a
    generated page shows (:func:`advpub.site.feeds.links.page_feed_links`; none if omitted).
    """

    def __init__(
        self,
        settings: Settings,
        labels: Labels,
        advisory_urls: Mapping[str, str],
        page_urls: Mapping[str, str],
        page_feeds: Callable[[SitePage], Sequence[FeedLink]] | None = None,
    ) -> None:
        self.settings = settings
        self.labels = labels
        self.advisory_urls = advisory_urls
        self.page_urls = page_urls
        self.page_feeds = page_feeds or (lambda page: ())
        # Linked translations by id, and the primaries by id (the language switch).
        self.translations: Mapping[str, tuple[Advisory, ...]] = {}
        self.primaries: Mapping[str, Advisory] = {}

    def language_versions(self, adv: Advisory) -> list[LanguageVersion]:
        """Every language version of ``adv`` (one entry when it has no translation)."""
        primary = self.primaries.get(adv.id, adv)
        return versions(primary, self.translations.get(adv.id, ()))

    def alternates(self, adv: Advisory) -> list[dict[str, str]]:
        """``hreflang`` and site-relative ``href`` of every language version of ``adv``
        (empty without translations), for ``<link rel="alternate">`` in the page head."""
        found = self.language_versions(adv)
        if len(found) < 2:
            return []
        return [
            {"hreflang": v.lang, "href": self.advisory_urls[v.advisory.page_key]} for v in found
        ]

    @staticmethod
    def _translator(labels: Labels) -> Any:
        def t(key: str, **values: object) -> Markup:
            # Escape the label, then fill placeholders (escaped unless already markup).
            text = labels(key)
            return escape(text).format(**values) if values else escape(text)

        return t

    def labels_of(self, adv: Advisory) -> Labels:
        """The labels around an advisory: those of its own language, not the site's."""
        return labels_for(adv.lang)

    def _when(self, instant: datetime) -> ShownInstant:
        return show_instant(instant, self.settings.timezone)

    def _context(
        self, current: str, record: dict[str, str] | None = None, labels: Labels | None = None
    ) -> dict[str, Any]:
        # ``record`` collects every URL looked up (the page cache checks them on a hit).
        def url(target: str) -> str:
            return relative_url(target, current)

        def adv_url(adv: Advisory) -> str:
            target = self.advisory_urls[adv.page_key]
            if record is not None:
                record[f"adv:{adv.page_key}"] = target
            return url(target)

        def page_url(src_uri: str) -> str:
            target = self.page_urls[src_uri]
            if record is not None:
                record[f"page:{src_uri}"] = target
            return url(target)

        return {
            "t": self._translator(labels or self.labels),
            "when": self._when,
            "url": url,
            "adv_url": adv_url,
            "page_url": page_url,
            "overview_url": lambda kind: page_url(overview_src_uri(kind)),
            "severity_level": severity_level,
            "cve_url": cve_url,
            "cwe_url": cwe_url,
            "cwe_name": shown_cwe_name,
            "vendor_runs": vendor_runs,
            "feeds": [],
            "listing_feeds": [],
            "documents": [],
            "linked_ids": linked_ids,
            "settings": self.settings,
            "site_lang": (labels or self.labels).language,
            "is_http": is_http_url,
            "languages": self.language_versions,
        }

    def advisory(
        self, adv: Advisory, body_html: str, current: str, record: dict[str, str] | None = None
    ) -> str:
        """The content of an advisory's page; ``body_html`` must already be sanitised.

        ``record`` (when given) receives the URLs of other pages the template looked up.
        """
        template = _ENV.get_template("advisory.html")
        context = self._context(current, record, self.labels_of(adv))
        context["documents"] = document_links(self.settings, adv)
        return template.render(context, adv=adv, body=Markup(body_html))  # noqa: S704 (sanitised)

    def resolve(self, lookup: str) -> str | None:
        """The current URL for a recorded lookup (``adv:<id>`` or ``page:<src>``)."""
        kind, _, name = lookup.partition(":")
        table = self.advisory_urls if kind == "adv" else self.page_urls if kind == "page" else {}
        return table.get(name)

    def trailing_sections(self, adv: Advisory) -> list[tuple[str, str]]:
        """``(anchor id, title)`` of the sections the template adds after the body."""
        sections = [
            ("adv-references", "adv.references", bool(adv.references)),
            ("adv-related", "adv.related", bool(adv.related or adv.upstream)),
            ("adv-revisions", "adv.revisions", bool(adv.revisions)),
        ]
        labels = self.labels_of(adv)
        return [(anchor, labels(key)) for anchor, key, shown in sections if shown]

    def site_page(self, page: SitePage, current: str) -> str:
        """The content of a generated page (home, overview or listing page)."""
        template = _ENV.get_template(f"{page.kind}.html")
        pagination = self._pagination(page)
        context = self._context(current)
        links = self.page_feeds(page)
        # A listing's own feeds live under feeds/ (advpub.site.slugs).
        context["feeds"] = [link for link in links if not link.href.startswith("feeds/")]
        context["listing_feeds"] = [link for link in links if link.href.startswith("feeds/")]
        return template.render(
            context,
            page=page,
            title=self.title(page),
            pagination=pagination,
        )

    def _pagination(self, page: SitePage) -> list[tuple[int | None, str | None]]:
        """``(number, src_uri)`` pairs to link, ``(None, None)`` marking a gap."""
        if page.pages <= 1:
            return []
        shown = {1, page.pages}
        shown.update(
            range(
                max(1, page.number - PAGINATION_WINDOW),
                min(page.pages, page.number + PAGINATION_WINDOW) + 1,
            )
        )
        items: list[tuple[int | None, str | None]] = []
        previous = 0
        for number in sorted(shown):
            if number - previous > 1:
                items.append((None, None))
            items.append((number, page.siblings[number - 1]))
            previous = number
        return items

    def title(self, page: SitePage) -> str:
        """The page title of a generated page, in the site language."""
        t = self.labels
        if page.kind == "home":
            return t("home.title")
        group = page.group
        if page.kind == "overview" or group is None:
            title = t(
                {
                    "year": "archive.title",
                    "product": "products.title",
                    "severity": "severity.title",
                    "cwe": "cwe.title",
                }[page.group_kind or "year"]
            )
        elif group.kind == "year":
            title = t("archive.year", year=group.title)
        elif group.kind == "product":
            title = t("products.page", product=group.display)
        elif group.kind == "severity" and group.key == UNSCORED:
            title = t("severity.unscored_page")
        elif group.kind == "severity":
            title = t("severity.page", severity=t(f"severity.{group.key}"))
        else:
            title = t("cwe.page", cwe=group.title)
        if page.pages > 1:
            title += f" ({t('page.of', page=page.number, pages=page.pages)})"
        return title
