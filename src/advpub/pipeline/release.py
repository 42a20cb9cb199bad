"""``advpub release``: move every releasable draft out of the embargo, exactly once.

Order of work for one advisory: write ``advisories/<YYYY>/<ID>.md`` atomically, remove the
draft, then (with ``commit``) commit exactly those two paths. Every step can be repeated,
so a run killed at any point is completed by the next run:

* public file written, draft still there (same content) -> remove the draft;
* draft removed but not committed -> commit the pair (``commit`` mode);
* a public file with different content -> refuse that advisory, never overwrite.

Before anything is written, the public file and the commit message of each releasable
draft are guarded against the terms (ids, CVEs, aliases, titles) of every draft not released
in the same run: a release that mentions a still-embargoed draft is refused, by id only, and
nothing is written or committed for it. Drafts released together may name each other; a
mentioned draft is committed before the drafts that mention it.

Two runs never interleave: the whole release holds an exclusive flock in the git dir.
"""

from __future__ import annotations

import enum
import os
import signal
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from advpub.checks.leaks import embargoed_terms
from advpub.clock import NOW_ENV
from advpub.config import Settings
from advpub.embargo.drafts import Draft, load_drafts
from advpub.embargo.identity import Identity
from advpub.embargo.store import DRAFT_SUFFIX, EmbargoStore
from advpub.errors import AdvpubError, GitError
from advpub.fsutil import atomic_write_text
from advpub.gate import evaluate_published
from advpub.gate.timefmt import ceil_to_second, format_iso_local
from advpub.git.lock import exclusive_lock
from advpub.git.repo import GitRepo
from advpub.leaks import LeakTerms, kind_label, terms_from_drafts
from advpub.model import Advisory, parse_advisory
from advpub.pipeline.published_text import (
    set_published,
    without_draft_keys,
    without_published,
)
from advpub.pipeline.status import evaluate_draft

LOCK_NAME = "advpub-release.lock"

# TEST HOOK, not a feature: when this variable names a point below, the release process
# kills itself there with SIGKILL, so tests can prove that a rerun completes the job.
# Points: "after-write" (public file written), "after-remove" (draft removed),
# "before-commit" (just before `git commit`). Read only here.
CRASH_ENV = "ADVPUB_TEST_CRASH_AT"


def _crash_point(name: str) -> None:
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


class Action(enum.StrEnum):
    """What happened (or, in a dry run, would happen) to one advisory."""

    PUBLISHED = "published"
    WOULD_PUBLISH = "would-publish"
    COMPLETED = "completed"  # an interrupted run's public file existed; draft removed now
    WOULD_COMPLETE = "would-complete"
    COMMITTED = "committed"  # an interrupted run's uncommitted publication, committed now
    WOULD_COMMIT = "would-commit"
    HELD = "held"
    FAILED = "failed"


@dataclass(frozen=True)
class ReleaseOutcome:
    """One advisory's result; ``reasons`` never contain its title or body."""

    id: str
    action: Action
    path: str | None = None
    commit: str | None = None
    reasons: tuple[str, ...] = ()

    @property
    def is_failure(self) -> bool:
        """True when the advisory could not be published as asked."""
        return self.action is Action.FAILED


@dataclass(frozen=True)
class ReleaseOptions:
    """How to release: only report (``dry_run``) and/or commit each advisory.

    ``scheduled``: the release is prepared ahead of its instant (``publish --until``) in a
    scratch work tree: each commit is dated at the instant and git hooks do not run (they
    refuse an ``ADVPUB_NOW`` later than the real clock; the commit leaves the machine only
    at the instant, through ``git push`` and its pre-push hook, judged by the real clock).
    """

    dry_run: bool = False
    commit: bool = False
    scheduled: bool = False


def _remove_stale_temp_files(target: Path) -> None:
    """Temp files of a write killed half-way (we hold the lock, so no writer is alive)."""
    if target.parent.is_dir():
        for stale in target.parent.glob(f".{target.name}.*.tmp"):
            stale.unlink(missing_ok=True)


