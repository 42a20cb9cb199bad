"""``advpub import FILE...``: encrypt plaintext advisories as drafts;
``advpub import --from osv|csaf FILE|DIR...``: convert published records into advisories
(public history under ``advisories/``, or drafts with ``--draft``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from advpub.cli._embargo import add_identity_argument, note, open_store
from advpub.cli.common import add_now_argument, print_json, resolve_now, shows_draft_details
from advpub.config import Settings
from advpub.corpus import advisory_files, display_path, load_corpus
from advpub.embargo.identity import try_load_identities
from advpub.embargo.importer import ImportItem, import_drafts, plan_import
from advpub.errors import AdvpubError, ValidationError
from advpub.imports.plan import (
    CONVERTERS,
    ImportPlan,
    as_json,
    not_carried_lines,
    write_public,
)
from advpub.imports.plan import plan_import as plan_records


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """FILE..., ``--from``, ``--draft``, ``--id``, ``--approved-by``, ``--remove``,
    ``--replace``, ``--json``, ``--identity`` and ``--now``."""
    parser.add_argument(
        "files",
        metavar="FILE",
        nargs="+",
        help="plaintext advisory files; with --from: record files or folders of *.json",
    )
    parser.add_argument(
        "--from",
        dest="source_format",
        choices=sorted(CONVERTERS),
        default=None,
        help="convert published OSV records or CSAF 2.0 documents (public history goes to "
        "advisories/<year>/, keeping its dates)",
    )
    parser.add_argument(
        "--draft",
        action="store_true",
        help="with --from: make encrypted drafts instead of public advisories",
    )
    parser.add_argument(
        "--id",
        dest="id_map",
        metavar="SOURCE=ID",
        action="append",
        default=[],
        help="with --from: give record SOURCE the advisory id ID (repeatable)",
    )
    parser.add_argument(
        "--approved-by",
        metavar="NAME",
        action="append",
        default=[],
        help="with --from: approver of publishing records without a fixed version "
        "(waive_fix_verification, basis already-public; repeatable)",
    )
    parser.add_argument(
        "--json", action="store_true", help="with --from: report the import as JSON"
    )
    parser.add_argument(
        "--remove",
        action="store_true",
        help="delete the plaintext sources once every draft is written and decrypts",
    )
    parser.add_argument(
        "--replace", action="store_true", help="overwrite existing advisories of the same id"
    )
    add_identity_argument(parser)
    add_now_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Encrypt plaintext advisories, or convert records with ``--from``."""
    if args.source_format is not None:
        return _run_records(args)
    for flag, given in (("--draft", args.draft), ("--id", args.id_map), ("--json", args.json)):
        if given:
            raise AdvpubError(f"{flag} goes with --from osv|csaf")
    return _run_plaintext(args)


