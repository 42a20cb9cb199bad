"""Product identifiers checked by their grammars: CPE names and package URLs.

A CPE or purl the check accepts goes verbatim into CSAF ``product_identification_helper``
and CVE ``cpes``, whose schemas carry the same grammars; so an identifier is refused here,
as a violation naming the field, rather than producing a schema-invalid export.

- CPE 2.3 formatted strings follow NISTIR 7695 §6.2 (the pattern the CSAF 2.0 and CVE 5
  schemas use): ``cpe:2.3:`` then 11 colon-separated components; inside a component only
  letters, digits, ``-``, ``.``, ``_`` stand alone, every other printable character is
  quoted with a backslash (``joomla\\!``), and ``*``/``?`` wildcards may open or close it.
  A component with an unquoted special character is refused with the quoted form to write.
- CPE 2.2 URIs (``cpe:/a:vendor:product:version``, what JVN iPedia publishes) are accepted
  by the URI grammar of the same schemas.
- Package URLs are parsed by packageurl-python (the purl specification's reference
  library) and must be written canonically enough to be a URI (no spaces).
"""

from __future__ import annotations

import re

from packageurl import PackageURL

CPE23_COMPONENTS = (
    "part",
    "vendor",
    "product",
    "version",
    "update",
    "edition",
    "language",
    "sw_edition",
    "target_sw",
    "target_hw",
    "other",
)
_UNRESERVED = r"[a-zA-Z0-9\-._]"
_QUOTED = r"\\[\\*?!\"#$%&'()+,/:;<=>@\[\]\^`{|}~]"
_AVSTRING = re.compile(rf"^(?:(?:\?*|\*?)(?:{_UNRESERVED}|{_QUOTED})+(?:\?*|\*?)|[*\-])$")
_LANGUAGE = re.compile(r"^(?:[a-zA-Z]{2,3}(?:-(?:[a-zA-Z]{2}|[0-9]{3}))?|[*\-])$")
_PART = re.compile(r"^[aho*\-]$")
_CPE22 = re.compile(r"^[c][pP][eE]:/[AHOaho]?(?::[A-Za-z0-9._\-~%]*){0,6}$")
_AV = rf"(?:(?:\?*|\*?)(?:{_UNRESERVED}|{_QUOTED})+(?:\?*|\*?)|[*\-])"
# The whole grammar as one pattern (common subset of Python re and ECMA-262), for the
# editor schema; cpe_problem gives the reasons and the quoted form.
CPE_PATTERN = (
    rf"(?:cpe:2\.3:[aho*\-](?::{_AV}){{5}}"
    r"(?::(?:[a-zA-Z]{2,3}(?:-(?:[a-zA-Z]{2}|[0-9]{3}))?|[*\-]))"
    rf"(?::{_AV}){{4}}|[c][pP][eE]:/[AHOaho]?(?::[A-Za-z0-9._\-~%]*){{0,6}})"
)
_SPLIT = re.compile(r"(?<!\\)((?:\\\\)*):")


def cpe_problem(text: str) -> str | None:
    """Why ``text`` is not a CPE 2.3 formatted string or CPE 2.2 URI, or None when it is."""
    if text.startswith("cpe:/") or text.lower().startswith("cpe:/"):
        if _CPE22.match(text):
            return None
        return (
            "is not a CPE 2.2 URI (cpe:/part:vendor:product:...; letters, digits and "
            "._-~% only); prefer a CPE 2.3 formatted string"
        )
    if not text.startswith("cpe:2.3:"):
        return (
            "is not a CPE name; write a CPE 2.3 formatted string like "
            "cpe:2.3:a:vendor:product:*:*:*:*:*:*:*:*"
        )
    components = _split(text[len("cpe:2.3:") :])
    if len(components) != len(CPE23_COMPONENTS):
        return (
            f"has {len(components)} components after cpe:2.3: but a CPE 2.3 formatted string "
            f"has {len(CPE23_COMPONENTS)} ({':'.join(CPE23_COMPONENTS)}); use * for any value"
        )
    problems: list[str] = []
    suggested: list[str] = []
    for name, value in zip(CPE23_COMPONENTS, components, strict=True):
        pattern = _PART if name == "part" else _LANGUAGE if name == "language" else _AVSTRING
        if pattern.match(value):
            suggested.append(value)
            continue
        quoted = _quote(value) if name not in ("part", "language") else value
        if quoted != value and _AVSTRING.match(quoted):
            problems.append(f"{name} {value!r} has an unquoted special character")
            suggested.append(quoted)
        elif " " in value:
            problems.append(f"{name} {value!r} has a space (CPE writes it as _)")
            suggested.append(value.replace(" ", "_"))
        else:
            problems.append(f"{name} {value!r} is not a valid component")
            suggested.append(value)
    if not problems:
        return None
    message = "is not a CPE 2.3 formatted string: " + "; ".join(problems)
    fixed = "cpe:2.3:" + ":".join(suggested)
    if fixed != text and cpe_problem(fixed) is None:
        message += f"; write {fixed}"
    return message


def _split(body: str) -> list[str]:
    """The components of a formatted string body, split on colons not quoted by a backslash."""
    return _SPLIT.sub(lambda m: m.group(1) + "\x00", body).split("\x00")


def _quote(value: str) -> str:
    """``value`` with every special character quoted, keeping leading/trailing wildcards."""
    head = re.match(r"^(\?+|\*)?", value)
    lead = head.group(0) if head else ""
    rest = value[len(lead) :]
    tail_match = re.search(r"(\?+|\*)$", rest)
    tail = tail_match.group(0) if tail_match and tail_match.start() > 0 else ""
    middle = rest[: len(rest) - len(tail)]
    out: list[str] = []
    index = 0
    while index < len(middle):
        char = middle[index]
        if char == "\\" and index + 1 < len(middle):
            out.append(middle[index : index + 2])
            index += 2
            continue
        out.append(char if re.match(_UNRESERVED, char) else "\\" + char)
        index += 1
    return lead + "".join(out) + tail


def purl_problem(text: str) -> str | None:
    """Why ``text`` is not a package URL, or None when it is."""
    try:
        parsed = PackageURL.from_string(text)
    except ValueError as exc:
        return f"is not a package URL ({str(exc).rstrip('.')}); write one like pkg:pypi/name@1.2.3"
    if re.search(r"\s", text):
        return f"is not a package URL: spaces must be percent-encoded; write {parsed.to_string()}"
    return None
