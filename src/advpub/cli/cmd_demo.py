"""``advpub demo [DIR]``: a guided tour in a throw-away repository, narrated step by step.

Everything is fictional and local: keys, drafts and the site live in DIR (or a new private
temporary folder) and nothing is pushed anywhere.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from pathlib import Path

from advpub.cli.cmd_release import describe
from advpub.gate.timefmt import format_both, relative
from advpub.pipeline import demo as steps
from advpub.pipeline.publish import build_public_site
from advpub.site.build import serve_site


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """DIR, ``--no-serve`` and ``-a/--dev-addr``."""
    parser.add_argument(
        "dir",
        metavar="DIR",
        nargs="?",
        type=Path,
        default=None,
        help="a new or empty folder (default: a new temporary folder, kept afterwards)",
    )
    parser.add_argument(
        "--no-serve", action="store_true", help="stop after building the site (do not serve it)"
    )
    parser.add_argument(
        "-a",
        "--dev-addr",
        default="127.0.0.1:8000",
        metavar="HOST:PORT",
        help="where to serve the demo site (default 127.0.0.1:8000)",
    )


def _step(number: int, text: str) -> None:
    print(f"\n[{number}/6] {text}")


def run(args: argparse.Namespace) -> int:
    """Run the tour; exit 0 (or when the preview server is stopped)."""
    now = datetime.now(UTC)
    folder = steps.prepare_folder(args.dir)
    print(f"advpub demo in {folder} (fictional advisories; nothing leaves this folder)")

    _step(1, "Keys: each coordinator and the CI job hold their own age identity.")
    keys = steps.generate_keys(folder)
    for key in keys.values():
        print(f"  {key.name:<5} {key.public}  ({key.file}, mode 0600)")

    _step(2, "Repository: `advpub init`, every public key in embargo/recipients.txt.")
    demo = steps.create_repository(folder, keys)
    print(f"  {demo.root} (time zone {demo.settings.timezone_name}; git hooks installed)")

    _step(3, "Drafts: written encrypted under embargo/ and committed; git never sees plaintext.")
    for draft in steps.write_drafts(demo, now):
        print(f"  {draft.id}: {draft.role}")

    _step(4, "`advpub status` (what alice sees with her key):")
    zone = demo.settings.timezone
    for status in steps.statuses(demo, now):
        verdict = "releasable" if status.decision.releasable else "held"
        print(f"  {status.id}: {status.title}")
        if status.release_date is not None:
            when = format_both(status.release_date, zone)
            print(f"    release {when}, {relative(status.release_date, now)}")
        print(f"    fix {status.fix_state}; {verdict}")
        for reason in status.decision.reasons:
            print(f"      - {reason}")

    _step(5, "`advpub release --commit` with the CI key: only what the gate lets out.")
    for outcome in steps.release_due(demo, now):
        print(f"  {describe(outcome, commit=True)}")
    print(f"  latest commit: {steps.head_log(demo)[0]}")

    _step(6, "`advpub build`: the public site, then a scan for embargoed content.")
    site = build_public_site(demo.settings, now, None, demo.identities("ci"))
    print(f"  {site.advisories} advisory published in {site.site_dir} (leak scan {site.leak_scan})")
    print(
        "\nTry it yourself:\n"
        f"  cd {demo.root}\n"
        f"  ADVPUB_IDENTITY_FILE={keys['alice'].file} advpub status\n"
        f"  ADVPUB_IDENTITY_FILE={keys['ci'].file} advpub release --dry-run --now "
        f"{_tomorrow(now)}   # what tomorrow's run would do"
    )
    if args.no_serve:
        return 0
    print(f"\nServing the site on http://{args.dev_addr}/ (Ctrl-C to stop)")
    with steps.serving_environment(demo):
        serve_site(demo.root, args.dev_addr)
    return 0


def _tomorrow(now: datetime) -> str:
    return (now + timedelta(days=1, minutes=1)).replace(microsecond=0).isoformat()
