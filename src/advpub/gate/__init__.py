"""The release gate: the policy deciding when an advisory may be public."""

from advpub.gate.decision import (
    ReleaseDecision,
    decide,
    evaluate,
    evaluate_draft,
    evaluate_published,
    published_policy,
    release_policy,
)
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
    "evaluate_draft",
    "evaluate_published",
    "published_policy",
    "release_policy",
]
