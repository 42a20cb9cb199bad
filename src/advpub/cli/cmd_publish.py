"""``advpub publish``: the scheduled job — release what is due, build the site, push, then
send the CVE records of the published advisories (:func:`send_cve_records`).

Its output goes to CI logs, which are often readable by more people than the drafts: held
drafts are shown by id, release instant and the gate's reasons only, never by title, and
every line printed (errors included) has each embargoed term replaced by ``[embargoed]``.
The push comes last: only a site that built and passed the leak scan is pushed.

With ``--until DURATION`` the job then stays for the release instants inside the window:
each release is prepared ahead and handed over at its instant
(:mod:`advpub.pipeline.scheduled`); ``--deploy-command`` deploys each site as it is ready.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import assert_never

from advpub.checks.leaks import embargoed_terms, worktree_drafts
from advpub.cli._embargo import add_identity_argument
from advpub.cli.cmd_release import describe
from advpub.cli.common import add_now_argument, resolve_now, settings
from advpub.clock import NOW_ENV, real_now
from advpub.config import Settings
from advpub.embargo.identity import Identity, load_identities
from advpub.errors import AdvpubError, ConfigError, SiteError
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
from advpub.pipeline.deploy import SITE_DIR_ENV, run_deploy
from advpub.pipeline.publish import (
    Held,
    ReleaseSummary,
    build_public_site,
    check_ready,
    guard_outgoing,
    release_due,
)
from advpub.pipeline.redact import Redactor
from advpub.pipeline.scheduled import (
    Prepared,
    adopt,
    discard,
    next_instants,
    parse_duration,
    place_site,
    prepare_release,
    wait_until,
    what_changed,
)
from advpub.pipeline.sync import PushResult, PushState, Upstream, push_to_upstream

BUILD_SCAN = {
    "passed": "leak scan passed",
    "no-identity": "leak scan skipped: no identity configured",
    "disabled": "leak scan disabled (leak_scan: false)",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--push``, ``-d/--site-dir``, ``--cve-env``, ``--until``, ``--deploy-command``,
    ``--identity FILE`` and ``--now``."""
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
    parser.add_argument(
        "--until",
        metavar="DURATION",
        default=None,
        help="after releasing what is due, stay for the release instants in the next "
        "DURATION (e.g. 55m; s, m or h): prepare each release and its site ahead, publish "
        "at the instant (for a job scheduled every hour, use 55m)",
    )
    parser.add_argument(
        "--deploy-command",
        metavar="CMD",
        default=None,
        help=f"shell command that deploys the site, run after each push with {SITE_DIR_ENV} "
        "set to the site's folder (without it, the site is left for the CI's deploy step)",
    )
    add_identity_argument(parser)
    add_now_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Exit 0 when everything due was published (or nothing was due), 1 on any failure."""
    window = parse_duration(args.until) if args.until is not None else None
    if window is not None and (args.now or os.environ.get(NOW_ENV, "").strip()):
        raise ConfigError(
            f"--until waits for the real clock to reach each release instant; drop --now "
            f"and {NOW_ENV} (they may only look back, which a window cannot)"
        )
    now = resolve_now(args)
    cfg = settings()
    identities = load_identities(args.identity).identities
    # Until the release has run, every draft is embargoed.
    redactor = Redactor(embargoed_terms(worktree_drafts(cfg, identities)))
    with redactor.streams():
        try:
            upstream = check_ready(cfg, push=args.push)
            first = _publish_now(args, cfg, now, identities, redactor, upstream)
            status = first.status | _deploy(args.deploy_command, first.site)
            if window is None:
                return status
            return status | _publish_window(args, cfg, identities, redactor, now + window, first)
        except AdvpubError as exc:
            raise redactor.error(exc) from None


@dataclass(frozen=True)
class _Published:
    """One pass of the normal path (or one prepared release handed over)."""

    summary: ReleaseSummary
    site: Path
    status: int


def _publish_now(
    args: argparse.Namespace,
    cfg: Settings,
    now: datetime,
    identities: Sequence[Identity],
    redactor: Redactor,
    upstream: Upstream | None,
) -> _Published:
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
    _report_site(built.advisories, built.site_dir, built.leak_scan)
    _push(cfg, identities, upstream, summary, built.leak_scan, now)
    # After the push: a CVE record points at the advisory, which must be public first.
    send_cve_records(cfg, now, args.cve_env, upstream)
    return _Published(summary, built.site_dir, 1 if summary.has_failures else 0)


def _report_site(advisories: int, site: Path, leak_scan: str) -> None:
    scan = BUILD_SCAN.get(leak_scan, leak_scan)
    print(f"site: {advisories} advisories in {site} ({scan})")


def _push(
    cfg: Settings,
    identities: Sequence[Identity],
    upstream: Upstream | None,
    summary: ReleaseSummary,
    leak_scan: str,
    now: datetime,
) -> None:
    if upstream is None:
        return
    if leak_scan != "passed":
        scan = BUILD_SCAN.get(leak_scan, leak_scan)
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


def _deploy(command: str | None, site: Path) -> int:
    """Run the deploy command on ``site``: 0 when it succeeded (or there is none), else 1."""
    if command is None:
        return 0
    started = time.monotonic()
    result = run_deploy(command, site)
    if result.stdout:
        sys.stdout.write(result.stdout if result.stdout.endswith("\n") else result.stdout + "\n")
    if result.stderr:
        sys.stderr.write(result.stderr if result.stderr.endswith("\n") else result.stderr + "\n")
    if result.ok:
        print(f"deploy: done in {time.monotonic() - started:.1f} s ({SITE_DIR_ENV}={site})")
        return 0
    print(
        f"advpub: error: deploy: the deploy command exited with status {result.returncode}; "
        f"the site was not deployed: it is in {site}; fix the command and deploy that folder, "
        "or run the job again",
        file=sys.stderr,
    )
    return 1


def _publish_window(
    args: argparse.Namespace,
    cfg: Settings,
    identities: Sequence[Identity],
    redactor: Redactor,
    until: datetime,
    first: _Published,
) -> int:
    """The release instants after the first pass, up to ``until`` (see
    :mod:`advpub.pipeline.scheduled`); the exit status of those passes."""
    status = 0
    done = first
    after = real_now()
    handed_over = bool(first.summary.released)
    while True:
        instants = next_instants(done.summary.held, after, until)
        if not instants:
            print(f"until {format_iso_utc(until)}: no other release instant in the window")
            return status
        instant = instants[0]
        if handed_over and args.deploy_command is None:
            # The site released now must reach the CI's deploy step now, not after a wait.
            print(
                f"next release {format_iso_utc(instant)}: left to the next run (without "
                "--deploy-command the site goes to the CI's deploy step now)"
            )
            return status
        done = _at_instant(args, cfg, identities, redactor, instant, first.site)
        status |= done.status | _deploy(args.deploy_command, done.site)
        after, handed_over = instant, True


def _at_instant(
    args: argparse.Namespace,
    cfg: Settings,
    identities: Sequence[Identity],
    redactor: Redactor,
    instant: datetime,
    site_target: Path,
) -> _Published:
    """Prepare the release of ``instant``, wait for it, then hand it over (or, when anything
    changed meanwhile, run the normal path at that moment)."""
    upstream = check_ready(cfg, push=args.push)
    print(f"next release {format_iso_utc(instant)}: preparing the release commits and the site")
    prepared: Prepared | None
    try:
        prepared = prepare_release(cfg, instant, identities, site_target, upstream)
    except AdvpubError as exc:
        print(
            f"advpub: warning: preparing failed ({exc}); the release runs the normal way at "
            "its instant",
            file=sys.stderr,
        )
        prepared = None
    else:
        ready = len(prepared.summary.released)
        print(f"prepared {ready} release(s) and the site; waiting for {format_iso_utc(instant)}")
    now = wait_until(instant)
    if prepared is not None:
        try:
            why = what_changed(cfg, prepared, now, identities, upstream)
            if why is None:
                return _hand_over(
                    args, cfg, identities, redactor, upstream, prepared, now, site_target
                )
        finally:
            discard(prepared)
        print(f"at {format_iso_utc(now)}: {why}; releasing again from the current state")
    return _publish_now(args, cfg, now, identities, redactor, check_ready(cfg, push=args.push))


def _hand_over(
    args: argparse.Namespace,
    cfg: Settings,
    identities: Sequence[Identity],
    redactor: Redactor,
    upstream: Upstream | None,
    prepared: Prepared,
    now: datetime,
    site_target: Path,
) -> _Published:
    adopt(cfg, prepared)
    summary = prepared.summary
    redactor.update(summary.embargoed)
    site = place_site(prepared, site_target)
    print(
        f"advpub publish at {format_iso_utc(now)} (prepared for {format_iso_utc(prepared.instant)})"
    )
    _report_release(summary, now, cfg.timezone)
    _report_site(prepared.site.advisories, site, prepared.site.leak_scan)
    _push(cfg, identities, upstream, summary, prepared.site.leak_scan, now)
    send_cve_records(cfg, now, args.cve_env, upstream)
    return _Published(summary, site, 1 if summary.has_failures else 0)


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
