"""Review one patient: what stands out, how they are doing, each session down to a rep.

The patient's new notes first (marked read once shown), then four tabs: Overview (flags,
adherence, pain, ROM and TAM over the period), Sessions (the list; one session's reps,
warnings and the patient's notes about it; a rep replayed from its stored frames),
Messages (the thread and a reply) and Report & export (the PDF, a FHIR bundle, sessions
and per-rep CSV). Everything is read through storage.Access, so a patient who is not the
therapist's is "No such patient." and no data.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import streamlit as st

from app.auth import require_staff
from app.charts import adherence_calendar, pain_chart, rep_curves, rom_chart
from app.flag_labels import flag_line
from app.joints import measured_joints
from app.local_time import day_span, day_start, local_naive, local_tz, today, when_text
from app.messages import body_markdown, send, sent_notice, show_thread, unread_for_me
from app.picker import pick_patient
from app.safe_text import plain
from app.skeleton import draw_hand
from app.wording import joint_label
from exercises.counter import Rep
from exercises.home_tasks import load_tasks
from exercises.library import Exercise, load_library
from handcoach.accounts import Access, NotVisible, PatientInfo
from handcoach.review.adherence import adherence_days, adherence_rate, in_force, local_day
from handcoach.review.exports import csv_text, rep_columns, rep_rows
from handcoach.review.flags import patient_flags
from handcoach.review.fonts import ReportError, fallbacks_for
from handcoach.review.grading import best_tam, grade_tam
from handcoach.review.report import ReportInput, build_report, report_texts
from handcoach.review.trends import pain_trend, rom_trend
from handcoach.storage import MessageInfo, PrescriptionInfo, SessionInfo, StoreError
from handcoach.storage.records import TaskLogInfo, export_columns
from handcoach.text import MAX_MESSAGE
from vision.accuracy import AccuracyTable
from vision.landmarks import ANGLE_NAMES

#: days before the period also read: flags compare the last sessions with earlier ones.
BASELINE_DAYS = 28
PERIOD_DAYS = 28


def slug(text: str) -> str:
    """'Zoë O'Brien' -> 'zoe-o-brien': safe in any file name."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "patient"


def exercise_name(ex_id: str | None) -> str:
    return LIBRARY[ex_id].name if ex_id in LIBRARY else (ex_id or "no exercise")


def other_side(hand: str) -> str:
    return "left" if hand == "right" else "right"


def stop_on(exc: Exception) -> None:
    """One line for a failed read, then stop: never a traceback on a therapist's page."""
    if isinstance(exc, NotVisible):
        st.error(str(exc))
    else:
        st.error(f"The results database cannot be read just now: {exc}")
    st.stop()


# -- overview ----------------------------------------------------------------------------
def show_flags(history: list[SessionInfo], versions: list[PrescriptionInfo],
               last: date) -> None:
    st.subheader("What to look at")
    flags = patient_flags(history, versions, last, TZ)
    if not flags:
        st.success("No flags: no missed days, rising pain, falling motion, overdoing or "
                   "repeated form warnings.")
    for f in flags:
        st.warning(flag_line(f))


def show_adherence(sessions: list[SessionInfo], versions: list[PrescriptionInfo],
                   first: date, last: date, tasks: list[TaskLogInfo]) -> None:
    st.subheader("Adherence")
    days = adherence_days(sessions, versions, first, last, TZ, tasks=tasks)
    rate = adherence_rate(days)
    if rate is None:
        st.info("Nothing was prescribed in this period: prescribe on the Prescribe page.")
        return
    done = sum(d.done for d in days)
    due = sum(d.prescribed for d in days)
    st.metric("Prescribed sessions done", f"{rate:.0%}", help=f"{done} of {due} sessions "
              "(an exercise done more often than prescribed on a day counts once per "
              "prescribed session; home tasks without the camera count as sessions).")
    st.altair_chart(adherence_calendar(days), width="stretch")


