"""``advpub init DIR``: scaffold a new advisory repository, never overwriting a file.

Writes ``mkdocs.yml``, the READMEs, ``embargo/recipients.txt``, ``.gitignore`` and the CI
workflows, then installs the git hooks, the decrypting diff driver and the ``.gitattributes``
line for drafts (through :func:`advpub.git.hooks.install`). Running it again only reports
what it kept, so it is safe on a repository that already exists.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from advpub.config import load_settings
from advpub.errors import AdvpubError
from advpub.git.hooks import attributes_line, install
from advpub.git.staged import init_repository, is_repository_top
from advpub.scaffold import ScaffoldOptions, init_files, write_new_file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """DIR and the site options."""
    parser.add_argument("dir", metavar="DIR", help="the folder to create or complete")
    parser.add_argument("--timezone", default="UTC", help="IANA time zone, e.g. Asia/Tokyo")
    parser.add_argument("--site-url", default=None, help="public URL of the site")
    parser.add_argument("--site-name", default="Security advisories", help="the site's name")
    parser.add_argument("--language", choices=("en", "ja"), default="en", help="site language")


def run(args: argparse.Namespace) -> int:
    """Create DIR's files; report what was written and what was kept."""
    try:
        ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise AdvpubError(
            f"--timezone: unknown time zone {args.timezone!r}; use an IANA name such as "
            "Asia/Tokyo or UTC"
        ) from None
    if args.site_url and not args.site_url.startswith(("http://", "https://")):
        raise AdvpubError(f"--site-url: {args.site_url!r} must start with https:// or http://")
    target = Path(args.dir)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AdvpubError(f"{target}: cannot create the folder: {exc.strerror}") from None
    if not is_repository_top(target):
        init_repository(target)
        print(f"initialised a git repository in {target}")
    options = ScaffoldOptions(
        timezone=args.timezone,
        site_url=args.site_url,
        site_name=args.site_name,
        language=args.language,
    )
    for rel, content in init_files(options).items():
        if write_new_file(target / rel, content):
            print(f"wrote {rel}")
        else:
            print(f"kept existing {rel}")
    _install_hooks(target)
    print("next: `advpub keygen`, `advpub recipients add KEY --name NAME`, then `advpub new`")
    return 0


def _install_hooks(target: Path) -> None:
    """Hooks, diff driver and the ``.gitattributes`` line (added to an existing file, whose
    other lines are kept: without ``-text`` git could rewrite ciphertext line endings)."""
    attributes = target / ".gitattributes"
    existed = attributes.exists()
    try:
        config = load_settings(target)
    except AdvpubError as exc:
        # A kept mkdocs.yml of the user's own: the scaffold is done, the hooks must wait.
        print(
            f"advpub: note: hooks and .gitattributes not installed: {exc}; fix it, then run "
            "`advpub hooks install`",
            file=sys.stderr,
        )
        return
    result = install(config, sys.executable)
    if not existed:
        print("wrote .gitattributes")
    elif result.attributes_written:
        print(f"added `{attributes_line(config.embargo_dir)}` to the existing .gitattributes")
    else:
        print("kept existing .gitattributes")
    for action in result.actions:
        note = {
            "installed": "installed",
            "updated": "already installed (refreshed)",
            "kept-legacy": f"installed; the existing hook runs first as {action.hook}.legacy",
        }.get(action.action, action.action)
        print(f"hook {action.hook}: {note}")
