"""Importing published records (OSV, CSAF 2.0) as advisories: one converter per format
(:mod:`advpub.imports.osv`, :mod:`advpub.imports.csaf`) producing front matter, body and
the fields it could not carry, and :mod:`advpub.imports.plan`, which checks every record
(id, model, gate, duplicates) before anything is written.

Beside the layers: it uses the model, the gate and the configuration; only the CLI uses it.
"""
