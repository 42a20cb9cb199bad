"""The release gate: pure policy deciding whether an advisory may be public at an instant.

Rules (:mod:`~advpub.gate.rules`) combined into policies, the verdicts
(:mod:`~advpub.gate.decision`: :func:`evaluate` for drafts, :func:`evaluate_published` for
``advisories/``), the few options they need (:class:`GateOptions`) and how instants are shown
(:mod:`~advpub.gate.timefmt`). It reads no file, runs no git and decrypts nothing: it sees
only parsed :class:`advpub.model.Advisory` objects (releasing drafts is
:mod:`advpub.pipeline.release`).
"""

from advpub.gate.decision import (
    ReleaseDecision,
    decide,
    evaluate,
    evaluate_published,
    published_policy,
    release_policy,
    require_aware,
)
from advpub.gate.options import GateOptions
from advpub.gate.rules import (
    AllOf,
    Approvals,
    DraftNotWithdrawn,
    FixVerifiedOrEarlyRelease,
    GateRefusal,
    GateRule,
    NotWebsiteScope,
    NotWithdrawnBeforeRelease,
    PublishedNotBeforeRelease,
    ReleaseDateReached,
    TlpClear,
)

__all__ = [
    "AllOf",
    "Approvals",
    "DraftNotWithdrawn",
    "FixVerifiedOrEarlyRelease",
    "GateOptions",
    "GateRefusal",
    "GateRule",
    "NotWebsiteScope",
    "NotWithdrawnBeforeRelease",
    "PublishedNotBeforeRelease",
    "ReleaseDateReached",
    "ReleaseDecision",
    "TlpClear",
    "decide",
    "evaluate",
    "evaluate_published",
    "published_policy",
    "release_policy",
    "require_aware",
]
