"""The per-advisory exports (OSV, CSAF), computed by worker processes while MkDocs renders.

Once the published advisories are known (``on_files``), :func:`start_exports` hands every
export the memo of the incremental build does not hold to the workers, in batches; the
generators run after the pages (``on_post_build``) through :meth:`ExportPrefetch.memo`,
which takes each document from its batch's result instead of computing it. A document the
generators ask for that was not handed out is computed there, as before: the output is the
same bytes either way.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future

from advpub.config import Settings
from advpub.exports.site import advisory_document, advisory_exports_wanted, page_url
from advpub.model import Advisory
from advpub.outputs import Memo, SiteContext
from advpub.site.parallel import Workers

# Advisories per task: a few milliseconds of work each, so the pipe is not the cost.
BATCH = 50

Task = tuple[str, Advisory, str | None]


def _documents(settings: Settings, tasks: list[Task]) -> list[bytes]:
    return [advisory_document(kind, settings, adv, url) for kind, adv, url in tasks]


class ExportPrefetch:
    """The documents handed to the workers, by (kind, advisory id)."""

    def __init__(self, memo: Memo) -> None:
        self._memo = memo
        self._batches: list[tuple[list[Task], Future[list[bytes]]]] = []
        self._ready: dict[tuple[str, str], bytes] = {}
        self._where: dict[tuple[str, str], int] = {}

    def memo(self, kind: str, adv: Advisory, compute: Callable[[], bytes]) -> bytes:
        """The build's memo, computing a missing document from the workers' result."""
        index = self._where.pop((kind, adv.id), None)
        if index is None:
            return self._memo(kind, adv, compute)
        return self._memo(kind, adv, lambda: self._result(index, kind, adv.id))

    def _result(self, index: int, kind: str, ident: str) -> bytes:
        key = (kind, ident)
        if key not in self._ready:
            tasks, future = self._batches[index]
            for (k, a, _url), content in zip(tasks, future.result(), strict=True):
                self._ready[(k, a.id)] = content
        return self._ready.pop(key)


def start_exports(
    ctx: SiteContext, workers: Workers, is_stored: Callable[[str, Advisory], bool]
) -> ExportPrefetch:
    """Hand the exports not in the memo (``is_stored``) to ``workers``; the prefetch whose
    :meth:`~ExportPrefetch.memo` the generators' context uses."""
    prefetch = ExportPrefetch(ctx.memo)
    tasks: list[Task] = []

    def submit() -> None:
        index = len(prefetch._batches)
        for kind, adv, _url in tasks:
            prefetch._where[(kind, adv.id)] = index
        future = workers.submit(_documents, ctx.settings, list(tasks))
        prefetch._batches.append((list(tasks), future))
        tasks.clear()

    for adv in ctx.advisories:
        url = page_url(ctx, adv)
        for kind in advisory_exports_wanted(ctx, adv):
            if not is_stored(kind, adv):
                tasks.append((kind, adv, url))
                if len(tasks) >= BATCH:
                    submit()
    if tasks:
        submit()
    return prefetch
