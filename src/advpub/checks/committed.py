"""Rule: what git publishes besides the text of public files.

* private keys in any file, under the embargo folder too (no identity needed);
* the plaintext notes allowed under the embargo folder (README.md, recipients.txt comments):
  committed in clear, so they are scanned for embargoed terms like public files;
* file paths, and the names and messages of local branches and tags: pushed with the
  content, so they are matched against the embargoed terms too.
"""

from __future__ import annotations

from collections.abc import Iterable

from advpub.checks.base import CheckContext
from advpub.checks.embargo_files import is_allowed_plain, is_under
from advpub.checks.leaks import check_terms, leak_violations
from advpub.checks.names import path_violations, redact_name, ref_fix, ref_violations
from advpub.checks.secrets import private_key_violations
from advpub.config import Settings
from advpub.embargo.store import is_age_ciphertext
from advpub.errors import GitError
from advpub.git.refs import annotated_tags, local_refs
from advpub.git.staged import tracked_files
from advpub.leaks import LeakTerms
from advpub.model import Violation

RULE = "committed"
RETAG = "delete the tag with `git tag -d` and tag again"


def committed_files(settings: Settings) -> list[str]:
    """Every file git would commit (tracked, or untracked and not ignored), embargo folder
    included; outside a git repository every file under the root."""
    try:
        return tracked_files(settings.root)
    except GitError:
        return [
            p.relative_to(settings.root).as_posix()
            for p in sorted(settings.root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(settings.root).parts
        ]


def _file_violations(name: str, settings: Settings, terms: LeakTerms | None) -> list[Violation]:
    found = path_violations(name, terms, settings.embargo_dir)
    file = settings.root / name
    if file.is_symlink() or not file.is_file():
        return found
    try:
        data = file.read_bytes()
    except OSError:
        return found
    if is_age_ciphertext(data):
        return found
    found.extend(private_key_violations(name, data))
    # Public files are scanned by LeakRule; the notes under the embargo folder are
    # committed in clear too.
    if (
        terms
        and is_under(name, settings.embargo_dir)
        and is_allowed_plain(name, settings.embargo_dir)
    ):
        found.extend(leak_violations(name, data, terms))
    return found


def ref_name_violations(settings: Settings, terms: LeakTerms | None) -> list[Violation]:
    """Local branch and tag names, and annotated tag names and messages, that mention an
    embargoed term or hold a private key: ``git push --all/--tags`` would publish them."""
    try:
        refs = local_refs(settings.root)
    except GitError:
        return []
    found: list[Violation] = []
    for ref in refs:
        found.extend(ref_violations(ref.name, terms, ref_fix(ref.name)))
    for tag in annotated_tags(settings.root, refs):
        shown = f"refs/tags/{tag.name}"
        if shown not in {r.name for r in refs}:
            found.extend(ref_violations(shown, terms, ref_fix(shown)))
        where = f"tag {redact_name(tag.name, terms)} message"
        data = tag.message.encode("utf-8")
        hits = leak_violations(where, data, terms) if terms else []
        hits += private_key_violations(where, data)
        found.extend(
            Violation(
                v.path,
                v.line,
                "message",
                v.rule,
                f"{v.message} ({RETAG})",
            )
            for v in hits
        )
    return found


class CommittedRule:
    """``advpub check``: private keys anywhere, leaks in embargo notes, paths and refs."""

    name = RULE

    def check(self, ctx: CheckContext) -> Iterable[Violation]:
        """Yield every problem; private keys are found even without an identity."""
        terms = check_terms(ctx)
        found: list[Violation] = []
        for name in committed_files(ctx.settings):
            found.extend(_file_violations(name, ctx.settings, terms))
        found.extend(ref_name_violations(ctx.settings, terms))
        return found