def show_tasks(tasks: list[TaskLogInfo]) -> None:
    """The home tasks the patient confirmed done (no camera judges them)."""
    if not tasks:
        return
    st.subheader("Home tasks without the camera")
    known = load_tasks()
    rows = [{"Done": when_text(t.done_at, TZ),
             "Task": known[t.task].name if t.task in known else t.task,
             "Amount": known[t.task].amount_text(t.amount) if t.task in known
             else str(t.amount),
             "Pain before / after": " → ".join("-" if v is None else str(v)
                                               for v in (t.pain_before, t.pain_after))}
            for t in reversed(tasks)]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def show_pain(sessions: list[SessionInfo]) -> None:
    st.subheader("Pain before and after")
    rows = [{**r, "start": local_naive(r["start"], TZ), "exercise": exercise_name(r["exercise"])}
            for r in pain_trend(sessions)]
    if not rows:
        st.caption("No pain ratings in this period.")
        return
    st.altair_chart(pain_chart(rows), width="stretch")


def targets_of(version: PrescriptionInfo | None) -> dict[str, float]:
    """{joint label: target deg} of a prescription version."""
    if version is None:
        return {}
    return {joint_label(f, j): float(v) for f, joints in version.rom_targets.items()
            for j, v in joints.items()}


def show_rom(sessions: list[SessionInfo], current: dict[str, PrescriptionInfo]) -> None:
    st.subheader("Range of motion")
    rows = rom_trend(sessions)
    if not rows:
        st.caption("No joint measurements in this period.")
        return
    hands = sorted({r["hand"] for r in rows if r["hand"]})
    left, right = st.columns(2)
    hand = left.radio("Hand", hands, horizontal=True) if len(hands) > 1 else \
        (hands[0] if hands else None)
    if hand is not None:
        rows = [r for r in rows if r["hand"] == hand]
    # The exercise with the most sessions first: the one the patient mostly does.
    per_exercise = Counter(r["exercise"] for r in {r["session_id"]: r for r in rows}.values())
    options = [e for e, _ in per_exercise.most_common()]
    exercise = right.selectbox("Exercise", options, format_func=exercise_name,
                               help="A finger bends less in some exercises than in others; "
                                    "compare sessions of one exercise.")
    rows = [r for r in rows if r["exercise"] == exercise]
    labels = [joint_label(f, j) for f, j in ANGLE_NAMES
              if any(r["finger"] == f and r["joint"] == j for r in rows)]
    default = [joint_label(f, j) for f, j in measured_joints(LIBRARY.get(exercise or ""))]
    chosen = st.multiselect("Joints", labels, default=[d for d in default if d in labels])
    data = [{"start": local_naive(r["start"], TZ), "exercise": exercise_name(r["exercise"]),
             "joint": joint_label(r["finger"], r["joint"]), "max_deg": r["max_deg"]}
            for r in rows if joint_label(r["finger"], r["joint"]) in chosen]
    if not data:
        st.caption("Choose one or more joints.")
        return
    targets = targets_of(current.get(hand)) if hand else {}
    st.altair_chart(rom_chart(data, targets), width="stretch")
    if targets:
        st.caption("Dashed lines: the targets of the current prescription.")
    counted = [r["readings"] for r in rows if r.get("readings") is not None
               and joint_label(r["finger"], r["joint"]) in chosen]
    if counted:
        st.caption(f"Each point is the most flexion of trusted readings only (those a "
                   f"camera view sees well): {min(counted)}-{max(counted)} readings per "
                   f"joint and session. {AccuracyTable.load().statement()}")


def show_tam(sessions: list[SessionInfo], current: dict[str, PrescriptionInfo]) -> None:
    st.subheader("Total active motion (TAM), ASSH grade")
    hands = sorted(current) or sorted({s.hand_side for s in sessions if s.hand_side})
    shown = False
    for hand in hands:
        best = best_tam(sessions, hand)
        if not best:
            continue
        other = best_tam(sessions, other_side(hand))
        grades = grade_tam(best, other or None)
        st.markdown(f"**{hand.capitalize()} hand**: best TAM per finger in the period, "
                    + ("against the other hand." if other else "against 260° (normal)."))
        st.dataframe(pd.DataFrame([{
            "Finger": g.finger, "TAM": f"{g.tam_deg:.0f}°",
            "Reference": f"{g.reference} {g.reference_deg:.0f}°"
            if g.reference == "other hand" else g.reference,
            "% of reference": f"{g.percent}%", "Grade": g.grade} for g in grades]),
            hide_index=True)
        shown = True
    if not shown:
        st.caption("No TAM measured in this period.")


