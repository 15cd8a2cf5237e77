"""The exercise library as data: loaded from `definitions.toml`, overridable per program.

A therapist's change (a dose, the order of the tendon-glide positions, a target angle)
is a change to data: either to `definitions.toml` or, per patient, to an override file
with the same shape that lists only what differs, e.g.

    [exercises.tendon_glides]
    sequence = ["hook", "full_fist", "tabletop", "straight_fist"]
    dose = { reps = 5, hold_s = 5 }

Everything is validated on load, so a typo is a one-line error naming the key, not a
surprise in the middle of a session.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import schema
from .catalog import EXERCISE_IDS
from .errors import LibraryError
from .features import FEATURE_NAMES, is_angle

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

DEFINITIONS = Path(__file__).with_name("definitions.toml")


@dataclass(frozen=True)
class Range:
    """A feature kept within [lo, hi]; `margin` widens it once inside (hysteresis)."""

    feature: str
    lo: float
    hi: float
    margin: float


@dataclass(frozen=True)
class Mistake:
    """A typical substitution for a position, and what to tell the patient about it."""

    when: tuple[Range, ...]
    message: str


@dataclass(frozen=True)
class Position:
    name: str
    label: str
    cue: str
    targets: tuple[Range, ...]
    mistakes: tuple[Mistake, ...] = ()


@dataclass(frozen=True)
class Dose:
    """The prescription. Defaults are deliberately conservative and shown to the patient."""

    reps: int
    sets: int
    hold_s: float
    rest_s: float
    sessions_per_day: int
    max_reps_per_day: int

    @property
    def reps_per_session(self) -> int:
        return self.reps * self.sets


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    instructions: str
    purpose: str
    benefit: str
    fingers: tuple[str, ...]
    joints: tuple[str, ...]
    rest: str
    order: str
    sequence: tuple[str, ...]
    positions: Mapping[str, Position]
    dose: Dose
    min_rep_s: float
    dwell_s: float
    partial_min: float
    allow_other_hand: bool = False
    needs_elbow: bool = False

    def position(self, name: str) -> Position:
        return self.positions[name]


_FINGERS = ("index", "middle", "ring", "little")
_JOINTS = ("mcp", "pip", "dip", "thumb_mcp", "thumb_ip")
#: every key an exercise may have, and those of its parts.
_EXERCISE_KEYS = ("name", "instructions", "purpose", "benefit", "fingers", "joints", "rest",
                  "order", "sequence", "positions", "dose", "pace", "margins", "dwell_s",
                  "partial_min", "allow_other_hand", "needs_elbow")
_POSITION_KEYS = ("label", "cue", "targets", "mistakes")
_MISTAKE_KEYS = ("when", "message")
#: the tables of the library (and of a program file, which lists what differs).
TOP_KEYS = ("defaults", "exercises", "program")


def _merge(base: Mapping[str, Any], override: Any, where: str) -> dict[str, Any]:
    """`base` with `override` laid over it; a table must stay a table (`[exercises] fist
    = 5` is an error naming exercises.fist, not a crash later)."""
    override = schema.table(where or "the program", override)
    out = copy.deepcopy(dict(base))
    for key, value in override.items():
        here = f"{where}.{key}" if where else str(key)
        if isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value, here)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _ranges(where: str, spec: Any, margins: Mapping[str, float]) -> tuple[Range, ...]:
    spec = schema.table(where, spec)
    if not spec:
        raise LibraryError(f"{where}: expected a table of feature = [low, high]")
    out = []
    for feature, bounds in spec.items():
        if feature not in FEATURE_NAMES:
            raise LibraryError(f"{where}: unknown feature {feature!r} "
                               f"(one of: {', '.join(FEATURE_NAMES)})")
        angle = is_angle(feature)
        lo, hi = schema.target_range(f"{where}.{feature}", bounds,
                                     schema.ANGLE_TARGET if angle else schema.DISTANCE_TARGET)
        margin = margins["angle"] if angle else margins["distance"]
        out.append(Range(feature, lo, hi, float(margin)))
    return tuple(out)


def _margins(where: str, defaults: Mapping[str, Any], raw: Mapping[str, Any]
             ) -> dict[str, float]:
    merged = {**schema.table("defaults.margins", defaults.get("margins", {})),
              **schema.table(f"{where}.margins", raw.get("margins", {}))}
    schema.known_keys(f"{where}.margins", merged, tuple(schema.MARGINS))
    for key in schema.MARGINS:
        if key not in merged:
            raise LibraryError(f"{where}.margins: missing key {key!r}")
    return {k: schema.number(f"{where}.margins.{k}", merged[k], b)
            for k, b in schema.MARGINS.items()}


def _position(where: str, name: str, raw: Any, margins: Mapping[str, float]) -> Position:
    p = schema.table(where, raw)
    schema.known_keys(where, p, _POSITION_KEYS)
    mistakes = []
    listed = p.get("mistakes", [])
    if not isinstance(listed, list):
        raise LibraryError(f"{where}.mistakes must be a list, got {schema.show(listed)}")
    for i, m in enumerate(listed):
        mw = f"{where}.mistakes[{i}]"
        m = schema.table(mw, m)
        schema.known_keys(mw, m, _MISTAKE_KEYS)
        mistakes.append(Mistake(_ranges(f"{mw}.when", _need(mw, m, "when"), margins),
                                schema.text(f"{mw}.message", _need(mw, m, "message"))))
    return Position(name, schema.text(f"{where}.label", _need(where, p, "label")),
                    schema.text(f"{where}.cue", _need(where, p, "cue")),
                    _ranges(f"{where}.targets", _need(where, p, "targets"), margins),
                    tuple(mistakes))


def _need(where: str, raw: Mapping[str, Any], key: str) -> Any:
    if key not in raw:
        raise LibraryError(f"{where}: missing key {key!r}")
    return raw[key]


def _words(where: str, raw: Mapping[str, Any], key: str) -> str:
    return " ".join(schema.text(f"{where}.{key}", _need(where, raw, key)).split())


def _exercise(ex_id: str, raw: Any, defaults: Mapping[str, Any]) -> Exercise:
    where = f"exercises.{ex_id}"
    raw = schema.table(where, raw)
    schema.known_keys(where, raw, _EXERCISE_KEYS)
    margins = _margins(where, defaults, raw)
    positions_raw = schema.table(f"{where}.positions", _need(where, raw, "positions"))
    positions = {str(name): _position(f"{where}.positions.{name}", str(name), p, margins)
                 for name, p in positions_raw.items()}
    dose = Dose(**schema.dose(f"{where}.dose", _need(where, raw, "dose")))
    pace = schema.table(f"{where}.pace", _need(where, raw, "pace"))
    schema.known_keys(f"{where}.pace", pace, ("min_rep_s",))
    order = schema.text(f"{where}.order", _need(where, raw, "order"))
    if order not in ("sequence", "any"):
        raise LibraryError(f"{where}.order: expected 'sequence' or 'any', got {order!r}")
    fingers = schema.names(f"{where}.fingers", _need(where, raw, "fingers"), _FINGERS,
                           "finger")
    if not fingers:
        raise LibraryError(f"{where}.fingers: expected some of {', '.join(_FINGERS)}")
    ex = Exercise(
        id=ex_id, name=schema.text(f"{where}.name", _need(where, raw, "name"), 200),
        instructions=_words(where, raw, "instructions"),
        purpose=_words(where, raw, "purpose"), benefit=_words(where, raw, "benefit"),
        fingers=fingers,
        joints=schema.names(f"{where}.joints", _need(where, raw, "joints"), _JOINTS, "joint"),
        rest=schema.text(f"{where}.rest", _need(where, raw, "rest")), order=order,
        sequence=schema.names(f"{where}.sequence", _need(where, raw, "sequence")),
        positions=positions, dose=dose,
        min_rep_s=schema.number(f"{where}.pace.min_rep_s", _need(f"{where}.pace", pace,
                                                                  "min_rep_s"),
                                schema.MIN_REP_S),
        dwell_s=schema.number(f"{where}.dwell_s", raw.get("dwell_s", defaults["dwell_s"]),
                              schema.DWELL_S),
        partial_min=schema.number(f"{where}.partial_min",
                                  raw.get("partial_min", defaults["partial_min"]),
                                  schema.PARTIAL_MIN),
        allow_other_hand=schema.flag(f"{where}.allow_other_hand",
                                     raw.get("allow_other_hand", False)),
        needs_elbow=schema.flag(f"{where}.needs_elbow", raw.get("needs_elbow", False)),
    )
    for name in (ex.rest, *ex.sequence):
        if name not in positions:
            raise LibraryError(f"{where}: position {name!r} is not defined")
    if not ex.sequence:
        raise LibraryError(f"{where}.sequence: expected at least one position")
    return ex


def parse_library(data: Mapping[str, Any]) -> dict[str, Exercise]:
    """Validated exercises from a parsed definitions table."""
    defaults = schema.table("defaults", data.get("defaults", {}))
    raw = schema.table("exercises", data.get("exercises", {}))
    unknown = set(raw) - set(EXERCISE_IDS)
    if unknown:
        raise LibraryError(f"unknown exercise {sorted(unknown)[0]!r} "
                           f"(one of: {', '.join(EXERCISE_IDS)})")
    for key in ("dwell_s", "partial_min"):
        if key not in defaults:
            raise LibraryError(f"defaults: missing key {key!r}")
    return {ex_id: _exercise(ex_id, raw[ex_id], defaults) for ex_id in EXERCISE_IDS
            if ex_id in raw}


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file, or LibraryError (one line) for a missing, unreadable or invalid one."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise LibraryError(f"program file not found: {path}") from None
    except IsADirectoryError:
        raise LibraryError(f"program file {path} is a folder") from None
    except OSError as exc:
        raise LibraryError(f"program file {path} cannot be read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise LibraryError(f"{path}: not valid TOML (not UTF-8 text)") from None
    except tomllib.TOMLDecodeError as exc:
        raise LibraryError(f"{path}: not valid TOML ({exc})") from None


@lru_cache(maxsize=1)
def _base() -> dict[str, Any]:
    return read_toml(DEFINITIONS)


def load_library(program: str | Path | Mapping[str, Any] | None = None) -> dict[str, Exercise]:
    """All exercises, with a program's overrides (a TOML path or a parsed table) applied."""
    data = _base()
    if program is not None:
        override = read_toml(Path(program)) if isinstance(program, str | Path) else program
        override = schema.table("the program", override)
        schema.known_keys("the program", override, TOP_KEYS)
        data = _merge(data, override, "")
    return parse_library(data)


def get_exercise(exercise_id: str, program: str | Path | Mapping[str, Any] | None = None
                 ) -> Exercise:
    library = load_library(program)
    if exercise_id not in library:
        raise LibraryError(f"unknown exercise {exercise_id!r} (one of: {', '.join(library)})")
    return library[exercise_id]
