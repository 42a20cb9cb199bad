"""Infrastructure: the only part of advpub that talks to git.

One runner (:mod:`advpub.git.command`: every ``git`` process starts there, and its one
error type, :class:`~advpub.errors.GitError`, never shows a token), one parser of git's
``--raw`` log and diff output (:mod:`advpub.git.history`), and small readers built on them:
the work tree, index, trees and blobs (:mod:`~advpub.git.staged`), refs and tag objects
(:mod:`~advpub.git.refs`), the repository operations of a release on GitPython's object
model (:mod:`~advpub.git.repo`), hook installation (:mod:`~advpub.git.hooks`) and the
release lock (:mod:`~advpub.git.lock`).

It knows where things live in a repository (:mod:`advpub.layout`) but nothing of
advisories, drafts or the gate: what the hooks check is in :mod:`advpub.checks.hooks`.
"""
