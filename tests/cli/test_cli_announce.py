"""``advpub announce``: the mailing-list announcement of released advisories only."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from pathlib import Path

import pytest
from tests.conftest import CliResult, Key, Repo, advisory_text, make_repo

from advpub.embargo.recipients import RecipientEntry
from advpub.embargo.store import EmbargoStore

Cli = Callable[..., CliResult]

NOW = "2026-11-01T00:00:00Z"
IDENT = "ADV-2026-0003"
PATH = f"advisories/2026/{IDENT}.md"
TITLE = "Example Router の Web 管理画面における OS コマンドインジェクション"
SUMMARY = "ネットワーク上の攻撃者が機器上で任意のコマンドを実行できます。"
FACTS = (
    "cve:\n  - CVE-2026-10001\n"
    "cvss:\n  - vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
    "affected:\n  - vendor: Example Corp\n    product: Example Router\n"
    "    versions: 1.0 to 2.0.0\n    fixed: 2.0.1\n"
    "references:\n  - url: https://example.com/psirt/2026-3\n    type: advisory\n"
)
SITE = "https://advisories.example.org/"
PAGE = f"{SITE}2026/{IDENT}/"
DRAFT = "ADV-2026-0100"


@pytest.fixture(autouse=True)
def _now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)


def released_repo(path: Path, *, to: str = "security-announce@lists.example.org") -> Repo:
    repo = make_repo(path, timezone="Asia/Tokyo", site_url=SITE, language="ja")
    config = (repo.path / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace(
        "      publisher:\n",
        f"      announce:\n        to:\n          - {to}\n      publisher:\n",
    )
    (repo.path / "mkdocs.yml").write_text(config, encoding="utf-8")
    repo.write(
        PATH,
        advisory_text(
            IDENT,
            title=TITLE,
            summary=SUMMARY,
            release_date="2026-05-01T09:00:00+09:00",
            extra=FACTS,
        ),
    )
    return repo


def parse(data: bytes) -> EmailMessage:
    message = BytesParser(policy=default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    return message


JA_BODY = f"""\
{IDENT}: {TITLE}

Kanto Test Coordination Center は次のセキュリティアドバイザリを公開しました。

公開日: 2026-05-01 09:00 JST (2026-05-01 00:00 UTC)

概要
----
{SUMMARY}

影響を受ける製品
----------------
- Example Corp Example Router: 1.0 to 2.0.0, 2.0.1 で修正

CVE
---
- CVE-2026-10001

CVSS
----
- 9.8 緊急 CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H

