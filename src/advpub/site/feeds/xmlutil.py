"""Small helpers over :mod:`xml.etree.ElementTree` shared by the XML feed formats.

The standard library serializer escapes every text and attribute value, so titles with
``&``, ``<``, quotes or Japanese round-trip exactly; we only add what it lacks: dropping
characters XML 1.0 cannot carry at all, and stable prefixes for the namespaces we use.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"
RSS1 = "http://purl.org/rss/1.0/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
SEC = "http://jvn.jp/rss/mod_sec/3.0/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
XML_NS = "http://www.w3.org/XML/1998/namespace"

# ElementTree keeps prefixes in one process-wide table; these are the conventional prefixes
# of well-known namespaces, so registering them cannot surprise another user of the table.
for _prefix, _uri in (("atom", ATOM), ("content", CONTENT), ("dcterms", DCTERMS), ("sec", SEC)):
    ET.register_namespace(_prefix, _uri)

# Characters outside the XML 1.0 Char production (C0 controls except tab/LF/CR, surrogates,
# U+FFFE/U+FFFF) make a document unparseable; they never carry meaning in an advisory.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """``text`` without characters XML 1.0 forbids."""
    return _NOT_XML.sub("", text)


def q(namespace: str, name: str) -> str:
    """A qualified name in ElementTree's ``{uri}name`` form."""
    return f"{{{namespace}}}{name}"


def sub(
    parent: ET.Element, tag: str, text: str | None = None, attributes: dict[str, str] | None = None
) -> ET.Element:
    """Append a child element with cleaned text and attributes (in the given order)."""
    child = ET.SubElement(parent, tag, {k: clean(v) for k, v in (attributes or {}).items()})
    if text is not None:
        child.text = clean(text)
    return child


def serialize(root: ET.Element) -> bytes:
    """UTF-8 bytes with an XML declaration, indented, identical for identical trees.

    The default namespace is a plain ``xmlns`` attribute on the root with unprefixed child
    names: ElementTree's ``default_namespace`` option rejects unprefixed attributes.
    """
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")
