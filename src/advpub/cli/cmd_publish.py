"""``advpub publish``: the scheduled job — release what is due, build the site, push, then
send the CVE records of the published advisories (:func:`send_cve_records`).

Its output goes to CI logs, which are often readable by more people than the drafts: held
drafts are shown by id, release instant and the gate's reasons only, never by title, and
every line printed (errors included) has each embargoed term replaced by ``[embargoed]``.
The push comes last: only a site that built and passed the leak scan is pushed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import assert_never

from advpub.checks.leaks import embargoed_terms, worktree_drafts
from advpub.cli._embargo import add_identity_argument
from advpub.cli.cmd_release import describe
from advpub.cli.common import add_now_argument, resolve_now, settings
from advpub.clock import NOW_ENV
from advpub.config import Settings
from advpub.embargo.identity import Identity, load_identities
from advpub.errors import AdvpubError, SiteError
from advpub.gate.timefmt import format_both, relative
from advpub.model.timeutil import format_iso_utc
from advpub.pipeline.cve_publish import (
    API_KEY_ENV,
    ENVIRONMENTS,
    STATE_FILE,
    CveAction,
    commit_state,
    publish_cve_records,
)
from advpub.pipeline.publish import (
    Held,
    ReleaseSummary,
    build_public_site,
    check_ready,
    guard_outgoing,
    release_due,
)
from advpub.pipeline.redact import Redactor
from advpub.pipeline.sync import PushResult, PushState, Upstream, push_to_upstream

BUILD_SCAN = {
    "passed": "leak scan passed",
    "no-identity": "leak scan skipped: no identity configured",
    "disabled": "leak scan disabled (leak_scan: false)",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--push``, ``-d/--site-dir``, ``--identity FILE`` and ``--now``."""
    parser.add_argument(
        "--push",
        action="store_true",
        help="push the release commits to the upstream of the current branch (rebasing once "
        "if the push is rejected)",
    )
    parser.add_argument(
        "-d", "--site-dir", type=Path, default=None, help="output folder (default: site/)"
    )
    parser.add_argument(
        "--cve-env",
        choices=ENVIRONMENTS,
        default="prod",
        help="CVE Services instance for the CVE records (with `cve:` in mkdocs.yml and "
        f"{API_KEY_ENV}): prod (default) or test",
    )
    add_identity_argument(parser)
    add_now_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Exit 0 when everything due was published (or nothing was due), 1 on any failure."""
    now = resolve_now(args)
    cfg = settings()
    identities = load_identities(args.identity).identities
    # Until the release has run, every draft is embargoed.
    redactor = Redactor(embargoed_terms(worktree_drafts(cfg, identities)))
    with redactor.streams():
        try:
            return _publish(args, cfg, now, identities, redactor)
        except AdvpubError as exc:
            raise redactor.error(exc) from None


def _publish(
    args: argparse.Namespace,
    cfg: Settings,
    now: datetime,
    identities: Sequence[Identity],
    redactor: Redactor,
) -> int:
    upstream = check_ready(cfg, push=args.push)
    print(f"advpub publish at {format_iso_utc(now)}")
    summary = release_due(cfg, now, identities)
    redactor.update(summary.embargoed)
    _report_release(summary, now, cfg.timezone)
    try:
        built = build_public_site(cfg, now, args.site_dir, identities)
    except AdvpubError as exc:
        if upstream is None:
            raise
        raise SiteError(
            f"{exc}\nnothing was pushed to {upstream.shown}: the site did not build; the "
            "release commits stay in this clone only; fix the problem and run "
            "`advpub publish --push` again"
        ) from None
    scan = BUILD_SCAN.get(built.leak_scan, built.leak_scan)
    print(f"site: {built.advisories} advisories in {built.site_dir} ({scan})")
    if upstream is not None:
        if built.leak_scan != "passed":
            raise SiteError(
                f"nothing was pushed to {upstream.shown}: the leak scan did not run ({scan}); "
                "publish pushes only what the scan checked: give the job an identity "
                "(ADVPUB_IDENTITY_FILE or --identity) and keep leak_scan enabled"
            )
        released = {r.id for r in summary.released}
        _report_push(
            push_to_upstream(
                cfg.root,
                upstream,
                {NOW_ENV: now.isoformat()},
                after_rebase=lambda: guard_outgoing(cfg, identities, upstream, released),
            )
        )
    # After the push: a CVE record points at the advisory, which must be public first.
    send_cve_records(cfg, now, args.cve_env, upstream)
    return 1 if summary.has_failures else 0


def send_cve_records(
    cfg: Settings, now: datetime, environment: str, upstream: Upstream | None
) -> None:
    """CVE records of the published advisories (after the site was built and pushed).

    Never stops the job: failures are printed as warnings and retried by the next run (see
    :mod:`advpub.pipeline.cve_publish`), so the site is deployed in any case.
    """
    try:
        outcome = publish_cve_records(cfg, now, environment=environment)
    except AdvpubError as exc:
        print(f"advpub: warning: cve: {exc}; no CVE record was sent", file=sys.stderr)
        return
    if outcome.skipped is not None:
        if cfg.cve is not None:
            print(f"cve: nothing sent ({outcome.skipped})")
        return
    counts = {a: sum(1 for r in outcome.results if r.action is a) for a in CveAction}
    print(
        f"cve ({environment}): {counts[CveAction.PUBLISHED]} published, "
        f"{counts[CveAction.UPDATED]} updated, {counts[CveAction.UNCHANGED]} unchanged, "
        f"{counts[CveAction.FAILED]} failed"
    )
    for result in outcome.results:
        if result.action in (CveAction.PUBLISHED, CveAction.UPDATED):
            print(f"  {result.cve} ({result.advisory}): {result.action}")
        elif result.action is CveAction.FAILED:
            print(
                f"advpub: warning: cve: {result.cve} ({result.advisory}): {result.detail}; "
                "retried on the next run",
                file=sys.stderr,
            )
    try:
        commit = commit_state(cfg.root, outcome.results)
        if commit is not None and upstream is not None:
            push_to_upstream(cfg.root, upstream, {"ADVPUB_NOW": now.isoformat()})
    except AdvpubError as exc:
        print(
            f"advpub: warning: cve: the records were sent but {STATE_FILE} was not "
            f"committed and pushed ({exc}); the next run checks them with CVE Services again",
            file=sys.stderr,
        )
        return
    if commit is not None:
        pushed = " and pushed" if upstream is not None else ""
        print(f"cve: recorded in {STATE_FILE} (commit {commit[:12]}{pushed})")


def _report_release(summary: ReleaseSummary, now: datetime, zone: tzinfo) -> None:
    if summary.released:
        print(f"released {len(summary.released)}:")
        for item in summary.released:
            committed = f" (commit {item.commit[:12]})" if item.commit else ""
            print(f"  {item.id}: {item.title or item.path}{committed}")
    else:
        print("released: nothing was due")
    for outcome in summary.failed:
        print(f"  {describe(outcome, commit=True)}")
    if summary.held:
        print(f"held {len(summary.held)}:")
        for held in summary.held:
            print(f"  {_held_line(held, now, zone)}")


def _held_line(held: Held, now: datetime, zone: tzinfo) -> str:
    if held.release_date is None:
        when = "release instant unknown"
    else:
        when = f"release {format_both(held.release_date, zone)}, {relative(held.release_date, now)}"
    # The gate's time reason repeats the instant shown first: keep only the other reasons.
    reasons = "; ".join(r for r in held.reasons if not r.startswith("release date "))
    return f"{held.id}: {when}" + (f" ({reasons})" if reasons else "")


def _report_push(result: PushResult) -> None:
    target = result.upstream.shown
    match result.state:
        case PushState.UP_TO_DATE:
            print(f"push: {target} is up to date")
        case PushState.PUSHED:
            print(f"push: {result.commits} commit(s) pushed to {target}")
        case PushState.PUSHED_AFTER_REBASE:
            print(
                f"push: rejected at first (new commits on {target}); rebased and pushed "
                f"{result.commits} commit(s)"
            )
        case _:
            assert_never(result.state)
