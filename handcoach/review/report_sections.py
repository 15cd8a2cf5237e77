"""The report's tables of what was asked and what was done: the prescription in force, one
row per session of the period, and the notes between patient and therapist.

A chart holds the report on its own: the therapist reading it later sees the exercises,
doses and targets the sessions were measured against, each session's reps, pain and key
range of motion, and what the patient said about them. Each section measures itself
first (`*_height`), so report.py can decide what fits on the page before drawing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from functools import cache

from fpdf import FPDF

from exercises.library import Exercise, load_library
from handcoach.storage.messages import MessageInfo
from handcoach.storage.records import PrescriptionInfo, SessionInfo
from vision.landmarks import FINGERS

from .adherence import local_day
from .pdf_layout import (
    CONTENT_W,
    HEADER_FILL,
    HEADING_H,
    MARGIN,
    cell,
    font,
    heading,
    paragraph,
    wrapped,
)

#: the sessions table: two columns of rows, each this high (mm), 6.5 pt text.
SESSION_ROW = 3.2
SESSION_GAP = 4.0
SESSION_COL_W = (CONTENT_W - SESSION_GAP) / 2
#: (title, width mm) of a sessions-table column; the widths fill SESSION_COL_W.
SESSION_COLUMNS = (("Date", 15.5), ("Exercise", 20.0), ("Side", 7.5), ("Reps", 10.5),
                   ("Pain", 8.0), ("Key ROM (max °)", SESSION_COL_W - 61.5))
RX_ROW = 3.6
NOTE_LINE = 3.3
#: lines one note may take in the report.
NOTE_LINES = 3


@cache
def _library() -> dict[str, Exercise]:
    return load_library()


def exercise_name(exercise_id: str | None) -> str:
    lib = _library()
    return lib[exercise_id].name if exercise_id in lib else (exercise_id or "ROM only")


# --- the prescription ----------------------------------------------------------------------

def dose_line(dose: dict[str, float]) -> str:
    """'10 x 1 set, hold 3 s, rest 60 s, 3 a day, at most 30 reps a day'."""
    sets = int(dose["sets"])
    parts = [f"{int(dose['reps'])} x {sets} set{'s' if sets != 1 else ''}"]
    if dose.get("hold_s"):
        parts.append(f"hold {dose['hold_s']:g} s")
    if sets > 1 and dose.get("rest_s"):
        parts.append(f"rest {dose['rest_s']:g} s")
    parts.append(f"{int(dose['sessions_per_day'])} a day")
    parts.append(f"at most {int(dose['max_reps_per_day'])} reps a day")
    return ", ".join(parts)


def targets_line(plan: PrescriptionInfo) -> str:
    """'index PIP 95°, index MCP 85°', or '' when the therapist set none."""
    return ", ".join(f"{finger} {joint.upper()} {value:.0f}°"
                     for finger, joints in plan.rom_targets.items()
                     for joint, value in joints.items())


def prescription_height(plans: Sequence[PrescriptionInfo], pdf: FPDF) -> float:
    if not plans:
        return HEADING_H + RX_ROW + 1.5
    h = HEADING_H
    for plan in plans:
        h += RX_ROW * (1 + len(plan.exercises)) + (RX_ROW if targets_line(plan) else 0.0)
        if plan.note:
            font(pdf, 7.5)
            h += RX_ROW * len(wrapped(pdf, "Note: " + plan.note, CONTENT_W - 4.0, RX_ROW, 2))
        h += 1.0
    return h + 1.0


def prescription_section(pdf: FPDF, y: float, plans: Sequence[PrescriptionInfo],
                         tz: tzinfo) -> float:
    """Each hand's version in force at the end of the period: exercises in order with
    their dose, the ROM targets, the note to the patient."""
    y = heading(pdf, y, "Prescription in force")
    if not plans:
        font(pdf, 7.5)
        return paragraph(pdf, y, "None prescribed.", 1, h=RX_ROW) + 1.5
    for plan in plans:
        font(pdf, 7.5, "B")
        cell(pdf, MARGIN, y, CONTENT_W, RX_ROW,
             f"{plan.hand.capitalize()} hand, version {plan.version} "
             f"({local_day(plan.created_at, tz).isoformat()}, {plan.created_by})")
        y += RX_ROW
        font(pdf, 7.5)
        for k, ex in enumerate(plan.exercises, 1):
            cell(pdf, MARGIN + 4.0, y, 50.0, RX_ROW, f"{k}. {exercise_name(ex)}")
            cell(pdf, MARGIN + 54.0, y, CONTENT_W - 54.0, RX_ROW,
                 dose_line(plan.doses.get(ex, {})) if ex in plan.doses else "-")
            y += RX_ROW
        targets = targets_line(plan)
        if targets:
            cell(pdf, MARGIN + 4.0, y, CONTENT_W - 4.0, RX_ROW, "Targets: " + targets)
            y += RX_ROW
        if plan.note:
            y = paragraph(pdf, y, "Note: " + plan.note, 2, x=MARGIN + 4.0,
                          w=CONTENT_W - 4.0, h=RX_ROW)
        y += 1.0
    return y + 1.0


# --- the sessions ----------------------------------------------------------------------------

def _max(session: SessionInfo, finger: str, joint: str) -> float | None:
    value = (((session.rom or {}).get(finger) or {}).get(joint) or {}).get("max")
    return None if value is None else float(value)


def _joined(values: Sequence[float | None]) -> str:
    return "/".join("-" if v is None else f"{v:.0f}" for v in values)


def key_rom(session: SessionInfo) -> str:
    """The numbers the exercise is about, fingers index/middle/ring/little: TAM for whole
    finger motion (fist, tendon glides), the one joint a blocking or spread exercise
    moves, the thumb's joints for opposition; '-' when nothing was measured."""
    ex = _library().get(session.exercise or "")
    joints = set(ex.joints) if ex else {"mcp", "pip", "dip"}
    if joints and joints <= {"thumb_mcp", "thumb_ip"}:
        values = [_max(session, "thumb", j) for j in ("mcp", "ip")]
        text = f"thumb MCP/IP {_joined(values)}"
    elif len(joints) == 1 and joints <= {"mcp", "pip", "dip"}:
        (joint,) = joints
        values = [_max(session, f, joint) for f in FINGERS]
        text = f"{joint.upper()} {_joined(values)}"
    else:
        values = [(session.tam or {}).get(f) for f in FINGERS]
        text = f"TAM {_joined(values)}"
    return text if any(v is not None for v in values) else "-"


