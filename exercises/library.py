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

from .catalog import EXERCISE_IDS
from .features import FEATURE_NAMES, is_angle

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

DEFINITIONS = Path(__file__).with_name("definitions.toml")


class LibraryError(ValueError):
    """A definitions or program file that cannot be used; the message is one line."""


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
    #: the wrist is measured against the forearm (wrist exercises): the pipeline looks for
    #: the forearm in the image (vision.wrist) and Pose's elbow.
    needs_forearm: bool = False
    #: pace from motion (exercises.pace): the feature whose movement cycles are timed,
    #: the shortest cycle (s), the retrace that confirms a turn (the feature's units),
    #: which end is the target (-1 low values, +1 high, 0 both: two-sided), and ranges
    #: that must hold for a frame to count (none: always).
    pace_feature: str | None = None
    min_cycle_s: float = 0.0
    pace_amplitude: float = 0.0
    pace_target: int = 0
    pace_when: tuple[Range, ...] = ()
    #: with fewer of its fingers readable than this (the others hidden behind a straight
    #: finger, vision.view), the exercise cannot be judged from the view.
    min_readable: int = 1
    #: the view a wrist exercise needs: "any", "side" (the thumb or little-finger side
    #: toward the camera: flexion) or "face" (the palm or the back toward it: deviation).
    view: str = "any"

    def position(self, name: str) -> Position:
        return self.positions[name]


_DOSE_KEYS = {"reps": int, "sets": int, "hold_s": float, "rest_s": float,
              "sessions_per_day": int, "max_reps_per_day": int}
_FINGERS = ("index", "middle", "ring", "little")
#: "sequence": positions in turn, rest between; "any": each target reached is a rep;
#: "alternate": two positions either side of rest, in either order, rest optional.
ORDERS = ("sequence", "any", "alternate")
VIEWS = ("any", "side", "face")


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _number(where: str, value: Any, kind: type) -> float | int:
    """A dose value as `kind`; a one-line error naming the key for text or a fraction of
    a rep (TOML's booleans are refused too, though Python counts them as ints)."""
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or (kind is int and value != int(value)):
        what = "a whole number" if kind is int else "a number"
        raise LibraryError(f"{where} must be {what}, got {value!r}")
    return kind(value)


def _ranges(where: str, spec: Any, margins: Mapping[str, float]) -> tuple[Range, ...]:
    if not isinstance(spec, Mapping) or not spec:
        raise LibraryError(f"{where}: expected a table of feature = [low, high]")
    out = []
    for feature, bounds in spec.items():
        if feature not in FEATURE_NAMES:
            raise LibraryError(f"{where}: unknown feature {feature!r} "
                               f"(one of: {', '.join(FEATURE_NAMES)})")
        if (not isinstance(bounds, list) or len(bounds) != 2
                or not all(isinstance(b, int | float) for b in bounds) or bounds[0] > bounds[1]):
            raise LibraryError(f"{where}.{feature}: expected [low, high] numbers, got {bounds!r}")
        margin = margins["angle"] if is_angle(feature) else margins["distance"]
        out.append(Range(feature, float(bounds[0]), float(bounds[1]), float(margin)))
    return tuple(out)


