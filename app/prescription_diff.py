"""What changed between two versions of a prescription, in one short line.

The version history on the Prescribe page is read to answer "what did we change last
time, and when?", so each version says only what differs from the one before it.
"""

from __future__ import annotations

from collections.abc import Mapping

from handcoach.storage.prescriptions import DOSE_KEYS
from handcoach.storage.records import PrescriptionInfo
from vision.landmarks import ANGLE_NAMES

from .wording import joint_label

#: (words, unit) per dose key, as the history reads them: "hold 3→5 s".
DOSE_WORDS = {"reps": ("reps", ""), "sets": ("sets", ""), "hold_s": ("hold", " s"),
              "rest_s": ("rest", " s"), "sessions_per_day": ("sessions a day", ""),
              "max_reps_per_day": ("most reps a day", "")}


def _num(value: float | None) -> str:
    return "-" if value is None else f"{float(value):g}"


def _target(version: PrescriptionInfo, finger: str, joint: str) -> float | None:
    return version.rom_targets.get(finger, {}).get(joint)


def describe_changes(old: PrescriptionInfo | None, new: PrescriptionInfo,
                     names: Mapping[str, str]) -> str:
    """'added PIP blocking; Full fist: reps 10→12, hold 3→5 s; target index PIP 70°;
    note changed' (names: exercise id -> name). 'first version' without an old one."""
    if old is None:
        return "first version"
    parts = []
    added = [names.get(e, e) for e in new.exercises if e not in old.exercises]
    removed = [names.get(e, e) for e in old.exercises if e not in new.exercises]
    if added:
        parts.append("added " + ", ".join(added))
    if removed:
        parts.append("removed " + ", ".join(removed))
    kept = [e for e in new.exercises if e in old.exercises]
    if kept != [e for e in old.exercises if e in new.exercises]:
        parts.append("new order")
    for ex in kept:
        changes = []
        for key in DOSE_KEYS:
            before, after = old.doses[ex].get(key), new.doses[ex].get(key)
            if before != after:
                words, unit = DOSE_WORDS[key]
                changes.append(f"{words} {_num(before)}→{_num(after)}{unit}")
        if changes:
            parts.append(f"{names.get(ex, ex)}: " + ", ".join(changes))
    for finger, joint in ANGLE_NAMES:
        before, after = _target(old, finger, joint), _target(new, finger, joint)
        if before == after:
            continue
        label = joint_label(finger, joint)
        if before is None:
            parts.append(f"target {label} {_num(after)}°")
        elif after is None:
            parts.append(f"no target {label} (was {_num(before)}°)")
        else:
            parts.append(f"target {label} {_num(before)}°→{_num(after)}°")
    if old.note != new.note:
        parts.append("note added" if old.note is None else
                     "note removed" if new.note is None else "note changed")
    return "; ".join(parts) or "no change"
