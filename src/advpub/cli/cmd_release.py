"""`advpub release`: publish every draft the gate lets out, one line per advisory."""

from __future__ import annotations

import argparse
from typing import assert_never

from advpub.cli._embargo import add_identity_argument
from advpub.cli.common import add_now_argument, print_json, resolve_now, settings
from advpub.embargo.identity import load_identities
from advpub.model.timeutil import format_iso_utc
from advpub.pipeline.release import Action, ReleaseOptions, ReleaseOutcome, release


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--dry-run``, ``--commit``, ``--json``, ``--identity FILE`` and ``--now``."""
    parser.add_argument(
        "--dry-run", action="store_true", help="say what would happen; change nothing"
    )
    parser.add_argument(
        "--commit",
        action="store_true",
        help="commit each publication separately (only its two paths)",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    add_identity_argument(parser)
    add_now_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Release; exit 1 when any advisory failed (held drafts are not failures)."""
    # Only a dry run may look ahead: anything else writes what the gate let out.
    now = resolve_now(args, look_ahead=args.dry_run)
    cfg = settings()
    identities = load_identities(args.identity).identities
    outcomes = release(
        cfg, now, identities, ReleaseOptions(dry_run=args.dry_run, commit=args.commit)
    )
    if args.json:
        print_json(
            {
                "now": format_iso_utc(now),
                "dry_run": bool(args.dry_run),
                "advisories": [
                    {
                        "id": o.id,
                        "action": o.action.value,
                        "path": o.path,
                        "commit": o.commit,
                        "reasons": list(o.reasons),
                        # Only when the gate gave one, so existing consumers see no change.
                        **({"notes": list(o.notes)} if o.notes else {}),
                    }
                    for o in outcomes
                ],
            }
        )
    elif not outcomes:
        print(f"nothing to release: no drafts in {cfg.embargo_dir}/")
    else:
        for outcome in outcomes:
            print(describe(outcome, commit=args.commit))
    return 1 if any(o.is_failure for o in outcomes) else 0


def describe(outcome: ReleaseOutcome, *, commit: bool) -> str:
    """One line: the id and what happened (never the title of a held draft)."""
    committed = f", committed {outcome.commit[:12]}" if outcome.commit else ""
    and_commit = " and commit it" if commit else ""
    reasons = "; ".join(outcome.reasons)
    match outcome.action:
        case Action.PUBLISHED:
            text = f"published {outcome.path}, draft removed{committed}"
        case Action.WOULD_PUBLISH:
            text = f"would publish {outcome.path} and remove the draft{and_commit}"
        case Action.COMPLETED:
            text = f"{outcome.path} was already written; removed the leftover draft{committed}"
        case Action.WOULD_COMPLETE:
            text = f"{outcome.path} is already written; would remove the leftover draft"
        case Action.COMMITTED:
            text = f"committed the interrupted publication of {outcome.path}{committed}"
        case Action.WOULD_COMMIT:
            text = f"would commit the interrupted publication of {outcome.path}"
        case Action.HELD:
            text = f"held: {reasons}"
        case Action.FAILED:
            text = f"failed: {reasons}"
        case _:
            assert_never(outcome.action)
    if outcome.notes:
        text += f" ({'; '.join(outcome.notes)})"
    return f"{outcome.id}: {text}"
