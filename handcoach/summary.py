"""The human-readable report of `handcoach analyze` (without --json)."""

from __future__ import annotations

from vision.landmarks import ANGLE_NAMES, FINGERS

from .analysis import AnalysisResult


def format_summary(result: AnalysisResult) -> str:
    """A short plain-text report: coverage, ROM per joint (deg), TAM, warnings."""
    lines = [
        f"{result.video}: {result.duration_s:.1f} s, {result.frames} frames, "
        f"hand seen in {result.frames_with_hand} ({_share(result)}), model {result.model}",
    ]
    if result.exercise:
        extra = f" ({result.extra_reps} beyond the prescription)" if result.extra_reps else ""
        lines.append(f"exercise {result.exercise}: {len(result.reps)} reps{extra}")
    rom = result.rom()
    if result.frames_with_hand:
        lines.append("range of motion, degrees of flexion (min to max):")
        for (finger, joint), a, b in zip(ANGLE_NAMES, rom.lo, rom.hi, strict=True):
            lines.append(f"  {finger:<7} {joint.upper():<4} {a:5.0f} to {b:4.0f}")
        lines.append("total active motion: " + ", ".join(
            f"{f} {v:.0f}" for f, v in zip(FINGERS, rom.tam, strict=True))
            + " (normal about 260)")
    for w in result.warnings:
        lines.append(f"  at {w.t:5.1f} s  {w.code.value}: {w.message}")
    return "\n".join(lines)


def _share(result: AnalysisResult) -> str:
    return f"{100 * result.frames_with_hand / result.frames:.0f}%" if result.frames else "0%"



