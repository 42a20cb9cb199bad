"""``advpub export osv|csaf|cve ID``: one advisory's machine-readable exports.

Reads only the published advisories under ``advisories/`` (never ``embargo/``) and refuses
an advisory the release gate holds (:func:`advpub.gate.evaluate_published`).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from advpub.cli.common import add_now_argument, print_json, resolve_now, settings
from advpub.config import Settings
from advpub.corpus import Corpus, load_corpus
from advpub.errors import ExportError
from advpub.exports.common import json_bytes
from advpub.exports.csaf import csaf_document, tracking_file_name
from advpub.exports.cve import (
    ORG_ID_ENV,
    PLACEHOLDER_ORG_ID,
    check_org_id,
    cve_containers,
    released_translations,
)
from advpub.exports.osv import osv_document
from advpub.fsutil import atomic_write_bytes
from advpub.gate.decision import evaluate_published
from advpub.model import Advisory
from advpub.site.listings import advisory_dir

FORMATS = ("osv", "csaf", "cve")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``FORMAT ID``, ``-o DIR``, ``--org-id``, ``--short-name``, ``--now``."""
    parser.add_argument("format", choices=FORMATS, help="osv, csaf or cve (CVE JSON 5)")
    parser.add_argument("id", metavar="ID", help="advisory id, e.g. ADV-2026-0001")
    parser.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        type=Path,
        default=None,
        help="write files into DIR (cve: DIR/<CVE-ID>.json) instead of printing JSON",
    )
    parser.add_argument(
        "--org-id",
        metavar="UUID",
        default=None,
        help=f"cve: your CNA's organisation UUID (default ${ORG_ID_ENV}, else a placeholder)",
    )
    parser.add_argument(
        "--short-name", metavar="NAME", default=None, help="cve: your CNA's short name"
    )
    add_now_argument(parser)


def find_advisory(
    config: Settings, ident: str, now: datetime, corpus: Corpus | None = None
) -> Advisory:
    """The published advisory ``ident`` (in ``corpus``, default the repository's);
    ExportError naming the problem otherwise."""
    corpus = load_corpus(config) if corpus is None else corpus
    for adv in corpus.advisories:
        if adv.id == ident:
            # The one gate decides, as for the site: not only the date, also TLP, scope,
            # fix verification and approvals.
            decision = evaluate_published(adv, now, config.gate_options)
            if not decision.releasable:
                raise ExportError(
                    "\n".join(
                        [
                            *(f"{adv.path}: not releasable: {r}" for r in decision.reasons),
                            f"{ident}: the release gate holds it; export it once it is released",
                        ]
                    )
                )
            return adv
    broken = [str(v) for v in corpus.violations if PurePosixPath(v.path).stem == ident]
    if broken:
        raise ExportError("\n".join([*broken, f"{ident}: fix the problems above to export it"]))
    raise ExportError(
        f"{ident}: no published advisory with this id under {config.advisories_dir}/; "
        "check the id (`advpub status` lists them)"
    )


def page_url(config: Settings, adv: Advisory) -> str | None:
    """The absolute URL of the advisory's page on the site, or None without ``site_url``."""
    if not config.site_url:
        return None
    return config.site_url + advisory_dir(adv, config.timezone)


def _org_id(args: argparse.Namespace) -> str:
    if args.org_id:
        return check_org_id(args.org_id, "--org-id")
    env = os.environ.get(ORG_ID_ENV)
    if env:
        return check_org_id(env, ORG_ID_ENV)
    print(
        f"advpub export: note: no --org-id or ${ORG_ID_ENV}; wrote the placeholder "
        f"{PLACEHOLDER_ORG_ID}, which CVE Services refuses",
        file=sys.stderr,
    )
    return PLACEHOLDER_ORG_ID


def guard_exports(config: Settings, ident: str, outputs: list[tuple[str, bytes]]) -> None:
    """Refuse an export that names another, still embargoed draft or a secret (the leak
    guard, as for the site): nothing is printed or written then."""
    from advpub.checks.leaks import embargoed_terms, leak_violations, worktree_drafts
    from advpub.embargo.identity import try_load_identities
    from advpub.leaks import LeakTerms, public_text, secret_terms

    loaded = try_load_identities()
    drafts = worktree_drafts(config, loaded.identities) if loaded is not None else []
    public = public_text(load_corpus(config).advisories)
    terms = embargoed_terms(drafts, {ident}, public) if drafts else LeakTerms(secret_terms())
    problems = [str(v) for name, data in outputs for v in leak_violations(name, data, terms)]
    if problems:
        raise ExportError("\n".join([*problems, f"{ident}: nothing was exported"]))


def run(args: argparse.Namespace) -> int:
    """Print the export as JSON, or write it into ``-o DIR``; exit 0."""
    config = settings()
    now = resolve_now(args)
    corpus = load_corpus(config)
    adv = find_advisory(config, args.id, now, corpus)
    url = page_url(config, adv)
    files: list[tuple[str, Any]]
    if args.format == "osv":
        doc: Any = osv_document(adv, config, url)
        files = [(f"{adv.id}.json", doc)]
    elif args.format == "csaf":
        doc = csaf_document(adv, config, url)
        files = [(tracking_file_name(adv.id), doc)]
    else:
        containers = cve_containers(
            adv,
            config,
            org_id=_org_id(args),
            short_name=args.short_name,
            page_url=url,
            translations=released_translations(corpus, adv, now, config.gate_options),
        )
        doc = containers
        files = [(f"{cve}.json", c) for cve, c in zip(adv.cve, containers, strict=True)]
    guard_exports(config, args.id, [(name, json_bytes(data)) for name, data in files])
    if args.output is None:
        print_json(doc)
        return 0
    for name, data in files:
        target = args.output / name
        try:
            atomic_write_bytes(target, json_bytes(data))
        except OSError as exc:
            raise ExportError(f"{target}: cannot write: {exc.strerror}; check -o DIR") from None
        print(target)
    return 0