# -- sessions ----------------------------------------------------------------------------
def session_label(s: SessionInfo) -> str:
    return (f"{when_text(s.started_at, TZ)} · {exercise_name(s.exercise)} · "
            f"{s.hand_side or 'hand ?'} · {s.reps} rep{'' if s.reps == 1 else 's'}")


def reps_text(s: SessionInfo) -> str:
    if s.prescribed_reps is None:
        return str(s.reps)
    return f"{s.reps}/{s.prescribed_reps * (s.prescribed_sets or 1)}"


def pain_text(s: SessionInfo) -> str:
    if s.pain_before is None and s.pain_after is None:
        return "-"
    before, after = ("?" if v is None else str(v) for v in (s.pain_before, s.pain_after))
    return f"{before} → {after}"


def sessions_table(sessions: list[SessionInfo]) -> pd.DataFrame:
    return pd.DataFrame([{
        "When": when_text(s.started_at, TZ), "Exercise": exercise_name(s.exercise),
        "Hand": s.hand_side or "-", "Reps/prescribed": reps_text(s), "Extra": s.extra_reps,
        "Warnings": s.cautions, "Pain": pain_text(s), "Status": s.status,
        "Source": "camera" if s.source == "live" else s.source} for s in reversed(sessions)])


def reps_table(reps: list[Rep], joints: list[tuple[str, str]]) -> pd.DataFrame:
    rows = []
    for r in reps:
        row: dict[str, object] = {
            "Rep": r.number, "Set": r.set_number, "Duration (s)": round(r.end - r.start, 1),
            "Positions": " > ".join(r.positions),
            "Holds (s)": " > ".join(f"{h:.1f}" for h in r.holds_s),
            "Flags": ", ".join(f.replace("_", " ") for f in sorted(r.flags)) or "-"}
        for f, j in joints:
            v = r.peak_flexion[ANGLE_NAMES.index((f, j))]
            row[f"{joint_label(f, j)} peak"] = "-" if np.isnan(v) else f"{v:.0f}°"
        rows.append(row)
    return pd.DataFrame(rows)


def replay(acc: Access, s: SessionInfo, reps: list[Rep], ex: Exercise | None) -> None:
    """A rep's angle curves from its stored frames, and the hand at a chosen moment."""
    st.subheader("Rep replay")
    number = st.selectbox("Rep to replay", [r.number for r in reps],
                          format_func=lambda n: f"Rep {n}")
    rep = next(r for r in reps if r.number == number)
    try:
        frames = acc.frames(s.id, rep.start, rep.end)
    except (NotVisible, StoreError) as exc:
        stop_on(exc)
    if len(frames) == 0:
        st.info("No frames were stored for this rep.")
        return
    joints = measured_joints(ex)
    t = frames.times - rep.start
    curves = pd.DataFrame([{"t": float(t[i]), "joint": joint_label(f, j),
                            "deg": float(frames.angles[i, ANGLE_NAMES.index((f, j))])}
                           for i in range(len(frames)) for f, j in joints
                           if np.isfinite(frames.angles[i, ANGLE_NAMES.index((f, j))])])
    if len(frames) > 1:
        # Start at the most bent frame: usually the moment the therapist wants to see.
        bent = frames.angles[:, [ANGLE_NAMES.index(j) for j in joints]]
        peak = int(np.argmax(np.where(np.isfinite(bent), bent, 0.0).sum(axis=1)))
        moment = st.slider("Moment in the rep (frame)", 0, len(frames) - 1, peak,
                           help="The skeleton shows the hand at this frame; the grey line "
                                "marks it on the curves.")
    else:
        moment = 0
    chart_col, hand_col = st.columns([3, 2])
    if curves.empty:
        chart_col.info("The hand was not in view during this rep.")
    else:
        chart_col.altair_chart(rep_curves(curves, float(t[moment])), width="stretch")
    if frames.world is None:
        hand_col.info("Analysed from a video: only angles were stored, not the hand's "
                      "landmarks, so the hand cannot be drawn.")
        return
    picture = draw_hand(frames.world[moment], joints)
    if picture is None:
        hand_col.info("The hand was not in view at this moment.")
    else:
        hand_col.image(picture, caption=f"{t[moment]:.2f} s into rep {rep.number}, seen "
                                        "from the camera (measured joints in orange)")


