"""``advpub`` command line: parse arguments, dispatch, map errors to exit codes.

Only this package prints or decides exit codes: 0 success, 1 a problem the user can fix,
2 usage errors and commands not available yet, 3 a bug (please report).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence
from types import ModuleType

from advpub import __version__
from advpub.errors import AdvpubError

# name -> (module, one-line help). Each module has add_arguments(parser) and run(args).
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("advpub.cli.cmd_init", "scaffold a new advisory repository"),
    "keygen": ("advpub.cli.cmd_keygen", "create an age identity (private key)"),
    "recipients": ("advpub.cli.cmd_recipients", "list, add, remove or rekey draft recipients"),
    "import": (
        "advpub.cli.cmd_import",
        "encrypt plaintext advisories as drafts, or convert OSV/CSAF records (--from)",
    ),
    "new": ("advpub.cli.cmd_new", "draft a new advisory in $EDITOR, stored encrypted"),
    "edit": ("advpub.cli.cmd_edit", "edit an encrypted draft in $EDITOR"),
    "show": ("advpub.cli.cmd_show", "print a draft's plaintext"),
    "share": ("advpub.cli.cmd_share", "let case-only recipients read a draft (re-encrypts it)"),
    "unshare": ("advpub.cli.cmd_unshare", "stop sharing a draft with case-only recipients"),
    "status": ("advpub.cli.cmd_status", "show every draft and whether it may be released"),
    "release": ("advpub.cli.cmd_release", "move releasable drafts to advisories/"),
    "publish": ("advpub.cli.cmd_publish", "release, push and build: the scheduled job"),
    "check": ("advpub.cli.cmd_check", "check the whole repository (validation, gate, leaks)"),
    "schema": ("advpub.cli.cmd_schema", "print the JSON Schema of the front matter"),
    "build": ("advpub.cli.cmd_build", "build the public site (with the leak scan)"),
    "serve": ("advpub.cli.cmd_serve", "preview the site on 127.0.0.1"),
    "preview": (
        "advpub.cli.cmd_preview",
        "show embargoed drafts in the site as after release, on 127.0.0.1 only",
    ),
    "hooks": ("advpub.cli.cmd_hooks", "install git hooks and run hook checks"),
    "export": ("advpub.cli.cmd_export", "write machine-readable exports (CVE JSON 5, ...)"),
    "announce": (
        "advpub.cli.cmd_announce",
        "write the mailing-list announcement of a released advisory (e-mail or text)",
    ),
    "verify-site": (
        "advpub.cli.cmd_verify_site",
        "check a built or deployed CSAF distribution like a CSAF checker",
    ),
    "log": ("advpub.cli.cmd_log", "the audit trail of an advisory from git history"),
    "demo": ("advpub.cli.cmd_demo", "a guided demonstration in a temporary folder"),
}


# name -> examples shown at the end of `advpub NAME --help` (one command per line).
EXAMPLES: dict[str, tuple[str, ...]] = {
    "init": (
        "advpub init my-advisories --timezone Asia/Tokyo --language ja "
        "--site-url https://sec.example.jp/ --publisher-name 'Example CSIRT' "
        "--publisher-namespace https://www.example.jp --publisher-contact psirt@example.jp",
    ),
    "keygen": ("advpub keygen -o ~/.config/advpub/identity.txt",),
    "recipients": (
        "advpub recipients add age1... --name alice",
        "advpub recipients add age1... --name acme-psirt --case-only",
        "advpub recipients add ~/.ssh/id_ed25519.pub --name bob",
        "advpub recipients remove bob",
    ),
    "import": (
        "advpub import report.md --remove",
        "advpub import --from osv osv-records/",
        "advpub import --from csaf --draft csaf/2024/",
    ),
    "new": ("advpub new", "advpub new ADV-2026-0042"),
    "edit": ("advpub edit ADV-2026-0001",),
    "share": ("advpub share ADV-2026-0001 acme-psirt",),
    "unshare": ("advpub unshare ADV-2026-0001 acme-psirt",),
    "show": ("advpub show ADV-2026-0001 | less",),
    "status": ("advpub status", "advpub status --json"),
    "release": ("advpub release --dry-run", "advpub release --commit"),
    "publish": ("advpub publish --push",),
    "check": ("advpub check", "advpub check --json --history"),
    "schema": ("advpub schema > .vscode/advpub.schema.json",),
    "build": ("advpub build", "advpub build --clean -d public"),
    "serve": ("advpub serve", "advpub serve -a 127.0.0.1:8001"),
    "preview": ("advpub preview ADV-2026-0042", "advpub preview"),
    "hooks": ("advpub hooks install",),
    "export": ("advpub export cve ADV-2026-0003 --short-name examplecna -o out/",),
    "announce": (
        "advpub announce ADV-2026-0003 --lang ja -o ADV-2026-0003.eml",
        "advpub announce ADV-2026-0003 --format text",
    ),
    "verify-site": ("advpub verify-site site/", "advpub verify-site https://sec.example.jp/"),
    "log": ("advpub log", "advpub log ADV-2026-0001 --utc"),
    "demo": ("advpub demo", "advpub demo --no-serve"),
}


# Printed above the examples of the commands that judge or describe drafts.
WAIVER_NOTE = (
    "early_release (also spelt waive_fix_verification) waives the fix verification only:\n"
    "a draft without a verified fix may be released, never before its release_date."
)
NOTES: dict[str, str] = {"status": WAIVER_NOTE, "release": WAIVER_NOTE, "schema": WAIVER_NOTE}


def _epilog(name: str) -> str:
    lines = EXAMPLES.get(name, ())
    label = "example" if len(lines) == 1 else "examples"
    note = f"{NOTES[name]}\n\n" if name in NOTES else ""
    return f"{note}{label}:\n" + "\n".join(f"  {line}" for line in lines)


def _module(name: str) -> ModuleType:
    return importlib.import_module(COMMANDS[name][0])


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser with one sub-parser per command.

    With ``only``, just that command's module is imported to add its options: hooks run
    on every commit, and importing every command (GitPython, MkDocs) would slow them down.
    """
    parser = argparse.ArgumentParser(
        prog="advpub",
        description="Publish security advisories from a git repository.",
    )
    parser.add_argument("--version", action="version", version=f"advpub {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="show tracebacks of internal errors"
    )
    parser.add_argument(
        "-C",
        dest="directory",
        metavar="DIR",
        default=None,
        help="run as if started in DIR",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        command = sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=_epilog(name),
            # Keep the examples' line breaks.
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if only is None or only == name:
            _module(name).add_arguments(command)
    return parser


def _subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    """The sub-parser of command ``name``."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            chosen = action.choices.get(name)
            if isinstance(chosen, argparse.ArgumentParser):
                return chosen
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (skipping global options and -C's value)."""
    skip = False
    for word in argv:
        if skip:
            skip = False
            continue
        if word == "-C":
            skip = True
            continue
        if word.startswith("-"):
            continue
        return word if word in COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run advpub with ``argv``; return the exit code (never raises for user errors)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(only=_command_in(arguments))
    args, extras = parser.parse_known_args(arguments)
    if extras:
        # A typo in a command's option: that command's usage, not the top-level one.
        owner = parser if args.command is None else _subparser(parser, args.command)
        owner.error(f"unrecognized arguments: {' '.join(extras)}")
    if args.command is None:
        parser.print_help()
        return 2
    if args.directory is not None:
        import os

        try:
            os.chdir(args.directory)
        except OSError as exc:
            print(f"advpub: error: -C {args.directory}: {exc.strerror}", file=sys.stderr)
            return 2
    from advpub.logguard import ci_log_guard

    with ci_log_guard():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    """Run the command; user errors become their message and exit code."""
    try:
        code = _module(args.command).run(args)
        return int(code)
    except AdvpubError as exc:
        print(f"advpub: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("advpub: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:
        # The message of an unexpected exception could carry draft text; show only its type
        # unless the user asked for the traceback.
        print(
            f"advpub: internal error ({type(exc).__name__}); this is a bug, please report it "
            "(run again with -v for the traceback)",
            file=sys.stderr,
        )
        if args.verbose:
            traceback.print_exc()
        return 3


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
