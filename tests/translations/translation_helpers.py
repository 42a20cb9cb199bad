"""A Japanese advisory and its English translation, as plaintext, for the translation tests."""

from __future__ import annotations

from tests.conftest import advisory_text

IDENT = "ADV-2020-0007"
JA_TITLE = "サンプルルータにおけるコマンドインジェクションの脆弱性"
EN_TITLE = "Sample Router: command injection in the admin console"
RELEASE = "2020-03-02T10:00:00+09:00"
BEFORE = "2020-03-02T09:59:00+09:00"
AFTER = "2020-03-02T10:00:01+09:00"


def primary_text(
    ident: str = IDENT, *, release_date: str = RELEASE, extra: str = "", title: str = JA_TITLE
) -> str:
    """The Japanese primary advisory."""
    return advisory_text(
        ident,
        title=title,
        release_date=release_date,
        summary="ネットワーク上の攻撃者が任意のコマンドを実行できます。",
        body="## 概要\n\nサンプルルータの管理画面にコマンドインジェクションがあります。\n",
        extra=f"lang: ja\ncvss:\n  - vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n{extra}",
    )


def translation_text(
    ident: str = IDENT, *, lang: str = "en", title: str = EN_TITLE, extra: str = ""
) -> str:
    """The English translation of :func:`primary_text`."""
    return (
        f'---\nid: {ident}\nlang: {lang}\ntitle: "{title}"\n'
        "summary: An attacker on the network can run any command.\n"
        f"{extra}---\n## Overview\n\nThe admin console of Sample Router allows command injection.\n"
    )
