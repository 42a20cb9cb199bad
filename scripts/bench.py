#!/usr/bin/env python3
"""Benchmark advpub against the bare cost of the tools it stands on.

Generates realistic corpora (N advisories with tables, code blocks, several products,
CVSS 3.1 and 4.0, some Japanese; M encrypted drafts) and measures, in one run:

- baseline: the same Markdown pages through MkDocs + Material + search, explicit short nav,
  no advpub plugin (the renderer's floor);
- advpub: `advpub build` (pages, listings, feeds, exports, leak scan);
- a rebuild after one advisory changed;
- `advpub status` over the drafts, and the pre-commit hook with one staged file.

Prints a table of wall time, peak memory (max RSS of the build process), output size and
search-index size. Usage: `python scripts/bench.py --quick` (N=200) or
`python scripts/bench.py --sizes 1000 5000 10000`.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

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


def advisory(index: int, rng: random.Random, released: datetime) -> tuple[str, str]:
    """One realistic advisory: (id, text)."""
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
    """Write an advisory repository with ``count`` advisories and ``drafts`` drafts."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from advpub.embargo.identity import generate_identity
    from advpub.embargo.recipients import parse_recipients
    from advpub.embargo.store import EmbargoStore
    from advpub.scaffold import ScaffoldOptions, scaffold_files

    rng = random.Random(seed)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for rel, content in scaffold_files(
        ScaffoldOptions(timezone="Asia/Tokyo", site_url="https://bench.example/", language="ja")
    ).items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    start = datetime(2020, 1, 1, tzinfo=UTC)
    for index in range(1, count + 1):
        released = start + timedelta(hours=index * 5)
        ident, text = advisory(index, rng, released)
        target = root / "advisories" / str(released.year) / f"{ident}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    secret, public = generate_identity()
    key = root.parent / f"{root.name}-identity.txt"
    key.write_text(secret + "\n", encoding="utf-8")
    key.chmod(0o600)
    (root / "embargo" / "recipients.txt").write_text(f"{public} bench\n", encoding="utf-8")
    store = EmbargoStore(root / "embargo", root)
    recipients = parse_recipients(public, "bench")
    for index in range(1, drafts + 1):
        ident, text = advisory(900000 + index, rng, datetime(2099, 1, 1, tzinfo=UTC))
        ident = f"ADV-2099-{900000 + index}"
        text = text.replace("id: ADV-2099-", "id: ADV-2099-", 1)
        store.write(ident, text.replace(text.split("\n")[1], f"id: {ident}"), recipients)


def baseline_project(corpus: Path, target: Path) -> None:
    """The same Markdown pages under MkDocs + Material + search, explicit nav, no advpub."""
    docs = target / "docs"
    shutil.copytree(corpus / "advisories", docs)
    (docs / "index.md").write_text("# Advisories\n", encoding="utf-8")
    (target / "mkdocs.yml").write_text(
        "site_name: baseline\nsite_url: https://bench.example/\ndocs_dir: docs\n"
        "theme:\n  name: material\n  language: ja\n  font: false\n"
        "plugins:\n  - search:\n      lang: ja\nnav:\n  - Home: index.md\n",
        encoding="utf-8",
    )


@dataclass
class Measurement:
    """One timed command."""

    label: str
    seconds: float
    peak_mb: float
    output_mb: float = 0.0
    index_mb: float = 0.0


def timed(label: str, cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Measurement:
    """Run ``cmd`` and measure wall time and the child's peak RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise SystemExit(f"{label} failed:\n{err[-3000:]}")
    return Measurement(label, elapsed, usage.ru_maxrss / 1024)


def folder_mb(folder: Path) -> float:
    """Total size of the files under ``folder`` in MB."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def search_index_mb(site: Path) -> float:
    """Size of the search index the browser downloads."""
    files = list(site.glob("search/*.json"))
    return sum(p.stat().st_size for p in files) / 1e6


def bench_size(count: int, drafts: int, work: Path) -> list[Measurement]:
    """All measurements for one corpus size."""
    venv_bin = Path(sys.executable).parent
    corpus = work / f"corpus-{count}"
    generate_corpus(corpus, count, drafts)
    identity = {"ADVPUB_IDENTITY_FILE": str(work / f"corpus-{count}-identity.txt")}
    results = []
    base = work / f"baseline-{count}"
    baseline_project(corpus, base)
    m = timed(f"baseline N={count}", [str(venv_bin / "mkdocs"), "build", "-q"], base)
    m.output_mb, m.index_mb = folder_mb(base / "site"), search_index_mb(base / "site")
    results.append(m)
    cmd = [str(venv_bin / "advpub"), "build"]
    m = timed(f"advpub N={count}", cmd, corpus, identity)
    m.output_mb, m.index_mb = folder_mb(corpus / "site"), search_index_mb(corpus / "site")
    results.append(m)
    changed = next((corpus / "advisories").rglob("*.md"))
    changed.write_text(changed.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    results.append(timed(f"advpub rebuild (1 changed) N={count}", cmd, corpus, identity))
    results.append(
        timed(f"status ({drafts} drafts)", [str(venv_bin / "advpub"), "status"], corpus, identity)
    )
    return results


def main() -> int:
    """Parse options, run the benchmark, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one small corpus (N=200)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000, 10000])
    parser.add_argument("--drafts", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the generated corpora")
    args = parser.parse_args()
    sizes = [200] if args.quick else args.sizes
    drafts = 20 if args.quick else args.drafts
    work = Path(tempfile.mkdtemp(prefix="advpub-bench-"))
    print(
        f"# advpub benchmark — {platform.platform()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print(f"{'what':42} {'wall s':>8} {'peak MB':>8} {'out MB':>8} {'index MB':>9}")
    try:
        for count in sizes:
            for m in bench_size(count, drafts, work):
                print(
                    f"{m.label:42} {m.seconds:8.2f} {m.peak_mb:8.0f} {m.output_mb:8.1f} "
                    f"{m.index_mb:9.2f}",
                    flush=True,
                )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"corpora kept in {work}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
