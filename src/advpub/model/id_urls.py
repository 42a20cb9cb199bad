"""Where the public record of an advisory id lives, for ids of well-known databases.

``related`` and ``upstream`` ids (and aliases) are bare ids; exports that need a URL (CVE
JSON 5 and CSAF references) and the advisory page (links) ask :func:`advisory_id_url`.
Only schemes whose record URL is fixed by the id are resolved; any other id (a vendor's
``cisco-sa-…``, CERT/CC ``VU#…``) has no URL and stays a bare id.

- ``CVE-…``: the cve.org record.
- ``GHSA-…`` (either case): the GitHub advisory database, with the canonical upper-case
  prefix and lower-case groups.
- ``JVN#``, ``JVNVU#``, ``JVNTA#``: the jvn.jp page; ``JVNDB-YYYY-NNNNNN``: JVN iPedia.
- ids of the databases OSV hosts (``PYSEC-``, ``RUSTSEC-``, ``GO-`` …, :data:`OSV_PREFIXES`):
  their osv.dev page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from advpub.model.advisory import Advisory
from advpub.model.aliases import alias_problem

# Id prefixes of databases osv.dev serves under /vulnerability/<id> (its own home databases
# and the distributions it imports); GHSA and CVE have their own homes above.
OSV_PREFIXES = frozenset(
    {
        "PYSEC",
        "RUSTSEC",
        "GO",
        "GSD",
        "OSV",
        "MAL",
        "BIT",
        "PSF",
        "HSEC",
        "CURL",
        "DSA",
        "DLA",
        "DTSA",
        "USN",
        "UBUNTU",
        "DEBIAN",
        "ALSA",
        "RLSA",
        "MGASA",
        "OESA",
    }
)
_JVN = re.compile(r"^(JVN|JVNVU|JVNTA)#(\d{8})$")
_JVNDB = re.compile(r"^JVNDB-(\d{4})-\d{6}$")
_JVN_FOLDERS = {"JVN": "jp", "JVNVU": "vu", "JVNTA": "ta"}


def advisory_id_url(ident: str) -> str | None:
    """The public URL of the record ``ident`` names, or None when the id's scheme has no
    fixed URL (or the id is not a valid alias at all)."""
    if alias_problem(ident) is not None:
        return None
    upper = ident.upper()
    if upper.startswith("CVE-"):
        return f"https://www.cve.org/CVERecord?id={upper}"
    if upper.startswith("GHSA-"):
        return f"https://github.com/advisories/GHSA-{ident[5:].lower()}"
    jvn = _JVN.match(ident)
    if jvn:
        return f"https://jvn.jp/{_JVN_FOLDERS[jvn.group(1)]}/{jvn.group(1)}{jvn.group(2)}/"
    jvndb = _JVNDB.match(ident)
    if jvndb:
        return f"https://jvndb.jvn.jp/ja/contents/{jvndb.group(1)}/{ident}.html"
    prefix, sep, rest = ident.partition("-")
    if sep and rest and prefix.upper() in OSV_PREFIXES:
        return f"https://osv.dev/vulnerability/{quote(ident, safe='-._:')}"
    return None


@dataclass(frozen=True)
class LinkedId:
    """A ``related`` or ``upstream`` id of an advisory, with its URL when one is known."""

    relation: str
    ident: str
    url: str | None

    @property
    def label(self) -> str:
        """``related: GHSA-…`` / ``upstream: CVE-…`` (how exports name the reference)."""
        return f"{self.relation}: {self.ident}"


def linked_ids(adv: Advisory) -> list[LinkedId]:
    """The advisory's ``related`` then ``upstream`` ids, each with its URL or None."""
    return [
        LinkedId(relation, ident, advisory_id_url(ident))
        for relation, idents in (("related", adv.related), ("upstream", adv.upstream))
        for ident in idents
    ]
