"""The drafts ``advpub preview`` shows: decrypted in memory, as ``advpub release`` would
publish them (``published`` = the release instant, at ``advisories/<YYYY>/<ID>.md``).

Linked translation drafts (``<ID>.<lang>``) are shown with their primary, as release
publishes them together: previewing a primary draft shows its translation drafts, and
previewing a translation draft shows its primary draft too (or joins the released
advisory, as release would: ``published`` then is when it appears).

Nothing here writes a file: the site's preview mode (:mod:`advpub.site.preview`) calls
:meth:`DraftPreview.load` for every build, so an edit (``advpub edit`` in another terminal
rewrites the ciphertext) shows on the next reload.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from advpub.config import Settings
from advpub.corpus import advisory_files, display_path
from advpub.embargo.drafts import load_draft
from advpub.embargo.identity import Identity
from advpub.embargo.store import EmbargoStore
from advpub.errors import EmbargoError
from advpub.gate import evaluate_published
from advpub.gate.timefmt import ceil_to_second
from advpub.layout import split_stem
from advpub.model import Advisory, localized, parse_advisory, parse_translation
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

    def shown_with(self, chosen: Sequence[str]) -> tuple[str, ...]:
        """``chosen`` with the drafts previewed beside them, as release publishes them
        together: a primary draft's translation drafts, a translation draft's primary draft."""
        every = self.store.ids()
        extra: list[str] = []
        for ident in chosen:
            primary_id, lang = split_stem(ident)
            if lang is None:
                extra.extend(i for i in every if i != ident and split_stem(i)[0] == ident)
            elif primary_id in every:
                extra.append(primary_id)
        return tuple(dict.fromkeys([*chosen, *extra]))

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
        shown_ids = self.shown_with(self.chosen())
        # Translations after every primary: each is shown with its primary's previewed facts.
        primaries = [i for i in shown_ids if split_stem(i)[1] is None]
        translations = [i for i in shown_ids if split_stem(i)[1] is not None]
        linked: dict[str, tuple[Advisory, Advisory]] = {}
        unreadable: set[str] = set()
        for ident in primaries:
            draft = load_draft(self.store, self.store.draft_path(ident), self.identities, options)
            if draft.error is not None and ident not in self.ids:
                # "Every draft" means every draft this identity may read: a case-only
                # recipient previews the cases shared with them, and learns only a count.
                not_shared += 1
                unreadable.add(ident)
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
            linked[ident] = (draft.advisory, advisory)
        views: list[Advisory] = []
        for ident in translations:
            outcome = self._translation(ident, linked, unreadable, digests)
            if isinstance(outcome, _NotShared):
                not_shared += 1
            elif isinstance(outcome, str):
                problems.append(outcome)
            elif outcome is not None:
                views.append(outcome)
                instants.append(outcome.published_at)
        if not_shared:
            plural = "" if not_shared == 1 else "s"
            notes.append(f"{not_shared} draft{plural} not shared with you (not shown)")
        if not advisories and not views and not problems:
            problems.append(
                f"{self.settings.embargo_dir}/: no draft you can read to preview; ask a "
                "coordinator to share one with you (`advpub share ID NAME`)"
            )
        if problems:
            raise EmbargoError("\n".join(problems))
        return PreviewDrafts(tuple(advisories), max(instants), digests, tuple(notes), tuple(views))

    def _translation(
        self,
        ident: str,
        linked: Mapping[str, tuple[Advisory, Advisory]],
        unreadable: set[str],
        digests: dict[str, bytes],
    ) -> Advisory | str | _NotShared | None:
        """The translation draft ``ident`` as release would publish it beside its primary
        (a previewed draft, else the released advisory): its view, a problem, not shared,
        or None when its primary draft's own problem is reported already. Its digest goes
        into ``digests`` under its page key."""
        options = self.settings.model_options
        primary_id, lang = split_stem(ident)
        assert lang is not None  # only translation drafts come here
        draft = load_draft(self.store, self.store.draft_path(ident), self.identities, options)
        asked = ident in self.ids
        if draft.error is not None or draft.plaintext is None:
            if not asked:
                return _NotShared()
            return f"{draft.shown}: cannot preview: {draft.error}"
        instant: datetime | None = None
        if primary_id in linked:
            source, primary = linked[primary_id]
            primary_digest = digests[primary_id]
        elif primary_id in unreadable:
            if not asked:
                return _NotShared()
            shown = self.store.shown(self.store.draft_path(primary_id))
            return (
                f"{draft.shown}: cannot preview: its primary draft {shown} cannot be decrypted "
                "with your identity; a translation is shown with its primary"
            )
        elif self.store.exists(primary_id):
            return None  # the primary draft is invalid or unreadable: reported already
        else:
            released = self._released(primary_id)
            if released is None:
                return (
                    f"{draft.shown}: cannot preview: translates {primary_id}, but there is no "
                    f"draft or released advisory {primary_id}; add the primary advisory or "
                    "remove the translation"
                )
            source, primary_digest = released
            primary = source
            # Released after its primary: published when it appears (as `advpub release`).
            instant = max(ceil_to_second(self.now), ceil_to_second(source.release_date))
        translation, problems = parse_translation(
            draft.plaintext, path=draft.shown, options=options, primary=source, expected_lang=lang
        )
        if translation is None:
            return (
                f"{draft.shown}: cannot preview: the draft is invalid ({len(problems)} "
                f"problem(s)); `advpub edit {ident}` shows them"
            )
        beside = (
            self.settings.root / primary.path
            if primary.path
            else public_path(primary, self.settings)
        )
        shown = beside.with_name(f"{ident}.md").relative_to(self.settings.root).as_posix()
        view = localized(source, translation)
        text = published_text(draft.plaintext, view, self.settings, shown, source, instant)
        public, _ = parse_translation(
            text, path=shown, options=options, primary=source, expected_lang=lang
        )
        if public is None:  # published_text validated it; kept for the type checker
            return f"{draft.shown}: cannot preview: the public file is invalid"
        # The page shows the primary's facts too: a change to either changes its key.
        digests[ident] = hashlib.sha256(primary_digest + text.encode("utf-8")).digest()
        return localized(primary, public)

    def _released(self, ident: str) -> tuple[Advisory, bytes] | None:
        """The released advisory ``ident`` and the SHA-256 of its file, when valid."""
        for path in advisory_files(self.settings):
            if path.stem != ident:
                continue
            data = path.read_bytes()
            shown = display_path(self.settings, path)
            result = parse_advisory(
                data, path=shown, options=self.settings.model_options, expected_id=ident
            )
            if result.advisory is not None:
                return result.advisory, hashlib.sha256(data).digest()
        return None


class _NotShared:
    """A draft this identity cannot decrypt (only counted)."""