def show_session(acc: Access, sessions: list[SessionInfo], thread: list[MessageInfo]
                 ) -> None:
    st.dataframe(sessions_table(sessions), hide_index=True, width="stretch")
    newest_first = list(reversed(sessions))
    by_id = {s.id: s for s in newest_first}
    sid = st.selectbox("Session", list(by_id), format_func=lambda i: session_label(by_id[i]))
    s = by_id[sid]
    try:
        reps = acc.reps(s.id)
        warnings = acc.warnings(s.id)
    except (NotVisible, StoreError) as exc:
        stop_on(exc)
    ex = LIBRARY.get(s.exercise or "")
    st.subheader("Reps")
    if reps:
        st.dataframe(reps_table(reps, measured_joints(ex)), hide_index=True, width="stretch")
    else:
        st.caption("No reps counted in this session.")
    st.subheader("Warnings")
    if warnings:
        st.markdown("\n".join(f"- {w.t:.1f} s: {w.message}" for w in warnings))
    else:
        st.caption("No warnings in this session.")
    if s.note:
        st.caption(f"Note: {plain(s.note)}")
    notes = [m for m in thread if m.session_id == s.id]
    if notes:
        st.subheader("The patient's notes on this session")
        for m in reversed(notes):
            st.markdown(f"**{plain(m.author)}**, {when_text(m.created_at, TZ)}: "
                        + body_markdown(m.body))
    if reps:
        replay(acc, s, reps, ex)


# -- messages ------------------------------------------------------------------------------
def about_label(by_id: dict[int, SessionInfo]) -> Callable[[int], str | None]:
    def label(session_id: int) -> str | None:
        s = by_id.get(session_id)
        return None if s is None else f"{exercise_name(s.exercise)}, " \
            f"{when_text(s.started_at, TZ)}"
    return label


def show_messages(acc: Access, patient: PatientInfo, thread: list[MessageInfo],
                  by_id: dict[int, SessionInfo]) -> None:
    """The whole thread, newest first, and a reply to the patient."""
    with st.form("reply"):
        body = st.text_area(f"Write to {plain(patient.name)}", max_chars=MAX_MESSAGE,
                            key="reply-body", help="The patient reads it on their Today "
                            "page. Plain words: they are not clinicians.")
        if st.form_submit_button("Send", type="primary"):
            send(acc, patient.id, body, None, "Sent. The patient sees it on their Today page.",
                 "reply-body")
    show_thread(thread, False, TZ, about=about_label(by_id))


# -- report and export ---------------------------------------------------------------------
def rep_csv(acc: Access, sessions: list[SessionInfo]) -> str:
    """Every rep of the period's sessions (read when the therapist clicks)."""
    rows = [row for s in sessions for row in rep_rows(s, acc.reps(s.id))]
    return csv_text(rows, rep_columns())


def logged(acc: Access, action: str, patient_id: int, detail: str,
           make: Callable[[], str | bytes]) -> Callable[[], str | bytes]:
    """A download made when it is clicked, its audit row written first (no row, no file)."""
    def download() -> str | bytes:
        acc.log(action, patient_id, detail)
        return make()
    return download


def fhir_text(patient: PatientInfo, sessions: list[SessionInfo],
              versions: list[PrescriptionInfo]) -> str:
    """The period's sessions and every prescription version as one FHIR R4 Bundle."""
    from handcoach.fhir_command import app_version
    from handcoach.review.fhir import PatientRecord, build_bundle, bundle_json

    names = {ex_id: ex.name for ex_id, ex in LIBRARY.items()}
    record = PatientRecord(patient.id, patient.name, sessions, versions)
    return bundle_json(build_bundle([record], datetime.now(TZ), app_version(), names))


