"""Parse and validate one advisory file, collecting every problem at once."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar
from urllib.parse import urlsplit

import cvss

from advpub.model import fields as F
from advpub.model.advisory import (
    Advisory,
    Affected,
    Credit,
    CvssScore,
    EarlyRelease,
    Fix,
    Reference,
    Revision,
    Withdrawn,
)
from advpub.model.affected import parse_affected
from advpub.model.aliases import alias_problem
from advpub.model.coordination import default_fix, parse_coordination, required_keys
from advpub.model.frontmatter import MAX_FILE_BYTES, load_front_matter
from advpub.model.kinds import value_kind as _kind
from advpub.model.options import ModelOptions
from advpub.model.timeutil import DateValueError, parse_date, parse_instant
from advpub.model.violation import Violation

CVE_RE = re.compile(f"^{F.CVE_PATTERN}$")
CWE_RE = re.compile(f"^{F.CWE_PATTERN}$")
LANG_RE = re.compile(f"^{F.LANG_PATTERN}$")
_PATHLIKE = re.compile(r"[/\\]|^\.|\.\.|\x00")

T = TypeVar("T")


@dataclass(frozen=True)
class ParseResult:
    """The advisory when valid, and every violation found (empty when valid)."""

    advisory: Advisory | None
    violations: tuple[Violation, ...]

    @property
    def is_valid(self) -> bool:
        """True when no violation was found."""
        return not self.violations


def parse_advisory_file(
    file: Path, options: ModelOptions, *, display_path: str | None = None
) -> ParseResult:
    """Read ``file`` and parse it; its stem must equal the advisory id."""
    shown = display_path or str(file)
    try:
        data = file.read_bytes()
    except OSError as exc:
        return ParseResult(None, (unreadable(shown, exc),))
    return parse_advisory(data, path=shown, options=options, expected_id=file.stem)


def unreadable(shown: str, exc: OSError) -> Violation:
    """The violation of an advisory file that cannot be read."""
    return Violation(shown, None, "file", "io", f"cannot read: {exc.strerror}")


def parse_advisory(
    source: str | bytes,
    *,
    path: str,
    options: ModelOptions,
    expected_id: str | None = None,
) -> ParseResult:
    """Parse an advisory from its text; ``expected_id`` is the id its file name implies."""
    if isinstance(source, bytes):
        if len(source) > MAX_FILE_BYTES:
            return _fail(path, 1, "file", "size", _too_large())
        try:
            text = source.decode("utf-8")
        except UnicodeDecodeError as exc:
            return _fail(
                path,
                source.count(b"\n", 0, exc.start) + 1,
                "file",
                "encoding",
                f"not valid UTF-8 (byte 0x{source[exc.start]:02x} at offset {exc.start}); "
                "save the file as UTF-8",
            )
    else:
        text = source
        if len(text) > MAX_FILE_BYTES:
            return _fail(path, 1, "file", "size", _too_large())
    loaded = load_front_matter(text)
    violations = [Violation(path, p.line, p.field, p.rule, p.message) for p in loaded.problems]
    if loaded.data is None and violations:
        return ParseResult(None, tuple(violations))
    if not isinstance(loaded.data, dict):
        kind = "empty" if loaded.data is None else _kind(loaded.data)
        return _fail(
            path,
            loaded.first_line,
            "front matter",
            "front-matter-type",
            f"front matter must be a mapping of keys to values, not {kind}",
        )
    checker = _Checker(path, loaded.lines, loaded.first_line, options)
    checker.violations.extend(violations)
    advisory = checker.build(loaded.data, loaded.body, expected_id)
    if checker.violations:
        return ParseResult(None, tuple(sorted(checker.violations, key=_order)))
    return ParseResult(advisory, ())


def _order(v: Violation) -> tuple[int, str]:
    return (v.line or 0, v.field)


def _too_large() -> str:
    return f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; split or shorten it"


def _fail(path: str, line: int | None, field: str, rule: str, message: str) -> ParseResult:
    return ParseResult(None, (Violation(path, line, field, rule, message),))


def suggest_key(key: str, known: Sequence[str]) -> str | None:
    """The known key a mistyped ``key`` most likely meant, or None."""
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        return close[0]
    for sep in ("_", "-", "."):
        head = key.split(sep, 1)[0]
        if head != key and head in known:
            return head
    close = difflib.get_close_matches(key.lower(), known, n=1, cutoff=0.75)
    return close[0] if close else None


class _Checker:
    """Validates a loaded front matter mapping field by field."""

    def __init__(
        self, path: str, lines: Mapping[str, int], first_line: int, options: ModelOptions
    ) -> None:
        self.path = path
        self.lines = lines
        self.first_line = first_line
        self.options = options
        self.violations: list[Violation] = []

    # -- reporting -----------------------------------------------------------------
    def add(self, field: str, rule: str, message: str) -> None:
        line = self.lines.get(field)
        probe = field
        while line is None and probe:
            parent = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", probe)
            if parent == probe:
                break
            probe = parent
            line = self.lines.get(probe) if probe else None
        self.violations.append(Violation(self.path, line or self.first_line, field, rule, message))

    # -- generic shapes ------------------------------------------------------------
    def mapping(
        self,
        value: object,
        field: str,
        known: Sequence[str],
        required: Sequence[str] = (),
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.add(field, "type", f"must be a mapping, not {_kind(value)}")
            return None
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str) or key not in known:
                name = str(key)
                hint = suggest_key(name, known) if isinstance(key, str) else None
                where = f"{field}.{name}" if field else name
                message = "unknown key"
                message += f"; did you mean `{hint}`?" if hint else f"; allowed: {', '.join(known)}"
                self.add(where, "unknown-key", message)
                continue
            out[key] = item
        for key in required:
            if key not in out or out[key] is None:
                where = f"{field}.{key}" if field else key
                hint = F.MISSING_HINTS.get(where, f"add `{key}:`")
                if key not in out:
                    self.add(where, "missing-key", f"required key is missing; {hint}")
                else:
                    self.add(where, "empty", f"required value is empty; {hint}")
        return out

    def string(self, value: object, field: str, *, one_line: bool = False) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.add(field, "type", f"must be a string, not {_kind(value)}")
            return None
        text = str(value).strip()
        if not text:
            self.add(field, "empty", "must not be empty")
            return None
        if one_line and "\n" in text:
            self.add(field, "one-line", "must fit on one line")
            return None
        return text

    def strings(
        self,
        value: object,
        field: str,
        item_check: Callable[[str, str], str | None] | None = None,
    ) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.add(field, "type", f"must be a list, not {_kind(value)} (write `- item` lines)")
            return ()
        out: list[str] = []
        for index, item in enumerate(value):
            where = f"{field}[{index}]"
            text = self.string(item, where, one_line=True)
            if text is None:
                if item is None:
                    self.add(where, "empty", "must not be empty")
                continue
            if item_check is not None:
                checked = item_check(text, where)
                if checked is None:
                    continue
                text = checked
            out.append(text)
        return tuple(out)

    def records(
        self,
        value: object,
        field: str,
        build: Callable[[dict[str, Any], str], T | None],
        known: Sequence[str],
        required: Sequence[str],
    ) -> tuple[T, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.add(field, "type", f"must be a list of mappings, not {_kind(value)}")
            return ()
        out: list[T] = []
        for index, item in enumerate(value):
            where = f"{field}[{index}]"
            mapping = self.mapping(item, where, known, required)
            if mapping is None:
                continue
            built = build(mapping, where)
            if built is not None:
                out.append(built)
        return tuple(out)

    def choice(self, value: object, field: str, allowed: Sequence[str], default: str) -> str:
        if value is None:
            return default
        text = self.string(value, field)
        if text is None:
            return default
        if text not in allowed:
            self.add(field, "enum", f"{text!r} is not allowed; use one of: {', '.join(allowed)}")
            return default
        return text

    def instant(self, value: object, field: str) -> datetime | None:
        if value is None:
            return None
        try:
            return parse_instant(value, self.options.timezone)
        except DateValueError as exc:
            self.add(field, "date", str(exc))
            return None

    def day(self, value: object, field: str) -> date | None:
        if value is None:
            return None
        try:
            return parse_date(value)
        except DateValueError as exc:
            self.add(field, "date", str(exc))
            return None

    # -- item checks -----------------------------------------------------------------
    def _cve(self, text: str, where: str) -> str | None:
        if not CVE_RE.match(text):
            self.add(where, "cve-format", f"{text!r} is not a CVE id; use CVE-YYYY-NNNN")
            return None
        return text

    def _alias(self, text: str, where: str) -> str | None:
        problem = alias_problem(text)
        if problem is not None:
            shown = repr(text) if len(text) <= 40 else f"{text[:37]!r}…"
            self.add(where, "alias-format", f"{shown} is not a valid alias: it {problem}")
            return None
        return text

    def _cwe(self, text: str, where: str) -> str | None:
        if not CWE_RE.match(text):
            self.add(where, "cwe-format", f"{text!r} is not a CWE id; use CWE-N (e.g. CWE-79)")
            return None
        return text

    def _url(self, value: object, where: str) -> str | None:
        text = self.string(value, where, one_line=True)
        if text is None:
            return None
        parts = urlsplit(text)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            scheme = f"{parts.scheme}:" if parts.scheme else "no scheme"
            self.add(
                where,
                "url-scheme",
                f"only absolute http:// and https:// URLs are allowed (got {scheme})",
            )
            return None
        return text

    # -- records ---------------------------------------------------------------------

    url = _url  # the public name the coordination keys' parser uses

    def _fix(self, value: object) -> Fix | None:
        m = self.mapping(value, "fix", F.FIX_KEYS, ("verified",))
        if m is None:
            return None
        verified = m.get("verified")
        if verified is not None and not isinstance(verified, bool):
            self.add("fix.verified", "type", f"must be true or false, not {_kind(verified)}")
            verified = None
        verified_by = self.string(m.get("verified_by"), "fix.verified_by", one_line=True)
        if verified is True and verified_by is None and "verified_by" not in m:
            self.add(
                "fix.verified_by",
                "missing-key",
                "required when `verified: true`; name who verified the fix",
            )
        verified_on = self.day(m.get("verified_on"), "fix.verified_on")
        note = self.string(m.get("note"), "fix.note")
        if verified is None:
            return None
        return Fix(verified, verified_by, verified_on, note)

    def _cvss(self, m: dict[str, Any], where: str) -> CvssScore | None:
        vector = self.string(m.get("vector"), f"{where}.vector", one_line=True)
        if vector is None:
            return None
        score = self.vector(vector, f"{where}.vector")
        if score is None:
            return None
        typed = m.get("score")
        if typed is not None:
            if isinstance(typed, bool) or not isinstance(typed, int | float):
                self.add(f"{where}.score", "type", f"must be a number, not {_kind(typed)}")
            elif abs(float(typed) - score.base_score) > 0.05:
                self.add(
                    f"{where}.score",
                    "cvss-score",
                    f"{typed} does not match the vector's base score {score.base_score}; "
                    "remove `score` or correct it",
                )
        return score

    def vector(self, vector: str, field: str) -> CvssScore | None:
        """The score of a CVSS 3.0, 3.1 or 4.0 vector, or None (reported) when invalid."""
        try:
            if vector.startswith("CVSS:4.0/"):
                v4 = cvss.CVSS4(vector)
                return CvssScore(vector, "4.0", float(v4.base_score), str(v4.severity))
            if vector.startswith(("CVSS:3.0/", "CVSS:3.1/")):
                v3 = cvss.CVSS3(vector)
                return CvssScore(vector, vector[5:8], float(v3.base_score), str(v3.severities()[0]))
        except cvss.CVSSError as exc:
            self.add(field, "cvss-vector", f"invalid CVSS vector: {exc}")
            return None
        self.add(field, "cvss-vector", "must start with CVSS:3.1/, CVSS:3.0/ or CVSS:4.0/")
        return None

    def _affected(self, m: dict[str, Any], where: str) -> Affected | None:
        return parse_affected(self, m, where)

    def _credit(self, m: dict[str, Any], where: str) -> Credit | None:
        name = self.string(m.get("name"), f"{where}.name", one_line=True)
        kind = self.choice(m.get("type"), f"{where}.type", F.CREDIT_TYPES, "finder")
        contact = self.strings(m.get("contact"), f"{where}.contact")
        return Credit(name, kind, contact) if name else None

    def _reference(self, m: dict[str, Any], where: str) -> Reference | None:
        url = self._url(m.get("url"), f"{where}.url")
        kind = self.choice(m.get("type"), f"{where}.type", F.REFERENCE_TYPES, "web")
        return Reference(url, kind) if url else None

    def _revision(self, m: dict[str, Any], where: str) -> Revision | None:
        when = self.instant(m.get("date"), f"{where}.date")
        summary = self.string(m.get("summary"), f"{where}.summary")
        return Revision(when, summary) if when and summary else None

    def _fix_waiver(self, m: dict[str, Any]) -> EarlyRelease | None:
        """``early_release`` or its clearer name ``waive_fix_verification`` (not both)."""
        given = [key for key in F.FIX_WAIVER_KEYS if m.get(key) is not None]
        if len(given) > 1:
            self.add(
                "waive_fix_verification",
                "consistency",
                "early_release and waive_fix_verification are the same key (a waiver of the fix "
                "verification); keep one",
            )
        return self._early_release(m[given[0]], given[0]) if given else None

    def _early_release(self, value: object, field: str = "early_release") -> EarlyRelease | None:
        if value is None:
            return None
        m = self.mapping(value, field, F.EARLY_RELEASE_KEYS, ("basis", "approved_by"))
        if m is None:
            return None
        basis = self.choice(m.get("basis"), f"{field}.basis", F.EARLY_RELEASE_BASES, "")
        approved = self.strings(m.get("approved_by"), f"{field}.approved_by")
        reference = self.string(m.get("reference"), f"{field}.reference", one_line=True)
        return EarlyRelease(basis, approved, reference) if basis else None

    def _withdrawn(self, value: object) -> Withdrawn | None:
        if value is None:
            return None
        m = self.mapping(value, "withdrawn", F.WITHDRAWN_KEYS, F.WITHDRAWN_KEYS)
        if m is None:
            return None
        when = self.instant(m.get("date"), "withdrawn.date")
        reason = self.string(m.get("reason"), "withdrawn.reason")
        return Withdrawn(when, reason) if when and reason else None

    def _id(self, value: object, expected_id: str | None) -> str | None:
        if value is None:
            return None
        text = self.string(value, "id", one_line=True)
        if text is None:
            return None
        if _PATHLIKE.search(text):
            self.add("id", "id-path", f"{text!r} looks like a path; use an id like ADV-2026-0001")
            return None
        if not self.options.id_pattern.match(text):
            self.add(
                "id",
                "id-pattern",
                f"{text!r} does not match the id pattern {self.options.id_pattern.pattern}",
            )
            return None
        if expected_id is not None and text != expected_id:
            self.add(
                "id",
                "id-filename",
                f"{text!r} differs from the file name {expected_id!r}; "
                f"rename the file to {text}.md or correct the id",
            )
        return text

    # -- the whole document ------------------------------------------------------------
    def build(self, data: dict[Any, Any], body: str, expected_id: str | None) -> Advisory | None:
        m = self.mapping(data, "", F.TOP_LEVEL_KEYS, required_keys(data))
        if m is None:  # pragma: no cover - data is a dict here
            return None
        ident = self._id(m.get("id"), expected_id)
        title = self.string(m.get("title"), "title", one_line=True)
        summary = self.string(m.get("summary"), "summary")
        release = self.instant(m.get("release_date"), "release_date")
        fix = self._fix(m["fix"]) if m.get("fix") is not None else None
        cves = self.strings(m.get("cve"), "cve", self._cve)
        cwes = self.strings(m.get("cwe"), "cwe", self._cwe)
        aliases = self.strings(m.get("aliases"), "aliases", self._alias)
        scores = self.records(m.get("cvss"), "cvss", self._cvss, F.CVSS_KEYS, ("vector",))
        affected = self.records(
            m.get("affected"), "affected", self._affected, F.AFFECTED_KEYS, ("product",)
        )
        credits = self.records(m.get("credits"), "credits", self._credit, F.CREDIT_KEYS, ("name",))
        references = self.records(
            m.get("references"), "references", self._reference, F.REFERENCE_KEYS, ("url",)
        )
        early = self._fix_waiver(m)
        scope = self.choice(m.get("scope"), "scope", F.SCOPES, "product")
        tlp = self.choice(m.get("tlp"), "tlp", F.TLP_LABELS, "CLEAR")
        lang = self.string(m.get("lang"), "lang", one_line=True) or self.options.default_lang
        if "lang" in m and not LANG_RE.match(lang):
            self.add("lang", "lang", f"{lang!r} is not a BCP 47 language tag (e.g. ja, en-US)")
        published = self.instant(m.get("published"), "published")
        revisions = self.records(
            m.get("revisions"), "revisions", self._revision, F.REVISION_KEYS, F.REVISION_KEYS
        )
        withdrawn = self._withdrawn(m.get("withdrawn"))
        approvals = self.strings(m.get("approvals"), "approvals")
        share_with = self.strings(m.get("share_with"), "share_with")
        related = self.strings(m.get("related"), "related", self._alias)
        upstream = self.strings(m.get("upstream"), "upstream", self._alias)
        coordination = parse_coordination(self, m)
        fix = default_fix(coordination, fix, "fix" in m)
        if self.violations or not (ident and title and summary and release and fix):
            return None
        return Advisory(
            id=ident,
            title=title,
            summary=summary,
            release_date=release,
            fix=fix,
            body=body,
            cve=cves,
            cwe=cwes,
            aliases=aliases,
            cvss=scores,
            affected=affected,
            credits=credits,
            references=references,
            early_release=early,
            scope=scope,
            tlp=tlp,
            lang=lang,
            published=published,
            revisions=tuple(sorted(revisions, key=lambda r: r.date)),
            withdrawn=withdrawn,
            approvals=approvals,
            share_with=share_with,
            related=related,
            upstream=upstream,
            **coordination.fields(),
            path=self.path,
            front_matter=dict(m),
        )


def is_path_like(ident: str) -> bool:
    """True when ``ident`` could escape a folder if used as a file name."""
    return bool(_PATHLIKE.search(ident)) or PurePosixPath(ident).name != ident
