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

Linked translations (``embargo/<ID>.<lang>.md.age``) follow their primary: while the
primary is a draft, the translation is released only when the gate releases the primary in
the same run, and then both files are written beside each other and committed in ONE commit
(readers of either language get the advisory at the same instant). A translation of an
already released advisory is released by itself, beside it. A translation left over by a
killed run is committed by itself (its primary was then committed already or comes next).

Two runs never interleave: the whole release holds an exclusive flock in the git dir.
"""

from __future__ import annotations

import enum
import os
import signal
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from advpub.checks.leaks import embargoed_terms
from advpub.clock import NOW_ENV
from advpub.config import Settings
from advpub.corpus import load_corpus
from advpub.embargo.drafts import Draft, load_drafts
from advpub.embargo.identity import Identity
from advpub.embargo.store import DRAFT_SUFFIX, EmbargoStore
from advpub.errors import AdvpubError, GitError
from advpub.fsutil import atomic_write_text
from advpub.gate import evaluate_published
from advpub.gate.timefmt import ceil_to_second, format_iso_local
from advpub.git.lock import exclusive_lock
from advpub.git.repo import GitRepo
from advpub.layout import split_stem
from advpub.leaks import LeakTerms, kind_label, terms_from_drafts
from advpub.model import Advisory, localized, parse_advisory, parse_translation
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
    # Why the gate let it out, where that is worth showing (an informational advisory).
    notes: tuple[str, ...] = ()

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
    primary: Advisory | None = None,
    instant: datetime | None = None,
) -> str:
    """The public file: the draft with ``published`` = the first public instant and without
    draft-only keys (``share_with``), re-validated (a translation against its ``primary``).

    The first public instant is ``instant`` (when this release runs), or the release date
    when that is later (a preview shows drafts as of their release date): a release run
    days after the date says so, and feeds and OSV then date the advisory when readers
    could first see it, not when it was planned."""
    planned = advisory.release_date if primary is None else primary.release_date
    first_public = planned if instant is None else max(planned, instant)
    # Rounded up like the gate's comparison, so `published` is never before the release.
    instant = ceil_to_second(first_public)
    text = set_published(
        without_draft_keys(draft_text), format_iso_local(instant, settings.timezone)
    )
    if primary is not None:
        translation, problems = parse_translation(
            text,
            path=shown,
            options=settings.model_options,
            primary=primary,
            expected_lang=advisory.lang,
        )
        published = translation.published if translation is not None else None
    else:
        result = parse_advisory(
            text, path=shown, options=settings.model_options, expected_id=advisory.id
        )
        problems = result.violations
        published = result.advisory.published if result.advisory is not None else None
    if published != instant:
        details = "; ".join(str(v.redacted()) for v in problems) or "published differs"
        raise AdvpubError(f"the public file would not validate: {details}")
    return text


def commit_message(advisory: Advisory) -> str:
    """The message of a release commit (guarded like the file: it is pushed too)."""
    if advisory.is_translation:
        return f"Publish {advisory.id} ({advisory.lang}): {advisory.title}"
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
    notes: tuple[str, ...] = ()
    # Translation plans released in the same commit as this (primary) plan.
    companions: tuple[_Planned, ...] = ()

    def mentions(self, terms: LeakTerms) -> tuple[str, ...]:
        """Why this release must not be committed while ``terms`` are secret (or nothing)."""
        return mentions(terms, self.text, self.message)


def _grouped(plans: Sequence[_Planned]) -> list[_Planned]:
    """The primary plans in order, each carrying the translation plans of its id as
    companions (committed with it); translations of released advisories stand alone."""
    primaries = {p.draft.id for p in plans if p.draft.translation_lang is None}
    companions: dict[str, list[_Planned]] = {}
    for plan in plans:
        if plan.draft.translation_lang is not None and plan.draft.primary_id in primaries:
            companions.setdefault(plan.draft.primary_id, []).append(plan)
    return [
        replace(plan, companions=tuple(companions.get(plan.draft.id, ())))
        for plan in plans
        if plan.draft.translation_lang is None or plan.draft.primary_id not in primaries
    ]


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
        # Filled by each run: released advisories by id, and the drafts by draft id.
        self.public: dict[str, Advisory] = {}
        self.drafts_by_id: dict[str, Draft] = {}
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
        # A dry run changes nothing on disk, the parse cache included (it is only read).
        corpus = load_corpus(self.settings, store_parses=not self.options.dry_run)
        self.public = {a.id: a for a in corpus.advisories}
        drafts = load_drafts(self.store, self.identities, self.settings.model_options, self.public)
        self.drafts_by_id = {d.id: d for d in drafts}
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
            # A translation whose primary stays embargoed says so (it also mentions the
            # primary's id, but that is not the reason to give).
            blocked: dict[str, tuple[str, ...]] = {
                p.draft.id: (f"not released: its primary {p.draft.primary_id} is not released",)
                for p in self._orphans(kept)
            }
            blocked |= {
                p.draft.id: reasons
                for p in kept
                if p.draft.id not in blocked and (reasons := p.mentions(terms))
            }
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

    def _orphans(self, kept: Sequence[_Planned]) -> list[_Planned]:
        """Translation plans whose primary is still a draft that is not released with them."""
        ids = {p.draft.id for p in kept}
        return [
            p
            for p in kept
            if p.draft.translation_lang is not None
            and p.draft.primary_id in self.drafts_by_id
            and p.draft.primary_id not in ids
        ]

    def _execute_plans(
        self, drafts: Sequence[Draft], planned: list[_Planned]
    ) -> Iterator[ReleaseOutcome]:
        """Carry out the plans, a mentioned draft before the drafts that mention it; each is
        guarded again just before it is written, against the drafts still embargoed then
        (a draft that failed on the way is embargoed still). A primary's translations
        travel with it (:func:`_grouped`)."""
        pending = {p.draft.id for p in planned}
        failed: set[str] = set()
        terms = embargoed_terms(drafts, pending)
        for plan in _grouped(_mentioned_first(planned)):
            members = (plan, *plan.companions)
            refusals = {p.draft.id: r for p in members if (r := p.mentions(terms))}
            if plan.draft.id in refusals:
                # The primary stays embargoed: so do its translations.
                outcomes = [
                    ReleaseOutcome(
                        p.draft.id,
                        Action.FAILED,
                        self._shown(p.target),
                        reasons=refusals.get(p.draft.id)
                        or (f"not released: its primary {plan.draft.id} is not released",),
                    )
                    for p in members
                ]
            else:
                outcomes = [
                    ReleaseOutcome(
                        p.draft.id,
                        Action.FAILED,
                        self._shown(p.target),
                        reasons=refusals[p.draft.id],
                    )
                    for p in plan.companions
                    if p.draft.id in refusals
                ]
                group = replace(
                    plan, companions=tuple(p for p in plan.companions if p.draft.id not in refusals)
                )
                outcomes.extend(self._execute(group))
            new_failures = {o.id for o in outcomes if o.is_failure}
            if new_failures:
                failed |= new_failures
                terms = embargoed_terms(drafts, pending - failed)
            yield from outcomes

    # -- one draft -------------------------------------------------------------------
    def _plan(self, draft: Draft) -> _Planned | ReleaseOutcome:
        """What releasing ``draft`` would write, or why it is held or cannot be released."""
        decision = evaluate_draft(draft, self.now, self.settings)
        if not decision.releasable:
            return ReleaseOutcome(draft.id, Action.HELD, reasons=decision.reasons)
        advisory, plaintext = draft.advisory, draft.plaintext
        assert advisory is not None and plaintext is not None  # releasable implies parsed
        primary: Advisory | None = None
        if draft.translation_lang is not None:
            step = self._translation_plan(draft)
            if isinstance(step, ReleaseOutcome):
                return step
            primary, target = step
        else:
            target = public_path(advisory, self.settings)
        shown = self._shown(target)
        try:
            # Public now (never before the release date): a translation released with its
            # primary gets the same instant, one released later the instant it appears.
            text = published_text(plaintext, advisory, self.settings, shown, primary, self.now)
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
        return _Planned(
            draft, advisory, target, text, commit_message(advisory), exists, decision.notes
        )

    def _translation_plan(self, draft: Draft) -> tuple[Advisory, Path] | ReleaseOutcome:
        """A translation draft's primary and public path; or why it waits. The gate is asked
        about the primary itself: a translation never leaves the embargo before the advisory
        it translates."""
        ident = draft.primary_id
        primary_draft = self.drafts_by_id.get(ident)
        if primary_draft is not None:
            decision = evaluate_draft(primary_draft, self.now, self.settings)
            if not decision.releasable or primary_draft.advisory is None:
                return ReleaseOutcome(
                    draft.id,
                    Action.HELD,
                    reasons=(f"waits for its primary {ident}, which is not released yet",),
                )
            primary = primary_draft.advisory
            return primary, public_path(primary, self.settings).with_name(f"{draft.id}.md")
        primary = self.public[ident]  # linked, so released (load_drafts)
        beside = (
            self.settings.root / primary.path
            if primary.path
            else public_path(primary, self.settings)
        )
        return primary, beside.with_name(f"{draft.id}.md")

    def _execute(self, plan: _Planned) -> list[ReleaseOutcome]:
        """Write the plan's files (a primary and its translations), remove the drafts and
        commit them together."""
        members = [plan, *plan.companions]
        written: list[tuple[_Planned, Action]] = []
        outcomes: list[ReleaseOutcome] = []
        for member in members:
            step = self._write(member)
            if isinstance(step, ReleaseOutcome):
                outcomes.append(step)
            else:
                written.append((member, step))
        if self.options.dry_run or not written:
            return outcomes + [
                ReleaseOutcome(m.draft.id, a, self._shown(m.target), notes=m.notes)
                for m, a in written
            ]
        return outcomes + self._remove_and_commit(written)

    def _write(self, plan: _Planned) -> Action | ReleaseOutcome:
        """Write one public file (or find it written); the action it stands for."""
        draft, shown = plan.draft, self._shown(plan.target)
        if plan.exists:
            # An interrupted run wrote the same file: only the draft is left to remove.
            return Action.WOULD_COMPLETE if self.options.dry_run else Action.COMPLETED
        if self.options.dry_run:
            return Action.WOULD_PUBLISH
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
        return Action.PUBLISHED

    def _remove_and_commit(self, written: list[tuple[_Planned, Action]]) -> list[ReleaseOutcome]:
        outcomes: list[ReleaseOutcome] = []
        removed: list[tuple[_Planned, Action]] = []
        for plan, action in written:
            shown, draft = self._shown(plan.target), plan.draft
            try:
                draft.path.unlink(missing_ok=True)
            except OSError as exc:
                outcomes.append(
                    ReleaseOutcome(
                        draft.id,
                        Action.FAILED,
                        shown,
                        reasons=(
                            f"{shown} was written but the draft {draft.shown} cannot be removed "
                            f"({exc.strerror}); remove it by hand",
                        ),
                    )
                )
                continue
            removed.append((plan, action))
        if not removed:
            return outcomes
        _crash_point("after-remove")
        sha = None
        if self.options.commit:
            message = "\n\n".join(plan.message for plan, _ in removed)
            try:
                sha = self._commit(
                    message,
                    [plan.target for plan, _ in removed],
                    [plan.draft.path for plan, _ in removed],
                )
            except GitError as exc:
                return outcomes + [
                    ReleaseOutcome(
                        p.draft.id, Action.FAILED, self._shown(p.target), reasons=(str(exc),)
                    )
                    for p, _ in removed
                ]
        return outcomes + [
            ReleaseOutcome(p.draft.id, a, self._shown(p.target), commit=sha, notes=p.notes)
            for p, a in removed
        ]

    def _commit(
        self, message: str, targets: Sequence[Path], draft_paths: Sequence[Path]
    ) -> str | None:
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
            message,
            added=[self.git.relative(t) for t in targets],
            removed=[self.git.relative(d) for d in draft_paths],
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
        result = self._parse_public(ident, data, shown)
        if result is None:
            return ReleaseOutcome(
                ident,
                Action.FAILED,
                shown,
                reasons=(f"{shown} is not committed and does not validate; run `advpub check`",),
            )
        decision = evaluate_published(result, self.now, self.settings.gate_options)
        if not decision.releasable:
            return ReleaseOutcome(ident, Action.FAILED, shown, reasons=decision.reasons)
        text = data.decode("utf-8", errors="ignore")
        reasons = mentions(terms, text, commit_message(result))
        if reasons:
            return ReleaseOutcome(ident, Action.FAILED, shown, reasons=reasons)
        if self.options.dry_run:
            return ReleaseOutcome(ident, Action.WOULD_COMMIT, shown)
        try:
            sha = self._commit(commit_message(result), [public], [draft_path])
        except GitError as exc:
            return ReleaseOutcome(ident, Action.FAILED, shown, reasons=(str(exc),))
        return ReleaseOutcome(ident, Action.COMMITTED, shown, commit=sha)

    # -- helpers -------------------------------------------------------------------------
    def _parse_public(self, stem: str, data: bytes, shown: str) -> Advisory | None:
        """The advisory (or translation's view) a public file of ``stem`` holds, when valid."""
        ident, lang = split_stem(stem)
        options = self.settings.model_options
        if lang is None:
            return parse_advisory(data, path=shown, options=options, expected_id=ident).advisory
        primary = self.public.get(ident)
        if primary is None:
            return None
        translation, _ = parse_translation(
            data, path=shown, options=options, primary=primary, expected_lang=lang
        )
        return None if translation is None else localized(primary, translation)

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