def show_downloads(acc: Access, patient: PatientInfo, history: list[SessionInfo],
                   sessions: list[SessionInfo], versions: list[PrescriptionInfo],
                   first: date, last: date, thread: list[MessageInfo],
                   tasks: list[TaskLogInfo]) -> None:
    stem = f"handcoach-{slug(patient.name)}-{first.isoformat()}-{last.isoformat()}"
    report = ReportInput(patient=patient.name, hands=(), start=first, end=last,
                         generated_at=datetime.now(TZ), therapist=acc.principal.name,
                         sessions=history, prescriptions=versions, tz=TZ, messages=thread,
                         tasks=tasks)
    span = f"{first.isoformat()} to {last.isoformat()}"
    st.write(f"For {first:%d %b %Y} to {last:%d %b %Y}: {len(sessions)} sessions.")
    try:
        fallbacks_for(report_texts(report))     # a name no font here can print: said now
    except ReportError as exc:
        st.warning(f"No PDF report: {plain(exc)}.")
    else:
        st.download_button("PDF report",
                           data=logged(acc, "report", patient.id, f"PDF {span}",
                                       lambda: build_report(report)),
                           file_name=f"{stem}.pdf", mime="application/pdf",
                           on_click="ignore", type="primary", icon="📄")
    st.download_button("Sessions (CSV)",
                       data=logged(acc, "export", patient.id, f"sessions CSV {span}",
                                   lambda: csv_text([s.export_row() for s in sessions],
                                                    export_columns())),
                       file_name=f"{stem}-sessions.csv", mime="text/csv", on_click="ignore",
                       icon="📊")
    st.download_button("Range of motion per rep (CSV)",
                       data=logged(acc, "export", patient.id, f"reps CSV {span}",
                                   lambda: rep_csv(acc, sessions)),
                       file_name=f"{stem}-reps.csv", mime="text/csv", on_click="ignore",
                       icon="📊")
    st.download_button("For the clinic's record (FHIR R4)",
                       data=logged(acc, "export", patient.id, f"FHIR bundle {span}",
                                   lambda: fhir_text(patient, sessions, versions)),
                       file_name=f"{stem}-fhir.json", mime="application/fhir+json",
                       on_click="ignore", icon="🏥",
                       help="One HL7 FHIR R4 Bundle: the patient, each session's range of "
                            "motion per joint and pain ratings, every prescription version.")
    st.caption("Times in the CSV files are UTC (ISO 8601); angles in degrees.")


# -- the page ----------------------------------------------------------------------------
acc = require_staff()
TZ = local_tz()
LIBRARY = load_library()
st.title("Review")
patient = pick_patient(acc)
now = today(TZ)
period = st.date_input("Period", value=(now - timedelta(days=PERIOD_DAYS - 1), now),
                       max_value=now, format="YYYY-MM-DD")
if not isinstance(period, tuple | list) or len(period) != 2:
    st.info("Choose the last day of the period.")
    st.stop()
first, last = period
try:
    history = acc.sessions(patient.id, *day_span(first - timedelta(days=BASELINE_DAYS),
                                                 last, TZ))
    versions = acc.prescriptions(patient.id)
    thread = acc.messages(patient.id)
    start = day_start(first, TZ)
    tasks = [t for t in acc.task_logs(patient.id, since=start)
             if local_day(t.done_at, TZ) <= last]
except (NotVisible, StoreError) as exc:
    stop_on(exc)
sessions = [s for s in history if s.started_at >= start]
moment = datetime.now(TZ)
current = {h: v for h in ("left", "right") if (v := in_force(versions, h, moment))}

by_session = {s.id: s for s in history}
sent_notice()              # above the tabs: the page reopens on the first one
new = unread_for_me(thread, reader_is_patient=False)
if new:
    st.subheader(f"✉️ New from {plain(patient.name)}")
    show_thread(new, False, TZ, about=about_label(by_session))
overview, listing, talk, export = st.tabs(
    ["Overview", "Sessions", f"Messages ({len(new)} new)" if new else "Messages",
     "Report & export"])
with overview:
    show_flags(history, versions, last)
    show_adherence(sessions, versions, first, last, tasks)
    show_tasks(tasks)
    show_pain(sessions)
    show_rom(sessions, current)
    show_tam(sessions, current)
with listing:
    if sessions:
        show_session(acc, sessions, thread)
    else:
        st.info("No sessions in this period.")
with talk:
    show_messages(acc, patient, thread, by_session)
with export:
    show_downloads(acc, patient, history, sessions, versions, first, last, thread, tasks)
if new:
    try:
        acc.mark_read(patient.id)
    except (NotVisible, StoreError):
        pass   # still new at the next look: nothing is lost
