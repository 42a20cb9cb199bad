"""``advpub verify-site SITE_DIR_OR_URL``: check a CSAF distribution as a consumer would.

Prints one line per CSAF requirement (met / NOT MET, with every problem and warning under
it) and exits 1 when any requirement of the announced role is not met.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from urllib.parse import urlsplit

from advpub.cli.common import add_now_argument, resolve_now
from advpub.errors import AdvpubError
from advpub.exports.site_source import FolderSource, HttpSource, SiteSource
from advpub.exports.verify import METADATA_PATH, Report, verify_site


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``SITE_DIR_OR_URL``, ``--site-url`` and ``--now``."""
    parser.add_argument(
        "target",
        metavar="SITE_DIR_OR_URL",
        help="a built site folder (e.g. site/) or the https:// URL of a deployed site",
    )
    parser.add_argument(
        "--site-url",
        metavar="URL",
        default=None,
        help="the site's public URL when it differs from where it is read (a folder: taken "
        "from its provider metadata; a staging server: the URL it will be published at)",
    )
    parser.add_argument(
        "--allow-no-csaf",
        action="store_true",
        help="succeed with a note when a site folder has no CSAF distribution at all (built "
        "without site_url): for CI templates shared by sites with and without CSAF",
    )
    add_now_argument(parser)


def _site_url_of(folder: Path) -> str:
    metadata = folder / METADATA_PATH
    try:
        canonical = str(json.loads(metadata.read_text(encoding="utf-8"))["canonical_url"])
    except (OSError, ValueError, KeyError, TypeError):
        raise AdvpubError(
            f"{metadata}: no readable provider metadata with a canonical_url; build the site "
            "with an https:// site_url in mkdocs.yml, or pass --site-url"
        ) from None
    if not canonical.endswith(METADATA_PATH):
        raise AdvpubError(
            f"{metadata}: canonical_url {canonical} is not a well-known URL; pass --site-url"
        )
    return canonical.removesuffix(METADATA_PATH)


def source_for(target: str, site_url: str | None) -> SiteSource:
    """A folder or web source for ``target`` (AdvpubError for neither)."""
    if site_url is not None and not site_url.endswith("/"):
        site_url += "/"
    if urlsplit(target).scheme in ("http", "https"):
        return HttpSource(target, site_url or (target if target.endswith("/") else target + "/"))
    folder = Path(target)
    if not folder.is_dir():
        raise AdvpubError(f"{target}: not a folder nor an http(s) URL")
    return FolderSource(folder, site_url or _site_url_of(folder))


def print_report(report: Report) -> None:
    """One line per requirement, its problems and warnings indented under it."""
    for req in report.ordered():
        state = "met    " if req.is_met else ("NOT MET" if req.checked else "MISSING")
        print(f"{state}  {req.title}")
        for problem in req.problems:
            print(f"           {problem}")
        for note in req.notes:
            print(f"           warning: {note}")
    failed = [r for r in report.ordered() if not r.is_met]
    role = report.role or "unknown role"
    if failed:
        print(f"{role}: {len(failed)} requirement(s) not met")
    else:
        print(f"{role}: every requirement met")


def run(args: argparse.Namespace) -> int:
    """Exit 0 when every requirement is met, 1 otherwise."""
    folder = Path(args.target)
    if args.allow_no_csaf and folder.is_dir() and not (folder / ".well-known" / "csaf").exists():
        print(f"advpub verify-site: {args.target} has no CSAF distribution; nothing to verify")
        return 0
    source = source_for(args.target, args.site_url)
    print(f"advpub verify-site {source.site_url} (read from {args.target})")
    # Read-only: it may look ahead (will security.txt have expired by then?).
    report = verify_site(source, resolve_now(args, look_ahead=True))
    print_report(report)
    return 0 if report.is_ok else 1
