#!/usr/bin/env python3
"""Recall, precision and index size of the site search for Japanese text and identifiers.

Generates the benchmark corpus (``scripts/bench.py``: N advisories, 20 % Japanese) plus a few
Japanese advisories whose product is written with and without a space (もみじNAS /
もみじ NAS), builds it with one or more ``advpub`` executables (e.g. this tree's and the
previous release's, to compare search approaches), and runs a fixed query set through the
site's own search worker in headless Chromium (the page's ``__config`` names the worker; a
worker is started, given ``search/search_index.json`` and asked each query; every result is
counted, not only the first page Material shows).

The expected advisories of each query come from the front matter (title, summary, affected
vendor and product, identifiers), compared after NFKC, lower case and removing spaces next to
Japanese characters; an identifier query expects exactly its advisory.

Prints per query and build: results, hits, recall, precision; then the index size, the
worker's time to build its index, and what character bigrams of the same text would add to
the index. Usage: ``python scripts/search_recall.py --count 5000 --advpub .venv/bin/advpub
--advpub /path/to/old/.venv/bin/advpub`` (``--work DIR`` keeps the corpus).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench

WIDE = (
    "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
)
SPACE_BY_WIDE = re.compile(rf"\s+(?=[{WIDE}])|(?<=[{WIDE}])\s+")
RUN = re.compile(f"[{WIDE}]+")

EXTRA = [
    ("ADV-2021-90001", "もみじ NAS における認証回避の脆弱性", "もみじ電機", "もみじNAS"),
    (
        "ADV-2021-90002",
        "もみじNAS の管理画面におけるクロスサイトリクエストフォージェリ",
        "もみじ電機",
        "もみじNAS",
    ),
    (
        "ADV-2021-90003",
        "かえでルータ における OS コマンドインジェクション",
        "もみじ電機",
        "かえでルータ",
    ),
]
QUERIES = [
    "さくらビューア",
    "さくら ビューア",
    "もみじNAS",
    "もみじ NAS",
    "かえでルータ",
    "株式会社サンプルソフト",
    "クロスサイトスクリプティング",
    "認証回避",
    "細工されたリクエスト",
    "Kumo Gateway",
    "validation",
]


def squash(text: str) -> str:
    """NFKC, lower case, no spaces next to Japanese characters (as the search compares)."""
    return SPACE_BY_WIDE.sub("", unicodedata.normalize("NFKC", text).lower())


def extra_advisory(ident: str, title: str, vendor: str, product: str) -> str:
    """A small Japanese advisory of the extra set."""
    return (
        f'---\nid: {ident}\ntitle: "{title}"\n'
        'summary: "細工されたパケットを受信すると、認証を回避される可能性があります。"\n'
        "release_date: 2021-06-01T10:00:00+09:00\npublished: 2021-06-01T10:00:00+09:00\n"
        "fix:\n  verified: true\n  verified_by: Bench PSIRT\n"
        "cvss:\n  - vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
        f'affected:\n  - vendor: "{vendor}"\n    product: "{product}"\n    fixed: "2.0"\n'
        "lang: ja\n---\n## 概要\n\n認証回避の脆弱性があります。\n"
    )


def make_corpus(root: Path, count: int) -> None:
    """The benchmark corpus plus the extra advisories, committed."""
    if (root / ".recall-complete").is_file():
        return
    shutil.rmtree(root, ignore_errors=True)
    bench.generate_corpus(root, count, 0)
    config = root / "mkdocs.yml"
    # Feeds and CSAF refuse the placeholder publisher.
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "      timezone: Asia/Tokyo\n",
            "      timezone: Asia/Tokyo\n      publisher:\n        name: Bench CC\n"
            "        namespace: https://bench.example\n",
        ),
        encoding="utf-8",
    )
    (root / "advisories" / "2021").mkdir(parents=True, exist_ok=True)
    for ident, title, vendor, product in EXTRA:
        (root / "advisories" / "2021" / f"{ident}.md").write_text(
            extra_advisory(ident, title, vendor, product), encoding="utf-8"
        )
    git = ["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@example.org"]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "--no-verify", "-m", "extra"], check=True)
    (root / ".recall-complete").write_text("ok\n", encoding="utf-8")


def expected(root: Path, queries: list[str]) -> dict[str, set[str]]:
    """For each query: the advisory ids whose front matter contains every word of it."""
    import yaml

    haystacks: dict[str, tuple[str, list[str]]] = {}
    for path in (root / "advisories").rglob("ADV-*.md"):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        ids = [front["id"], *front.get("cve", []), *front.get("aliases", [])]
        words = [front["title"], front["summary"]]
        for item in front.get("affected", []):
            words += [str(item.get("vendor", "")), str(item.get("product", ""))]
        haystacks[front["id"]] = (squash(" ".join(words + ids)), [i.lower() for i in ids])
    found: dict[str, set[str]] = {}
    for query in queries:
        if re.fullmatch(r"[A-Za-z]+-\d{4}-\d+", query):
            found[query] = {a for a, (_, ids) in haystacks.items() if query.lower() in ids}
            continue
        terms = [squash(t) for t in query.split()]
        found[query] = {a for a, (hay, _) in haystacks.items() if all(t in hay for t in terms)}
    return found


SEARCH_JS = """
async (queries) => {
  const config = JSON.parse(document.getElementById("__config").textContent);
  const index = await (await fetch(new URL("search/search_index.json", location.href))).json();
  const worker = new Worker(new URL(config.search, location.href));
  // A word query asked before lunr is ready gets a provisional answer first, then lunr's:
  // the recall is lunr's.
  const next = () => new Promise(resolve => {
    const take = ev => {
      if (ev.data && ev.data.data && ev.data.data.provisional) return;
      worker.removeEventListener("message", take);
      resolve(ev.data);
    };
    worker.addEventListener("message", take);
  });
  const started = performance.now();
  worker.postMessage({ type: 0, data: { ...index, options: { suggest: false } } });
  await next();
  const ready = performance.now() - started;
  const results = {};
  for (const query of queries) {
    worker.postMessage({ type: 2, data: query });
    const message = await next();
    results[query] = message.data.items.map(group => group[0].location);
  }
  return { ready, results };
}
"""


def run_queries(site: Path, queries: list[str]) -> dict[str, Any]:
    """The worker's results (locations) for every query, and its index set-up time."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    with bench.serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=bench.CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(base)
            data: dict[str, Any] = page.evaluate(SEARCH_JS, queries)
        finally:
            browser.close()
    return data


