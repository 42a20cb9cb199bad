#!/usr/bin/env python3
"""Benchmark advpub against the bare cost of the tools it stands on.

Generates realistic corpora (N advisories with tables, code blocks, several products,
CVSS 3.1 and 4.0, some Japanese; M encrypted drafts) and measures, in one run:

- baseline: the same Markdown pages through MkDocs + Material + search, explicit short nav,
  no advpub plugin (the renderer's floor);
- advpub: `advpub build` (pages, listings, feeds, exports, leak scan);
- a rebuild after one advisory changed;
- `advpub status` over the drafts, and the pre-commit hook with one staged file.

Prints a table of wall time, peak memory (max RSS of the measured process), output size and
search-index size, plus the time to the first search result in headless Chromium (Debian's
``chromium`` through Playwright) for both sites. Usage: ``python scripts/bench.py --quick``
(N=200) or ``python scripts/bench.py`` (N = 1,000, 5,000, 10,000; ``--sizes`` to choose).
Run it under ``nice`` on a shared machine. ``--json FILE`` also writes the raw numbers.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SRC = Path(__file__).resolve().parents[1] / "src"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Written into a finished corpus; a corpus of another version is generated again (2: drafts
# titled unlike the published advisories).
CORPUS_VERSION = "2"
PRODUCTS = [
    ("Kumo Networks", "Kumo Gateway"),
    ("Tern Software", "Tern Print Server"),
    ("OpenLantern project", "OpenLantern"),
    ("株式会社サンプルソフト", "さくらビューア"),
    ("Birch", "Birch CMS"),
    ("Example Corp", "Example Router"),
    ("Acme", "Acme Camera"),
    ("Globex", "Globex ERP"),
]
CWES = ["CWE-79", "CWE-89", "CWE-22", "CWE-78", "CWE-287", "CWE-122", "CWE-190", "CWE-352"]
V31 = [
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N",
    "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:H/A:L",
    "CVSS:3.1/AV:A/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N",
]
V40 = [
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N",
]


def advisory(
    index: int, rng: random.Random, released: datetime, draft: bool = False
) -> tuple[str, str]:
    """One realistic advisory: (id, text).

    A ``draft`` gets a title of its own wording: the leak guard treats a draft's title and
    its distinctive phrases as embargoed, so a draft titled like the published advisories
    would (rightly) make the pre-commit hook refuse every one of them. The random choices
    are the same either way, so published advisories do not change.
    """
    year = released.year
    ident = f"ADV-{year}-{index:05d}"
    japanese = index % 5 == 0
    products = rng.sample(PRODUCTS, k=rng.randint(1, 3))
    cve = [f"CVE-{year}-{10000 + index * 2 + k}" for k in range(rng.randint(0, 2))]
    vectors = [rng.choice(V31)] + ([rng.choice(V40)] if index % 2 else [])
    if japanese:
        title = f"{products[0][1]} におけるクロスサイトスクリプティングの脆弱性 ({index})"
        summary = f"{products[0][1]} には、細工されたリクエストを処理する際の脆弱性があります。"
        body = textwrap.dedent(
            f"""\
            ## 概要

            {products[0][0]} が提供する {products[0][1]} には脆弱性が存在します。

            ## 影響を受けるシステム

            | 製品 | 影響を受けるバージョン | 修正版 |
            |---|---|---|
            """
        )
    else:
        title = f"{products[0][1]}: input validation flaw in the admin API ({index})"
        summary = (
            f"A remote attacker can send crafted requests to {products[0][1]} and change "
            "settings. Update to the fixed version."
        )
        body = textwrap.dedent(
            f"""\
            ## Overview

            {products[0][1]} does not validate a parameter of its administration API.

            ## Affected products

            | Product | Affected | Fixed |
            |---|---|---|
            """
        )
    # A draft: wording no published title has (see above).
    if draft and japanese:
        title = f"{products[0][1]} のファームウェア更新機能におけるヒープオーバーフロー ({index})"
    elif draft:
        title = f"Heap overflow in the {products[0][1]} firmware updater ({index})"
    affected = []
    for vendor, product in products:
        fixed = f"{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(1, 9)}"
        body += f"| {product} | < {fixed} | {fixed} |\n"
        affected.append(
            f'  - vendor: "{vendor}"\n    product: "{product}"\n'
            f'    versions: "< {fixed}"\n    fixed: "{fixed}"\n'
        )
    body += textwrap.dedent(
        """
        ## Solution

        ```sh
        curl -fsSL https://vendor.example/update.sh | sh -s -- --verify
        systemctl restart service
        ```

        ## Impact

        Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor
        incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud
        exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.
        """
    )
    stamp = released.isoformat()
    text = (
        "---\n"
        f"id: {ident}\n"
        f'title: "{title}"\n'
        f'summary: "{summary}"\n'
        f"release_date: {stamp}\n"
        f"published: {stamp}\n"
        "fix:\n  verified: true\n  verified_by: Bench PSIRT\n"
        + (f"cve: [{', '.join(cve)}]\n" if cve else "")
        + f"cwe: [{rng.choice(CWES)}]\n"
        + "cvss:\n"
        + "".join(f"  - vector: {v}\n" for v in vectors)
        + "affected:\n"
        + "".join(affected)
        + "references:\n  - url: https://vendor.example/security\n    type: advisory\n"
        + ("lang: ja\n" if japanese else "")
        + "---\n"
        + body
    )
    return ident, text


def generate_corpus(root: Path, count: int, drafts: int, seed: int = 1) -> None:
    """Write a committed advisory repository with ``count`` advisories and ``drafts`` drafts.

    The identity is written beside the repository (``<root>-identity.txt``).
    """
    sys.path.insert(0, str(SRC))
    from advpub.embargo.identity import generate_identity
    from advpub.embargo.recipients import parse_recipients
    from advpub.embargo.store import EmbargoStore
    from advpub.scaffold import ScaffoldOptions, scaffold_files, write_scaffold_file

    rng = random.Random(seed)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    for rel, content in scaffold_files(
        ScaffoldOptions(
            timezone="Asia/Tokyo",
            site_url="https://bench.example/",
            language="ja",
            publisher_name="Bench Coordination Center",
            publisher_namespace="https://bench.example",
            publisher_contact="psirt@bench.example",
        )
    ).items():
        # Text or bytes (the sentinel page): the scaffold's own writer handles both.
        write_scaffold_file(root / rel, content)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    for index in range(1, count + 1):
        released = start + timedelta(hours=index * 5)
        ident, text = advisory(index, rng, released)
        target = root / "advisories" / str(released.year) / f"{ident}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    secret, public = generate_identity()
    key = identity_file(root)
    key.write_text(secret + "\n", encoding="utf-8")
    key.chmod(0o600)
    (root / "embargo" / "recipients.txt").write_text(f"{public} bench\n", encoding="utf-8")
    store = EmbargoStore(root / "embargo", root)
    recipients = parse_recipients(public, "bench")
    for index in range(1, drafts + 1):
        # Ids ADV-2099-900001...: release in 2099, so every draft stays held.
        ident, text = advisory(900000 + index, rng, datetime(2099, 1, 1, tzinfo=UTC), draft=True)
        store.write(ident, text, recipients)
    git = ["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@example.org"]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "--no-verify", "-m", "corpus"], check=True)
    (root / ".bench-complete").write_text(f"{CORPUS_VERSION}\n", encoding="utf-8")


def identity_file(root: Path) -> Path:
    """Where :func:`generate_corpus` keeps the corpus' age identity."""
    return root.parent / f"{root.name}-identity.txt"


