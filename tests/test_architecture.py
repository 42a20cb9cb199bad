"""The package's structure, read from its import graph (every import, also those inside
functions): no cycle between modules, and imports only in the stated direction.

    cli → pipeline → site → exports → checks → gate → model

Infrastructure modules sit beside that line and may be used from above but never import
the layers that use them (see ALLOWED). The gate is pure policy over the model.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "advpub"

INFRA = {
    "errors",
    "fsutil",
    "layout",
    "clock",
    "config",
    "corpus",
    "embargo",
    "leaks",
    "logguard",
    "git",
    "scaffold",
    "outputs",
    "htmltags",
    "jsonio",
    "parsecache",
    "userkey",
}
# Which top-level parts of advpub each part may import (itself always).
ALLOWED: dict[str, set[str]] = {
    "__main__": {"cli"},
    "advpub": set(),
    "cli": {"pipeline", "site", "exports", "checks", "gate", "model", "imports", *INFRA},
    "pipeline": {"site", "exports", "checks", "gate", "model", *INFRA},
    "site": {"exports", "checks", "gate", "model", *INFRA},
    "exports": {"gate", "model", *INFRA},
    "checks": {"gate", "model", *INFRA},
    "gate": {"model", "errors"},
    "model": {"errors"},
    "errors": set(),
    "fsutil": set(),
    "layout": set(),
    "clock": {"errors"},
    "config": {"model", "errors", "layout", "gate"},
    "corpus": {"config", "model", "errors", "layout", "parsecache"},
    # The parse cache between processes, authenticated with the per-user key.
    "parsecache": {"model", "userkey"},
    "userkey": set(),
    "embargo": {"model", "errors", "fsutil", "layout"},
    "leaks": {"embargo", "model", "errors"},
    "logguard": {"leaks", "embargo", "config", "model", "errors"},
    "git": {"errors", "fsutil", "layout", "config"},
    "scaffold": {"errors", "fsutil", "layout"},
    "outputs": {"config", "model", "errors"},
    "htmltags": set(),
    # Converters of published records (OSV, CSAF) into advisories; used by the CLI only.
    "imports": {"gate", "model", "errors", "fsutil", "config", "layout"},
    "jsonio": set(),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _resolve(module: str, node: ast.ImportFrom) -> str | None:
    if node.level == 0:
        return node.module
    base = module.split(".")
    base = base[: len(base) - node.level + (1 if module.endswith("__init__") else 0)]
    return ".".join([*base, node.module] if node.module else base)


def import_graph() -> dict[str, set[str]]:
    """Module → the advpub modules it imports (at any depth of the file)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for path in sorted(SRC.rglob("*.py")):
        module = _module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                resolved = _resolve(module, node)
                if resolved:
                    targets = [resolved]
                    # `from advpub.site import outputs` imports the module advpub.site.outputs
                    targets += [f"{resolved}.{a.name}" for a in node.names]
            for target in targets:
                if target == "advpub" or target.startswith("advpub."):
                    graph[module].add(target)
        graph.setdefault(module, set())
    modules = set(graph)
    return {m: {t for t in ts if t in modules and t != m} for m, ts in graph.items()}


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "advpub"


def _allowed(module: str, target: str) -> bool:
    # The package root (advpub.__version__) and its modules are importable from anywhere as
    # long as the part they belong to is allowed.
    if target == "advpub":
        return True
    return _part(target) == _part(module) or _part(target) in ALLOWED.get(_part(module), set())


def test_imports_follow_the_stated_direction() -> None:
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        for target in targets
        if not _allowed(module, target)
    )
    assert wrong == []


def test_every_part_of_the_package_is_placed() -> None:
    parts = {_part(m) for m in import_graph()}
    assert parts <= set(ALLOWED), sorted(parts - set(ALLOWED))


def test_no_import_cycles_between_modules() -> None:
    graph = import_graph()
    # Package __init__ re-exports are edges to their own modules, not cycles of design.
    edges = {
        m: {t for t in ts if not t.startswith(m + ".") and not m.startswith(t + ".")}
        for m, ts in graph.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    assert cycles == []