def bigram_bytes(index: dict[str, Any]) -> int:
    """UTF-8 bytes a field of space-separated CJK bigrams (plus each run's last character)
    of title, text and keywords would add to the index."""
    total = 0
    for doc in index["docs"]:
        text = " ".join(str(doc.get(k, "")) for k in ("title", "text", "keywords"))
        grams: list[str] = []
        for run in RUN.findall(text):
            grams += [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]
        if grams:
            total += len(json.dumps(" ".join(grams), ensure_ascii=False).encode()) + 12
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--advpub", action="append", required=True, help="advpub executable")
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="advpub-recall-"))
    root = work / f"recall-{args.count}"
    make_corpus(root, args.count)
    ids = sorted(p.stem for p in (root / "advisories").rglob("ADV-*.md"))
    front = (root / "advisories").rglob("ADV-*.md")
    cves = sorted(
        c for p in front for c in re.findall(r"CVE-\d{4}-\d+", p.read_text(encoding="utf-8"))
    )
    queries = [*QUERIES, ids[len(ids) // 2], ids[-1], cves[len(cves) // 3]]
    truth = expected(root, queries)
    env = {**os.environ, "ADVPUB_NOW": "2026-11-01T00:00:00Z"}
    for exe in args.advpub:
        shutil.rmtree(root / "site", ignore_errors=True)
        shutil.rmtree(root / ".cache", ignore_errors=True)
        subprocess.run([exe, "build"], cwd=root, env=env, check=True, capture_output=True)
        index_path = root / "site" / "search" / "search_index.json"
        index = json.loads(index_path.read_text(encoding="utf-8"))
        print(
            f"\n== {exe}: index {index_path.stat().st_size / 1e6:.2f} MB "
            f"(bigrams would add {bigram_bytes(index) / 1e6:.2f} MB)"
        )
        started = time.perf_counter()
        data = run_queries(root / "site", queries)
        print(
            f"worker index set-up {data['ready'] / 1000:.2f} s "
            f"(whole run {time.perf_counter() - started:.1f} s)"
        )
        print(
            f"{'query':<32} {'expected':>8} {'results':>8} {'hits':>6} {'recall':>7} "
            f"{'precision':>9}  first"
        )
        for query in queries:
            got = [loc.strip("/").split("/")[-1] for loc in data["results"][query]]
            want = truth[query]
            hits = len(want & set(got))
            recall = hits / len(want) if want else 1.0
            precision = hits / len(got) if got else (1.0 if not want else 0.0)
            first = got[0] if got else "-"
            print(
                f"{query:<32} {len(want):>8} {len(got):>8} {hits:>6} {recall:>7.2f} "
                f"{precision:>9.2f}  {first}"
            )
        # As scripts/bench.py measures it: page load to the first result in the search box.
        for query in ("validation", "さくらビューア", ids[-1]):
            try:
                seconds, shown = bench.first_search_result(root / "site", query)
            except Exception as exc:  # a build that finds nothing times out
                print(f"first search result {query!r}: none ({type(exc).__name__})")
                continue
            print(f"first search result {query!r}: {seconds:.2f} s ({shown})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