参考情報
--------
- アドバイザリのページ: {PAGE}
- https://example.com/psirt/2026-3
"""


def test_eml_parses_back_with_headers_and_utf8_body(tmp_path: Path, cli: Cli) -> None:
    repo = released_repo(tmp_path / "repo")
    out = tmp_path / "mail" / f"{IDENT}.eml"
    result = cli("announce", IDENT, "-o", str(out), cwd=repo.path)
    assert (result.code, result.err) == (0, "")
    assert result.out == f"{out}\n"
    data = out.read_bytes()
    message = parse(data)
    assert message["Subject"] == f"[{IDENT}] {TITLE}"
    assert message["From"] == "Kanto Test Coordination Center <psirt@kanto-cc.example.net>"
    assert message["To"] == "security-announce@lists.example.org"
    assert message["Date"] == "Sun, 01 Nov 2026 09:00:00 +0900"
    assert re.fullmatch(
        rf"<{IDENT}\.20261101000000\.[0-9a-f]{{8}}@advisories\.example\.org>",
        message["Message-ID"],
    )
    assert message["Content-Language"] == "ja"
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message.get_content() == JA_BODY
    # RFC 5322: the raw message is ASCII headers (RFC 2047 for the Japanese subject).
    header_block = data.split(b"\n\n", 1)[0]
    assert header_block.isascii()
    assert TITLE.encode("utf-8") not in header_block


def test_text_format_in_english_with_options(tmp_path: Path, cli: Cli) -> None:
    repo = released_repo(tmp_path / "repo")
    result = cli("announce", IDENT, "--lang", "en", "--format", "text", cwd=repo.path)
    assert result.code == 0
    assert result.out.startswith(
        f"{IDENT}: {TITLE}\n\n"
        "Kanto Test Coordination Center has published the following security advisory.\n\n"
        "Published: 2026-05-01 09:00 JST (2026-05-01 00:00 UTC)\n\nSummary\n-------\n"
    )
    assert "- Example Corp Example Router: 1.0 to 2.0.0, fixed in 2.0.1\n" in result.out
    assert "- 9.8 Critical CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n" in result.out
    assert f"- Advisory page: {PAGE}\n" in result.out


def test_from_and_to_on_the_command_line(tmp_path: Path, cli: Cli) -> None:
    repo = released_repo(tmp_path / "repo")
    result = cli(
        "announce",
        IDENT,
        "--from",
        "PSIRT <psirt@example.org>",
        "--to",
        "a@lists.example.org",
        "--to",
        "b@lists.example.org",
        cwd=repo.path,
    )
    assert result.code == 0
    message = parse(result.out.encode("utf-8"))
    assert message["From"] == "PSIRT <psirt@example.org>"
    assert message["To"] == "a@lists.example.org, b@lists.example.org"


def write_draft(repo: Repo, key: Key, canary: str) -> None:
    text = advisory_text(
        DRAFT,
        title=f"Embargoed {canary} remote code execution",
        release_date="2026-12-24T09:00:00+09:00",
        extra="cve:\n  - CVE-2026-99991\n",
    )
    EmbargoStore(repo.path / "embargo", repo.path).write(
        DRAFT, text, [RecipientEntry(key.public, "tester", 1)]
    )


def test_an_embargoed_draft_is_refused(
    tmp_path: Path, cli: Cli, make_key: Callable[[str], Key]
) -> None:
    repo = released_repo(tmp_path / "repo")
    canary = f"CANARY-{uuid.uuid4().hex}"
    write_draft(repo, make_key("coordinator"), canary)
    out = tmp_path / "draft.eml"
    result = cli("announce", DRAFT, "-o", str(out), cwd=repo.path)
    assert result.code == 1
    assert result.out == ""
    assert result.err == (
        f"advpub: error: {DRAFT}: an embargoed draft (embargo/{DRAFT}.md.age); announce it "
        "once `advpub release` has published it\n"
    )
    assert not out.exists()


def test_an_advisory_the_gate_holds_is_refused(tmp_path: Path, cli: Cli) -> None:
    repo = released_repo(tmp_path / "repo")
    repo.write(
        "advisories/2026/ADV-2026-0009.md",
        advisory_text("ADV-2026-0009", release_date="2026-12-01T09:00:00+09:00"),
    )
    result = cli("announce", "ADV-2026-0009", "--format", "text", cwd=repo.path)
    assert result.code == 1
    assert result.out == ""
    assert result.err == (
        "advpub: error: advisories/2026/ADV-2026-0009.md: not releasable: release date "
        "2026-12-01 09:00 JST (2026-12-01T00:00:00Z) is in 30 days\n"
        "ADV-2026-0009: the release gate holds it; export it once it is released\n"
    )


def test_the_leak_guard_sees_the_announcement(
    tmp_path: Path, cli: Cli, make_key: Callable[[str], Key], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = released_repo(tmp_path / "repo")
    key = make_key("coordinator")
    write_draft(repo, key, "x")
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(key.file))
    text = (repo.path / PATH).read_text(encoding="utf-8")
    (repo.path / PATH).write_text(text + "\nSee also CVE-2026-99991.\n", encoding="utf-8")
    # The body is not in the announcement: the references are. Name the draft's CVE there.
    text = (
        (repo.path / PATH)
        .read_text(encoding="utf-8")
        .replace("https://example.com/psirt/2026-3", "https://example.com/CVE-2026-99991")
    )
    (repo.path / PATH).write_text(text, encoding="utf-8")
    result = cli("announce", IDENT, "--format", "text", cwd=repo.path)
    assert result.code == 1
    assert result.out == ""
    assert result.err.endswith(f"\n{IDENT}: nothing was exported\n")
    assert "CVE-2026-99991" not in result.err


def test_missing_to_address_is_explained(tmp_path: Path, cli: Cli) -> None:
    repo = released_repo(tmp_path / "repo")
    config = (repo.path / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace(
        "      announce:\n        to:\n          - security-announce@lists.example.org\n", ""
    )
    (repo.path / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = cli("announce", IDENT, cwd=repo.path)
    assert result.code == 1
    assert result.err == (
        "advpub: error: mkdocs.yml: plugins.advpub.announce.to: no To address; set the "
        "mailing list there, or pass --to ADDRESS\n"
    )


def test_ranges_and_enumerated_versions(tmp_path: Path, cli: Cli) -> None:
    repo = released_repo(tmp_path / "repo")
    ranges = (
        "affected:\n"
        "  - product: python-multipart\n    ecosystem: PyPI\n    package: python-multipart\n"
        "    ranges:\n      - type: ECOSYSTEM\n        events:\n"
        "          - introduced: '0'\n          - fixed: 0.0.7\n"
        "          - introduced: '1.0'\n          - fixed: 1.0.3\n"
        "  - product: example-blog\n    versions: ['0.9', '0.9.1']\n"
    )
    repo.write(
        "advisories/2026/ADV-2026-0004.md",
        advisory_text("ADV-2026-0004", release_date="2026-05-02T09:00:00+09:00", extra=ranges),
    )
    result = cli("announce", "ADV-2026-0004", "--lang", "en", "--format", "text", cwd=repo.path)
    assert result.code == 0, result.err
    assert (
        "- python-multipart: < 0.0.7; ≥ 1.0, < 1.0.3, fixed in 0.0.7, 1.0.3\n"
        "- example-blog: 0.9, 0.9.1\n"
    ) in result.out


def test_remediations_are_announced(tmp_path: Path, cli: Cli) -> None:
    repo = released_repo(tmp_path / "repo")
    remediations = (
        "affected:\n  - vendor: Example Corp\n    product: Example Router\n    fixed: 2.0.1\n"
        "remediations:\n"
        "  - category: vendor_fix\n    details: Update to 2.0.1.\n"
        "    url: https://example.com/downloads\n    products: [Example Router]\n"
        "  - category: workaround\n    details: Disable the web console.\n"
    )
    repo.write(
        "advisories/2026/ADV-2026-0005.md",
        advisory_text(
            "ADV-2026-0005", release_date="2026-05-03T09:00:00+09:00", extra=remediations
        ),
    )
    english = cli("announce", "ADV-2026-0005", "--lang", "en", "--format", "text", cwd=repo.path)
    assert english.code == 0, english.err
    assert (
        "\nRemediations\n------------\n"
        "- Fix: Update to 2.0.1. (Example Router)\n  https://example.com/downloads\n"
        "- Workaround: Disable the web console.\n"
    ) in english.out
    japanese = cli("announce", "ADV-2026-0005", "--format", "text", cwd=repo.path)
    assert "\n対策\n----\n- 修正: Update to 2.0.1. (Example Router)\n" in japanese.out


def test_the_leak_guard_reads_the_message_as_a_mail_client_does(
    tmp_path: Path, cli: Cli, make_key: Callable[[str], Key], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Japanese announcement's body travels in base64 (and a non-ASCII subject in RFC
    2047 words): the guard must see the decoded text, not the transfer encoding."""
    repo = released_repo(tmp_path / "repo")
    key = make_key("coordinator")
    write_draft(repo, key, "x")
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(key.file))
    text = (repo.path / PATH).read_text(encoding="utf-8")
    (repo.path / PATH).write_text(
        text.replace(SUMMARY, f"{SUMMARY}関連する CVE-2026-99991 も参照してください。"),
        encoding="utf-8",
    )
    out = tmp_path / "announce.eml"
    result = cli("announce", IDENT, "-o", str(out), cwd=repo.path)
    assert result.code == 1
    assert result.out == ""
    assert result.err == (
        f"advpub: error: {IDENT}.eml:19: leak: mentions the CVE id of embargoed draft {DRAFT}; "
        f"remove it until that advisory is released\n{IDENT}: nothing was exported\n"
    )
    assert not out.exists()
