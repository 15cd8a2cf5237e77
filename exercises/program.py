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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import schema
from .catalog import EXERCISE_IDS
from .errors import LibraryError
from .library import Exercise, load_library, read_toml

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
    """A validated Program from a parsed TOML table; LibraryError (one line, starting with
    `source`) for anything a therapist would not have meant."""
    try:
        return _parse(data, source)
    except LibraryError as exc:
        text = str(exc)
        raise LibraryError(text if text.startswith(source) else f"{source}: {text}") from None


def _parse(data: Mapping[str, Any], source: str) -> Program:
    data = schema.table("the program", data)
    table = schema.table("[program]", data.get("program", {}))
    schema.known_keys("program", table, ("exercises", "hand", "note"))
    ids = schema.names("program.exercises", table.get("exercises", list(DEFAULT_EXERCISES)),
                       EXERCISE_IDS, "exercise")
    if not ids:
        raise LibraryError("program.exercises must be a list of exercise ids (at least one)")
    if len(set(ids)) != len(ids):
        raise LibraryError("an exercise is listed twice in program.exercises")
    hand = table.get("hand")
    if hand not in (None, "left", "right"):
        raise LibraryError("program.hand must be \"left\" or \"right\"")
    note = table.get("note")
    if note is not None:
        note = schema.text("program.note", note, schema.MAX_NOTE)
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
    return parse_program(read_toml(file), source=str(file))
