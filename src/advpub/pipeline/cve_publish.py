"""CVE records at the release instant: ``advpub publish`` sends the CNA container of every
CVE of the published advisories to CVE Services with cvelib, right after the push and
before the site is deployed.

Configured with ``cve: {org, user}`` in the plugin options and the API key in
``ADVPUB_CVE_API_KEY`` (a CI secret); without either, nothing is sent. Decisions:

- Which advisories: every published advisory (judged by the one gate function,
  :func:`advpub.gate.evaluate_published`) with CVE ids, not withdrawn (rejecting a CVE stays
  a person's decision: ``cve reject``), first published at or after ``cve.since`` when set
  (records created by hand before advpub took over are left alone).
- What was sent is recorded in ``.advpub/cve-published.json`` (committed, so the audit trail
  is in git and a fresh CI clone knows it): per CVE Services instance and CVE, the advisory,
  the SHA-256 of the container (taken with the placeholder organisation id) and when. A CVE
  whose recorded digest equals the current container is not sent again (no network call at
  all); a changed advisory (a revision) sends an update. Without a record the CVE id's
  state decides: RESERVED -> publish, PUBLISHED -> update (so a lost state file costs one
  idempotent update, never a failure).
- Failures (network, HTTP errors, a REJECTED id, an advisory the export refuses) are
  reported per CVE and leave no record, so the next run retries them; they never stop the
  site build. Messages never contain the API key (cvelib sends it only as a header; any
  text that still holds it is masked).
- The state file is committed by this step (one commit, ``Record CVE publication``) and,
  with ``--push``, pushed; a failed push is reported and repaired by the next run.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from advpub.config import CveAccount, Settings
from advpub.corpus import Corpus, load_corpus
from advpub.errors import AdvpubError
from advpub.exports.cve import ORG_ID_ENV, check_org_id, cve_containers, released_translations
from advpub.fsutil import atomic_write_text
from advpub.gate import evaluate_published
from advpub.git.command import git, git_ok
from advpub.model import Advisory
from advpub.model.timeutil import format_iso_utc
from advpub.site.listings import advisory_dir

API_KEY_ENV = "ADVPUB_CVE_API_KEY"
STATE_FILE = ".advpub/cve-published.json"
STATE_FORMAT = "advpub-cve-published-1"
ENVIRONMENTS = ("prod", "test")


class CveApiClient(Protocol):
    """The part of ``cvelib.cve_api.CveApi`` this step uses."""

    def show_org(self) -> dict[str, Any]: ...
    def show_cve_id(self, cve_id: str) -> dict[str, Any]: ...
    def publish(self, cve_id: str, cve_json: dict[str, Any], validate: bool = True) -> Any: ...
    def update_published(
        self, cve_id: str, cve_json: dict[str, Any], validate: bool = True
    ) -> Any: ...


ClientFactory = Callable[[CveAccount, str, str], CveApiClient]


class CveAction(StrEnum):
    """What happened to one CVE."""

    PUBLISHED = "published"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True)
class CveResult:
    """One CVE of one advisory."""

    cve: str
    advisory: str
    action: CveAction
    detail: str = ""


@dataclass(frozen=True)
class CvePublication:
    """The outcome of the step; ``skipped`` says why nothing was attempted."""

    environment: str
    results: tuple[CveResult, ...] = ()
    skipped: str | None = None
    state_commit: str | None = None
    state_problem: str | None = None

    @property
    def has_failures(self) -> bool:
        """True when some CVE could not be sent (retried on the next run)."""
        return any(r.action is CveAction.FAILED for r in self.results) or bool(self.state_problem)


def cvelib_client(account: CveAccount, api_key: str, environment: str) -> CveApiClient:
    """The real cvelib client for ``environment`` (``prod`` or ``test``); ``ADVPUB_CVE_API_URL``
    replaces the service URL (a proxy, or a local emulation in tests)."""
    from cvelib.cve_api import CveApi

    url = os.environ.get("ADVPUB_CVE_API_URL") or None
    client: CveApiClient = CveApi(
        username=account.user, org=account.org, api_key=api_key, env=environment, url=url
    )
    return client


def _digest(container: dict[str, Any]) -> str:
    data = json.dumps(container, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def load_state(root: Path) -> dict[str, dict[str, dict[str, str]]]:
    """``{environment: {cve: record}}`` from the state file (empty when absent)."""
    path = root / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise AdvpubError(
            f"{STATE_FILE}: unreadable ({exc}); restore it from git history or delete it "
            "(the next run then asks CVE Services for each id's state)"
        ) from None
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        raise AdvpubError(f"{STATE_FILE}: format is not {STATE_FORMAT}; restore it from git")
    records = data.get("records")
    return records if isinstance(records, dict) else {}


def _write_state(root: Path, records: dict[str, dict[str, dict[str, str]]]) -> None:
    ordered = {env: dict(sorted(cves.items())) for env, cves in sorted(records.items()) if cves}
    data = {"format": STATE_FORMAT, "records": ordered}
    target = root / STATE_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _masked(text: str, secret: str) -> str:
    return text.replace(secret, "***") if secret else text


def _http_detail(exc: Exception) -> str:
    """``HTTP 400: <CVE Services' message>`` for a requests HTTPError, else the text."""
    response = getattr(exc, "response", None)
    if response is None:
        return f"{type(exc).__name__}: {exc}"
    message = ""
    try:
        body = response.json()
        if isinstance(body, dict):
            message = str(body.get("message") or body.get("error") or "")
    except ValueError:
        message = ""
    return f"HTTP {response.status_code}" + (f": {message}" if message else "")


