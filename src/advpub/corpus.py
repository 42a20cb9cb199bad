"""Finding and parsing the published advisories of a repository (``advisories/``)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from advpub.config import Settings
from advpub.layout import is_advisory_name
from advpub.model import Advisory, Violation, parse_advisory
from advpub.model.parse import unreadable


@dataclass(frozen=True)
class Corpus:
    """The valid published advisories (sorted newest first) and every violation found.

    ``digests`` maps each advisory's id to the SHA-256 of the exact bytes it was parsed from
    (caches key on them, so they can never pair one version's key with another's content).
    """

    advisories: tuple[Advisory, ...]
    violations: tuple[Violation, ...]
    digests: Mapping[str, bytes] = field(default_factory=dict)


def advisory_files(settings: Settings) -> Iterator[Path]:
    """Every advisory file under the advisories folder, in a stable order."""
    folder = settings.advisories_path
    if not folder.is_dir():
        return
    for file in sorted(folder.rglob("*.md")):
        if not is_advisory_name(PurePosixPath(file.relative_to(folder).as_posix())):
            continue
        if file.is_file():
            yield file


def display_path(settings: Settings, file: Path) -> str:
    """``file`` relative to the repository root, with forward slashes."""
    try:
        return file.relative_to(settings.root).as_posix()
    except ValueError:
        return str(file)


def load_corpus(settings: Settings) -> Corpus:
    """Parse every published advisory; report each problem, duplicate ids included."""
    options = settings.model_options
    advisories: list[Advisory] = []
    violations: list[Violation] = []
    seen: dict[str, str] = {}
    digests: dict[str, bytes] = {}
    for file in advisory_files(settings):
        shown = display_path(settings, file)
        try:
            data = file.read_bytes()
        except OSError as exc:
            violations.append(unreadable(shown, exc))
            continue
        result = parse_advisory(data, path=shown, options=options, expected_id=file.stem)
        violations.extend(result.violations)
        adv = result.advisory
        if adv is None:
            continue
        if adv.id in seen:
            violations.append(
                Violation(
                    shown,
                    None,
                    "id",
                    "duplicate-id",
                    f"{adv.id} is also used by {seen[adv.id]}; give each advisory its own id",
                )
            )
            continue
        if adv.share_with:
            # Who a case was shared with is draft-only (release drops it); a public file
            # carrying it would name the vendors and finders who worked on the case.
            violations.append(
                Violation(
                    shown,
                    None,
                    "share_with",
                    "draft-only",
                    "is for drafts only and is never published; remove it",
                )
            )
            continue
        seen[adv.id] = shown
        digests[adv.id] = hashlib.sha256(data).digest()
        advisories.append(adv)
    advisories.sort(key=lambda a: (a.published_at, a.id), reverse=True)
    return Corpus(tuple(advisories), tuple(violations), digests)