def _id_map(pairs: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        source, sep, ident = pair.partition("=")
        if not sep or not source.strip() or not ident.strip():
            raise AdvpubError(
                f"--id {pair}: write SOURCE=ID, e.g. --id GHSA-abcd-efgh-ijkl=ADV-2024-0001"
            )
        mapping[source.strip()] = ident.strip()
    return mapping


def _run_records(args: argparse.Namespace) -> int:
    """Convert every record; write all or nothing; report every field not carried."""
    if args.remove:
        raise AdvpubError("--remove goes with plaintext imports, not --from (records are kept)")
    config, store = open_store()
    published = {p.stem: Path(display_path(config, p)) for p in advisory_files(config)}
    drafts = {ident: Path(store.shown(store.draft_path(ident))) for ident in store.ids()}
    plan = plan_records(
        config,
        args.source_format,
        [Path(name) for name in args.files],
        resolve_now(args),
        id_map=_id_map(args.id_map),
        replace=args.replace,
        published=published,
        drafts=drafts,
        draft=args.draft,
        approved_by=args.approved_by,
        # Records bound for the embargo may be embargoed text: shown only to a person at a
        # terminal, never into CI logs or pipes (as for drafts' own problems).
        details=not args.draft or shows_draft_details(sys.stderr),
    )
    problems = list(plan.problems)
    if not args.draft and not problems:
        problems = _public_leaks(config, plan, args)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        note(f"import refused: {len(problems)} problem(s); nothing was written")
        return 1
    if args.draft:
        _write_drafts(plan, args)
    else:
        write_public(plan)
    _report(plan, args)
    return 0


def _public_leaks(config: Settings, plan: ImportPlan, args: argparse.Namespace) -> list[str]:
    """The leak guard over every file a public import would write: a record naming an
    embargoed draft's CVE id, alias or title, or a secret, is refused (as a release would
    be); the messages name the draft by id, never the term."""
    from advpub.checks.leaks import embargoed_terms, leak_violations, worktree_drafts
    from advpub.leaks import LeakTerms, public_text, secret_terms

    loaded = try_load_identities(args.identity)
    if loaded is None:
        _, store = open_store()
        if store.ids():
            note(
                "leak scan skipped: no identity configured (set ADVPUB_IDENTITY_FILE to check "
                "the imported files against the embargoed drafts before they are written)"
            )
        terms = LeakTerms(secret_terms())
    else:
        drafts = worktree_drafts(config, loaded.identities)
        terms = embargoed_terms(drafts, (), public_text(load_corpus(config).advisories))
    return [
        f"{violation} (in the file imported from {record.source})"
        for record in plan.records
        for violation in leak_violations(
            display_path(config, record.target), record.text.encode("utf-8"), terms
        )
    ]


def _write_drafts(plan: ImportPlan, args: argparse.Namespace) -> None:
    _, store = open_store()
    items = [ImportItem(r.source, r.advisory.id, r.text, r.replaces) for r in plan.records]
    loaded = try_load_identities(args.identity)
    result = import_drafts(
        store,
        items,
        store.recipients(),
        loaded.identities if loaded else None,
        remove_sources=False,
    )
    if not result.verified_by_decryption:
        note(
            "verified by re-reading the encrypted files (no identity that is a recipient was "
            "available to decrypt them)"
        )


def _report(plan: ImportPlan, args: argparse.Namespace) -> None:
    _, store = open_store()
    if args.json:
        print_json({"imported": as_json(plan.records)})
        return
    for record in plan.records:
        target = store.shown(store.draft_path(record.advisory.id)) if args.draft else record.target
        verb = "replaced" if record.replaces else "imported"
        print(f"{verb} {record.source} ({record.source_id}) -> {target}")
    lines = not_carried_lines(plan.records)
    for line in lines:
        print(f"not carried: {line}")
    if lines:
        note(f"{len(lines)} field(s) could not be carried (listed above); the rest was imported")


def _run_plaintext(args: argparse.Namespace) -> int:
    """Validate all, encrypt all, verify, then delete sources when asked."""
    config, store = open_store()
    published = frozenset(path.stem for path in advisory_files(config))
    try:
        items = plan_import(
            store,
            [Path(name) for name in args.files],
            config.model_options,
            replace=args.replace,
            published_ids=published,
        )
    except ValidationError as exc:
        # These are the user's own plaintext files on their terminal: show every detail.
        for violation in exc.violations:
            print(violation, file=sys.stderr)
        note(f"import refused: {len(exc.violations)} problem(s); nothing was encrypted or deleted")
        return 1
    recipients = store.recipients()
    loaded = try_load_identities(args.identity)
    result = import_drafts(
        store,
        items,
        recipients,
        loaded.identities if loaded else None,
        remove_sources=args.remove,
    )
    for item in result.items:
        verb = "replaced" if item.replaces else "imported"
        print(f"{verb} {item.source} -> {store.shown(store.draft_path(item.ident))}")
    if not result.verified_by_decryption:
        note(
            "verified by re-reading the encrypted files (no identity that is a recipient was "
            "available to decrypt them)"
        )
    for source in result.removed:
        print(f"removed {source}")
    return 0
