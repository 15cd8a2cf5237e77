"""Long-format rows (one value per row) for interactive charts of a patient's sessions.

Long format because every charting library (Altair, Plotly, a DataFrame pivot) groups and
colours by a column; rows come in session start order and None values are left out. Each
row also carries the session's exercise and hand, since the same finger bends much less in
a finger spread than in a fist and a chart has to tell them apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from handcoach.storage.records import SessionInfo


def _chosen(sessions: Iterable[SessionInfo], side: str | None) -> list[SessionInfo]:
    return sorted((s for s in sessions if side is None or s.hand_side == side),
                  key=lambda s: s.started_at)


def _base(s: SessionInfo) -> dict[str, Any]:
    return {"session_id": s.id, "start": s.started_at, "exercise": s.exercise,
            "hand": s.hand_side}


def rom_trend(sessions: Iterable[SessionInfo], side: str | None = None) -> list[dict[str, Any]]:
    """Max flexion per session per measured joint: session_id, start, exercise, hand,
    finger, joint, max_deg, readings (the trusted readings it rests on; None for sessions
    saved before readings were counted). side: only that hand's sessions (None: all)."""
    rows = []
    for s in _chosen(sessions, side):
        for finger, joints in (s.rom or {}).items():
            for joint, r in (joints or {}).items():
                if r and r.get("max") is not None:
                    rows.append({**_base(s), "finger": finger, "joint": joint,
                                 "max_deg": float(r["max"]), "readings": r.get("frames")})
    return rows


def tam_trend(sessions: Iterable[SessionInfo], side: str | None = None) -> list[dict[str, Any]]:
    """TAM per session per measured finger: session_id, start, exercise, hand, finger,
    tam_deg."""
    return [{**_base(s), "finger": finger, "tam_deg": float(value)}
            for s in _chosen(sessions, side) for finger, value in (s.tam or {}).items()
            if value is not None]


def pain_trend(sessions: Iterable[SessionInfo]) -> list[dict[str, Any]]:
    """Pain ratings (0-10): session_id, start, exercise, hand, when ("before"/"after"),
    pain."""
    return [{**_base(s), "when": when, "pain": pain}
            for s in _chosen(sessions, None)
            for when, pain in (("before", s.pain_before), ("after", s.pain_after))
            if pain is not None]
