"""advpub: publish security advisories from a git repository."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("advpub")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"
