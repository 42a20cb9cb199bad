"""The CI templates: valid YAML, identical copies, and every `advpub` command they run
exists and parses with the real argument parser."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from advpub.cli.main import build_parser
from advpub.scaffold import CI_TEMPLATES, ci_template

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "ci"


def _load(name: str) -> dict[Any, Any]:
    data = yaml.safe_load(ci_template(name))
    assert isinstance(data, dict)
    return data


def _github_scripts(data: dict[Any, Any]) -> list[str]:
    return [
        step["run"]
        for job in data["jobs"].values()
        for step in job.get("steps", [])
        if "run" in step
    ]


def _gitlab_scripts(data: dict[Any, Any]) -> list[str]:
    found: list[str] = []
    for job in data.values():
        if isinstance(job, dict):
            for key in ("before_script", "script", "after_script"):
                found.extend(job.get(key, []))
    return found


def advpub_commands(scripts: list[str]) -> list[list[str]]:
    """Every `advpub ...` command line (leading VAR=value assignments skipped)."""
    commands = []
    for script in scripts:
        for line in script.splitlines():
            try:
                words = shlex.split(line, comments=True)
            except ValueError:
                continue
            while words and "=" in words[0] and not words[0].startswith("-"):
                words = words[1:]
            if words and words[0] == "advpub":
                commands.append(words[1:])
    return commands


@pytest.mark.parametrize("name", sorted(CI_TEMPLATES))
def test_examples_are_identical_copies_of_the_templates(name: str) -> None:
    assert (EXAMPLES / name).read_text(encoding="utf-8") == ci_template(name)


def test_examples_hold_no_other_file() -> None:
    assert sorted(p.name for p in EXAMPLES.iterdir()) == sorted(CI_TEMPLATES)


@pytest.mark.parametrize(
    ("name", "scripts"),
    [("github-publish.yml", _github_scripts), ("gitlab-ci.yml", _gitlab_scripts)],
)
def test_every_advpub_command_in_a_template_parses(name: str, scripts: Any) -> None:
    commands = advpub_commands(scripts(_load(name)))
    assert [c[0] for c in commands] == ["check", "publish", "verify-site"]
    parser = build_parser()
    for words in commands:
        args = parser.parse_args(words)
        assert args.command == words[0]
    publish = parser.parse_args(commands[1])
    assert publish.push is True
    assert publish.now is None  # the job must use the clock
    assert publish.until == "$ADVPUB_WINDOW"  # 55m when scheduled (see below)


def test_the_extractor_catches_an_unknown_command() -> None:
    commands = advpub_commands(["FOO=1 advpub publsh --push\n"])
    assert commands == [["publsh", "--push"]]
    with pytest.raises(SystemExit):
        build_parser().parse_args(commands[0])


def test_github_workflow_schedule_permissions_concurrency_and_secret() -> None:
    data = _load("github-publish.yml")
    triggers = data[True]  # YAML 1.1 reads the key `on` as true
    cron = triggers["schedule"][0]["cron"]
    # Hourly, off the hour; each scheduled run covers the next 55 minutes.
    minute, *every = cron.split()
    assert every == ["*", "*", "*", "*"] and 0 < int(minute) < 60
    assert "workflow_dispatch" in triggers
    assert triggers["push"] == {"branches": ["main"]}
    assert data["permissions"] == {}
    assert data["concurrency"] == {"group": "advpub-publish", "cancel-in-progress": False}
    publish = data["jobs"]["publish"]
    assert publish["permissions"] == {"contents": "write"}
    for step in publish["steps"]:
        if "advpub check" in step.get("run", ""):
            assert step["env"] == {"ADVPUB_IDENTITY": "${{ secrets.ADVPUB_IDENTITY }}"}
        if "advpub publish" in step.get("run", ""):
            assert step["env"] == {
                "ADVPUB_IDENTITY": "${{ secrets.ADVPUB_IDENTITY }}",
                "ADVPUB_OPENPGP_KEY": "${{ secrets.ADVPUB_OPENPGP_KEY }}",
                "ADVPUB_CVE_API_KEY": "${{ secrets.ADVPUB_CVE_API_KEY }}",
                "ADVPUB_WINDOW": "${{ github.event_name == 'schedule' && '55m' || '1s' }}",
            }
    # The consumer's check runs after the build, on what will be deployed.
    runs = [s.get("run", "") for s in publish["steps"]]
    assert runs.index("advpub verify-site site --allow-no-csaf") == (
        runs.index('advpub publish --push -d site --until "$ADVPUB_WINDOW"') + 1
    )
    # The window and the build fit in the job's time limit.
    assert publish["timeout-minutes"] >= 55 + 15
    upload = [s for s in publish["steps"] if "upload-pages-artifact" in s.get("uses", "")]
    assert upload[0]["with"]["path"] == "site"  # what `advpub publish -d site` writes
    assert data["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert "ADVPUB_NOW" not in str(data)


def test_gitlab_pipeline_schedule_pages_and_single_publisher() -> None:
    data = _load("gitlab-ci.yml")
    sources = [rule["if"] for rule in data["workflow"]["rules"]]
    assert '$CI_PIPELINE_SOURCE == "schedule"' in sources
    assert data["publish"]["resource_group"] == "advpub-publish"
    assert data["publish"]["artifacts"] == {"paths": ["public"]}
    assert data["pages"]["artifacts"] == {"paths": ["public"]}
    assert data["pages"]["needs"] == ["publish"]
    assert 'advpub publish --push -d public --until "$ADVPUB_WINDOW"' in data["publish"]["script"]
    rules = data["publish"]["rules"]
    assert rules[0] == {
        "if": '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE == "schedule"',
        "variables": {"ADVPUB_WINDOW": "55m"},
    }
    assert rules[1] == {
        "if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH",
        "variables": {"ADVPUB_WINDOW": "1s"},
    }
    assert data["publish"]["timeout"] == "80m"
    assert "ADVPUB_NOW" not in str(data)
