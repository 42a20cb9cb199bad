"""`advpub log [ID]`: the audit trail of advisories from git history.

Safe for CI logs: draft events show a date and an author only; titles are shown only for
advisories whose public file is in HEAD and passes the release gate. For a team member,
`log ID` also decrypts each committed version of that draft in memory to list when it was
shared and unshared (recipient names only).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, tzinfo
from typing import Any

from advpub.checks.audit import (
    AuditLog,
    Commit,
    Event,
    EventKind,
    Person,
    ShareReader,
    Timeline,
)
from advpub.cli._embargo import add_identity_argument
from advpub.cli.common import add_now_argument, print_json, resolve_now, settings
from advpub.config import Settings
from advpub.embargo.identity import try_load_identities
from advpub.embargo.sharing import is_team_member, share_names
from advpub.embargo.store import EmbargoStore, decrypt_bytes
from advpub.errors import EmbargoError
from advpub.gate.decision import evaluate_published
from advpub.gate.timefmt import format_both, format_iso_local
from advpub.model import Advisory
from advpub.model.timeutil import format_iso_utc

SHORT = 12


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``[ID]``, ``--json`` and ``--now`` (titles the gate holds at that instant are hidden)."""
    parser.add_argument(
        "id", nargs="?", default=None, metavar="ID", help="one advisory (default: list all)"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--utc",
        action="store_true",
        help="show times in UTC (default: the site time zone, plugins.advpub.timezone)",
    )
    add_now_argument(parser)
    add_identity_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Print one advisory's timeline, or one line per advisory ever seen (exit 0); times in
    the site time zone, or in UTC with ``--utc`` (JSON is always UTC)."""
    cfg = settings()
    now = resolve_now(args)
    zone: tzinfo = UTC if args.utc else cfg.timezone

    def shows_title(advisory: Advisory) -> bool:
        # The one gate decides; a title is shown only where the site would show it.
        return evaluate_published(advisory, now, cfg.gate_options).releasable

    audit = AuditLog(
        cfg.root,
        cfg.embargo_dir,
        cfg.advisories_dir,
        model_options=cfg.model_options,
        shows_title=shows_title,
        read_share=_share_reader(cfg, args) if args.id is not None else None,
    )
    if audit.is_shallow:
        print(
            "advpub: note: this is a shallow clone, so the trail starts at its oldest commit; "
            "run `git fetch --unshallow` (in CI: a full clone, e.g. fetch-depth: 0)",
            file=sys.stderr,
        )
    if args.id is not None:
        timeline = audit.timeline(args.id)
        if audit.read_share is None and any(e.kind.is_draft_event for e in timeline.events):
            print(
                "advpub: note: shared/unshared events are shown to team members only (they "
                "are read from the encrypted drafts); give a team identity with --identity",
                file=sys.stderr,
            )
        if args.json:
            print_json(timeline_json(timeline, cfg.timezone))
        else:
            print("\n".join(describe_timeline(timeline, zone)))
        return 0
    timelines = audit.timelines()
    if args.json:
        print_json({"advisories": [summary_json(t) for t in timelines]})
    elif not timelines:
        print(f"no advisories in the git history of {cfg.embargo_dir}/ or {cfg.advisories_dir}/")
    else:
        for timeline in timelines:
            print(summary_line(timeline, zone))
    return 0


def _share_reader(cfg: Settings, args: argparse.Namespace) -> ShareReader | None:
    """For a team member: a decryptor of draft versions that returns their share_with
    (in memory; nothing else of the draft is kept). None, with a note, for anyone else."""
    try:
        loaded = try_load_identities(args.identity)
        entries = EmbargoStore(cfg.embargo_path, cfg.root).recipients()
    except EmbargoError:
        loaded = None
    keys = loaded.identities if loaded is not None else ()
    if not keys or not is_team_member(keys, entries):
        return None

    def read(data: bytes) -> tuple[str, ...] | None:
        try:
            return share_names(decrypt_bytes(data, keys, args.id), args.id)
        except EmbargoError:
            return None

    return read


# -- text ----------------------------------------------------------------------------------
def describe_timeline(timeline: Timeline, zone: tzinfo) -> list[str]:
    """The header (id, state, path, public title) and one line per event."""
    where = f" ({timeline.path})" if timeline.path else ""
    lines = [f"{timeline.id}: {timeline.state.value}{where}"]
    if timeline.title is not None:
        lines.append(f"  title: {timeline.title}")
    lines.extend(f"  {describe_event(e, zone)}" for e in timeline.events)
    return lines


def describe_event(event: Event, zone: tzinfo) -> str:
    """One line; embargo-phase events carry the date only."""
    commit = event.commit
    short = commit.sha[:SHORT]
    if event.kind.is_draft_event:
        day = commit.committed.astimezone(zone).date().isoformat()
        if event.kind in (EventKind.SHARED, EventKind.UNSHARED):
            whom = ", ".join(event.names)
            preposition = "with" if event.kind is EventKind.SHARED else "from"
            return (
                f"{day} {event.kind.value} {preposition} {whom} by {commit.author} (commit {short})"
            )
        return f"{day} {event.kind.value} by {commit.author} (commit {short})"
    when = format_iso_utc(commit.committed) if zone is UTC else format_both(commit.committed, zone)
    text = f"{when} {event.kind.value} by commit {short}: {_who(commit)}"
    if event.kind is EventKind.MOVED:
        text += f"; from {event.from_path} to {event.path}"
    elif event.kind is EventKind.RELEASED:
        text += f"; {event.path}" + ("; draft removed" if event.draft_removed else "")
    return text


def _who(commit: Commit) -> str:
    if commit.author == commit.committer:
        return f"author and committer {commit.author}"
    return f"author {commit.author}, committer {commit.committer}"


def summary_line(timeline: Timeline, zone: tzinfo) -> str:
    """``ID  state  released-at  commit  path`` (``-`` where there is nothing); the
    release instant in ``zone`` with its offset (``Z`` for UTC)."""
    release = timeline.release
    if release is not None:
        committed = release.commit.committed
        when = format_iso_utc(committed) if zone is UTC else format_iso_local(committed, zone)
        commit = f"commit {release.commit.sha[:SHORT]}"
    else:
        drafted = timeline.drafted
        when = (
            f"drafted {drafted.commit.committed.astimezone(zone).date().isoformat()}"
            if drafted is not None
            else "-"
        )
        commit = "-"
    return f"{timeline.id}  {timeline.state.value:<9}  {when}  {commit}  {timeline.path or '-'}"


# -- JSON ----------------------------------------------------------------------------------
def _person(person: Person) -> dict[str, str]:
    return {"name": person.name, "email": person.email}


def event_json(event: Event, zone: tzinfo) -> dict[str, Any]:
    """An event as JSON; embargo-phase events have ``date`` (no time) and the author only."""
    commit = event.commit
    data: dict[str, Any] = {"kind": event.kind.value, "commit": commit.sha, "path": event.path}
    if event.kind.is_draft_event:
        data["date"] = commit.committed.astimezone(zone).date().isoformat()
        data["author"] = _person(commit.author)
        if event.names:
            data["names"] = list(event.names)
        return data
    data.update(
        {
            "committed": format_iso_utc(commit.committed),
            "authored": format_iso_utc(commit.authored),
            "author": _person(commit.author),
            "committer": _person(commit.committer),
        }
    )
    if event.from_path is not None:
        data["from_path"] = event.from_path
    if event.kind is EventKind.RELEASED:
        data["draft_removed"] = event.draft_removed
    return data


def timeline_json(timeline: Timeline, zone: tzinfo) -> dict[str, Any]:
    """One advisory's timeline as JSON."""
    return {
        "id": timeline.id,
        "state": timeline.state.value,
        "path": timeline.path,
        "title": timeline.title,
        "events": [event_json(e, zone) for e in timeline.events],
    }


def summary_json(timeline: Timeline) -> dict[str, Any]:
    """One advisory's current state and release commit as JSON."""
    release = timeline.release
    return {
        "id": timeline.id,
        "state": timeline.state.value,
        "path": timeline.path,
        "release_commit": release.commit.sha if release else None,
        "released_at": format_iso_utc(release.commit.committed) if release else None,
        "released_by": _person(release.commit.committer) if release else None,
    }
