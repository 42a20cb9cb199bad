"""The drafts ``advpub preview`` shows: decrypted in memory, as ``advpub release`` would
publish them (``published`` = the release instant, at ``advisories/<YYYY>/<ID>.md``).

Nothing here writes a file: the site's preview mode (:mod:`advpub.site.preview`) calls
:meth:`DraftPreview.load` for every build, so an edit (``advpub edit`` in another terminal
rewrites the ciphertext) shows on the next reload.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from advpub.config import Settings
from advpub.embargo.drafts import load_draft
from advpub.embargo.identity import Identity
from advpub.embargo.store import EmbargoStore
from advpub.errors import EmbargoError
from advpub.gate import evaluate_published
from advpub.gate.timefmt import ceil_to_second
from advpub.layout import split_stem
from advpub.model import Advisory, parse_advisory
from advpub.pipeline.release import public_path, published_text
from advpub.site.preview import PreviewDrafts


@dataclass(frozen=True)
class DraftPreview:
    """Which drafts to preview (ids; empty: every draft), with whose identities, at which
    instant (the clock, which may look ahead: a preview publishes nothing)."""

    settings: Settings
    store: EmbargoStore
    identities: Sequence[Identity]
    ids: tuple[str, ...]
    now: datetime

    def chosen(self) -> tuple[str, ...]:
        """The ids to show: those asked for (each must exist), else every draft's."""
        if not self.ids:
            found = tuple(self.store.ids())
            if not found:
                raise EmbargoError(
                    f"{self.settings.embargo_dir}/: no drafts to preview; `advpub new` makes one"
                )
            return found
        missing = [i for i in self.ids if not self.store.exists(i)]
        if missing:
            raise EmbargoError(
                "no such draft: "
                + ", ".join(self.store.shown(self.store.draft_path(i)) for i in missing)
                + "; `advpub status` lists the drafts"
            )
        return tuple(dict.fromkeys(self.ids))

    def load(self) -> PreviewDrafts:
        """Decrypt and parse the chosen drafts, each as it would be published; raises (by id
        only) when one cannot be read or is invalid."""
        advisories: list[Advisory] = []
        digests: dict[str, bytes] = {}
        notes: list[str] = []
        problems: list[str] = []
        instants = [self.now]
        options = self.settings.model_options
        not_shared = 0
        for ident in self.chosen():
            if split_stem(ident)[1] is not None:
                # Linked translations are not previewed yet: the primary's page is.
                notes.append(f"{ident}: a linked translation; not shown in the preview")
                continue
            draft = load_draft(self.store, self.store.draft_path(ident), self.identities, options)
            if draft.error is not None and not self.ids:
                # "Every draft" means every draft this identity may read: a case-only
                # recipient previews the cases shared with them, and learns only a count.
                not_shared += 1
                continue
            if draft.error is not None:
                problems.append(f"{draft.shown}: cannot preview: {draft.error}")
                continue
            if draft.advisory is None or draft.plaintext is None:
                count = len(draft.violations)
                problems.append(
                    f"{draft.shown}: cannot preview: the draft is invalid ({count} problem(s)); "
                    f"`advpub edit {ident}` shows them"
                )
                continue
            shown = public_path(draft.advisory, self.settings).relative_to(self.settings.root)
            text = published_text(draft.plaintext, draft.advisory, self.settings, shown.as_posix())
            result = parse_advisory(text, path=shown.as_posix(), options=options, expected_id=ident)
            advisory = result.advisory
            if advisory is None:  # published_text validated it; kept for the type checker
                problems.append(f"{draft.shown}: cannot preview: the public file is invalid")
                continue
            instant = ceil_to_second(draft.advisory.release_date)
            decision = evaluate_published(advisory, instant, self.settings.gate_options)
            for reason in decision.reasons:
                notes.append(f"{ident}: at its release date the gate would hold it: {reason}")
            advisories.append(advisory)
            digests[ident] = hashlib.sha256(text.encode("utf-8")).digest()
            instants.append(instant)
        if not_shared:
            plural = "" if not_shared == 1 else "s"
            notes.append(f"{not_shared} draft{plural} not shared with you (not shown)")
        if not advisories and not problems:
            problems.append(
                f"{self.settings.embargo_dir}/: no draft you can read to preview; ask a "
                "coordinator to share one with you (`advpub share ID NAME`)"
            )
        if problems:
            raise EmbargoError("\n".join(problems))
        return PreviewDrafts(tuple(advisories), max(instants), digests, tuple(notes))