def candidates(settings: Settings, now: datetime, corpus: Corpus | None = None) -> list[Advisory]:
    """Published advisories (of ``corpus``, default the repository's) whose CVE records this
    step maintains (see the module doc)."""
    account = settings.cve
    found = []
    for adv in (load_corpus(settings) if corpus is None else corpus).advisories:
        if not adv.cve or adv.withdrawn is not None:
            continue
        if account is not None and account.since is not None and adv.published_at < account.since:
            continue
        if not evaluate_published(adv, now, settings.gate_options).releasable:
            continue
        found.append(adv)
    return sorted(found, key=lambda a: (a.published_at, a.id))


def _page_url(settings: Settings, adv: Advisory) -> str | None:
    if not settings.site_url:
        return None
    return settings.site_url + advisory_dir(adv, settings.timezone)


class _Run:
    def __init__(
        self, settings: Settings, client: CveApiClient, api_key: str, environment: str
    ) -> None:
        self.settings = settings
        self.client = client
        self.api_key = api_key
        self.environment = environment
        self._org_id: str | None = None

    def org_id(self) -> str:
        if self._org_id is None:
            given = os.environ.get(ORG_ID_ENV, "").strip()
            if given:
                self._org_id = check_org_id(given, ORG_ID_ENV)
            else:
                self._org_id = check_org_id(str(self.client.show_org()["UUID"]), "CVE Services")
        return self._org_id

    def send(self, cve: str, adv: Advisory, container: dict[str, Any]) -> CveResult:
        state = str(self.client.show_cve_id(cve).get("state", ""))
        if state == "RESERVED":
            self.client.publish(cve, container)
            return CveResult(cve, adv.id, CveAction.PUBLISHED)
        if state == "PUBLISHED":
            self.client.update_published(cve, container)
            return CveResult(cve, adv.id, CveAction.UPDATED)
        return CveResult(
            cve,
            adv.id,
            CveAction.FAILED,
            f"the id is {state or 'in an unknown state'} at CVE Services; nothing was sent "
            "(publish needs a RESERVED or PUBLISHED id of your CNA)",
        )


def publish_cve_records(
    settings: Settings,
    now: datetime,
    *,
    environment: str = "prod",
    client_factory: ClientFactory = cvelib_client,
) -> CvePublication:
    """Send the CNA containers that are new or changed since the last run; record them.

    Never raises for a failure of CVE Services (each failure is a result); a broken state
    file or configuration is an :class:`AdvpubError` (the caller reports it and goes on).
    """
    account = settings.cve
    if account is None:
        return CvePublication(environment, skipped="no `cve:` account in mkdocs.yml")
    api_key = os.environ.get(API_KEY_ENV, "").strip()
    if not api_key:
        return CvePublication(environment, skipped=f"{API_KEY_ENV} is not set")
    records = load_state(settings.root)
    done = records.setdefault(environment, {})
    run = _Run(settings, client_factory(account, api_key, environment), api_key, environment)
    results: list[CveResult] = []
    corpus = load_corpus(settings)
    for adv in candidates(settings, now, corpus):
        translations = released_translations(corpus, adv, now, settings.gate_options)
        results.extend(_advisory(run, adv, translations, done, now))
    changed = any(r.action in (CveAction.PUBLISHED, CveAction.UPDATED) for r in results)
    if changed:
        _write_state(settings.root, records)
    return CvePublication(environment, tuple(results))


def _advisory(
    run: _Run,
    adv: Advisory,
    translations: Sequence[Advisory],
    done: dict[str, dict[str, str]],
    now: datetime,
) -> list[CveResult]:
    try:
        # Built with the placeholder organisation id: an unchanged record is recognised
        # without asking CVE Services for the real one (no request at all on a quiet run).
        containers = cve_containers(
            adv,
            run.settings,
            short_name=run.settings.cve.org if run.settings.cve else None,
            page_url=_page_url(run.settings, adv),
            translations=translations,
        )
    except AdvpubError as exc:
        detail = _masked(str(exc), run.api_key).replace("\n", "; ")
        return [CveResult(cve, adv.id, CveAction.FAILED, detail) for cve in adv.cve]
    results = []
    for cve, container in zip(adv.cve, containers, strict=True):
        digest = _digest(container)
        if done.get(cve, {}).get("sha256") == digest:
            results.append(CveResult(cve, adv.id, CveAction.UNCHANGED))
            continue
        try:
            container["providerMetadata"]["orgId"] = run.org_id()
            result = run.send(cve, adv, container)
        except AdvpubError as exc:  # a malformed organisation id
            result = CveResult(cve, adv.id, CveAction.FAILED, _masked(str(exc), run.api_key))
        except Exception as exc:  # cvelib raises requests and validation errors
            detail = _masked(_http_detail(exc), run.api_key)
            result = CveResult(cve, adv.id, CveAction.FAILED, detail)
        if result.action is not CveAction.FAILED:
            done[cve] = {"advisory": adv.id, "sha256": digest, "sent": format_iso_utc(now)}
        results.append(result)
    return results


def commit_state(root: Path, results: Sequence[CveResult]) -> str | None:
    """Commit the state file when it changed; the new commit id, or None when unchanged."""
    status = git(root, "status", "--porcelain", "--", STATE_FILE)
    if not status.stdout.strip():
        return None
    sent = sorted({r.cve for r in results if r.action in (CveAction.PUBLISHED, CveAction.UPDATED)})
    git_ok(root, "add", "--", STATE_FILE)
    git_ok(
        root, "commit", "-q", "-m", "Record CVE publication: " + ", ".join(sent), "--", STATE_FILE
    )
    return git_ok(root, "rev-parse", "HEAD").strip()
