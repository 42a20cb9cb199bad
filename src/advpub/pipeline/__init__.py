"""The work of the commands that change the repository or publish it, step by step.

Each module runs one job over the lower layers (gate, checks, site, git): ``release`` moves
due drafts out of the embargo as a git + file-system transaction (``status``: the gate's
verdict on each loaded draft), ``publish`` chains release, site build and push, ``demo``
builds a throw-away repository. Time and identities arrive as arguments from the CLI. Plain
functions that return results; only ``advpub.cli`` prints.
"""
