"""Rule: no public file mentions an embargoed draft's id, CVE ids, aliases or title.

Needs an identity (the terms are inside the encrypted drafts); without one the rule is
skipped with a notice. Messages come from :class:`advpub.leaks.LeakHit`: they name the
draft and the kind of term, never the term.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path

from advpub.checks.base import CheckContext
from advpub.checks.embargo_files import is_under
from advpub.config import Settings
from advpub.embargo.drafts import Draft, load_drafts
from advpub.embargo.identity import Identity, try_load_identities
from advpub.embargo.store import EmbargoStore, decrypt_bytes
from advpub.errors import EmbargoError, GitError
from advpub.git.staged import tracked_files
from advpub.leaks import LeakHit, LeakTerms, is_private_key_shape, public_text, terms_from_drafts
from advpub.model import Advisory, ModelOptions, Violation, parse_advisory

RULE = "leak"
NO_IDENTITY_NOTICE = (
    "no identity configured: leak checks skipped (set ADVPUB_IDENTITY_FILE or run "
    "`advpub keygen` to check public files against embargoed drafts)"
)


def unreadable_notice(count: int) -> str:
    """The notice for drafts the identity cannot decrypt (only their ids are checked)."""
    return (
        f"{count} draft(s) could not be decrypted with your identity: only their ids are "
        "checked for leaks (run `advpub status` to see which)"
    )


def leak_violations(path: str, data: bytes, terms: LeakTerms, where: str = "") -> list[Violation]:
    """One violation per embargoed term mentioned in ``data`` (``where``: a commit, if any)."""
    if not terms:
        return []
    text = data.decode("utf-8", errors="ignore")
    context = f" (in commit {where})" if where else ""
    return [
        Violation(path, line, "leak", RULE, LeakHit(path, term).message + context)
        for term, line in terms.locate(text)
        # Private-key blocks are reported by checks.secrets, with or without an identity.
        if not is_private_key_shape(term)
    ]


def draft_from_bytes(
    ident: str,
    path: Path,
    shown: str,
    data: bytes,
    identities: Sequence[Identity],
    options: ModelOptions,
) -> Draft:
    """Decrypt and parse draft bytes (e.g. a staged blob); problems are recorded, not raised."""
    try:
        text = decrypt_bytes(data, identities, shown)
    except EmbargoError as exc:
        return Draft(ident, path, shown, error=str(exc))
    result = parse_advisory(text, path=shown, options=options, expected_id=ident)
    return Draft(
        ident, path, shown, advisory=result.advisory, violations=result.violations, plaintext=text
    )


def embargoed_terms(
    drafts: Sequence[Draft], published_ids: Collection[str] = (), known_public: Sequence[str] = ()
) -> LeakTerms:
    """The terms of every draft not (being) published: a released advisory may name itself.
    ``known_public``: text of released advisories (see :func:`advpub.leaks.public_text`)."""
    return terms_from_drafts([d for d in drafts if d.id not in published_ids], known_public)


def worktree_drafts(
    settings: Settings,
    identities: Sequence[Identity],
    published: Mapping[str, Advisory] | None = None,
) -> list[Draft]:
    """Every draft of the work tree's embargo folder, each decrypted once (translation
    drafts linked to their primary draft, else to the released advisory in ``published``)."""
    store = EmbargoStore(settings.embargo_path, settings.root)
    return load_drafts(store, identities, settings.model_options, published)


def public_files(settings: Settings) -> list[str]:
    """Repository-relative paths of every file outside the embargo folder that git would see."""
    try:
        names = tracked_files(settings.root)
    except GitError:
        # Not a git repository (yet): every file under the root except git's own folder.
        names = [
            p.relative_to(settings.root).as_posix()
            for p in sorted(settings.root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(settings.root).parts
        ]
    return [n for n in names if not is_under(n, settings.embargo_dir)]


def check_drafts(ctx: CheckContext) -> list[Draft] | None:
    """The work tree's drafts, each decrypted once per check run (every rule that reads them
    shares this list); None without an identity."""
    if "drafts" not in ctx.cache:
        loaded = try_load_identities()
        published = {a.id: a for a in _corpus_advisories(ctx)}
        ctx.cache["drafts"] = (
            None if loaded is None else worktree_drafts(ctx.settings, loaded.identities, published)
        )
    drafts: list[Draft] | None = ctx.cache["drafts"]
    return drafts


def check_terms(ctx: CheckContext) -> LeakTerms | None:
    """The embargoed terms of the work tree's drafts, computed once per check run; None
    (and a notice) without an identity."""
    if "leak_terms" in ctx.cache:
        cached: LeakTerms | None = ctx.cache["leak_terms"]
        return cached
    drafts = check_drafts(ctx)
    terms: LeakTerms | None = None
    if drafts is None:
        ctx.notices.append(NO_IDENTITY_NOTICE)
    else:
        unreadable = sum(1 for d in drafts if not d.is_readable)
        if unreadable:
            ctx.notices.append(unreadable_notice(unreadable))
        advisories = _corpus_advisories(ctx)
        published = {a.id for a in advisories}
        terms = embargoed_terms(drafts, published, public_text(advisories))
    ctx.cache["leak_terms"] = terms
    return terms


class LeakRule:
    """``advpub check``: public files (tracked or about to be) name no embargoed term."""

    name = RULE

    def check(self, ctx: CheckContext) -> Iterable[Violation]:
        """Yield one violation per (file, term); a notice when no identity is configured."""
        terms = check_terms(ctx)
        if terms is None:
            return []
        found: list[Violation] = []
        for name in public_files(ctx.settings):
            file = ctx.settings.root / name
            if file.is_symlink() or not file.is_file():
                continue
            try:
                data = file.read_bytes()
            except OSError:
                continue
            found.extend(leak_violations(name, data, terms))
        return found


def _corpus_advisories(ctx: CheckContext) -> tuple[Advisory, ...]:
    from advpub.checks.advisories import corpus_of

    return corpus_of(ctx).advisories
