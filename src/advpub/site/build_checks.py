"""The checks a site build runs: the release gate over ``advisories/`` and the leak scan.

The gate part never reads ``embargo/``; the leak scan decrypts drafts in memory only when an
identity is configured, and reports draft ids and kinds of terms, never the terms.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from advpub.clock import resolve_now
from advpub.config import Settings
from advpub.corpus import Corpus
from advpub.embargo.drafts import Draft
from advpub.embargo.identity import Identity
from advpub.errors import SiteError
from advpub.leaks import LeakHit, LeakTerms

# True only while `advpub serve` runs its preview in this process. A module flag, not an
# environment variable: CI could set a variable, and a build must never look ahead.
_previewing = False


@contextmanager
def preview_clock() -> Iterator[None]:
    """While the ``advpub serve`` preview runs, ``ADVPUB_NOW`` may look ahead (its builds go
    to a temporary folder served on the local machine, never deployed)."""
    global _previewing
    saved, _previewing = _previewing, True
    try:
        yield
    finally:
        _previewing = saved


def build_now() -> datetime:
    """The instant the gate compares against when MkDocs itself runs the plugin (``mkdocs
    build``/``serve``, ``advpub serve``): ``ADVPUB_NOW`` (ISO 8601 with offset) or the clock.
    ``advpub build`` and ``publish`` pass their instant to :func:`advpub.site.build.build_site`.

    A build publishes, so ``ADVPUB_NOW`` may only look back (see :mod:`advpub.clock`), except
    in the preview of :func:`preview_clock`.
    """
    return resolve_now(None, look_ahead=_previewing)


def release_problems(corpus: Corpus, now: datetime, settings: Settings) -> list[str]:
    """Every reason the site must not be built: validation violations and gate refusals."""
    # Imported here: the gate is its own seam and the site must fail closed without it.
    from advpub.gate import evaluate_published

    problems = [str(v) for v in corpus.violations]
    options = settings.gate_options
    # A translation's page is judged like its primary's (its own `published` included).
    views = [t for group in corpus.translations.values() for t in group]
    for adv in (*corpus.advisories, *views):
        decision = evaluate_published(adv, now, options)
        if decision.releasable:
            continue
        shown = adv.path or adv.id
        reasons = decision.reasons or ("the release gate refused it",)
        problems.extend(f"{shown}: not releasable: {reason}" for reason in reasons)
    return problems


@dataclass(frozen=True)
class LeakScan:
    """The result of scanning a built site: ``ran`` is False when no identity is configured.

    ``fingerprint`` identifies the drafts the scan looked for (see :func:`drafts_fingerprint`).
    """

    ran: bool
    hits: tuple[LeakHit, ...] = ()
    unreadable: tuple[str, ...] = ()
    fingerprint: str | None = None


def drafts_fingerprint(drafts: Sequence[Draft], salt: str) -> str:
    """SHA-256 over each draft's path, the SHA-256 of the ciphertext it was decrypted from and
    whether it decrypted (and ``salt``: the build's code and settings). Ciphertext is public
    (it is committed), so this reveals nothing of a draft; the same drafts give the same
    terms, so a file a scan passed need not be scanned again."""
    digest = hashlib.sha256(f"advpub-leak-scan-2\0{salt}\0".encode())
    for draft in sorted(drafts, key=lambda d: d.path):
        readable = "1" if draft.is_readable else "0"
        digest.update(f"{draft.shown}\0{draft.ciphertext_sha256}\0{readable}\0".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class PreparedScan:
    """What a leak scan looks for, known before the site is written: the terms (in memory
    only), the fingerprint of the drafts they come from, whether an identity decrypted them
    and which drafts it could not read."""

    terms: LeakTerms
    fingerprint: str
    ran: bool
    unreadable: tuple[str, ...] = ()

    def result(self, hits: Sequence[LeakHit]) -> LeakScan:
        """The scan's result once ``hits`` are known."""
        if not self.ran:
            return LeakScan(ran=False, hits=tuple(hits), fingerprint=self.fingerprint)
        return LeakScan(
            ran=True, hits=tuple(hits), unreadable=self.unreadable, fingerprint=self.fingerprint
        )


def prepare_scan(
    settings: Settings,
    salt: str = "",
    known_public: Sequence[str] = (),
    *,
    identities: Sequence[Identity] | None = None,
) -> PreparedScan:
    """The terms of a leak scan (see :func:`scan_site` for the arguments)."""
    from advpub.embargo.drafts import load_drafts
    from advpub.embargo.identity import try_load_identities
    from advpub.embargo.store import EmbargoStore
    from advpub.leaks import terms_from_drafts

    if identities is None:
        loaded = try_load_identities()
        identities = loaded.identities if loaded is not None else ()
    drafts: list[Draft] = []
    if identities:
        store = EmbargoStore(settings.embargo_path, settings.root)
        drafts = load_drafts(store, identities, settings.model_options)
    terms = terms_from_drafts(drafts, known_public)
    # The scan is valid for the same drafts, public text and secrets (their hashes only).
    digest = hashlib.sha256("\0".join(known_public).encode())
    for term in terms.terms:
        if term.kind == "secret":
            digest.update(b"\0" + term.text.encode())
    fingerprint = drafts_fingerprint(drafts, f"{salt}\0{digest.hexdigest()}\0{bool(identities)}")
    # Without an identity the drafts' terms are unknown, but secrets (tokens in the
    # environment, private keys by shape) are still looked for.
    unreadable = tuple(d.shown for d in drafts if not d.is_readable)
    return PreparedScan(terms, fingerprint, bool(identities), unreadable)


def scan_site(
    site_dir: Path,
    settings: Settings,
    salt: str = "",
    skip: Callable[[str], frozenset[str]] | None = None,
    known_public: Sequence[str] = (),
    *,
    identities: Sequence[Identity] | None = None,
) -> LeakScan:
    """Scan every file of the built site (contents and names) for the ids, CVEs, aliases,
    titles and secrets the leak guard knows.

    ``skip(fingerprint)`` may name files (relative to ``site_dir``) already scanned clean for
    the same drafts; ``salt`` goes into the fingerprint. ``known_public``: text the site
    publishes anyway (released titles, products), so a title phrase it holds is no term.
    ``identities`` decrypt the drafts; None: found as a separate ``mkdocs build`` finds them
    (``ADVPUB_IDENTITY``, ``ADVPUB_IDENTITY_FILE``, the default file); none: no scan.
    """
    from advpub.leaks import scan_folder

    prepared = prepare_scan(settings, salt, known_public, identities=identities)
    known_clean = skip(prepared.fingerprint) if skip is not None else frozenset()
    return prepared.result(list(scan_folder(site_dir, prepared.terms, known_clean)))


def leak_message(site_dir: Path, hits: Sequence[LeakHit], named: Path | None = None) -> str:
    """The error for a failed leak scan (the site folder has been deleted); ``named``: the
    folder the user asked for, when the build wrote into a staging folder."""
    lines = [
        "the built site mentions embargoed drafts; deleted "
        f"{named or site_dir} so it cannot be deployed:"
    ]
    root = str(site_dir)
    for hit in hits:
        shown = hit.where[len(root) :].lstrip("/\\") if hit.where.startswith(root) else hit.where
        lines.append(f"  {LeakHit(shown, hit.term)}")
    return "\n".join(lines)


def remove_site(site_dir: Path) -> None:
    """Delete a built site folder (refusing anything that does not look like one)."""
    target = site_dir.resolve()
    if target == Path(target.anchor) or target == Path.home().resolve():
        raise SiteError(f"{site_dir}: refusing to delete this folder")
    shutil.rmtree(target, ignore_errors=True)
