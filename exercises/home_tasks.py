"""The home program's items that the camera does not judge, as data (home_tasks.toml).

    tasks = load_tasks()                     # {id: HomeTask}, validated on load
    check_task_dose("putty_squeeze", {"amount": 12, "sessions_per_day": 2})

A prescribed task is done when the patient confirms it (Today); it is then stored with
its amount and pain ratings (handcoach.storage) and counts in adherence like a session.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import schema
from .errors import LibraryError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

TASKS_FILE = Path(__file__).with_name("home_tasks.toml")
KINDS = tuple(schema.TASK_AMOUNT)
#: the largest amount of each kind, and times a day (the forms' limits).
MAX_AMOUNT = {kind: int(b.hi) for kind, b in schema.TASK_AMOUNT.items()}
MAX_PER_DAY = int(schema.TASK_PER_DAY.hi)
TASK_KEYS = ("name", "kind", "amount", "sessions_per_day", "instructions")
DOSE_KEYS = ("amount", "sessions_per_day")


@dataclass(frozen=True)
class HomeTask:
    """kind: minutes, count or confirm; amount and sessions_per_day: the defaults."""

    id: str
    name: str
    kind: str
    amount: int
    sessions_per_day: int
    instructions: str

    def amount_text(self, amount: int | None = None) -> str:
        """'5 minutes', '10 times', 'done': how much one session of it is."""
        n = self.amount if amount is None else amount
        if self.kind == "minutes":
            return f"{n} minute{'s' if n != 1 else ''}"
        if self.kind == "count":
            return f"{n} time{'s' if n != 1 else ''}"
        return "done"


def _task(task_id: str, table: Mapping[str, Any]) -> HomeTask:
    where = f"home_tasks.toml [tasks.{task_id}]"
    schema.known_keys(where, table, TASK_KEYS)
    kind = table.get("kind")
    if kind not in KINDS:
        raise LibraryError(f"{where}: kind must be one of {', '.join(KINDS)}")
    for key in ("name", "instructions"):
        if not schema.text(f"{where} {key}", table.get(key)).strip():
            raise LibraryError(f"{where}: {key} is missing")
    return HomeTask(id=task_id, name=table["name"], kind=kind,
                    amount=int(schema.number(f"{where} amount", table.get("amount"),
                                             schema.TASK_AMOUNT[kind])),
                    sessions_per_day=int(schema.number(f"{where} sessions_per_day",
                                                       table.get("sessions_per_day"),
                                                       schema.TASK_PER_DAY)),
                    instructions=" ".join(table["instructions"].split()))


@lru_cache(maxsize=1)
def load_tasks(path: Path = TASKS_FILE) -> dict[str, HomeTask]:
    """Every task of the file, in its order (LibraryError, one line, for a bad file)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LibraryError(f"{path.name} cannot be read: {exc}") from None
    return {k: _task(k, v) for k, v in data.get("tasks", {}).items()}


def check_task_dose(task_id: str, dose: Mapping[str, Any]) -> dict[str, int]:
    """A prescribed task's {"amount", "sessions_per_day"}, or LibraryError naming it."""
    task = load_tasks().get(task_id)
    if task is None:
        raise LibraryError(f"unknown home task {task_id!r} (one of: "
                           f"{', '.join(load_tasks())})")
    schema.known_keys(task_id, dose, DOSE_KEYS)
    return {"amount": int(schema.number(f"{task.name} amount",
                                        dose.get("amount", task.amount),
                                        schema.TASK_AMOUNT[task.kind])),
            "sessions_per_day": int(schema.number(f"{task.name} times a day",
                                                  dose.get("sessions_per_day",
                                                           task.sessions_per_day),
                                                  schema.TASK_PER_DAY))}