def _exercise(ex_id: str, raw: Mapping[str, Any], defaults: Mapping[str, Any]) -> Exercise:
    where = f"exercises.{ex_id}"
    try:
        margins = {**defaults.get("margins", {}), **raw.get("margins", {})}
        positions: dict[str, Position] = {}
        for name, p in raw["positions"].items():
            pw = f"{where}.positions.{name}"
            mistakes = tuple(Mistake(_ranges(f"{pw}.mistakes", m["when"], margins),
                                     str(m["message"])) for m in p.get("mistakes", []))
            positions[name] = Position(name, str(p["label"]), str(p["cue"]),
                                       _ranges(f"{pw}.targets", p["targets"], margins), mistakes)
        pace = raw["pace"]
        dose_raw = raw["dose"]
        unknown = set(dose_raw) - set(_DOSE_KEYS)
        if unknown:
            raise LibraryError(f"{where}.dose: unknown key {sorted(unknown)[0]!r} "
                               f"(one of: {', '.join(_DOSE_KEYS)})")
        dose = Dose(**{k: _number(f"{where}.dose.{k}", dose_raw[k], t)
                       for k, t in _DOSE_KEYS.items()})
        ex = Exercise(
            id=ex_id, name=str(raw["name"]),
            instructions=" ".join(str(raw["instructions"]).split()),
            purpose=" ".join(str(raw["purpose"]).split()),
            benefit=" ".join(str(raw["benefit"]).split()),
            fingers=tuple(raw["fingers"]), joints=tuple(raw["joints"]), rest=str(raw["rest"]),
            order=str(raw["order"]), sequence=tuple(raw["sequence"]), positions=positions,
            dose=dose, min_rep_s=float(pace["min_rep_s"]),
            dwell_s=float(raw.get("dwell_s", defaults["dwell_s"])),
            partial_min=float(raw.get("partial_min", defaults["partial_min"])),
            allow_other_hand=bool(raw.get("allow_other_hand", False)),
            needs_forearm=bool(raw.get("needs_forearm", False)),
            pace_feature=pace.get("feature"),
            min_cycle_s=float(pace.get("min_cycle_s", pace["min_rep_s"])),
            pace_amplitude=float(pace.get("amplitude", 0.0)),
            pace_target=int(pace.get("target", 0)),
            pace_when=(_ranges(f"{where}.pace.when", pace["when"], margins)
                       if "when" in pace else ()),
            min_readable=int(raw.get("min_readable", 1)),
            view=str(raw.get("view", "any")),
        )
    except KeyError as exc:
        raise LibraryError(f"{where}: missing key {exc.args[0]!r}") from None
    except (TypeError, ValueError) as exc:
        if isinstance(exc, LibraryError):
            raise
        raise LibraryError(f"{where}: {exc}") from None
    for name in (ex.rest, *ex.sequence):
        if name not in positions:
            raise LibraryError(f"{where}: position {name!r} is not defined")
    if ex.order not in ORDERS:
        raise LibraryError(f"{where}.order: expected one of {', '.join(ORDERS)}, "
                           f"got {ex.order!r}")
    if ex.order == "alternate" and len(set(ex.sequence)) != 2:
        raise LibraryError(f"{where}.sequence: order 'alternate' needs two positions")
    if ex.pace_feature is not None:
        if ex.pace_feature not in FEATURE_NAMES:
            raise LibraryError(f"{where}.pace.feature: unknown feature {ex.pace_feature!r}")
        if ex.pace_amplitude <= 0 or ex.pace_target not in (-1, 0, 1):
            raise LibraryError(f"{where}.pace: amplitude must be > 0 and target -1, 0 or 1")
    if ex.view not in VIEWS:
        raise LibraryError(f"{where}.view: expected one of {', '.join(VIEWS)}, "
                           f"got {ex.view!r}")
    if not ex.fingers or any(f not in _FINGERS for f in ex.fingers):
        raise LibraryError(f"{where}.fingers: expected some of {', '.join(_FINGERS)}")
    if ex.dose.reps < 1 or ex.dose.sets < 1 or ex.dose.hold_s < 0 or ex.dose.rest_s < 0:
        raise LibraryError(f"{where}.dose: reps and sets must be >= 1, times >= 0")
    return ex


def parse_library(data: Mapping[str, Any]) -> dict[str, Exercise]:
    """Validated exercises from a parsed definitions table."""
    defaults = data.get("defaults", {})
    raw = data.get("exercises", {})
    unknown = set(raw) - set(EXERCISE_IDS)
    if unknown:
        raise LibraryError(f"unknown exercise {sorted(unknown)[0]!r} "
                           f"(one of: {', '.join(EXERCISE_IDS)})")
    return {ex_id: _exercise(ex_id, raw[ex_id], defaults) for ex_id in EXERCISE_IDS
            if ex_id in raw}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise LibraryError(f"program file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise LibraryError(f"{path}: not valid TOML ({exc})") from None


@lru_cache(maxsize=1)
def _base() -> dict[str, Any]:
    return _read_toml(DEFINITIONS)


def load_library(program: str | Path | Mapping[str, Any] | None = None) -> dict[str, Exercise]:
    """All exercises, with a program's overrides (a TOML path or a parsed table) applied."""
    data = _base()
    if program is not None:
        override = _read_toml(Path(program)) if isinstance(program, str | Path) else program
        data = _merge(data, override)
    return parse_library(data)


def get_exercise(exercise_id: str, program: str | Path | Mapping[str, Any] | None = None
                 ) -> Exercise:
    library = load_library(program)
    if exercise_id not in library:
        raise LibraryError(f"unknown exercise {exercise_id!r} (one of: {', '.join(library)})")
    return library[exercise_id]