def public_path(advisory: Advisory, settings: Settings) -> Path:
    """``advisories/<YYYY>/<ID>.md``; YYYY is the release year in the site time zone."""
    year = advisory.release_date.astimezone(settings.timezone).year
    return settings.advisories_path / f"{year:04d}" / f"{advisory.id}.md"


def published_text(
    draft_text: str,
    advisory: Advisory,
    settings: Settings,
    shown: str,
    released_at: datetime | None = None,
) -> str:
    """The public file: the draft with ``published`` = the first public instant and
    without draft-only keys (``share_with``), re-validated.

    The first public instant is when this release runs (``released_at``), or the release
    date when that is later (a preview shows drafts as of their release date): a release
    run days after the date says so, and feeds and OSV then date the advisory when readers
    could first see it, not when it was planned."""
    planned = advisory.release_date
    first_public = planned if released_at is None else max(planned, released_at)
    # Rounded up like the gate's comparison, so `published` is never before the release.
    instant = ceil_to_second(first_public)
    text = set_published(
        without_draft_keys(draft_text), format_iso_local(instant, settings.timezone)
    )
    result = parse_advisory(
        text, path=shown, options=settings.model_options, expected_id=advisory.id
    )
    if result.advisory is None or result.advisory.published != instant:
        details = "; ".join(str(v.redacted()) for v in result.violations) or "published differs"
        raise AdvpubError(f"the public file would not validate: {details}")
    return text


def commit_message(advisory: Advisory) -> str:
    """The message of a release commit (guarded like the file: it is pushed too)."""
    return f"Publish {advisory.id}: {advisory.title}"


def mentions(terms: LeakTerms, text: str, message: str) -> tuple[str, ...]:
    """Why a release whose file is ``text`` and commit message ``message`` must not be
    committed: one reason per place and embargoed draft mentioned, naming the kinds of
    terms and the draft by id only (never a term)."""
    kinds: dict[tuple[str, str], list[str]] = {}
    secrets: list[str] = []
    for where, content in (("its text", text), ("its commit message", message)):
        for term in terms.find(content):
            if term.kind == "secret":
                secrets.append(f"not released: {where} contains a secret ({term.draft_id})")
                continue
            label = kind_label(term.kind)
            found = kinds.setdefault((where, term.draft_id), [])
            if label not in found:
                found.append(label)
    return (
        *secrets,
        *(
            f"not released: {where} mentions embargoed draft {draft_id} ({', '.join(labels)}); "
            "remove the mention or release both together"
            for (where, draft_id), labels in kinds.items()
        ),
    )


@dataclass(frozen=True)
class _Planned:
    """A releasable draft and what releasing it writes; ``exists``: an interrupted run
    already wrote the same public file."""

    draft: Draft
    advisory: Advisory
    target: Path
    text: str
    message: str
    exists: bool

    def mentions(self, terms: LeakTerms) -> tuple[str, ...]:
        """Why this release must not be committed while ``terms`` are secret (or nothing)."""
        return mentions(terms, self.text, self.message)


def _mentioned_first(planned: Sequence[_Planned]) -> list[_Planned]:
    """The plans ordered so that a draft goes before the drafts whose text mentions it (id
    order otherwise; drafts mentioning each other go in id order)."""
    by_id = {p.draft.id: p for p in planned}
    terms = terms_from_drafts([p.draft for p in planned])
    before: dict[str, set[str]] = {ident: set() for ident in by_id}
    for plan in planned:
        found = terms.find(plan.text) + terms.find(plan.message)
        before[plan.draft.id] = {t.draft_id for t in found if t.draft_id in by_id} - {plan.draft.id}
    ordered: list[_Planned] = []
    done: set[str] = set()
    while len(done) < len(by_id):
        ready = sorted(i for i in by_id if i not in done and before[i] <= done)
        # A cycle: take the lowest id; the guard already accepted both texts.
        ident = ready[0] if ready else min(i for i in by_id if i not in done)
        ordered.append(by_id[ident])
        done.add(ident)
    return ordered


