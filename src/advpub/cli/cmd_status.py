"""`advpub status`: every draft, when it is released, and whether the gate lets it out."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from datetime import datetime, tzinfo

from advpub.cli._embargo import add_identity_argument
from advpub.cli.common import (
    add_now_argument,
    is_ci,
    print_json,
    resolve_now,
    settings,
    shows_draft_details,
)
from advpub.corpus import load_corpus
from advpub.embargo.drafts import load_drafts
from advpub.embargo.identity import load_identities
from advpub.embargo.recipients import RecipientEntry
from advpub.embargo.sharing import is_case_only_member
from advpub.embargo.store import EmbargoStore
from advpub.errors import EmbargoError
from advpub.gate.timefmt import format_both, relative
from advpub.model.timeutil import format_iso_utc
from advpub.pipeline.status import (
    DraftStatus,
    draft_statuses,
    not_shared_notice,
    visible_to_case_only,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--json``, ``--identity FILE`` and ``--now``."""
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--titles",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show draft titles (default: yes, except when CI is set, where logs may be public; "
        "under CI the log guard replaces them with [embargoed] even with --titles)",
    )
    add_identity_argument(parser)
    add_now_argument(parser, look_ahead=True)


def run(args: argparse.Namespace) -> int:
    """Print every draft with its release instant, fix state and verdict (exit 0)."""
    # A read-only look: an override may look ahead.
    now = resolve_now(args, look_ahead=True)
    cfg = settings()
    identities = load_identities(args.identity).identities
    store = EmbargoStore(cfg.embargo_path, cfg.root)
    # Translation drafts of released advisories are checked against the released primary.
    published = {a.id: a for a in load_corpus(cfg).advisories}
    drafts = load_drafts(store, identities, cfg.model_options, published)
    hidden = 0
    if drafts and is_case_only_member(identities, _entries(store)):
        drafts, hidden = visible_to_case_only(drafts)
    # Problems of an invalid draft in full only for a recipient reading at a terminal.
    details = not args.json and shows_draft_details(sys.stdout)
    statuses = draft_statuses(drafts, now, cfg, details=details)
    show_titles = args.titles
    if show_titles is None:
        show_titles = not is_ci()
    if not show_titles:
        statuses = [replace(s, title=None) for s in statuses]
    if args.json:
        report: dict[str, object] = {
            "now": format_iso_utc(now),
            "advisories": [_json(s) for s in statuses],
        }
        if hidden:
            report["not_shared_with_you"] = hidden
        print_json(report)
        return 0
    if not statuses and not hidden:
        print(f"no drafts in {cfg.embargo_dir}/")
        return 0
    for status in statuses:
        print(_line(status, now, cfg.timezone))
    if hidden:
        print(not_shared_notice(hidden))
    return 0


def _entries(store: EmbargoStore) -> list[RecipientEntry]:
    # A missing or broken list makes nobody case-only: status then lists as before.
    try:
        return store.recipients()
    except EmbargoError:
        return []


def _json(status: DraftStatus) -> dict[str, object]:
    return {
        "id": status.id,
        "title": status.title,
        "release_date": (
            format_iso_utc(status.release_date) if status.release_date is not None else None
        ),
        "releasable": status.decision.releasable,
        "reasons": list(status.decision.reasons),
        # Only when the gate gave one, so existing consumers see no change.
        **({"notes": list(status.decision.notes)} if status.decision.notes else {}),
    }


def _line(status: DraftStatus, now: datetime, zone: tzinfo) -> str:
    verdict = "releasable" if status.decision.releasable else "held"
    if not status.is_readable or status.release_date is None:
        head = f"{status.id}: {status.fix_state} ({status.shown})"
    else:
        when = f"{format_both(status.release_date, zone)}, {relative(status.release_date, now)}"
        title = status.title if status.title is not None else "(title hidden)"
        head = f"{status.id}: {title}\n  release {when}\n  fix {status.fix_state}"
    lines = [head, f"  {verdict}"]
    lines.extend(f"    - {reason}" for reason in status.decision.reasons)
    lines.extend(f"    - {note}" for note in status.decision.notes)
    return "\n".join(lines)
