"""Directory listings of the CSAF distribution (CSAF requirement 14).

Static hosts (GitHub Pages, GitLab Pages) answer 404 for a folder without ``index.html``, so
the build writes the listing a web server would generate: ``index.html`` for
``.well-known/csaf/``, ``white/`` and every ``white/<YYYY>/``, each linking every file and
sub-folder with a relative link, and a plain ``index.txt`` in every year folder naming its
documents (the same form as ``white/index.txt`` of requirement 12, relative to the folder).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from advpub.outputs import Output


def listing_html(title: str, names: Iterable[str]) -> bytes:
    """A plain directory listing page: one relative link per entry (folders end in ``/``)."""
    rows = "".join(
        f'<li><a href="{escape(name, quote=True)}">{escape(name)}</a></li>\n' for name in names
    )
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Index of {escape(title)}</title>\n</head>\n<body>\n"
        f"<h1>Index of {escape(title)}</h1>\n<ul>\n{rows}</ul>\n</body>\n</html>\n"
    )
    return page.encode("utf-8")


def _children(folder: str, paths: Sequence[str]) -> list[str]:
    """The direct entries of ``folder`` among ``paths`` (sub-folders with a trailing ``/``)."""
    prefix = folder.rstrip("/") + "/"
    found: set[str] = set()
    for path in paths:
        if not path.startswith(prefix):
            continue
        rest = path[len(prefix) :]
        head, sep, _ = rest.partition("/")
        if head and head != "index.html":
            found.add(head + "/" if sep else head)
    # Folders first, then files, each alphabetical (what autoindex modules show).
    return sorted(found, key=lambda n: (not n.endswith("/"), n))


def listing_outputs(
    csaf_dir: str, white_dir: str, paths: Sequence[str], documents: Sequence[str]
) -> list[Output]:
    """Listings for ``csaf_dir``, ``white_dir`` and each year folder below it.

    ``paths`` are every site-relative file of the distribution; ``documents`` the CSAF
    documents relative to ``white_dir`` (``<YYYY>/<file>.json``).
    """
    years = sorted({doc.split("/", 1)[0] for doc in documents})
    outputs: list[Output] = []
    for year in years:
        names = [doc.split("/", 1)[1] for doc in documents if doc.startswith(year + "/")]
        index = "".join(f"{name}\n" for name in sorted(names))
        outputs.append(Output(f"{white_dir}/{year}/index.txt", index.encode(), "text/plain"))
    every = [*paths, *(o.path for o in outputs)]
    for folder in (csaf_dir, white_dir, *(f"{white_dir}/{year}" for year in years)):
        entries = _children(folder, every)
        if folder != csaf_dir or entries:
            title = "/" + folder + "/"
            outputs.append(
                Output(f"{folder}/index.html", listing_html(title, entries), "text/html")
            )
    return outputs
