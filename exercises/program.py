"""A patient's home exercise program: which exercises, for which hand, at what dose.

A signed-in patient's program is their therapist's current prescription (kept in the
results store, storage/prescriptions.py, in this same shape). Without accounts, a program
is a TOML file (HANDCOACH_PROGRAM, else `program.toml` in the user's data folder) with
the library's override shape plus a `[program]` table:

    [program]
    exercises = ["tendon_glides", "fist"]      # in the order the patient does them
    hand = "right"                             # the hand being treated (optional)
    note = "Stop if the pain goes above 5."    # the therapist's words to the patient

    [exercises.fist]
    dose = { reps = 5, hold_s = 5 }

Without a file, the program is the four finger exercises at the library's default dose.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .catalog import EXERCISE_IDS
from .library import Exercise, LibraryError, load_library

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ENV_PROGRAM = "HANDCOACH_PROGRAM"
#: the program when none is prescribed: the finger exercises of a typical post-injury HEP
#: (tendon glides, fist, spread, opposition), each at the library's conservative dose.
DEFAULT_EXERCISES = ("tendon_glides", "fist", "finger_spread", "thumb_opposition")


@dataclass(frozen=True)
class Program:
    """exercises: the prescribed ones, in order, with the program's dose applied."""

    exercises: tuple[Exercise, ...]
    hand: str | None = None
    note: str | None = None
    source: str = "default"
    overrides: Mapping[str, Any] = field(default_factory=dict)
    #: the stored prescription version this program is (None: a file or the default).
    prescription_id: int | None = None
    #: flexion the therapist wants reached, {finger: {joint: deg}}.
    rom_targets: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def get(self, exercise_id: str) -> Exercise:
        for ex in self.exercises:
            if ex.id == exercise_id:
                return ex
        raise LibraryError(f"{exercise_id!r} is not in this program "
                           f"({', '.join(e.id for e in self.exercises)})")

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(ex.id for ex in self.exercises)


def default_program_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("handcoach", appauthor=False) / "program.toml"


def parse_program(data: Mapping[str, Any], source: str = "program") -> Program:
    """A validated Program from a parsed TOML table."""
    table = data.get("program", {})
    if not isinstance(table, Mapping):
        raise LibraryError(f"{source}: [program] must be a table")
    unknown = set(table) - {"exercises", "hand", "note"}
    if unknown:
        raise LibraryError(f"{source}: unknown key program.{sorted(unknown)[0]}")
    ids = table.get("exercises", list(DEFAULT_EXERCISES))
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise LibraryError(f"{source}: program.exercises must be a list of exercise ids")
    for ex_id in ids:
        if ex_id not in EXERCISE_IDS:
            raise LibraryError(f"{source}: unknown exercise {ex_id!r} "
                               f"(one of: {', '.join(EXERCISE_IDS)})")
    if len(set(ids)) != len(ids):
        raise LibraryError(f"{source}: an exercise is listed twice in program.exercises")
    hand = table.get("hand")
    if hand not in (None, "left", "right"):
        raise LibraryError(f"{source}: program.hand must be \"left\" or \"right\"")
    note = table.get("note")
    if note is not None and not isinstance(note, str):
        raise LibraryError(f"{source}: program.note must be text")
    overrides = {k: v for k, v in data.items() if k != "program"}
    library = load_library(overrides)
    return Program(exercises=tuple(library[i] for i in ids), hand=hand, note=note,
                   source=source, overrides=overrides)


def load_program(path: str | Path | None = None) -> Program:
    """The patient's program: `path`, else HANDCOACH_PROGRAM, else the user's
    program.toml, else the default. Raises LibraryError (one line) for a bad file."""
    chosen = path or os.environ.get(ENV_PROGRAM)
    if chosen is None:
        candidate = default_program_path()
        if not candidate.is_file():
            return parse_program({}, source="default")
        chosen = candidate
    file = Path(chosen)
    try:
        with file.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise LibraryError(f"program file not found: {file}") from None
    except OSError as exc:
        raise LibraryError(f"program file {file} cannot be read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise LibraryError(f"{file}: not valid TOML ({exc})") from None
    return parse_program(data, source=str(file))
