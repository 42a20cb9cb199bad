"""``advpub publish`` sends CVE records with the REAL cvelib client to an EMULATED CVE
Services: a local HTTP server on 127.0.0.1 implementing the endpoints cvelib calls
(``GET org/<short name>``, ``GET cve-id/<id>``, ``POST``/``PUT cve/<id>/cna``), with the
same authentication headers and error shapes. No request leaves the machine.
"""

from __future__ import annotations

import http.server
import json
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Key, advisory_text, require_tool, run_advpub
from tests.pipeline.pipeline_support import AFTER, RELEASE, Clone, World, make_world

ORG = "examplecna"
USER = "advpub-bot@example.org"
ORG_UUID = "b3476cb9-2e3d-41a6-98d0-0f47421a65b6"
API_KEY = "CANARY-cve-api-key-7f3e9a"
CVES = ("CVE-2026-10001", "CVE-2026-10002")
STATE = ".advpub/cve-published.json"


@dataclass
class Emulator:
    """CVE Services state: id states, the requests seen, failures to inject."""

    states: dict[str, str] = field(default_factory=dict)
    containers: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    fail_once: set[str] = field(default_factory=set)
    url: str = ""


def _handler(emu: Emulator) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            headers = (self.headers.get(h) for h in ("CVE-API-KEY", "CVE-API-ORG", "CVE-API-USER"))
            if tuple(headers) != (API_KEY, ORG, USER):
                self._reply(401, {"error": "UNAUTHORIZED", "message": "Unauthorized"})
                return False
            return True

        def _handle(self, method: str) -> None:
            path = self.path.split("?", 1)[0].removeprefix("/api/")
            emu.requests.append((method, path))
            if not self._authorised():
                return
            parts = path.split("/")
            if method == "GET" and parts == ["org", ORG]:
                self._reply(200, {"short_name": ORG, "UUID": ORG_UUID})
            elif method == "GET" and parts[0] == "cve-id" and len(parts) == 2:
                state = emu.states.get(parts[1])
                if state is None:
                    self._reply(404, {"error": "CVE_ID_NOT_FOUND", "message": "not found"})
                else:
                    self._reply(200, {"cve_id": parts[1], "state": state, "owning_cna": ORG})
            elif method in ("POST", "PUT") and parts[0] == "cve" and parts[2:] == ["cna"]:
                cve = parts[1]
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                if cve in emu.fail_once:
                    emu.fail_once.discard(cve)
                    self._reply(500, {"error": "SERVICE_UNAVAILABLE", "message": "try later"})
                elif method == "POST" and emu.states.get(cve) != "RESERVED":
                    self._reply(400, {"error": "CVE_RECORD_EXISTS", "message": "exists"})
                elif method == "PUT" and emu.states.get(cve) != "PUBLISHED":
                    self._reply(400, {"error": "CVE_RECORD_DNE", "message": "no record"})
                else:
                    emu.states[cve] = "PUBLISHED"
                    emu.containers[cve] = body["cnaContainer"]
                    key = "created" if method == "POST" else "updated"
                    self._reply(200, {"message": "ok", key: {"cveMetadata": {"cveId": cve}}})
            else:
                self._reply(404, {"error": "NOT_FOUND", "message": path})

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def do_PUT(self) -> None:
            self._handle("PUT")

    return Handler


