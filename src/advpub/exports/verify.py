"""``advpub verify-site``: read a published CSAF distribution as a consumer does.

Starting from ``<site_url>.well-known/csaf/provider-metadata.json`` it follows what the
metadata announces (the directory distribution with ``index.txt``, ``changes.csv`` and the
listings; the ROLIE feeds, service and category documents; the public keys), fetches every
document with its hash and signature files and ``/.well-known/security.txt``, and reports
each CSAF 2.0 distribution requirement (section 7.1) as met or not, with every problem.

Requirements of the announced role that cannot be checked from the outside (7.1.5: no
AMBER/RED documents reachable; 7.1.10: DNS) are not reported. This module only collects
results; the CLI prints them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from advpub.errors import ExportError
from advpub.exports.csaf import tracking_file_name
from advpub.exports.security_txt import PATH as SECURITY_TXT
from advpub.exports.security_txt import WARN_BEFORE, parse_fields
from advpub.exports.signing import PublicKey, Verifier, public_key_from_armored, verifier
from advpub.exports.site_source import Fetched, SiteSource

METADATA_PATH = ".well-known/csaf/provider-metadata.json"
ROLES = ("csaf_publisher", "csaf_provider", "csaf_trusted_provider")
TITLES = {
    "1": "valid CSAF documents",
    "2": "file names",
    "3": "TLS",
    "4": "TLP:WHITE freely accessible",
    "6": "no redirects",
    "7": "provider-metadata.json",
    "8": "security.txt",
    "9": "well-known URL of provider-metadata.json",
    "11": "one folder per year",
    "12": "index.txt",
    "13": "changes.csv",
    "14": "directory listings",
    "15": "ROLIE feed",
    "16": "ROLIE service document",
    "17": "ROLIE category document",
    "18": "integrity (hash files)",
    "19": "signatures",
    "20": "public OpenPGP key",
}
# Requirements each role needs (CSAF 2.0 section 7.2); a provider needs the directory-based
# (11-14) or the ROLIE-based (15-17) distribution, a trusted provider 18-20 on top.
PUBLISHER = ("1", "2", "3", "4", "7")
PROVIDER = (*PUBLISHER, "6", "9")
DIRECTORY = ("11", "12", "13", "14")
ROLIE = ("15", "16", "17")
TRUSTED = ("18", "19", "20")
_YEAR = re.compile(r"^\d{4}$")


@dataclass
class Requirement:
    """One requirement: met when it has no problems; ``notes`` are warnings."""

    number: str
    checked: bool = False
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        """``7.1.12 index.txt``."""
        return f"7.1.{self.number} {TITLES[self.number]}"

    @property
    def is_met(self) -> bool:
        """True when checked without any problem."""
        return self.checked and not self.problems


@dataclass
class Report:
    """Every requirement looked at, in order, and the role the provider announces."""

    site_url: str
    role: str | None = None
    requirements: dict[str, Requirement] = field(default_factory=dict)

    def req(self, number: str) -> Requirement:
        """The requirement ``number``, marked as checked."""
        found = self.requirements.setdefault(number, Requirement(number))
        found.checked = True
        return found

    def fail(self, number: str, problem: str) -> None:
        """Record a problem of requirement ``number``."""
        self.req(number).problems.append(problem)

    @property
    def needed(self) -> tuple[str, ...]:
        """The requirements the announced role needs (all checked ones for an unknown role)."""
        if self.role == "csaf_trusted_provider":
            return (*PROVIDER, *self._distribution(), *TRUSTED)
        if self.role == "csaf_provider":
            return (*PROVIDER, *self._distribution())
        return PUBLISHER

    def _distribution(self) -> tuple[str, ...]:
        has_dir = any(n in self.requirements for n in DIRECTORY)
        has_rolie = any(n in self.requirements for n in ROLIE)
        return (*(DIRECTORY if has_dir or not has_rolie else ()), *(ROLIE if has_rolie else ()))

    def ordered(self) -> list[Requirement]:
        """The requirements checked or needed, by number."""
        for number in self.needed:
            self.requirements.setdefault(number, Requirement(number))
        return sorted(self.requirements.values(), key=lambda r: int(r.number))

    @property
    def is_ok(self) -> bool:
        """True when every checked or needed requirement is met."""
        return all(r.is_met for r in self.ordered())


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.extend(v for k, v in attrs if k == "href" and v)


def _links(base: str, html: bytes) -> set[str]:
    parser = _Links()
    parser.feed(html.decode("utf-8", "replace"))
    return {urljoin(base, link).split("#", 1)[0] for link in parser.links}


@dataclass
class _Doc:
    path: str  # relative to the directory URL: <YYYY>/<file>.json
    url: str
    changes: str | None = None  # its date in changes.csv
    feed_links: set[tuple[str, str]] | None = None  # (rel, href) of its ROLIE entry


class _Checker:
    def __init__(self, source: SiteSource, now: datetime, stack: ExitStack) -> None:
        self.source = source
        self.now = now
        self.stack = stack
        self.report = Report(source.site_url)
        self.keys: list[PublicKey] = []
        self.verify: Verifier | None = None
        self.docs: dict[str, _Doc] = {}  # by URL

    # -- fetching ------------------------------------------------------------------------

    def fetch(self, url: str, number: str, what: str) -> bytes | None:
        got: Fetched = self.source.get(url)
        if urlsplit(url).scheme != "https":
            self.report.fail("3", f"{url}: not served over https")
        if got.redirect is not None:
            self.report.fail("6", f"{url}: redirects to {got.redirect}")
        if got.body is None:
            self.report.fail(number, f"{what} {url}: {got.reason}")
        return got.body

    def json(self, url: str, number: str, what: str) -> Any:
        body = self.fetch(url, number, what)
        if body is None:
            return None
        try:
            return json.loads(body)
        except ValueError:
            self.report.fail(number, f"{what} {url}: not JSON")
            return None

    # -- the walk ------------------------------------------------------------------------

    def run(self) -> Report:
        self.report.req("3")
        self.report.req("6")
        url = self.source.site_url + METADATA_PATH
        metadata = self.json(url, "7", "provider metadata")
        if not isinstance(metadata, dict):
            self.report.req("9")
            self.report.fail("9", f"no provider metadata at {url}")
            return self.report
        self.metadata(url, metadata)
        self.public_keys(metadata)
        self.security_txt(url)
        directory, feeds = self.distributions(metadata)
        if directory is not None:
            self.directory(directory)
        for feed in feeds:
            self.feed(feed)
        self.documents()
        return self.report

    def metadata(self, url: str, data: dict[str, Any]) -> None:
        req = self.report.req("7")
        for key in (
            "canonical_url",
            "last_updated",
            "list_on_CSAF_aggregators",
            "metadata_version",
            "mirror_on_CSAF_aggregators",
            "publisher",
            "role",
        ):
            if key not in data:
                req.problems.append(f"{url}: {key}: missing")
        role = data.get("role")
        if role not in ROLES:
            req.problems.append(f"{url}: role: {role!r} is not one of {', '.join(ROLES)}")
        else:
            self.report.role = role
        if data.get("metadata_version") not in (None, "2.0"):
            req.problems.append(f"{url}: metadata_version: {data.get('metadata_version')!r}")
        nine = self.report.req("9")
        if data.get("canonical_url") != url:
            nine.problems.append(
                f"{url}: canonical_url is {data.get('canonical_url')!r}, not the well-known URL"
            )
        for link in _urls(data):
            if not link.startswith("https://"):
                self.report.fail("3", f"{url}: {link}: not an https URL")

    def public_keys(self, data: dict[str, Any]) -> None:
        listed = data.get("public_openpgp_keys") or []
        if not listed and self.report.role != "csaf_trusted_provider":
            return
        req = self.report.req("20")
        if not listed:
            req.problems.append("provider metadata: public_openpgp_keys: no key listed")
        for item in listed:
            key_url = str(item.get("url", ""))
            body = self.fetch(key_url, "20", "public key")
            if body is None:
                continue
            try:
                key = public_key_from_armored(body, key_url)
            except ExportError as exc:
                req.problems.append(str(exc))
                continue
            expected = str(item.get("fingerprint", "")).upper()
            if expected and expected != key.fingerprint:
                req.problems.append(
                    f"{key_url}: holds key {key.fingerprint}, provider metadata says {expected}"
                )
                continue
            self.keys.append(key)
        if self.keys:
            self.verify = self.stack.enter_context(verifier(self.keys))

    def security_txt(self, metadata_url: str) -> None:
        parts = urlsplit(self.source.site_url)
        url = f"{parts.scheme}://{parts.netloc}/{SECURITY_TXT}"
        if not url.startswith(self.source.site_url):
            # The site is not at the domain root: its own copy is what it controls.
            url = self.source.site_url + SECURITY_TXT
        got = self.source.get(url)
        if got.body is None:
            # Optional: requirement 9 (checked above) is another way to be found.
            return
        req = self.report.req("8")
        body = self.fetch(url, "8", "security.txt")
        if body is None:
            return
        text = body.decode("utf-8", "replace")
        if text.startswith("-----BEGIN PGP SIGNED MESSAGE-----"):
            opened = self.verify.cleartext(body) if self.verify is not None else None
            if opened is None:
                req.problems.append(f"{url}: the signature does not verify with a listed key")
            else:
                text = opened[1].decode("utf-8", "replace")
        fields = parse_fields(text)
        csaf = fields.get("csaf", [])
        if not csaf:
            req.problems.append(f"{url}: no CSAF field")
        elif csaf[0] != metadata_url:
            req.problems.append(f"{url}: the first CSAF field is {csaf[0]}, not {metadata_url}")
        if not fields.get("contact"):
            req.problems.append(f"{url}: no Contact field (RFC 9116)")
        expires = fields.get("expires", [])
        if len(expires) != 1:
            req.problems.append(f"{url}: needs exactly one Expires field (RFC 9116)")
            return
        try:
            instant = datetime.fromisoformat(expires[0].replace("Z", "+00:00"))
        except ValueError:
            req.problems.append(f"{url}: Expires: {expires[0]!r} is not an RFC 3339 instant")
            return
        if instant.tzinfo is None:
            req.problems.append(f"{url}: Expires: {expires[0]!r} has no offset")
        elif instant <= self.now:
            req.problems.append(f"{url}: expired on {expires[0]}; rebuild and deploy the site")
        elif instant - self.now <= WARN_BEFORE:
            req.notes.append(f"{url}: expires on {expires[0]}; rebuild and deploy the site soon")

    def distributions(self, data: dict[str, Any]) -> tuple[str | None, list[str]]:
        directory: str | None = None
        feeds: list[str] = []
        for item in data.get("distributions") or []:
            if item.get("directory_url"):
                directory = str(item["directory_url"])
                if not directory.endswith("/"):
                    directory += "/"
            rolie = item.get("rolie")
            if isinstance(rolie, dict):
                feeds.extend(str(f.get("url", "")) for f in rolie.get("feeds") or [])
                for service in rolie.get("services") or []:
                    self.service(str(service), feeds)
                for category in rolie.get("categories") or []:
                    self.category(str(category))
        if directory is None and not feeds:
            self.report.fail("7", "provider metadata: distributions: no directory or ROLIE feed")
        return directory, feeds

    def service(self, url: str, feeds: list[str]) -> None:
        data = self.json(url, "16", "ROLIE service document")
        if data is None:
            return
        try:
            listed = {
                c["href"] for w in data["service"]["workspace"] for c in w.get("collection", [])
            }
        except (KeyError, TypeError):
            self.report.fail("16", f"{url}: not a ROLIE service document (service.workspace)")
            return
        self.report.req("16")
        for feed in feeds:
            if feed not in listed:
                self.report.fail("16", f"{url}: does not list the feed {feed}")

    def category(self, url: str) -> None:
        data = self.json(url, "17", "ROLIE category document")
        if data is None:
            return
        try:
            terms = [c["term"] for c in data["categories"]["category"]]
        except (KeyError, TypeError):
            self.report.fail("17", f"{url}: not a ROLIE category document (categories.category)")
            return
        req = self.report.req("17")
        if not all(isinstance(t, str) and t for t in terms):
            req.problems.append(f"{url}: a category without a term")

    def _doc(self, url: str, path: str) -> _Doc:
        return self.docs.setdefault(url, _Doc(path, url))

    def directory(self, base: str) -> None:
        index = self.fetch(base + "index.txt", "12", "index.txt")
        self.report.req("12")
        paths: list[str] = []
        if index is not None:
            for line in index.decode("utf-8", "replace").splitlines():
                if line.strip():
                    paths.append(line.strip())
                    self._doc(base + line.strip(), line.strip())
        self.changes(base, set(paths))
        self.listings(base, paths)

    def changes(self, base: str, paths: set[str]) -> None:
        body = self.fetch(base + "changes.csv", "13", "changes.csv")
        req = self.report.req("13")
        if body is None:
            return
        rows = list(csv.reader(io.StringIO(body.decode("utf-8", "replace"))))
        seen: set[str] = set()
        previous: str | None = None
        for number, row in enumerate(rows, start=1):
            if len(row) != 2:
                req.problems.append(f'changes.csv line {number}: not "path","date"')
                continue
            path, date = row
            seen.add(path)
            if path not in paths:
                req.problems.append(f"changes.csv line {number}: {path} is not in index.txt")
            doc = self.docs.get(base + path)
            if doc is not None and doc.changes is None:
                doc.changes = date
            if previous is not None and date > previous:
                req.problems.append(f"changes.csv line {number}: not sorted newest first")
            previous = date
        for path in sorted(paths - seen):
            req.problems.append(f"changes.csv: {path} (in index.txt) is missing")

    def listings(self, base: str, paths: list[str]) -> None:
        req = self.report.req("14")
        body = self.fetch(base, "14", "directory listing")
        years = sorted({p.split("/", 1)[0] for p in paths if "/" in p})
        if body is not None:
            links = _links(base, body)
            for year in years:
                if base + year + "/" not in links:
                    req.problems.append(f"{base}: does not link the folder {year}/")
        for year in years:
            folder = base + year + "/"
            page = self.fetch(folder, "14", "directory listing")
            if page is None:
                continue
            links = _links(folder, page)
            for path in paths:
                if path.startswith(year + "/") and base + path not in links:
                    req.problems.append(f"{folder}: does not link {path.split('/', 1)[1]}")

    def feed(self, url: str) -> None:
        data = self.json(url, "15", "ROLIE feed")
        req = self.report.req("15")
        if data is None:
            return
        try:
            entries = data["feed"]["entry"]
        except (KeyError, TypeError):
            req.problems.append(f"{url}: not a ROLIE feed (feed.entry)")
            return
        listed: set[str] = set()
        for entry in entries:
            src = str((entry.get("content") or {}).get("src", ""))
            links = {(str(k.get("rel")), str(k.get("href"))) for k in entry.get("link") or []}
            if ("self", src) not in links:
                req.problems.append(f"{url}: entry {entry.get('id')}: no self link to {src}")
            listed.add(src)
            doc = self.docs.get(src)
            if doc is None:
                path = src.rsplit("/", 2)
                doc = self._doc(src, "/".join(path[-2:]))
            doc.feed_links = links
        for doc_url in sorted(set(self.docs) - listed):
            req.problems.append(f"{url}: {doc_url} (in index.txt) is not in the feed")

    # -- the documents -------------------------------------------------------------------

    def documents(self) -> None:
        for number in ("1", "2", "4", "11", "18"):
            self.report.req(number)
        if self.keys or self.report.role == "csaf_trusted_provider":
            self.report.req("19")
        for doc in sorted(self.docs.values(), key=lambda d: d.url):
            self.document(doc)

    def document(self, doc: _Doc) -> None:
        body = self.fetch(doc.url, "1", "CSAF document")
        if body is None:
            return
        try:
            data = json.loads(body)
            document = data["document"]
            tracking = document["tracking"]
            tracking_id = str(tracking["id"])
        except (ValueError, KeyError, TypeError):
            self.report.fail("1", f"{doc.url}: not a CSAF document (document.tracking.id)")
            return
        if document.get("csaf_version") != "2.0":
            self.report.fail("1", f"{doc.url}: csaf_version is not 2.0")
        name = doc.url.rsplit("/", 1)[1]
        if tracking_file_name(tracking_id) != name:
            self.report.fail(
                "2",
                f"{doc.url}: the file name of tracking id {tracking_id} is "
                f"{tracking_file_name(tracking_id)}",
            )
        label = ((document.get("distribution") or {}).get("tlp") or {}).get("label")
        if label != "WHITE":
            self.report.fail("4", f"{doc.url}: TLP label {label!r} in the public folder")
        year = str(tracking.get("initial_release_date", ""))[:4]
        folder = doc.url.rsplit("/", 2)[-2]
        if _YEAR.match(folder) and folder != year:
            self.report.fail("11", f"{doc.url}: in folder {folder}, initial release in {year}")
        changes = doc.changes
        if changes is not None and changes != tracking.get("current_release_date"):
            self.report.fail(
                "13",
                f"changes.csv: {doc.path} has {changes}, the document "
                f"{tracking.get('current_release_date')}",
            )
        self.hashes(doc, body)
        self.signature(doc, body)

    def hashes(self, doc: _Doc, body: bytes) -> None:
        links = doc.feed_links
        found = 0
        for algorithm in ("sha256", "sha512"):
            url = f"{doc.url}.{algorithm}"
            got = self.source.get(url)
            if got.body is None:
                continue
            found += 1
            expected = hashlib.new(algorithm, body).hexdigest()
            stated = got.body.decode("ascii", "replace").split(" ", 1)[0].strip().lower()
            if stated != expected:
                self.report.fail("18", f"{url}: does not match the document")
            if links is not None and ("hash", url) not in links:
                self.report.fail(
                    "15", f"ROLIE feed: the entry of {doc.path} has no hash link {url}"
                )
        if not found:
            self.report.fail("18", f"{doc.url}: no .sha256 or .sha512 file")

    def signature(self, doc: _Doc, body: bytes) -> None:
        url = f"{doc.url}.asc"
        got = self.source.get(url)
        if got.body is None:
            if "19" in self.report.requirements:
                self.report.fail("19", f"{url}: {got.reason}")
            return
        self.report.req("19")
        links = doc.feed_links
        if links is not None and ("signature", url) not in links:
            self.report.fail("15", f"ROLIE feed: the entry of {doc.path} has no signature link")
        if self.verify is None or self.verify.detached(body, got.body) is None:
            self.report.fail("19", f"{url}: does not verify with a key of the provider metadata")


def _urls(data: Any) -> Iterator[str]:
    """Every URL in the provider metadata (values of ``*url*`` keys and lists under them)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str) and "url" in key:
                yield value
            elif key in ("services", "categories") and isinstance(value, list):
                yield from (str(v) for v in value)
            else:
                yield from _urls(value)
    elif isinstance(data, list):
        for item in data:
            yield from _urls(item)


def verify_site(source: SiteSource, now: datetime) -> Report:
    """Check the CSAF distribution of the site ``source`` reads (see the module docstring)."""
    with ExitStack() as stack:
        return _Checker(source, now, stack).run()
