"""Compiled templates are kept in the user's private cache folder only, and a build loads
them from there instead of compiling again."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import pytest

from advpub.site.templatecache import use_bytecode_cache
from tests.conftest import CliResult
from tests.site.site_support import NOW, sample_repo

Cli = Callable[..., CliResult]


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.html").write_text("{% for x in items %}<{{ x }}>{% endfor %}\n")
    return folder


def env_of(folder: Path, **options: Any) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), **options)  # noqa: S701


def no_compiling(*_: Any, **__: Any) -> Any:
    raise AssertionError("the template was compiled again")


def jinja_folder() -> Path:
    return Path(os.environ["XDG_CACHE_HOME"]) / "advpub" / "jinja"


def test_second_environment_loads_the_compiled_template(
    templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = env_of(templates, autoescape=True)
    use_bytecode_cache(first, tmp_path / "repo")
    assert first.get_template("page.html").render(items=["a", "<b>"]) == "<a><&lt;b&gt;>"
    (folder,) = jinja_folder().iterdir()
    assert len(list(folder.iterdir())) == 1
    for path in (jinja_folder().parent, jinja_folder(), folder):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700
    second = env_of(templates, autoescape=True)
    use_bytecode_cache(second, tmp_path / "repo")
    monkeypatch.setattr(second, "compile", no_compiling)
    assert second.get_template("page.html").render(items=["c"]) == "<c>"


def test_other_compile_settings_or_source_compile_again(templates: Path, tmp_path: Path) -> None:
    first = env_of(templates, autoescape=True)
    use_bytecode_cache(first, tmp_path / "repo")
    first.get_template("page.html").render(items=[])
    # Without autoescape the same source compiles to other code: another folder.
    other = env_of(templates, autoescape=False)
    use_bytecode_cache(other, tmp_path / "repo")
    assert other.get_template("page.html").render(items=["<b>"]) == "<<b>>"
    assert len(list(jinja_folder().iterdir())) == 2
    (templates / "page.html").write_text("{{ items | length }}\n")
    again = env_of(templates, autoescape=True)
    use_bytecode_cache(again, tmp_path / "repo")
    assert again.get_template("page.html").render(items=[1, 2]) == "2"


def test_no_cache_inside_the_repository_or_in_a_folder_others_may_write(
    templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    monkeypatch.setenv("XDG_CACHE_HOME", str(repo / ".cache"))
    env = env_of(templates)
    use_bytecode_cache(env, repo)
    assert env.bytecode_cache is None
    assert not (repo / ".cache").exists()
    shared = tmp_path / "shared"
    (shared / "advpub").mkdir(parents=True)
    (shared / "advpub").chmod(0o777)
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared))
    use_bytecode_cache(env, repo)
    assert env.bytecode_cache is None


def test_build_keeps_compiled_templates_in_the_user_folder_only(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    repo = sample_repo(tmp_path / "repo")
    result = cli("build", cwd=repo.path)
    assert result.code == 0, result.err
    # The theme's templates (the content templates' environment is this process's, and
    # compiled already by earlier tests) under the user's folder, nothing in the repository.
    folders = list(jinja_folder().iterdir())
    assert sum(len(list(f.glob("*.cache"))) for f in folders) > 20
    assert [p for p in repo.path.rglob("*.cache") if p.is_file()] == []
