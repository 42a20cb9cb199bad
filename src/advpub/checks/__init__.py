"""Inspecting an advisory repository without changing it: what is wrong, and what happened.

- ``advpub check``: a list of rules, each reporting violations over the work tree and its
  history (this module runs them);
- the git hooks (:mod:`advpub.checks.hooks`): the same rules applied to what a commit or a
  push would publish, read from git;
- the audit trail (:mod:`advpub.checks.audit`, ``advpub log``): what git history shows
  happened to each advisory.

Checks use the gate, the model, the leak guard and the git layer; none of those imports
checks.
"""

from __future__ import annotations

from advpub.checks.advisories import AdvisoryValidationRule
from advpub.checks.base import CheckContext, CheckRule
from advpub.checks.committed import CommittedRule
from advpub.checks.drafts import DraftValidationRule
from advpub.checks.embargo_files import EmbargoPlaintextRule
from advpub.checks.gate import GateRule
from advpub.checks.history import HistoryRule
from advpub.checks.leaks import LeakRule
from advpub.checks.links import LinkRule
from advpub.checks.names import redact_paths
from advpub.checks.publisher import PublisherRule
from advpub.checks.raw_html import RawHtmlRule
from advpub.checks.recipients import RecipientsRule
from advpub.checks.site_files import SiteSentinelRule
from advpub.model import Violation


def default_rules() -> list[CheckRule]:
    """The rules ``advpub check`` runs, in reporting order."""
    return [
        AdvisoryValidationRule(),
        DraftValidationRule(),
        EmbargoPlaintextRule(),
        SiteSentinelRule(),
        PublisherRule(),
        GateRule(),
        LinkRule(),
        RawHtmlRule(),
        LeakRule(),
        CommittedRule(),
        RecipientsRule(),
        HistoryRule(),
    ]


def run_checks(ctx: CheckContext, rules: list[CheckRule] | None = None) -> list[Violation]:
    """Run every rule and return all violations (no rule stops another).

    A path that names an embargoed term is shown with the term hidden, whichever rule
    reports it: CI logs must not carry the term either.
    """
    found: list[Violation] = []
    for rule in rules if rules is not None else default_rules():
        found.extend(rule.check(ctx))
    return redact_paths(found, ctx.cache.get("leak_terms"), ctx.settings.embargo_dir)


__all__ = ["CheckContext", "CheckRule", "default_rules", "run_checks"]
