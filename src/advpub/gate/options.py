"""The few settings the release policy depends on, apart from the repository's config."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo


@dataclass(frozen=True)
class GateOptions:
    """What the gate needs to know besides the advisory and the instant.

    ``timezone`` is the site's zone (reasons show instants in it and in UTC);
    ``early_release_approvals`` the distinct names an early release needs;
    ``required_approvals`` the distinct names every advisory needs (0: none).
    :attr:`advpub.config.Settings.gate_options` builds it from ``mkdocs.yml``.
    """

    timezone: tzinfo
    early_release_approvals: int
    required_approvals: int