def ensure_corpus(root: Path, count: int, drafts: int) -> None:
    """Generate the corpus unless a complete one is already there (``--work`` reuse)."""
    done = root / ".bench-complete"
    if done.is_file() and done.read_text(encoding="utf-8").strip() == CORPUS_VERSION:
        return
    shutil.rmtree(root, ignore_errors=True)
    generate_corpus(root, count, drafts)


def baseline_project(corpus: Path, target: Path) -> None:
    """The same Markdown pages under MkDocs + Material + search, explicit nav, no advpub."""
    docs = target / "docs"
    if docs.exists():
        shutil.rmtree(target)
    # Not advpub's sentinel page (undecodable on purpose, so plain MkDocs cannot build it).
    shutil.copytree(corpus / "advisories", docs, ignore=shutil.ignore_patterns("_advpub-*"))
    (docs / "index.md").write_text("# Advisories\n", encoding="utf-8")
    (target / "mkdocs.yml").write_text(
        "site_name: baseline\nsite_url: https://bench.example/\ndocs_dir: docs\n"
        "theme:\n  name: material\n  language: ja\n  font: false\n"
        "plugins:\n  - search:\n      lang: ja\nnav:\n  - Home: index.md\n",
        encoding="utf-8",
    )


@dataclass
class Measurement:
    """One timed command (sizes in MB; ``count`` is the corpus size it belongs to)."""

    label: str
    count: int
    seconds: float
    peak_mb: float
    output_mb: float = 0.0
    index_mb: float = 0.0
    note: str = ""
    # CPU seconds of the process and the workers it waited for (wait4's rusage): user time
    # against system time says whether a step is CPU-bound or waits on the file system.
    user_s: float = 0.0
    sys_s: float = 0.0


