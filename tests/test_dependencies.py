"""What HandCoach installs is what it declares, at the versions it locked: every
third-party module the code imports is a dependency in pyproject.toml, every dependency
is pinned with hashes in requirements.lock within pyproject's range, and this
environment holds exactly the locked versions (scripts/setup.sh installs from the lock)."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from helpers.paths import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib

FIRST_PARTY = {"app", "vision", "exercises", "handcoach", "helpers"}
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
LOCK = (ROOT / "requirements.lock").read_text()


def _requirements(extra: str | None = None) -> dict[str, Requirement]:
    listed = PROJECT["optional-dependencies"][extra] if extra else PROJECT["dependencies"]
    return {canonicalize_name(r.name): r for r in map(Requirement, listed)}


def _imports(folders: tuple[str, ...]) -> set[str]:
    """Top-level names of every module imported in these folders, stdlib and ours left
    out (imports inside functions and TYPE_CHECKING blocks too)."""
    local = {p.stem for f in folders for p in (ROOT / f).rglob("*.py")}
    names = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names.update(a.name.split(".")[0] for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in FIRST_PARTY
            and n not in local and n != "__future__"}


def _distributions(module: str) -> set[str]:
    """The distributions that provide an imported module (one that only another Python
    version installs, tomli on 3.10, is its own distribution's name)."""
    found = importlib.metadata.packages_distributions().get(module)
    return {canonicalize_name(d) for d in found} if found else {canonicalize_name(module)}


def test_every_module_the_code_imports_is_declared():
    declared = set(_requirements())
    missing = {m: _distributions(m) for m in _imports(("app", "vision", "exercises",
                                                       "handcoach"))
               if not _distributions(m) & declared}
    assert not missing, f"imported but not in pyproject's dependencies: {missing}"


def test_every_module_the_tests_import_is_declared():
    declared = set(_requirements()) | set(_requirements("test"))
    missing = {m: _distributions(m) for m in _imports(("tests",))
               if not _distributions(m) & declared}
    assert not missing, f"imported by tests but not declared: {missing}"


def _locked() -> dict[str, list[tuple[Version, str | None]]]:
    """{name: [(version, marker)]} of requirements.lock; every entry has hashes."""
    out: dict[str, list[tuple[Version, str | None]]] = {}
    for block in re.split(r"\n(?=[a-z0-9])", LOCK):
        head = block.split("\\")[0].strip()
        if not head or head.startswith("#"):
            continue
        assert "--hash=sha256:" in block, f"no hash for {head}"
        spec, _, marker = head.partition(";")
        name, _, version = spec.strip().partition("==")
        out.setdefault(canonicalize_name(name), []).append(
            (Version(version), marker.strip() or None))
    return out


def test_every_dependency_is_locked_within_its_range_with_hashes():
    locked = _locked()
    for name, req in {**_requirements(), **_requirements("test")}.items():
        if req.marker is not None and not any(req.marker.evaluate({"python_full_version": v,
                                                                   "python_version": v})
                                              for v in ("3.10", "3.11", "3.12")):
            continue
        assert name in locked, f"{name} is not in requirements.lock (run scripts/lock.sh)"
        for version, _ in locked[name]:
            assert req.specifier.contains(version, prereleases=True), (name, version)
    assert [v for v, _ in locked["mediapipe"]] == [Version("0.10.21")]
    assert all(v >= Version("1.43.2") for v, _ in locked["streamlit"])
    assert all(Version("0.49.1") <= v < Version("1.8") for v, _ in locked["starlette"])


def test_this_environment_holds_the_locked_versions():
    wrong = {}
    for name, entries in _locked().items():
        for version, marker in entries:
            if marker is not None and not Marker(marker).evaluate():
                continue
            try:
                installed = Version(importlib.metadata.version(name))
            except importlib.metadata.PackageNotFoundError:
                wrong[name] = (str(version), "not installed")
                continue
            if installed != version:
                wrong[name] = (str(version), str(installed))
    assert not wrong, f"locked vs installed (run scripts/setup.sh): {wrong}"


def test_ci_runs_the_readme_test_command_which_installs_from_the_lock():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    assert "./test.sh" in first_block and "./start.sh" in first_block
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^\./test\.sh\b", ci, re.M)
    assert "scripts/setup.sh" in (ROOT / "test.sh").read_text()
    assert "scripts/setup.sh" in (ROOT / "start.sh").read_text()
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    assert "--require-hashes" in setup and "requirements.lock" in setup


@pytest.mark.parametrize("path", ["scripts/lock.sh", "scripts/setup.sh"])
def test_the_scripts_are_executable(path):
    assert Path(ROOT / path).stat().st_mode & 0o111
