"""The release policy as small rule objects (after sigstore-python's policy module).

Each rule has ``verify(advisory, now)`` that returns when the rule holds (with a note when
it holds for a reason people should see, such as an informational advisory needing no fix)
and raises :class:`GateRefusal` otherwise. :class:`AllOf` runs every rule and refuses with every
failing reason at once; an EMPTY :class:`AllOf` refuses on purpose, so a mis-built policy
can never open the gate. Reasons may name the id and dates, never the title or body.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Protocol

from advpub.errors import GateError
from advpub.gate.timefmt import ceil_to_second, format_both, relative, to_second
from advpub.model import Advisory


class GateRefusal(GateError):
    """A rule does not hold; ``reasons`` are human-readable and free of draft content."""

    def __init__(self, *reasons: str) -> None:
        self.reasons: tuple[str, ...] = reasons
        super().__init__("; ".join(reasons))


class GateRule(Protocol):
    """One condition of the release policy."""

    def verify(self, advisory: Advisory, now: datetime) -> str | None:
        """Return when the rule holds (optionally a note saying why); raise
        :class:`GateRefusal` otherwise."""
        ...


@dataclass(frozen=True)
class AllOf:
    """Every rule must hold; refuses with all failing reasons. Empty refuses."""

    rules: Sequence[GateRule]

    def verify(self, advisory: Advisory, now: datetime) -> tuple[str, ...]:
        """Run every rule (none short-circuits) and refuse with every reason; when all
        hold, the notes of the rules that gave one."""
        if not self.rules:
            raise GateRefusal("no release rules are configured; refusing by default")
        reasons: list[str] = []
        notes: list[str] = []
        for rule in self.rules:
            try:
                note = rule.verify(advisory, now)
            except GateRefusal as refusal:
                reasons.extend(refusal.reasons)
                continue
            if note:
                notes.append(note)
        if reasons:
            raise GateRefusal(*reasons)
        return tuple(notes)


def _distinct(names: Iterable[str]) -> list[str]:
    # "Alice" and " alice " are the same person: approvals must come from different people.
    seen: dict[str, str] = {}
    for name in names:
        key = " ".join(name.split()).casefold()
        if key:
            seen.setdefault(key, name)
    return list(seen.values())


def _names(count: int) -> str:
    return f"{count} distinct name{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class FixVerifiedOrEarlyRelease:
    """``fix.verified`` is true, or ``early_release`` is a complete, approved exception.

    An informational advisory (unmaintained, unsound, a notice) reports no vulnerability
    awaiting a fix, so the rule does not apply: its release date alone decides.
    """

    approvals: int = 2

    def verify(self, advisory: Advisory, now: datetime) -> str | None:
        """Refuse an unverified fix without a complete early_release record."""
        if advisory.is_informational:
            return (
                f"fix verification does not apply: informational advisory "
                f"({advisory.informational}); the release date alone decides"
            )
        if advisory.fix.verified:
            return None
        early = advisory.early_release
        if early is None:
            raise GateRefusal(
                "fix not verified (fix.verified is false) and no approved early_release"
            )
        missing: list[str] = []
        if not early.basis:
            missing.append("early_release.basis is missing")
        names = _distinct(early.approved_by)
        if len(names) < self.approvals:
            missing.append(
                f"early_release.approved_by needs {_names(self.approvals)} (has {len(names)})"
            )
        if not (early.reference or "").strip():
            missing.append("early_release.reference is missing")
        if missing:
            raise GateRefusal(
                "fix not verified (fix.verified is false) and early_release is not approved: "
                + "; ".join(missing)
            )
        return None


@dataclass(frozen=True)
class ReleaseDateReached:
    """``now`` ≥ ``release_date``, both in UTC, to the second (equal is releasable)."""

    zone: tzinfo

    def verify(self, advisory: Advisory, now: datetime) -> None:
        """Refuse before the release instant."""
        # A fractional release instant is rounded up, so the embargo is never shortened.
        if to_second(now) < ceil_to_second(advisory.release_date):
            raise GateRefusal(
                f"release date {format_both(advisory.release_date, self.zone)} is "
                f"{relative(advisory.release_date, now)}"
            )


@dataclass(frozen=True)
class NotWebsiteScope:
    """Vulnerabilities of a single web site are fixed by its operator, not published."""

    def verify(self, advisory: Advisory, now: datetime) -> None:
        """Refuse ``scope: website``."""
        if advisory.scope == "website":
            raise GateRefusal(
                "scope is website: vulnerabilities in a single web site are not published"
            )


@dataclass(frozen=True)
class TlpClear:
    """Only TLP:CLEAR documents are public."""

    def verify(self, advisory: Advisory, now: datetime) -> None:
        """Refuse any TLP label but CLEAR."""
        if advisory.tlp != "CLEAR":
            raise GateRefusal(f"tlp is {advisory.tlp}: only TLP:CLEAR may be published")


@dataclass(frozen=True)
class DraftNotWithdrawn:
    """A draft that records a withdrawal is held.

    A draft has never been public, so any withdrawal recorded on it happened before its
    release: publishing it would make public something the coordinators took back.
    """

    def verify(self, advisory: Advisory, now: datetime) -> None:
        """Refuse a draft with ``withdrawn`` set."""
        if advisory.withdrawn is not None:
            raise GateRefusal("withdrawn before release (the draft records `withdrawn`)")


@dataclass(frozen=True)
class NotWithdrawnBeforeRelease:
    """A published advisory may be withdrawn (it stays online), but not before its release."""

    zone: tzinfo

    def verify(self, advisory: Advisory, now: datetime) -> None:
        """Refuse a withdrawal dated before the release instant."""
        withdrawn = advisory.withdrawn
        if withdrawn is not None and withdrawn.date < advisory.release_date:
            raise GateRefusal(
                f"withdrawn on {format_both(withdrawn.date, self.zone)}, before its release date "
                f"{format_both(advisory.release_date, self.zone)}"
            )


@dataclass(frozen=True)
class PublishedNotBeforeRelease:
    """A recorded ``published`` instant earlier than the release date means an early leak."""

    zone: tzinfo

    def verify(self, advisory: Advisory, now: datetime) -> None:
        """Refuse ``published`` before ``release_date``."""
        published = advisory.published
        if published is not None and to_second(published) < ceil_to_second(advisory.release_date):
            raise GateRefusal(
                f"published {format_both(published, self.zone)} is before its release date "
                f"{format_both(advisory.release_date, self.zone)}"
            )


@dataclass(frozen=True)
class Approvals:
    """At least ``required`` distinct names in ``approvals`` (0 turns the rule off)."""

    required: int = 0

    def verify(self, advisory: Advisory, now: datetime) -> None:
        """Refuse with fewer distinct approvals than required."""
        names = _distinct(advisory.approvals)
        if len(names) < self.required:
            raise GateRefusal(f"approvals needs {_names(self.required)} (has {len(names)})")
