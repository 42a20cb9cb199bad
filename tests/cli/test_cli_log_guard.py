"""Under CI (any non-empty CI), nothing advpub prints carries an embargoed term or a secret:
the log guard redacts each line (issue 14: "CI log lines" are a path out)."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import Key, Repo, advisory_text, run_advpub

from advpub.embargo.store import EmbargoStore
from advpub.leaks import LeakTerms, secret_terms

TITLE = "Platypus canary 3d9e remote code execution in the frobnicator"
CVE = "CVE-2026-880011"


def _draft(repo: Repo, key: Key) -> None:
    repo.write("embargo/recipients.txt", f"{key.public} alice\n")
    text = advisory_text(
        "ADV-2026-0070",
        title=TITLE,
        release_date="2030-01-01T00:00:00Z",
        extra=f"cve:\n  - {CVE}\n",
    )
    EmbargoStore(repo.path / "embargo", repo.path).write("ADV-2026-0070", text)


def test_show_under_ci_prints_the_draft_redacted(
    repo: Repo, make_key: Callable[[str], Key]
) -> None:
    key = make_key("alice")
    _draft(repo, key)
    env = {"ADVPUB_IDENTITY_FILE": str(key.file)}
    local = run_advpub("show", "ADV-2026-0070", cwd=repo.path, env=env)
    assert TITLE in local.stdout and CVE in local.stdout  # at a terminal: the plaintext
    for ci in ("true", "1", "yes"):
        done = run_advpub("show", "ADV-2026-0070", cwd=repo.path, env={**env, "CI": ci})
        assert done.returncode == 0, done.stderr
        assert TITLE not in done.stdout + done.stderr
        assert CVE not in done.stdout + done.stderr
        assert "id: ADV-2026-0070" in done.stdout  # ids are public
        assert 'title: "[embargoed]"' in done.stdout
        assert "  - [embargoed]" in done.stdout


def test_secrets_in_the_environment_never_reach_a_ci_log(
    repo: Repo, make_key: Callable[[str], Key]
) -> None:
    key = make_key("alice")
    token = "glpat-Zq8canaryTOKEN55"
    env = {"CI": "true", "ADVPUB_PUSH_TOKEN": token}
    # keygen prints a new private key when no -o is given; under CI the log gets [secret].
    done = run_advpub("keygen", cwd=repo.path, env=env)
    assert done.returncode == 0, done.stderr
    assert "AGE-SECRET-KEY-1" not in done.stdout.upper()
    assert "[secret]" in done.stdout
    # A remote URL with the token, as an error message might print it.
    terms = LeakTerms(secret_terms(env))
    assert token not in terms.redact(f"fatal: https://oauth2:{token}@gitlab.example/x.git")
    assert key.public  # the public key is not secret