def timed(
    label: str, count: int, cmd: list[str], cwd: Path, env: dict[str, str] | None = None
) -> Measurement:
    """Run ``cmd`` and measure wall time and the child's peak RSS (ru_maxrss).

    Every measurement starts with no dirty data pending: on a small VM the writeback of the
    files a previous step wrote otherwise lands on whatever runs next.
    """
    os.sync()
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    # Read stderr while waiting: a full pipe would block the child.
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{label} failed:\n{err.decode(errors='replace')[-3000:]}")
    return Measurement(
        label, count, elapsed, usage.ru_maxrss / 1024, user_s=usage.ru_utime, sys_s=usage.ru_stime
    )


def folder_mb(folder: Path) -> float:
    """Total size of the files under ``folder`` in MB."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def search_index_mb(site: Path) -> float:
    """Size of the search index the browser downloads."""
    return sum(p.stat().st_size for p in site.glob("search/*.json")) / 1e6


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 in a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def first_search_result(site: Path, query: str) -> tuple[float, str]:
    """Seconds from opening the home page to the first search result for ``query`` (a fresh
    browser profile, so nothing is cached), and the first result's path."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit(
            "chromium is not installed (apt-get install chromium), or use --no-browser"
        )
    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            start = time.perf_counter()
            page.goto(base)
            box = page.locator("input.md-search__input")
            box.click()
            box.fill(query)
            box.press("End")
            page.wait_for_selector(
                ".md-search-result__item", timeout=int(os.environ.get("BENCH_TIMEOUT_MS", "120000"))
            )
            elapsed = time.perf_counter() - start
            first = page.eval_on_selector(
                "li.md-search-result__item > a.md-search-result__link",
                "e => new URL(e.href).pathname",
            )
        finally:
            browser.close()
    return elapsed, str(first).strip("/")


def _edit_one(corpus: Path) -> Path:
    """Change one sentence of one advisory (the newest, which also changes the feeds)."""
    changed = max((corpus / "advisories").rglob("ADV-*.md"))
    text = changed.read_text(encoding="utf-8")
    stamp = f"Edited at {time.time_ns()}."
    changed.write_text(text.replace("## Solution", f"{stamp}\n\n## Solution", 1), "utf-8")
    return changed


def bench_size(
    count: int, drafts: int, work: Path, browser: bool, search_repeat: int = 1
) -> list[Measurement]:
    """All measurements for one corpus size."""
    venv_bin = Path(sys.executable).parent
    corpus = work / f"corpus-{count}"
    ensure_corpus(corpus, count, drafts)
    env = {"ADVPUB_IDENTITY_FILE": str(identity_file(corpus))}
    results = []
    base = work / f"baseline-{count}"
    baseline_project(corpus, base)
    m = timed(
        "baseline (MkDocs+Material+search)", count, [str(venv_bin / "mkdocs"), "build", "-q"], base
    )
    m.output_mb, m.index_mb = folder_mb(base / "site"), search_index_mb(base / "site")
    results.append(m)
    report(m, None)
    baseline = m
    cmd = [str(venv_bin / "advpub"), "build"]
    shutil.rmtree(corpus / "site", ignore_errors=True)
    shutil.rmtree(corpus / ".cache", ignore_errors=True)
    m = timed("advpub build (cold, no cache)", count, cmd, corpus, env)
    m.output_mb, m.index_mb = folder_mb(corpus / "site"), search_index_mb(corpus / "site")
    results.append(m)
    report(m, baseline)
    cold = m
    shutil.rmtree(corpus / "site", ignore_errors=True)
    shutil.rmtree(corpus / ".cache", ignore_errors=True)
    m = timed(
        "advpub build (cold, ADVPUB_WORKERS=1)", count, cmd, corpus, {**env, "ADVPUB_WORKERS": "1"}
    )
    results.append(m)
    report(m, baseline)
    m = timed("advpub rebuild (nothing changed)", count, cmd, corpus, env)
    results.append(m)
    report(m, cold)
    _edit_one(corpus)
    m = timed("advpub rebuild (1 advisory changed)", count, cmd, corpus, env)
    results.append(m)
    report(m, cold)
    # As a CI job that restores .cache/ but starts without site/: every file is written.
    m = timed("advpub build --clean (cache warm)", count, [*cmd, "--clean"], corpus, env)
    results.append(m)
    report(m, cold)
    if browser:
        results.extend(bench_search(count, work, search_repeat))
    results.extend(bench_hook(count, drafts, work))
    return results


