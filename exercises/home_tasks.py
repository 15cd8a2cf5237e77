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

from .errors import LibraryError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

TASKS_FILE = Path(__file__).with_name("home_tasks.toml")
KINDS = ("minutes", "count", "confirm")
#: the largest amount a therapist can set: two hours, or 200 squeezes.
MAX_AMOUNT = {"minutes": 120, "count": 200, "confirm": 1}
MAX_PER_DAY = 10


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


def _whole(where: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) \
            or not lo <= value <= hi:
        raise LibraryError(f"{where} must be a whole number from {lo} to {hi}, got {value!r}")
    return int(value)


def _task(task_id: str, table: Mapping[str, Any]) -> HomeTask:
    where = f"home_tasks.toml [tasks.{task_id}]"
    unknown = set(table) - {"name", "kind", "amount", "sessions_per_day", "instructions"}
    if unknown:
        raise LibraryError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    kind = table.get("kind")
    if kind not in KINDS:
        raise LibraryError(f"{where}: kind must be one of {', '.join(KINDS)}")
    for key in ("name", "instructions"):
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise LibraryError(f"{where}: {key} is missing")
    return HomeTask(id=task_id, name=table["name"], kind=kind,
                    amount=_whole(f"{where} amount", table.get("amount"), 1,
                                  MAX_AMOUNT[kind]),
                    sessions_per_day=_whole(f"{where} sessions_per_day",
                                            table.get("sessions_per_day"), 1, MAX_PER_DAY),
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
    unknown = set(dose) - {"amount", "sessions_per_day"}
    if unknown:
        raise LibraryError(f"{task_id}: unknown dose key {sorted(unknown)[0]!r}")
    return {"amount": _whole(f"{task.name} amount", dose.get("amount", task.amount), 1,
                             MAX_AMOUNT[task.kind]),
            "sessions_per_day": _whole(f"{task.name} times a day",
                                       dose.get("sessions_per_day", task.sessions_per_day),
                                       1, MAX_PER_DAY)}
