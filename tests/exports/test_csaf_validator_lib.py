"""What a CSAF aggregator runs against a published site: the BSI/Secvisogram validator
(csaf-validator-lib on Node.js, the real library from the npm registry, pinned in
tests/csaf_validator/package-lock.json and installed by ``make csaf-validator``) over every CSAF
document, and ``advpub verify-site`` over the whole site.

The site is this repository's own sample (its mkdocs.yml and advisories/, copied to a temporary
folder), built with signing configured: a throwaway gpg key in ``ADVPUB_OPENPGP_KEY``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from advpub.cli.main import main
from tests.conftest import CliResult, isolate_environment, require_tool
from tests.exports.gpg_support import make_key, stop_agent
from tests.site.site_support import quiet_mkdocs

Cli = Callable[..., CliResult]
ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "csaf_validator" / "validate.mjs"
LIB = ROOT / ".cache" / "node" / "node_modules" / "@secvisogram" / "csaf-validator-lib"
CSAF = ".well-known/csaf"

# The strict schema test and every CSAF 2.0 mandatory test (§6.1) of csaf-validator-lib 2.0.10.
MANDATORY = {
    "csaf_2_0_strict",
    *(f"mandatoryTest_6_1_{n}" for n in range(1, 34) if n != 27),
    *(f"mandatoryTest_6_1_27_{n}" for n in range(1, 12)),
}


@dataclass(frozen=True)
class Verdict:
    """The validator's result for one document."""

    file: str
    is_valid: bool
    tests: list[str]
    errors: list[dict[str, str]]
    optional: list[dict[str, str]]


def validator_lib() -> Path:
    """The installed csaf-validator-lib; a missing one fails the test (never skips)."""
    if not (LIB / "validateStrict.js").is_file():
        pytest.fail(f"csaf-validator-lib is not installed in {LIB} (run `make csaf-validator`)")
    return LIB


def run_validator(*files: Path, lib: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run tests/csaf_validator/validate.mjs with the real node over ``files``."""
    return subprocess.run(
        [require_tool("node"), str(SCRIPT), "--lib", str(lib or validator_lib()), *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def verdicts(done: subprocess.CompletedProcess[str]) -> list[Verdict]:
    """Parse the validator's JSON lines."""
    assert done.stderr == ""
    parsed: list[dict[str, Any]] = [json.loads(line) for line in done.stdout.splitlines()]
    return [
        Verdict(v["file"], v["isValid"], v["tests"], v["errors"], v["optional"]) for v in parsed
    ]


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """This repository's sample site, built into a copy with a signing key configured."""
    root = tmp_path_factory.mktemp("sample")
    key = make_key(root / "gpg")
    repo = root / "repo"
    repo.mkdir()
    shutil.copy2(ROOT / "mkdocs.yml", repo / "mkdocs.yml")
    for folder in ("advisories", "embargo"):
        shutil.copytree(ROOT / folder, repo / folder)
    with pytest.MonkeyPatch.context() as m, quiet_mkdocs():
        isolate_environment(m, root / "home")
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        m.setenv("ADVPUB_OPENPGP_KEY", key.secret)
        m.chdir(repo)
        assert main(["build"]) == 0
    yield repo / "site"
    stop_agent(key.home)


def csaf_documents(site: Path) -> list[Path]:
    """Every CSAF document the site publishes (``white/<YYYY>/*.json``)."""
    return sorted((site / CSAF / "white").glob("[0-9][0-9][0-9][0-9]/*.json"))


def test_sample_csaf_passes_the_validator_mandatory_tests(sample_site: Path) -> None:
    docs = csaf_documents(sample_site)
    assert len(docs) >= 5
    for doc in docs:  # the signed variant is what the validator sees
        assert (doc.parent / (doc.name + ".asc")).is_file(), doc
    done = run_validator(*docs)
    results = verdicts(done)
    assert [r.file for r in results] == [str(d) for d in docs]
    for result in results:
        assert MANDATORY.issubset(result.tests)  # every mandatory test really ran
        assert result.errors == [], result.file
        assert result.is_valid, result.file
    assert done.returncode == 0
    # The optional tests (§6.2) are advice: shown with `pytest -rP`, never a failure.
    for result in results:
        for finding in result.optional:
            print(Path(result.file).name, *finding.values())


def test_validator_reports_a_mandatory_test_failure(sample_site: Path, tmp_path: Path) -> None:
    """The harness is not vacuous: an undefined product id fails mandatory test 6.1.1."""
    doc = json.loads(csaf_documents(sample_site)[0].read_text(encoding="utf-8"))
    doc["vulnerabilities"][0]["product_status"]["known_affected"].append("CSAFPID-UNDEFINED")
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(doc), encoding="utf-8")
    done = run_validator(broken)
    assert done.returncode == 1
    [result] = verdicts(done)
    assert not result.is_valid
    at = len(doc["vulnerabilities"][0]["product_status"]["known_affected"]) - 1
    assert result.errors == [
        {
            "test": "mandatoryTest_6_1_1",
            "instancePath": f"/vulnerabilities/0/product_status/known_affected/{at}",
            "message": "definition of product id missing",
        }
    ]


def test_validator_without_the_library_fails(tmp_path: Path) -> None:
    done = run_validator(tmp_path / "any.json", lib=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        f"csaf-validator-lib is not installed in {tmp_path} (run `make csaf-validator`)\n"
    )


def test_sample_site_passes_verify_site(sample_site: Path, cli: Cli) -> None:
    result = cli("verify-site", str(sample_site))
    assert result.code == 0, result.out
    lines = result.out.splitlines()
    assert lines[0] == (
        f"advpub verify-site https://advisories.example.org/ (read from {sample_site})"
    )
    assert lines[-1] == "csaf_trusted_provider: every requirement met"
    assert [line for line in lines[1:-1] if not line.startswith("met      ")] == []
