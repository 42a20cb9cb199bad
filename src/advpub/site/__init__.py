"""The public site: the MkDocs plugin and everything it builds from published advisories.

- ``plugin``: the thin adapter from MkDocs' events to the steps below;
- ``sources``: what of the docs folder may reach the build (links, sentinel, settings);
- ``build_checks``: the release gate over ``advisories/`` and the leak scan of the output;
  ``build``: ``advpub build``/``advpub serve`` (MkDocs in-process, then the checks);
- ``listings`` (which pages exist and how advisories are grouped), ``render``, ``sanitize``,
  ``search``, ``i18n``, ``slugs``: the pages;
- ``feeds``: Atom, RSS, JSON Feed and JVNRSS, over the same listing groups; a generator of
  :mod:`advpub.outputs` like the exports (:mod:`advpub.exports.site`), registered by the plugin;
- ``incremental``: what a build reuses from the last, behind one object (nothing under plain
  MkDocs); ``store`` (its one SQLite file), ``pagecache``, ``fingerprint``, ``reuse``
  (unchanged output files);
- ``marker``: the file a finished build leaves for ``advpub build`` to check.

The site reads only published advisories that passed the gate; it never reads ``embargo/``
except to scan its own output for embargoed terms.
"""
