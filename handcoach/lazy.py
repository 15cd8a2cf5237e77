"""Package names imported on first use (PEP 562), for packages whose parts are heavy.

`handcoach analyze` needs only a store's or an account's error type to report a problem,
while the rest of those packages brings SQLAlchemy, Alembic, argon2, fpdf2 and matplotlib
(about half a second of start-up). A package lists where each public name lives and
gets a module `__getattr__` that imports the submodule when the name is first used:

    __getattr__ = lazy_exports(__name__, {"Store": "db", "StoreError": "errors"})
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` for `package`: name -> submodule (relative, without dot)."""

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{where[name]}", package), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
