"""``advpub init DIR``: scaffold a new advisory repository, never overwriting a file.

Writes ``mkdocs.yml``, the READMEs, ``embargo/recipients.txt``, ``.gitignore`` and the CI
workflows, then installs the git hooks, the decrypting diff driver and the ``.gitattributes``
line for drafts (through :func:`advpub.git.hooks.install`). In a repository it created it
also commits the scaffold, so `advpub publish` later finds a clean tree. Running it again
only reports what it kept, so it is safe on a repository that already exists.

The publisher (named in the footer, every feed and every CSAF document) comes from the
``--publisher-*`` options, else is asked for at a terminal; left out, ``check`` and
``build`` refuse to publish feeds and CSAF once ``site_url`` is set.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from advpub.config import load_settings
from advpub.errors import AdvpubError
from advpub.git.command import git
from advpub.git.hooks import attributes_line, install
from advpub.git.staged import init_repository, is_repository_top
from advpub.scaffold import DEFAULT_SITE_NAMES, ScaffoldOptions, init_files, write_new_file

INITIAL_COMMIT = "Start the advisory repository"

# (option, attribute, question) of the publisher, asked at a terminal when not given.
PUBLISHER_QUESTIONS = (
    ("--publisher-name", "publisher_name", "Publisher name (your organisation)"),
    ("--publisher-namespace", "publisher_namespace", "Publisher web address (https://...)"),
    ("--publisher-contact", "publisher_contact", "Publisher contact (e-mail or URL)"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """DIR, the site options and the publisher."""
    parser.add_argument("dir", metavar="DIR", help="the folder to create or complete")
    parser.add_argument("--timezone", default="UTC", help="IANA time zone, e.g. Asia/Tokyo")
    parser.add_argument("--site-url", default=None, help="public URL of the site")
    names = ", ".join(f"{lang}: {name!r}" for lang, name in DEFAULT_SITE_NAMES.items())
    parser.add_argument(
        "--site-name", default=None, help=f"the site's name (default per language: {names})"
    )
    parser.add_argument("--language", choices=("en", "ja"), default="en", help="site language")
    parser.add_argument(
        "--publisher-name",
        default=None,
        metavar="NAME",
        help="your organisation, as feeds and CSAF documents name it (asked when not given)",
    )
    parser.add_argument(
        "--publisher-namespace",
        default=None,
        metavar="URL",
        help="your organisation's web address, e.g. https://www.example.jp (asked when not given)",
    )
    parser.add_argument(
        "--publisher-contact",
        default=None,
        metavar="CONTACT",
        help="where to report vulnerabilities: an e-mail address or URL (asked when not given)",
    )


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
    publisher = _publisher(args)
    target = Path(args.dir)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AdvpubError(f"{target}: cannot create the folder: {exc.strerror}") from None
    created = not is_repository_top(target)
    if created:
        init_repository(target)
        print(f"initialised a git repository in {target}")
    options = ScaffoldOptions(
        timezone=args.timezone,
        site_url=args.site_url,
        site_name=args.site_name,
        language=args.language,
        **publisher,
    )
    written: set[str] = set()
    for rel, content in init_files(options).items():
        if write_new_file(target / rel, content):
            written.add(rel)
            print(f"wrote {rel}")
        else:
            print(f"kept existing {rel}")
    hooks_installed = _install_hooks(target)
    # Only about the mkdocs.yml written now: a kept one is the user's.
    if "mkdocs.yml" in written and not all(publisher.values()):
        missing = ", ".join(
            option for option, attribute, _ in PUBLISHER_QUESTIONS if not publisher[attribute]
        )
        print(
            f"advpub: note: no {missing}: set plugins.advpub.publisher in mkdocs.yml before "
            "publishing (with site_url set, `advpub check` and `advpub build` refuse feeds and "
            "CSAF without a publisher)",
            file=sys.stderr,
        )
    if created and hooks_installed:
        _commit_scaffold(target)
    print("next: `advpub keygen`, `advpub recipients add KEY --name NAME`, then `advpub new`")
    return 0


def _publisher(args: argparse.Namespace) -> dict[str, str | None]:
    """The publisher fields from the options, the missing ones asked at a terminal (an
    empty answer leaves a field out)."""
    values: dict[str, str | None] = {}
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    for _, attribute, question in PUBLISHER_QUESTIONS:
        value = getattr(args, attribute)
        if value is None and interactive:
            try:
                value = input(f"{question}: ").strip() or None
            except EOFError:
                value = None
        values[attribute] = value.strip() if value else None
    namespace = values["publisher_namespace"]
    if namespace and not namespace.startswith(("https://", "http://")):
        raise AdvpubError(
            f"--publisher-namespace: {namespace!r} must be a web address starting with https://"
        )
    return values


def _commit_scaffold(target: Path) -> None:
    """Commit everything ``init`` wrote (through the hooks just installed); a failure (no
    git identity, say) leaves the files for the user to commit."""
    added = git(target, "add", "-A")
    done = git(target, "commit", "-q", "-m", INITIAL_COMMIT) if added.ok else added
    if done.ok:
        print(f"committed the scaffold: {INITIAL_COMMIT}")
        return
    print(
        f"advpub: note: the scaffold was not committed ({done.detail()}); commit it yourself: "
        f'git add -A && git commit -m "{INITIAL_COMMIT}"',
        file=sys.stderr,
    )


def _install_hooks(target: Path) -> bool:
    """Hooks, diff driver and the ``.gitattributes`` line (added to an existing file, whose
    other lines are kept: without ``-text`` git could rewrite ciphertext line endings).
    False when they could not be installed yet."""
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
        return False
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
    return True