@pytest.fixture
def cve_services() -> Iterator[Emulator]:
    emu = Emulator(states=dict.fromkeys(CVES, "RESERVED"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(emu))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    emu.url = f"http://127.0.0.1:{server.server_address[1]}/api/"
    try:
        yield emu
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def world(tmp_path: Path, make_key: Callable[[str], Key]) -> World:
    """origin + clones; alice configured `cve:` and drafted an advisory with two CVEs."""
    require_tool("git")
    keys = {name: make_key(name) for name in ("alice", "bob", "ci")}
    made = make_world(tmp_path / "w", keys)
    alice = made.alice
    config = alice.path / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("docs_dir:", "site_url: https://advisories.example.org/\ndocs_dir:", 1)
    text = text.replace(
        "  - advpub:\n",
        f"  - advpub:\n      cve:\n        org: {ORG}\n        user: {USER}\n"
        "      publisher:\n        name: Kanto Test Coordination Center\n"
        "        namespace: https://kanto-cc.example.net\n        contact: psirt@example.org\n",
    )
    config.write_text(text, encoding="utf-8")
    alice.git("commit", "-q", "-am", "Configure CVE publication")
    alice.git("push", "-q")
    source = alice.path.parent / "draft.md"
    extra = (
        "cve:\n  - CVE-2026-10001\n  - CVE-2026-10002\n"
        "affected:\n  - vendor: Example Corp\n    product: Example Router\n    fixed: 2.0.1\n"
    )
    source.write_text(
        advisory_text("ADV-2026-0001", release_date=RELEASE, extra=extra), encoding="utf-8"
    )
    done = alice.advpub("import", str(source), "--remove")
    assert done.returncode == 0, done.stdout + done.stderr
    alice.git("add", "embargo")
    alice.git("commit", "-q", "-m", "Add an embargoed draft")
    alice.git("push", "-q")
    made.ci.git("pull", "-q")
    return made


def _publish(ci: Clone, emu: Emulator, *args: str) -> Any:
    env = {
        **ci.env,
        "ADVPUB_NOW": AFTER,
        "ADVPUB_CVE_API_KEY": API_KEY,
        "ADVPUB_CVE_API_URL": emu.url,
        "NO_PROXY": "127.0.0.1,localhost",
        "HTTP_PROXY": "",
        "HTTPS_PROXY": "",
        "http_proxy": "",
        "https_proxy": "",
    }
    return run_advpub("publish", "--push", "--cve-env", "test", *args, cwd=ci.path, env=env)


def test_cve_records_are_published_retried_and_idempotent(
    world: World, cve_services: Emulator
) -> None:
    ci, emu = world.ci, cve_services
    emu.fail_once.add("CVE-2026-10002")
    first = _publish(ci, emu)
    output = first.stdout + first.stderr
    assert first.returncode == 0, output  # a CVE failure never blocks the site
    assert API_KEY not in output
    lines = first.stdout.splitlines()
    # After the site was built and scanned and the push made the advisory public.
    push = next(i for i, line in enumerate(lines) if line.startswith("push: "))
    cve = lines.index("cve (test): 1 published, 0 updated, 0 unchanged, 1 failed")
    site = next(i for i, line in enumerate(lines) if line.startswith("site: "))
    assert site < push < cve
    assert lines[cve + 1] == "  CVE-2026-10001 (ADV-2026-0001): published"
    assert first.stderr.splitlines() == [
        "advpub: warning: cve: CVE-2026-10002 (ADV-2026-0001): HTTP 500: try later; "
        "retried on the next run"
    ]
    assert lines[cve + 2].startswith(f"cve: recorded in {STATE} (commit ")
    assert lines[cve + 2].endswith(" and pushed)")
    container = emu.containers["CVE-2026-10001"]
    assert container["providerMetadata"] == {"orgId": ORG_UUID, "shortName": ORG}
    assert container["title"] == "Example Router: command injection in the web console"
    assert container["references"][0]["url"] == (
        "https://advisories.example.org/2026/ADV-2026-0001/"
    )
    state = json.loads((ci.path / STATE).read_text(encoding="utf-8"))
    assert list(state["records"]) == ["test"]
    assert list(state["records"]["test"]) == ["CVE-2026-10001"]
    assert state["records"]["test"]["CVE-2026-10001"]["advisory"] == "ADV-2026-0001"
    # The record is committed and pushed: a fresh CI clone knows it.
    assert ci.git("status", "--porcelain") == ""
    assert ci.git("log", "-1", "--format=%s") == "Record CVE publication: CVE-2026-10001\n"
    assert ci.git("rev-parse", "HEAD") == ci.git("rev-parse", "origin/main")

    # The next run retries the failed CVE only; the published one costs no request.
    emu.requests.clear()
    second = _publish(ci, emu)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "cve (test): 1 published, 0 updated, 1 unchanged, 0 failed" in second.stdout
    assert emu.requests == [
        ("GET", f"org/{ORG}"),
        ("GET", "cve-id/CVE-2026-10002"),
        ("POST", "cve/CVE-2026-10002/cna"),
    ]
    assert emu.states == dict.fromkeys(CVES, "PUBLISHED")

    # Nothing changed: no request at all, no commit.
    emu.requests.clear()
    head = ci.git("rev-parse", "HEAD")
    third = _publish(ci, emu)
    assert "cve (test): 0 published, 0 updated, 2 unchanged, 0 failed" in third.stdout
    assert emu.requests == []
    assert ci.git("rev-parse", "HEAD") == head

    # A lost state file costs one idempotent update per CVE, never a failure.
    ci.git("rm", "-q", STATE)
    ci.git("commit", "-q", "-m", "Lose the CVE state")
    fourth = _publish(ci, emu)
    assert fourth.returncode == 0, fourth.stdout + fourth.stderr
    assert "cve (test): 0 published, 2 updated, 0 unchanged, 0 failed" in fourth.stdout
    assert API_KEY not in fourth.stdout + fourth.stderr


def test_without_the_api_key_nothing_is_sent(world: World, cve_services: Emulator) -> None:
    env = {**world.ci.env, "ADVPUB_NOW": AFTER}
    env.pop("ADVPUB_CVE_API_KEY", None)
    os.environ.pop("ADVPUB_CVE_API_KEY", None)
    done = run_advpub("publish", cwd=world.ci.path, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "cve: nothing sent (ADVPUB_CVE_API_KEY is not set)" in done.stdout.splitlines()
    assert cve_services.requests == []


def test_a_wrong_key_is_reported_without_printing_it(
    world: World, cve_services: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {
        **world.ci.env,
        "ADVPUB_NOW": AFTER,
        "ADVPUB_CVE_API_KEY": "CANARY-wrong-key-0a1b",
        "ADVPUB_CVE_API_URL": cve_services.url,
        "NO_PROXY": "127.0.0.1",
    }
    done = run_advpub("publish", cwd=world.ci.path, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "CANARY-wrong-key" not in done.stdout + done.stderr
    assert done.stderr.splitlines() == [
        f"advpub: warning: cve: {cve} (ADV-2026-0001): HTTP 401: Unauthorized; retried on the "
        "next run"
        for cve in CVES
    ]
    assert not (world.ci.path / STATE).exists()
