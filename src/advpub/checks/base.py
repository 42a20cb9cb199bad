"""The rule framework behind ``advpub check``: each rule reports violations, none stops."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from advpub.config import Settings
from advpub.model import Violation


@dataclass
class CheckContext:
    """What rules may look at. ``cache`` lets rules share parsed data within one run.
    ``draft_details``: a recipient reads the output at a terminal, so problems of an
    embargoed draft may be shown in full (else they are redacted)."""

    settings: Settings
    now: datetime
    history: bool = False
    draft_details: bool = False
    cache: dict[str, Any] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


class CheckRule(Protocol):
    """One family of checks over the repository."""

    name: str

    def check(self, ctx: CheckContext) -> Iterable[Violation]:
        """Yield every violation found; never raise for problems in the data."""
        ...
