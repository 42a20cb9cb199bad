"""Exports of published advisories: OSV (``osv``), CSAF 2.0 (``csaf``) and CVE JSON 5
(``cve``) documents, plus the files they make in a built site (``site``: a generator over
:class:`advpub.outputs.SiteContext` that the site's plugin registers).

Plain functions from the model to bytes, deterministic for the same advisories. They never
import the site and never read ``embargo/``.
"""
