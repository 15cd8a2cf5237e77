"""The shape of the code: data flows one way, and the package installs what it should.

Every import of every module is read from its source (also those inside functions, which
hide cycles from Python itself): no module imports one of a higher layer (vision <-
exercises <- handcoach <- app), nor, inside handcoach, the store one above it, and no
chain of imports comes back to where it started.
"""

from __future__ import annotations

import ast
import importlib.metadata
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from helpers.paths import ROOT

PACKAGES = ("vision", "exercises", "handcoach", "app")
#: lower layers first; a module may import only from its own layer or those before it.
LAYERS = (("vision",), ("exercises",),
          ("handcoach.lazy", "handcoach.text", "handcoach.spreadsheet", "handcoach.synthetic",
           "handcoach.storage"),
          ("handcoach.accounts",), ("handcoach.review",),
          ("handcoach.analysis", "handcoach.summary"),
          ("handcoach.report_command", "handcoach.users_command", "handcoach.cli",
           "handcoach"),
          ("app",))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            if "versions" in path.parts:      # Alembic scripts, loaded by file
                continue
            out[_module_name(path)] = path
    return out


MODULES = _modules()


def _in_type_checking(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def imports(name: str) -> list[tuple[str, bool]]:
    """(first-party module imported, only for type checking) for every import in `name`."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(), str(path))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base
                       for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target:
                out.append((target, _in_type_checking(node, parents)))
    return out


def layer(name: str) -> int:
    best = (-1, -1)
    for rank, group in enumerate(LAYERS):
        for prefix in group:
            if name == prefix or name.startswith(prefix + "."):
                best = max(best, (len(prefix), rank))
    assert best[1] >= 0, f"{name} belongs to no layer"
    return best[1]


def test_no_module_imports_from_a_higher_layer():
    wrong = [f"{name} (layer {layer(name)}) imports {target} (layer {layer(target)})"
             for name in MODULES for target, _ in imports(name) if layer(target) > layer(name)]
    assert not wrong, "\n".join(wrong)


def test_no_import_cycle():
    graph = {name: {t for t, typing_only in imports(name) if not typing_only and t != name}
             for name in MODULES}
    # A package's __init__ is run by importing any of its modules: it is part of them.
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for name in sorted(graph):
        if name not in state and (cycle := visit(name)):
            pytest.fail("import cycle: " + " -> ".join(cycle))


def test_the_installed_distribution_provides_exactly_the_four_import_names():
    top = {name for name, dists in importlib.metadata.packages_distributions().items()
           if "handcoach" in dists}
    assert top == {"app", "vision", "exercises", "handcoach"}


def test_a_built_wheel_holds_the_four_packages_their_data_and_nothing_else(tmp_path):
    # Built from a copy: setuptools writes build/ and egg-info beside the sources.
    src = tmp_path / "src"
    for name in PACKAGES:
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path), str(src)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("handcoach-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"app", "vision", "exercises", "handcoach"}
    for needed in ("exercises/definitions.toml", "app/views/today.py",
                   "handcoach/storage/migrations/versions/0001_results_store.py",
                   "handcoach/storage/migrations/script.py.mako"):
        assert needed in names, needed
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/", "scripts/"))]
