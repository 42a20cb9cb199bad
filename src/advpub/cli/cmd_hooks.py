"""``advpub hooks install|uninstall|run``: git hooks that keep embargoed content private.

``run`` is what the installed shims call; it must stay fast, so it imports only the
settings loader and the checks it needs (no site or theme machinery).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from advpub.cli.common import resolve_now, settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``install``, ``uninstall`` and ``run HOOK [ARGS...]``."""
    sub = parser.add_subparsers(dest="hooks_command", metavar="ACTION", required=True)
    sub.add_parser(
        "install",
        help="install the pre-commit, commit-msg and pre-push hooks and the diff driver",
        description="Install advpub's git hooks (keeping any existing hook as <name>.legacy) "
        "and configure `git diff` to show decrypted drafts to key holders.",
    )
    sub.add_parser(
        "uninstall",
        help="remove advpub's hooks (restoring kept ones) and the diff driver setting",
    )
    run = sub.add_parser("run", help="run one hook's checks (what the installed hooks call)")
    run.add_argument("hook", choices=("pre-commit", "commit-msg", "pre-push"))
    run.add_argument("hook_args", nargs="*", metavar="ARG", help="arguments git passed to the hook")


def run(args: argparse.Namespace) -> int:
    """Dispatch to one small function per action."""
    action = args.hooks_command
    if action == "install":
        return _install()
    if action == "uninstall":
        return _uninstall()
    return _run_hook(args.hook, list(args.hook_args))


def _install() -> int:
    from advpub.git.hooks import install

    result = install(settings(), sys.executable)
    for action in result.actions:
        note = {
            "installed": "installed",
            "updated": "updated",
            "kept-legacy": f"installed (the existing hook now runs first as {action.hook}.legacy)",
        }[action.action]
        print(f"{action.hook}: {note} ({action.path})")
    if result.attributes_written:
        print(".gitattributes: added the decrypting diff driver for drafts (commit this file)")
    print("git config: diff.advpub.textconv set (key holders see decrypted `git diff`)")
    return 0


def _uninstall() -> int:
    from advpub.git.hooks import unconfigure_diff_driver, uninstall_hooks
    from advpub.git.staged import repo_toplevel

    top = repo_toplevel(Path.cwd())
    for action in uninstall_hooks(top):
        note = {
            "removed": "removed",
            "restored": "removed (the previous hook was restored)",
            "absent": "not installed by advpub; left alone",
        }[action.action]
        print(f"{action.hook}: {note}")
    unconfigure_diff_driver(top)
    return 0


def _run_hook(hook: str, hook_args: list[str]) -> int:
    from advpub.checks import hooks as hook_checks
    from advpub.git.history import parse_push_lines

    config = settings()
    if hook == "pre-commit":
        report = hook_checks.check_staged(config, resolve_now())
        refusal = "commit refused"
        fix = "fix the files listed, `git add` them and commit again"
    elif hook == "commit-msg":
        if len(hook_args) != 1:
            print(
                "advpub: commit-msg hook: expected the message file as its argument",
                file=sys.stderr,
            )
            return 2
        report = hook_checks.check_message(config, Path(hook_args[0]))
        refusal = "commit refused"
        fix = "reword the commit message"
    else:
        updates = parse_push_lines(sys.stdin.read())
        report = hook_checks.check_push(config, resolve_now(), updates)
        refusal = "push refused"
        fix = "rewrite the commits listed (e.g. `git rebase -i`) and push again"
    for notice in report.notices:
        print(f"advpub {hook}: note: {notice}", file=sys.stderr)
    if not report.is_refused:
        return 0
    for violation in report.violations:
        print(f"advpub {hook}: {violation} [rule: {violation.rule}]", file=sys.stderr)
    count = len(report.violations)
    print(f"advpub {hook}: {refusal}: {count} problem(s); {fix}", file=sys.stderr)
    return 1
