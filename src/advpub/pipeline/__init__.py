"""From a repository to a published site: ``advpub publish`` and ``advpub demo``.

Plain functions that return results; only ``advpub.cli`` prints.
"""