def _reps(s: SessionInfo) -> str:
    done = str(s.reps) if s.prescribed_reps is None \
        else f"{s.reps}/{s.prescribed_reps * (s.prescribed_sets or 1)}"
    return done + (f" +{s.extra_reps}" if s.extra_reps else "")


def _pain(s: SessionInfo) -> str:
    if s.pain_before is None and s.pain_after is None:
        return "-"
    return "→".join("?" if v is None else str(v) for v in (s.pain_before, s.pain_after))


def session_cells(s: SessionInfo, tz: tzinfo) -> tuple[str, ...]:
    when = s.started_at.astimezone(tz).strftime("%m-%d %H:%M")
    hand = (s.hand_side or "?")[0].upper()
    return (when, exercise_name(s.exercise), hand, _reps(s), _pain(s), key_rom(s))


def sessions_rows(height: float) -> int:
    """How many sessions a table of this height holds (two columns)."""
    per_column = int((height - HEADING_H - SESSION_ROW - 2.0) // SESSION_ROW)
    return max(0, 2 * per_column)


def sessions_height(n: int) -> float:
    per_column = (n + 1) // 2
    return HEADING_H + SESSION_ROW * (1 + max(per_column, 1)) + 2.0


def sessions_section(pdf: FPDF, y: float, sessions: Sequence[SessionInfo], tz: tzinfo,
                     title: str, bottom: float) -> tuple[float, list[SessionInfo]]:
    """The sessions, oldest first, down the left column then the right, as many as fit
    above `bottom`; returns the y below and the sessions left for the next page."""
    fits = sessions_rows(bottom - y)
    shown, left = list(sessions[:fits]), list(sessions[fits:])
    y = heading(pdf, y, title)
    per_column = (len(shown) + 1) // 2 if left == [] else fits // 2
    for c, rows in enumerate((shown[:per_column], shown[per_column:])):
        x0 = MARGIN + c * (SESSION_COL_W + SESSION_GAP)
        if not rows:
            continue
        font(pdf, 6.5, "B")
        pdf.set_fill_color(*HEADER_FILL)
        x = x0
        for name, w in SESSION_COLUMNS:
            cell(pdf, x, y, w, SESSION_ROW, name, fill=True)
            x += w
        font(pdf, 6.5)
        row_y = y + SESSION_ROW
        for s in rows:
            x = x0
            for value, (_, w) in zip(session_cells(s, tz), SESSION_COLUMNS, strict=True):
                cell(pdf, x, row_y, w, SESSION_ROW, value)
                x += w
            row_y += SESSION_ROW
    return y + SESSION_ROW * (1 + per_column) + 2.0, left


# --- the notes -------------------------------------------------------------------------------

def _note_text(m: MessageInfo, tz: tzinfo, about: dict[int, SessionInfo]) -> str:
    who = f"{m.author} ({'patient' if m.from_patient else 'therapist'})"
    when = m.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    s = about.get(m.session_id) if m.session_id is not None else None
    topic = f", about {exercise_name(s.exercise)} of " \
        f"{s.started_at.astimezone(tz).strftime('%m-%d %H:%M')}" if s else ""
    return f"{when} {who}{topic}: " + " / ".join(m.body.split("\n"))


def notes_lines(pdf: FPDF, notes: Sequence[MessageInfo], tz: tzinfo,
                about: dict[int, SessionInfo]) -> list[list[str]]:
    font(pdf, 7)
    return [wrapped(pdf, _note_text(m, tz, about), CONTENT_W, NOTE_LINE, NOTE_LINES)
            for m in notes]


def notes_height(lines: Sequence[Sequence[str]]) -> float:
    if not lines:
        return 0.0
    return HEADING_H + NOTE_LINE * (1 + sum(len(x) for x in lines)) + 1.5


def notes_section(pdf: FPDF, y: float, lines: Sequence[Sequence[str]], bottom: float,
                  left_out: int = 0) -> float:
    """The notes, oldest first, as many as fit above `bottom`; a last line says how many
    did not (they are all in the app's thread)."""
    if not lines:
        return y
    y = heading(pdf, y, "Notes and messages")
    font(pdf, 7)
    shown = 0
    for note in lines:
        if y + NOTE_LINE * (len(note) + 1) > bottom:
            break
        for line in note:
            cell(pdf, MARGIN, y, CONTENT_W, NOTE_LINE, line)
            y += NOTE_LINE
        shown += 1
    missing = len(lines) - shown + left_out
    if missing:
        cell(pdf, MARGIN, y, CONTENT_W, NOTE_LINE,
             f"... and {missing} more in the app's Messages.")
        y += NOTE_LINE
    return y + 1.5
