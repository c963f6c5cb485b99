"""Every module imports, and no module's imports lead back to it (no import cycles), as
aiohttp's test suite checks.

The cycles are found on the import graph read from the sources: an import at a module's
top level (``if TYPE_CHECKING:`` blocks and imports inside functions are left out, as they
run later or never), plus the packages whose ``__init__`` Python runs first. A module
imported first could only fail where that graph has a cycle, so this is as strict as
importing each module in a fresh interpreter (which took this suite 70 s of both cores)
and says which modules make the loop.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import textwrap
from collections.abc import Iterator
from pathlib import Path

import chatdesk

PACKAGE = Path(chatdesk.__file__).parent


def modules(root: Path, package: str) -> dict[str, Path]:
    """Return every module of the package at ``root`` by dotted name."""
    found = {}
    for file in root.rglob("*.py"):
        parts = [package, *file.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = file
    return found


def _top_level_imports(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Yield the imports that run when the module is imported: not in functions, not
    under ``if TYPE_CHECKING:`` (class bodies and ``try`` blocks run)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        elif isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
            yield from (i for other in child.orelse for i in _top_level_imports(other))
        else:
            yield from _top_level_imports(child)


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Return, for each module of the package, the package's modules importing it runs."""
    found = modules(root, package)
    graph: dict[str, set[str]] = {}
    for name, file in found.items():
        here = name.split(".") if file.name == "__init__.py" else name.split(".")[:-1]
        targets: list[str] = []
        for node in _top_level_imports(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets += [alias.name for alias in node.names]
                continue
            base = here[: len(here) - node.level + 1] if node.level else []
            prefix = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:  # `from pkg import module` imports that module
                submodule = f"{prefix}.{alias.name}"
                targets.append(submodule if submodule in found else prefix)
        graph[name] = set()
        for target in targets:
            if target not in found or target == name:
                continue
            graph[name].add(target)
            # Its packages' __init__ run first, unless this module is inside them.
            parts = target.split(".")
            for n in range(1, len(parts)):
                parent = ".".join(parts[:n])
                if parent in found and not (name + ".").startswith(parent + "."):
                    graph[name].add(parent)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the graph's cycles: its strongly connected parts of more than one module
    (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        while work:
            node, edges = work[-1]
            for target in edges:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    part = stack[stack.index(node) :]
                    del stack[stack.index(node) :]
                    if len(part) > 1:
                        found.append(sorted(part))
    return found


def test_every_module_imports() -> None:
    names = sorted(
        m.name
        for m in pkgutil.walk_packages(chatdesk.__path__, "chatdesk.")
        if m.name != "chatdesk.__main__"  # importing it runs the CLI
    )
    assert len(names) > 50
    for name in names:
        importlib.import_module(name)


def test_no_module_s_imports_lead_back_to_it() -> None:
    graph = import_graph(PACKAGE, "chatdesk")
    assert len(graph) > 50 and graph["chatdesk.wire.events"] >= {"chatdesk.wire.operator"}
    assert cycles(graph) == []


def test_a_cycle_is_found(tmp_path: Path) -> None:
    # The check can fail: the loop this stop nearly committed (wire.operator imported the
    # help payloads, whose forms import wire.operator), through a package's __init__ too.
    files = {
        "__init__.py": "",
        "wire/__init__.py": "from .events import EVENTS\n",
        "wire/events.py": "from . import operator as op\nEVENTS = 1\n",
        "wire/operator.py": "from .help import MAX\n",
        "wire/help.py": "from .forms import Csrf\nMAX = 1\n",
        "wire/forms.py": "from .operator import Shortcut\n",
        "web/__init__.py": "",
        "web/page.py": (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..app import App\n"
        ),
        "app.py": (
            "from .web import page\nfrom .wire.help import MAX\n\ndef f():\n    import x\n\n"
            "class A:\n    from . import util\n"
        ),
        "util.py": "",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    graph = import_graph(tmp_path, "pkg")
    assert graph["pkg.app"] == {
        "pkg.web", "pkg.web.page", "pkg.wire", "pkg.wire.help", "pkg.util"
    }  # fmt: skip
    assert cycles(graph) == [["pkg.wire.forms", "pkg.wire.help", "pkg.wire.operator"]]
    (tmp_path / "wire" / "forms.py").write_text("Csrf = 1\n", encoding="utf-8")
    # A package whose __init__ imports what imports the package back is a loop too.
    (tmp_path / "web" / "__init__.py").write_text("from ..app import f\n", encoding="utf-8")
    assert cycles(import_graph(tmp_path, "pkg")) == [["pkg.app", "pkg.web"]]