class Releaser:
    """Runs one release over the drafts of one repository."""

    def __init__(
        self,
        settings: Settings,
        now: datetime,
        identities: Sequence[Identity],
        options: ReleaseOptions,
    ) -> None:
        self.settings = settings
        self.now = now
        self.identities = identities
        self.options = options
        self.store = EmbargoStore(settings.embargo_path, settings.root)
        self.git = GitRepo.open(settings.root)
        if options.commit and self.git is None:
            raise GitError(
                f"{settings.root} is not a git repository; run `git init` or drop --commit"
            )

    def run(self) -> list[ReleaseOutcome]:
        """Release every releasable draft; every outcome, in id order."""
        if self.options.dry_run:
            return self._release_all()
        with exclusive_lock(self._lock_path()):
            return self._release_all()

    def _lock_path(self) -> Path:
        if self.git is not None:
            return self.git.common_dir / LOCK_NAME
        # Without git, lock the embargo folder itself (flock works on a folder's descriptor).
        self.store.folder.mkdir(parents=True, exist_ok=True)
        return self.store.folder

    def _release_all(self) -> list[ReleaseOutcome]:
        drafts = load_drafts(self.store, self.identities, self.settings.model_options)
        outcomes: list[ReleaseOutcome] = []
        planned: list[_Planned] = []
        for draft in drafts:
            step = self._plan(draft)
            if isinstance(step, ReleaseOutcome):
                outcomes.append(step)
            else:
                planned.append(step)
        planned, refused = self._guard_plans(drafts, planned)
        outcomes.extend(refused)
        if self.options.commit:
            terms = embargoed_terms(drafts, {p.draft.id for p in planned})
            outcomes.extend(self._commit_leftovers(terms))
            if not self.options.dry_run:
                self._drop_stale_index_entries()
        outcomes.extend(self._execute_plans(drafts, planned))
        return sorted(outcomes, key=lambda o: o.id)

    # -- the leak guard ------------------------------------------------------------------
    def _guard_plans(
        self, drafts: Sequence[Draft], planned: list[_Planned]
    ) -> tuple[list[_Planned], list[ReleaseOutcome]]:
        """Drop every plan whose text or commit message mentions a draft not released in
        this run; repeated until stable, since a dropped draft's terms become secret for
        the plans that mention it."""
        kept = list(planned)
        refused: list[ReleaseOutcome] = []
        while True:
            terms = embargoed_terms(drafts, {p.draft.id for p in kept})
            blocked = {p.draft.id: reasons for p in kept if (reasons := p.mentions(terms))}
            if not blocked:
                return kept, refused
            refused.extend(
                ReleaseOutcome(
                    p.draft.id, Action.FAILED, self._shown(p.target), reasons=blocked[p.draft.id]
                )
                for p in kept
                if p.draft.id in blocked
            )
            kept = [p for p in kept if p.draft.id not in blocked]

    def _execute_plans(
        self, drafts: Sequence[Draft], planned: list[_Planned]
    ) -> Iterator[ReleaseOutcome]:
        """Carry out the plans, a mentioned draft before the drafts that mention it; each is
        guarded again just before it is written, against the drafts still embargoed then
        (a draft that failed on the way is embargoed still)."""
        pending = {p.draft.id for p in planned}
        failed: set[str] = set()
        terms = embargoed_terms(drafts, pending)
        for plan in _mentioned_first(planned):
            reasons = plan.mentions(terms)
            outcome = (
                ReleaseOutcome(
                    plan.draft.id, Action.FAILED, self._shown(plan.target), reasons=reasons
                )
                if reasons
                else self._execute(plan)
            )
            if outcome.is_failure:
                failed.add(plan.draft.id)
                terms = embargoed_terms(drafts, pending - failed)
            yield outcome

    # -- one draft -------------------------------------------------------------------
    def _plan(self, draft: Draft) -> _Planned | ReleaseOutcome:
        """What releasing ``draft`` would write, or why it is held or cannot be released."""
        decision = evaluate_draft(draft, self.now, self.settings)
        if not decision.releasable:
            return ReleaseOutcome(draft.id, Action.HELD, reasons=decision.reasons)
        advisory, plaintext = draft.advisory, draft.plaintext
        assert advisory is not None and plaintext is not None  # releasable implies parsed
        target = public_path(advisory, self.settings)
        shown = self._shown(target)
        try:
            text = published_text(plaintext, advisory, self.settings, shown, self.now)
        except AdvpubError as exc:
            return ReleaseOutcome(draft.id, Action.FAILED, shown, reasons=(str(exc),))
        elsewhere = [p for p in self._public_files(draft.id) if p != target]
        if elsewhere:
            return ReleaseOutcome(
                draft.id,
                Action.FAILED,
                shown,
                reasons=(
                    f"{self._shown(elsewhere[0])} already exists with this id; move or remove "
                    f"it (or the draft {draft.shown}) so the id is published once",
                ),
            )
        exists = target.exists()
        if exists:
            try:
                existing: str | None = target.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                existing = None
            if existing is None or without_published(existing) != without_published(text):
                return ReleaseOutcome(
                    draft.id,
                    Action.FAILED,
                    shown,
                    reasons=(
                        f"{shown} already exists with different content; refusing to "
                        f"overwrite it; compare it with the draft {draft.shown} and keep one",
                    ),
                )
        return _Planned(draft, advisory, target, text, commit_message(advisory), exists)

    def _execute(self, plan: _Planned) -> ReleaseOutcome:
        draft, shown = plan.draft, self._shown(plan.target)
        if plan.exists:
            # An interrupted run wrote the same file: only the draft is left to remove.
            if self.options.dry_run:
                return ReleaseOutcome(draft.id, Action.WOULD_COMPLETE, shown)
            return self._remove_and_commit(draft, plan.advisory, plan.target, Action.COMPLETED)
        if self.options.dry_run:
            return ReleaseOutcome(draft.id, Action.WOULD_PUBLISH, shown)
        try:
            _remove_stale_temp_files(plan.target)
            atomic_write_text(plan.target, plan.text)
        except OSError as exc:
            return ReleaseOutcome(
                draft.id,
                Action.FAILED,
                shown,
                reasons=(
                    f"cannot write {shown} ({exc.strerror}); the draft was left in "
                    f"{draft.shown}; fix the folder and run again",
                ),
            )
        _crash_point("after-write")
        return self._remove_and_commit(draft, plan.advisory, plan.target, Action.PUBLISHED)

    def _remove_and_commit(
        self, draft: Draft, advisory: Advisory, target: Path, action: Action
    ) -> ReleaseOutcome:
        shown = self._shown(target)
        try:
            draft.path.unlink(missing_ok=True)
        except OSError as exc:
            return ReleaseOutcome(
                draft.id,
                Action.FAILED,
                shown,
                reasons=(
                    f"{shown} was written but the draft {draft.shown} cannot be removed "
                    f"({exc.strerror}); remove it by hand",
                ),
            )
        _crash_point("after-remove")
        sha = None
        if self.options.commit:
            try:
                sha = self._commit(advisory, target, draft.path)
            except GitError as exc:
                return ReleaseOutcome(draft.id, Action.FAILED, shown, reasons=(str(exc),))
        return ReleaseOutcome(draft.id, action, shown, commit=sha)

    def _commit(self, advisory: Advisory, target: Path, draft_path: Path) -> str | None:
        assert self.git is not None
        _crash_point("before-commit")
        # Hooks run by `git commit` judge the gate at the same instant as this release.
        env = {NOW_ENV: self.now.isoformat()}
        if self.options.scheduled:
            stamp = self.now.isoformat()
            env |= {
                "GIT_AUTHOR_DATE": stamp,
                "GIT_COMMITTER_DATE": stamp,
                # Configuration given in the environment outranks the repository's: no hooks.
                "GIT_CONFIG_COUNT": "1",
                "GIT_CONFIG_KEY_0": "core.hooksPath",
                "GIT_CONFIG_VALUE_0": os.devnull,
            }
        return self.git.commit_paths(
            commit_message(advisory),
            added=[self.git.relative(target)],
            removed=[self.git.relative(draft_path)],
            env=env,
        )

    # -- interrupted commits -------------------------------------------------------------
    def _commit_leftovers(self, terms: LeakTerms) -> Iterator[ReleaseOutcome]:
        """Drafts removed by a killed run whose publication was never committed (each
        guarded against ``terms``, those of the drafts not released in this run)."""
        assert self.git is not None
        embargo_rel = self.git.relative(self.store.folder)
        for rel in self.git.head_files(embargo_rel):
            if not rel.endswith(DRAFT_SUFFIX) or (self.git.root / rel).exists():
                continue
            ident = rel.rsplit("/", 1)[-1][: -len(DRAFT_SUFFIX)]
            for public in self._public_files(ident):
                public_rel = self.git.relative(public)
                if self.git.in_head(public_rel):
                    continue
                yield self._commit_leftover(ident, public, self.git.root / rel, terms)

    def _drop_stale_index_entries(self) -> None:
        """A run killed inside ``git commit --only`` can leave the index one step behind
        HEAD: the draft the commit removed is still staged (shown as ``AD``). When HEAD no
        longer has the draft, the work tree neither, and HEAD has its public advisory, the
        entry is only that leftover: the index is set back to HEAD for it."""
        assert self.git is not None
        embargo_rel = self.git.relative(self.store.folder)
        in_head = set(self.git.head_files(embargo_rel))
        stale = []
        for rel in self.git.index_files(embargo_rel):
            if rel in in_head or not rel.endswith(DRAFT_SUFFIX) or (self.git.root / rel).exists():
                continue
            ident = rel.rsplit("/", 1)[-1][: -len(DRAFT_SUFFIX)]
            public = [self.git.relative(p) for p in self._public_files(ident)]
            if any(self.git.in_head(p) for p in public):
                stale.append(rel)
        self.git.unstage(stale)

    def _commit_leftover(
        self, ident: str, public: Path, draft_path: Path, terms: LeakTerms
    ) -> ReleaseOutcome:
        shown = self._shown(public)
        data = public.read_bytes()
        result = parse_advisory(
            data, path=shown, options=self.settings.model_options, expected_id=ident
        )
        if result.advisory is None:
            return ReleaseOutcome(
                ident,
                Action.FAILED,
                shown,
                reasons=(f"{shown} is not committed and does not validate; run `advpub check`",),
            )
        decision = evaluate_published(result.advisory, self.now, self.settings.gate_options)
        if not decision.releasable:
            return ReleaseOutcome(ident, Action.FAILED, shown, reasons=decision.reasons)
        text = data.decode("utf-8", errors="ignore")
        reasons = mentions(terms, text, commit_message(result.advisory))
        if reasons:
            return ReleaseOutcome(ident, Action.FAILED, shown, reasons=reasons)
        if self.options.dry_run:
            return ReleaseOutcome(ident, Action.WOULD_COMMIT, shown)
        try:
            sha = self._commit(result.advisory, public, draft_path)
        except GitError as exc:
            return ReleaseOutcome(ident, Action.FAILED, shown, reasons=(str(exc),))
        return ReleaseOutcome(ident, Action.COMMITTED, shown, commit=sha)

    # -- helpers -------------------------------------------------------------------------
    def _public_files(self, ident: str) -> list[Path]:
        folder = self.settings.advisories_path
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.rglob(f"{ident}.md") if p.is_file())

    def _shown(self, path: Path) -> str:
        try:
            return path.relative_to(self.settings.root).as_posix()
        except ValueError:
            return str(path)


def release(
    settings: Settings,
    now: datetime,
    identities: Sequence[Identity],
    options: ReleaseOptions = ReleaseOptions(),
) -> list[ReleaseOutcome]:
    """Release every releasable draft at ``now`` (see the module docstring)."""
    return Releaser(settings, now, identities, options).run()