def bench_search_only(count: int, drafts: int, work: Path, repeat: int) -> list[Measurement]:
    """The search rows alone (``--search-only``): each site is built once if ``--work`` has
    none yet, then only the first-result times and index sizes are measured."""
    venv_bin = Path(sys.executable).parent
    corpus = work / f"corpus-{count}"
    ensure_corpus(corpus, count, drafts)
    base = work / f"baseline-{count}"
    if not (base / "site" / "index.html").is_file():
        baseline_project(corpus, base)
        timed("baseline", count, [str(venv_bin / "mkdocs"), "build", "-q"], base)
    if not (corpus / "site" / "index.html").is_file():
        env = {"ADVPUB_IDENTITY_FILE": str(identity_file(corpus))}
        timed("advpub build", count, [str(venv_bin / "advpub"), "build"], corpus, env)
    return bench_search(count, work, repeat)


def bench_search(count: int, work: Path, repeat: int = 1) -> list[Measurement]:
    """Page load to the first search result, baseline and advpub (median of ``repeat``)."""
    corpus, base = work / f"corpus-{count}", work / f"baseline-{count}"
    # Both sites answer a title word; only advpub indexes ids (front matter), so the id
    # query runs on advpub alone and also checks that the exact id ranks first.
    newest = max((corpus / "advisories").rglob("ADV-*.md")).stem
    queries = [
        ("baseline", base / "site", "validation"),
        ("advpub", corpus / "site", "validation"),
        ("advpub", corpus / "site", newest),
    ]
    results = []
    for label, site, query in queries:
        runs = [first_search_result(site, query) for _ in range(max(1, repeat))]
        seconds = sorted(s for s, _ in runs)[len(runs) // 2]
        m = Measurement(f"first search result, {label}", count, seconds, 0.0)
        m.index_mb = search_index_mb(site)
        spread = (
            f", median of {len(runs)}: {min(runs)[0]:.2f}-{max(runs)[0]:.2f}" if repeat > 1 else ""
        )
        m.note = f"query {query!r}: first hit {runs[0][1]}{spread}"
        results.append(m)
        report(m, None)
    return results


def bench_hook(count: int, drafts: int, work: Path) -> list[Measurement]:
    """The pre-commit hook with one staged advisory (all drafts decrypted once, in memory)."""
    venv_bin = Path(sys.executable).parent
    corpus = work / f"corpus-{count}"
    env = {"ADVPUB_IDENTITY_FILE": str(identity_file(corpus))}
    staged = _edit_one(corpus)
    subprocess.run(["git", "-C", str(corpus), "add", str(staged)], check=True)
    try:
        m = timed(
            f"pre-commit hook, 1 staged file, {drafts} drafts",
            count,
            [str(venv_bin / "advpub"), "hooks", "run", "pre-commit"],
            corpus,
            env,
        )
    finally:
        subprocess.run(["git", "-C", str(corpus), "reset", "-q"], check=True)
        subprocess.run(["git", "-C", str(corpus), "checkout", "-q", "HEAD", "--", "."], check=True)
    report(m, None)
    return [m]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Server:
    """``advpub serve`` or ``advpub preview`` as a child process; stderr read line by line."""

    def __init__(self, cmd: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)

    def wait_for(self, text: str, timeout: float = 900) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines:
                if text in line:
                    return line
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise SystemExit(f"no {text!r} from {self.proc.args}:\n{''.join(self.lines)[-3000:]}")

    def stop(self) -> None:
        import signal

        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _wait_for_page(url: str, needle: str, timeout: float = 600) -> float:
    """Poll ``url`` until it contains ``needle``; the moment it did."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (127.0.0.1)
                if needle.encode() in response.read():
                    return time.perf_counter()
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.02)
    raise SystemExit(f"{url} never showed {needle!r}")


def bench_live(count: int, work: Path) -> list[Measurement]:
    """``advpub serve`` and ``advpub preview``: first page, and the edited page served again
    after one advisory (one draft) changed."""
    venv_bin = Path(sys.executable).parent
    corpus = work / f"corpus-{count}"
    env = {"ADVPUB_IDENTITY_FILE": str(identity_file(corpus))}
    results = []
    port = _free_port()
    server = _Server([str(venv_bin / "advpub"), "serve", "-a", f"127.0.0.1:{port}"], corpus, env)
    try:
        server.wait_for("serving on")
        newest = max((corpus / "advisories").rglob("ADV-*.md"))
        url = f"http://127.0.0.1:{port}/{newest.parent.name}/{newest.stem}/"
        _wait_for_page(url, newest.stem)
        m = Measurement("advpub serve: first page", count, time.perf_counter() - server.started, 0)
        results.append(m)
        report(m, None)
        for attempt in range(2):
            stamp = f"Edited at {time.time_ns()}."
            text = newest.read_text(encoding="utf-8")
            edited = time.perf_counter()
            newest.write_text(text.replace("## Solution", f"{stamp}\n\n## Solution", 1), "utf-8")
            seconds = _wait_for_page(url, stamp) - edited
            m = Measurement(
                f"advpub serve: reload after 1 edit (#{attempt + 1})", count, seconds, 0
            )
            results.append(m)
            report(m, None)
    finally:
        server.stop()
        subprocess.run(["git", "-C", str(corpus), "checkout", "-q", "HEAD", "--", "."], check=True)
    sys.path.insert(0, str(SRC))
    from advpub.embargo.identity import parse_identities
    from advpub.embargo.recipients import parse_recipients
    from advpub.embargo.store import EmbargoStore

    store = EmbargoStore(corpus / "embargo", corpus)
    draft = sorted(store.ids())[0]
    identity = identity_file(corpus).read_text(encoding="utf-8")
    path = store.draft_path(draft)
    plaintext = store.decrypt(path, path.read_bytes(), parse_identities(identity, "bench"))
    recipients = parse_recipients(
        (corpus / "embargo" / "recipients.txt").read_text(encoding="utf-8"), "recipients"
    )
    port = _free_port()
    cmd = [str(venv_bin / "advpub"), "preview", draft, "-a", f"127.0.0.1:{port}"]
    server = _Server(cmd, corpus, env)
    try:
        line = server.wait_for("EMBARGOED PREVIEW at")
        url = line.split(" at ", 1)[1].split(" ", 1)[0]
        _wait_for_page(url, draft)
        m = Measurement(
            "advpub preview: first page", count, time.perf_counter() - server.started, 0
        )
        results.append(m)
        report(m, None)
        for attempt in range(2):
            stamp = f"Edited at {time.time_ns()}."
            edited = time.perf_counter()
            store.write(
                draft, plaintext.replace("## Solution", f"{stamp}\n\n## Solution", 1), recipients
            )
            seconds = _wait_for_page(url, stamp) - edited
            m = Measurement(
                f"advpub preview: reload after 1 edit (#{attempt + 1})", count, seconds, 0
            )
            results.append(m)
            report(m, None)
    finally:
        server.stop()
        subprocess.run(["git", "-C", str(corpus), "checkout", "-q", "HEAD", "--", "."], check=True)
    # The same first page without the user's caches (the parse cache the last advpub command
    # left, compiled templates): a fresh clone or a user cache folder the preview cannot use.
    with tempfile.TemporaryDirectory(prefix="advpub-bench-nocache-") as empty:
        server = _Server(cmd, corpus, {**env, "XDG_CACHE_HOME": empty})
        try:
            line = server.wait_for("EMBARGOED PREVIEW at")
            _wait_for_page(line.split(" at ", 1)[1].split(" ", 1)[0], draft)
            m = Measurement(
                "advpub preview: first page, no user caches",
                count,
                time.perf_counter() - server.started,
                0,
            )
            results.append(m)
            report(m, None)
        finally:
            server.stop()
    return results


def bench_latency(count: int, work: Path, lead: float = 60.0) -> list[Measurement]:
    """``advpub publish --push --until`` with one draft due ``lead`` seconds ahead: seconds
    from the instant to the push reaching a bare origin, and to the end of a deploy command
    that copies the site."""
    venv_bin = Path(sys.executable).parent
    corpus = work / f"corpus-{count}"
    place = work / f"latency-{count}-{time.time_ns()}"
    origin, ci = place / "origin.git", place / "ci"
    place.mkdir()
    subprocess.run(["git", "clone", "-q", "--bare", str(corpus), str(origin)], check=True)
    arrivals = place / "arrivals.txt"
    hook = origin / "hooks" / "pre-receive"
    hook.write_text(
        f"#!{sys.executable}\nimport sys, time\n"
        f"open({str(arrivals)!r}, 'a').write(repr(time.time()) + '\\n')\n",
        encoding="utf-8",
    )
    hook.chmod(0o755)
    subprocess.run(["git", "clone", "-q", str(origin), str(ci)], check=True)
    sys.path.insert(0, str(SRC))
    from advpub.embargo.recipients import parse_recipients
    from advpub.embargo.store import EmbargoStore

    instant = (datetime.now(UTC) + timedelta(seconds=lead)).replace(microsecond=0)
    ident, text = advisory(990001, random.Random(7), instant)
    ident = f"ADV-{instant.year}-990001"
    recipients = parse_recipients(
        (ci / "embargo" / "recipients.txt").read_text(encoding="utf-8"), "recipients"
    )
    EmbargoStore(ci / "embargo", ci).write(ident, text, recipients)
    git = ["git", "-C", str(ci), "-c", "user.name=bench", "-c", "user.email=bench@example.org"]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "--no-verify", "-m", "draft"], check=True)
    subprocess.run([*git, "push", "-q", "origin", "HEAD"], check=True)
    arrivals.unlink(missing_ok=True)
    deployed, log = place / "deployed", place / "deploys.txt"
    command = (
        f'rm -rf {deployed} && cp -r "$ADVPUB_SITE_DIR" {deployed} && '
        f'{sys.executable} -c "import time; print(repr(time.time()))" >> {log}'
    )
    env = {
        **os.environ,
        "ADVPUB_IDENTITY_FILE": str(identity_file(corpus)),
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.org",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.org",
    }
    done = subprocess.run(
        [
            str(venv_bin / "advpub"),
            "publish",
            "--push",
            "--until",
            "5m",
            "--deploy-command",
            command,
        ],
        cwd=ci,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not log.exists() or not arrivals.exists():
        raise SystemExit(f"publish --until failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    pushed = float(arrivals.read_text().split()[-1]) - instant.timestamp()
    deploy = float(log.read_text().split()[-1]) - instant.timestamp()
    results = [
        Measurement("publish --until: instant -> push at origin", count, pushed, 0),
        Measurement("publish --until: instant -> deploy done", count, deploy, 0),
    ]
    for m in results:
        report(m, None)
    shutil.rmtree(place, ignore_errors=True)
    return results


def profile_build(count: int, work: Path, top: int = 30) -> None:
    """A cold ``advpub build`` in one process under cProfile (workers off, so the profile
    holds every function), printed by cumulative and by own time."""
    corpus = work / f"corpus-{count}"
    shutil.rmtree(corpus / "site", ignore_errors=True)
    shutil.rmtree(corpus / ".cache", ignore_errors=True)
    out = work / f"profile-{count}.pstats"
    script = (
        "import cProfile, sys; from advpub.cli.main import main; "
        f"cProfile.run('main([\"build\"])', {str(out)!r})"
    )
    env = {"ADVPUB_IDENTITY_FILE": str(identity_file(corpus)), "ADVPUB_WORKERS": "1"}
    m = timed(
        "advpub build under cProfile, 1 process", count, [sys.executable, "-c", script], corpus, env
    )
    report(m, None)
    import pstats

    stats = pstats.Stats(str(out))
    for order in ("cumulative", "tottime"):
        print(f"# cProfile, cold build at {count}, top {top} by {order}")
        stats.sort_stats(order).print_stats(top)


def bench_status(drafts: int, work: Path) -> Measurement:
    """``advpub status`` over ``drafts`` drafts (a repository with 10 advisories)."""
    venv_bin = Path(sys.executable).parent
    corpus = work / f"status-{drafts}"
    ensure_corpus(corpus, 10, drafts)
    env = {"ADVPUB_IDENTITY_FILE": str(identity_file(corpus))}
    m = timed(
        f"advpub status, {drafts} drafts", 0, [str(venv_bin / "advpub"), "status"], corpus, env
    )
    report(m, None)
    return m


def report(m: Measurement, reference: Measurement | None) -> None:
    """Print one row of the table (ratio against ``reference`` when given)."""
    ratio = f"{m.seconds / reference.seconds:5.2f}x" if reference else ""
    per = f"{1000 * m.seconds / m.count:6.2f}" if m.count and "build" in m.label else ""
    m.note = m.note or (f"{ratio} of {reference.label}" if reference else "")
    cpu = f"{m.user_s:6.2f} {m.sys_s:5.2f}" if m.user_s or m.sys_s else " " * 12
    print(
        f"{m.count or '':>6} {m.label:44} {m.seconds:8.2f} {per:>7} {cpu} {m.peak_mb:8.0f} "
        f"{m.output_mb:8.1f} {m.index_mb:9.2f}  {m.note}",
        flush=True,
    )


def main() -> int:
    """Parse options, run the benchmark, print the table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one small corpus (N=200)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000, 10000])
    parser.add_argument("--drafts", type=int, default=200, help="drafts in each corpus")
    parser.add_argument(
        "--status-drafts", type=int, default=1000, help="drafts for the `advpub status` run"
    )
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium search timing")
    parser.add_argument(
        "--search-only",
        action="store_true",
        help="only the search rows (sites built once if --work has none)",
    )
    parser.add_argument(
        "--search-repeat", type=int, default=1, help="median of this many first-result runs"
    )
    parser.add_argument("--work", type=Path, help="reuse/keep corpora in this folder")
    parser.add_argument("--json", type=Path, help="also write the measurements as JSON")
    parser.add_argument(
        "--live-size",
        type=int,
        default=5000,
        help="N for the serve/preview reload timing (0: skip)",
    )
    parser.add_argument(
        "--latency-size", type=int, default=1000, help="N for the publication latency (0: skip)"
    )
    parser.add_argument("--profile", type=int, default=0, help="cProfile a cold build at this N")
    args = parser.parse_args()
    sizes = [200] if args.quick else args.sizes
    live_size = 200 if args.quick else args.live_size
    latency_size = 200 if args.quick else args.latency_size
    drafts = 20 if args.quick else args.drafts
    status_drafts = 100 if args.quick else args.status_drafts
    work = args.work or Path(tempfile.mkdtemp(prefix="advpub-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(
        f"# advpub benchmark: {platform.platform()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
        "(other users of the machine skew timings)"
    )
    print(
        f"{'N':>6} {'what':44} {'wall s':>8} {'ms/adv':>7} {'user s':>6} {'sys s':>5} "
        f"{'peak MB':>8} {'out MB':>8} {'index MB':>9}  note"
    )
    results: list[Measurement] = []
    try:
        if args.search_only:
            for count in sizes:
                results.extend(bench_search_only(count, drafts, work, args.search_repeat))
            return 0
        results.append(bench_status(status_drafts, work))
        for count in sizes:
            results.extend(bench_size(count, drafts, work, not args.no_browser, args.search_repeat))
        if live_size:
            ensure_corpus(work / f"corpus-{live_size}", live_size, drafts)
            results.extend(bench_live(live_size, work))
        if latency_size:
            ensure_corpus(work / f"corpus-{latency_size}", latency_size, drafts)
            results.extend(bench_latency(latency_size, work))
        if args.profile:
            ensure_corpus(work / f"corpus-{args.profile}", args.profile, drafts)
            profile_build(args.profile, work)
    finally:
        if args.json:
            args.json.write_text(json.dumps([asdict(m) for m in results], indent=1) + "\n")
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
