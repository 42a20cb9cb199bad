#!/usr/bin/env python3
"""What each part of a cold ``advpub build`` costs: the same cold build with parts switched off.

Run inside a corpus made by ``scripts/bench.py --work DIR`` (e.g. ``DIR/corpus-5000``), with
``ADVPUB_IDENTITY_FILE`` set as the benchmark sets it::

    python scripts/bench_parts.py full noexports noscan noexports-nocache-noscan

Each variant runs in its own process after deleting ``site/`` and ``.cache/`` and ``os.sync()``.
Variants: ``full``; names containing ``noexports`` (feeds only, no OSV/CSAF), ``nocache`` (no
page-cache entries written) and ``noscan`` (no identity, so no leak scan). For profiling only:
it patches advpub internals.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path


def run_variant(variant: str) -> None:
    """One cold build with the parts named in ``variant`` switched off (in this process)."""
    shutil.rmtree("site", ignore_errors=True)
    shutil.rmtree(".cache", ignore_errors=True)
    os.sync()
    from advpub.site import pagecache
    from advpub.site.feeds import feed_outputs
    from advpub.site.plugin import AdvpubPlugin

    if "noexports" in variant:
        AdvpubPlugin.generators = (feed_outputs,)
    if "nocache" in variant:
        pagecache.PageCache.put_page_html = lambda self, key, page_html: None  # type: ignore[method-assign]
    if "noscan" in variant:
        os.environ.pop("ADVPUB_IDENTITY_FILE", None)
    from advpub.site.build import build_site

    start = time.perf_counter()
    build_site()
    elapsed = time.perf_counter() - start
    files = sum(len(names) for _, _, names in os.walk("site"))
    print(f"{variant:28s} {elapsed:7.2f} s  {files} files", flush=True)


def main() -> int:
    """Run each variant named on the command line in a fresh process."""
    variants = sys.argv[1:] or ["full", "noexports", "noscan", "noexports-nocache-noscan"]
    if len(variants) == 2 and variants[0] == "--one":
        run_variant(variants[1])
        return 0
    for variant in variants:
        subprocess.run([sys.executable, str(Path(__file__)), "--one", variant], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
