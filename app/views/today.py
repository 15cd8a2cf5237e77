"""Today's program: the prescribed exercises, their dose, and what is done today; for a
signed-in patient also a note to their therapist and the therapist's replies."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import streamlit as st

from app.auth import client_address, current
from app.local_time import local_tz, when_text
from app.messages import send, sent_notice, show_thread, unread_for_me
from app.patient import (
    is_today,
    patient_name,
    program,
    reps_today,
    saved_sessions,
    sessions_today,
)
from app.safe_text import plain
from app.store import store
from app.wording import PAIN_SCALE, dose_text, pain_label, task_dose_text
from exercises.home_tasks import MAX_AMOUNT, load_tasks
from exercises.library import LibraryError, load_library
from handcoach.accounts import Access, NotVisible
from handcoach.review.adherence import adherence_days, local_day, program_days
from handcoach.review.keeping import keeping_at_it
from handcoach.review.reminders import DAYS, reminder_calendar
from handcoach.storage import PrescriptionInfo, SessionInfo, StoreError
from handcoach.storage.records import TaskLogInfo
from handcoach.text import MAX_MESSAGE

TZ = local_tz()
LIBRARY = load_library()
HOME_TASKS = load_tasks()
TASK_SAVED = "task_saved"
#: how far back the run of days is looked for.
KEEPING_DAYS = 90


def signed_in_patient() -> Access | None:
    """The signed-in patient's Access (None: a home install, or staff)."""
    who = current()
    return Access(store(), who, client_address()) if who is not None \
        and who.role == "patient" else None


name = patient_name()
plan = program()
st.title("Today's exercises")
st.write(f"Hello {plain(name)}. Do each exercise slowly and gently. Stop if it hurts more than "
         "usual. **Your therapist's prescription comes first.**")
if plan.note:
    st.info(f"From your therapist: {plain(plan.note)}")
if plan.hand:
    st.write(f"Exercise your **{plan.hand}** hand.")

sessions = saved_sessions(name)


def prescription_versions(acc: Access | None) -> list[PrescriptionInfo]:
    """Every version of the signed-in patient's prescription (none: a home install, or
    they cannot be read just now, which the sidebar already says)."""
    if acc is None:
        return []
    try:
        return acc.prescriptions(acc.principal.patient_id or 0)
    except (StoreError, NotVisible):
        return []


def keeping_section(saved: list[SessionInfo], versions: list[PrescriptionInfo],
                    tasks: list[TaskLogInfo]) -> None:
    """The run of days with every session done (and home task, with versions), this
    week's sessions, what is still to do today, and the reminders for the patient's own
    calendar."""
    today = datetime.now(TZ).date()
    start = today - timedelta(days=KEEPING_DAYS)
    if versions:
        days = adherence_days(saved, versions, start, today, TZ, tasks=tasks)
    else:
        # Without versions, the program counts from the first day anything was saved.
        first = min((local_day(s.started_at, TZ) for s in saved), default=today)
        days = program_days(saved, {ex.id: ex.dose.sessions_per_day for ex in plan.exercises},
                            max(start, first), today, TZ)
    k = keeping_at_it(days, today)
    with st.container(border=True):
        cols = st.columns(3)
        cols[0].metric("Days in a row, all done", f"{k.streak_days}")
        cols[1].metric("This week", f"{k.week_done} of {k.week_prescribed} sessions")
        cols[2].metric("Today", f"{k.today_done} of {k.today_prescribed} sessions")
        st.write(k.words)
        left = [f"{ex.name} ({n} more)" for ex in plan.exercises
                if (n := ex.dose.sessions_per_day - sessions_today(saved, ex.id)) > 0]
        if left:
            st.write("Still to do today: " + ", ".join(left) + ".")
        st.download_button("Add reminders to my calendar", reminder_calendar(
            plan.exercises, start=today), file_name="hand-exercises.ics",
            mime="text/calendar", help=f"A calendar file with today's sessions at set "
            f"times, every day for {DAYS} days: open it with your calendar.")


def task_logs(acc: Access) -> list[TaskLogInfo]:
    """The signed-in patient's home tasks done over the streak's window."""
    since = datetime.now(timezone.utc) - timedelta(days=KEEPING_DAYS + 1)
    try:
        return acc.task_logs(acc.principal.patient_id or 0, since=since)
    except (StoreError, NotVisible) as exc:
        st.warning(f"Your home tasks cannot be read just now: {plain(exc)}")
        return []


def tasks_section(acc: Access, info: PrescriptionInfo, logs: list[TaskLogInfo]) -> None:
    """The prescribed tasks the camera does not judge: how, how much, done today, and a
    form to say one is done (with the pain before and after), a timer for timed ones."""
    st.header("Without the camera")
    for task_id, dose in info.tasks.items():
        task = HOME_TASKS.get(task_id)
        if task is None:
            continue
        times = int(dose["sessions_per_day"])
        done = sum(1 for t in logs if t.task == task_id and t.amount > 0
                   and is_today(t.done_at))
        with st.container(border=True):
            st.subheader(task.name)
            st.write(task_dose_text(task, dose))
            st.progress(min(done / times, 1.0), text=f"Done today: {done} of {times}")
            st.write(task.instructions)
            if task.kind == "minutes":
                task_timer(task_id, int(dose["amount"]))
            with st.form(f"task-{task_id}"):
                amount = 1
                if task.kind != "confirm":
                    amount = int(st.number_input(
                        "Minutes done" if task.kind == "minutes" else "Times done",
                        min_value=0, max_value=MAX_AMOUNT[task.kind],
                        value=int(dose["amount"]), step=1, key=f"task-{task_id}-amount"))
                left, right = st.columns(2)
                before = left.select_slider("Pain before", PAIN_SCALE, value=0,
                                            format_func=pain_label,
                                            key=f"task-{task_id}-before")
                after = right.select_slider("Pain after", PAIN_SCALE, value=0,
                                            format_func=pain_label,
                                            key=f"task-{task_id}-after")
                if st.form_submit_button("Done", type="primary"):
                    try:
                        acc.log_task(task_id, amount, hand_side=info.hand,
                                     pain_before=int(before), pain_after=int(after),
                                     prescription_id=info.id)
                    except (LibraryError, StoreError, NotVisible) as exc:
                        st.error(f"Not saved: {plain(exc)}")
                    else:
                        st.session_state[TASK_SAVED] = f"Saved: {task.name}."
                        st.rerun()


def task_timer(task_id: str, minutes: int) -> None:
    """Start, then the time left, redrawn every second until it is up."""
    key = f"task-timer-{task_id}"
    if st.button(f"Start a {minutes}-minute timer", key=f"{key}-start"):
        st.session_state[key] = time.monotonic()

    @st.fragment(run_every=1.0 if key in st.session_state else None)
    def left() -> None:
        started = st.session_state.get(key)
        if started is None:
            return
        rest = minutes * 60 - (time.monotonic() - started)
        if rest > 0:
            st.markdown(f"### {int(rest) // 60}:{int(rest) % 60:02d} left")
        else:
            st.success("Time is up. Well done: press Done below.")

    left()


patient_acc = signed_in_patient()
versions = prescription_versions(patient_acc)
# The version the plan comes from, when it holds home tasks.
rx = next((v for v in versions if v.id == plan.prescription_id and v.tasks), None)
done_tasks = task_logs(patient_acc) if patient_acc is not None and rx is not None else []
saved_task = st.session_state.pop(TASK_SAVED, None)
if saved_task:
    st.success(saved_task)
if sessions is not None and plan.exercises:
    keeping_section(sessions, versions, done_tasks)

for ex in plan.exercises:
    dose = ex.dose
    done = reps_today(sessions, ex.id)
    times = sessions_today(sessions, ex.id)
    with st.container(border=True):
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.subheader(ex.name)
        left.write(dose_text(dose))
        share = min(times / dose.sessions_per_day, 1.0) if dose.sessions_per_day else 0.0
        left.progress(share, text=f"Done today: {times} of {dose.sessions_per_day} sessions, "
                                  f"{done} reps")
        if done >= dose.max_reps_per_day:
            left.warning("You have done today's most. Rest your hand until tomorrow.")
        if right.button("Start", key=f"start-{ex.id}", type="primary",
                        width="stretch"):
            st.session_state.exercise = ex.id
            st.switch_page("views/exercise.py")


# -- notes and messages (accounts on: a patient with a therapist to write to) ------------
def session_label(s: SessionInfo) -> str:
    """'Full fist, 2026-12-01 14:05': what a patient calls one of their sessions."""
    ex = LIBRARY.get(s.exercise or "")
    return f"{ex.name if ex else 'Measuring my joints'}, {when_text(s.started_at, TZ)}"


def messages_section(acc: Access, saved: list[SessionInfo]) -> None:
    """A note to the therapist (about one of the last week's sessions, or none) and the
    thread with their replies, newest first."""
    patient_id = acc.principal.patient_id or 0
    st.divider()
    st.subheader("Notes and messages")
    try:
        thread = acc.messages(patient_id)
    except (StoreError, NotVisible) as exc:
        st.warning(f"Your messages cannot be read just now: {plain(exc)}")
        return
    new = unread_for_me(thread, reader_is_patient=True)
    if new:
        st.info(f"Your therapist has written to you ({len(new)} new message"
                f"{'s' if len(new) != 1 else ''}).")
    sent_notice()
    week_ago = datetime.now(timezone.utc) - timedelta(days=7)
    recent = [s for s in reversed(saved) if s.started_at >= week_ago][:20]
    by_id = {s.id: s for s in recent}
    with st.form("note"):
        about = st.selectbox("About", [None, *by_id], index=1 if recent
                             and is_today(recent[0].started_at) else 0,
                             format_func=lambda i: "Nothing in particular" if i is None
                             else session_label(by_id[i]))
        body = st.text_area("A note for your therapist", max_chars=MAX_MESSAGE, key="note-body",
                            placeholder="How did it go? Did anything hurt, or feel hard?")
        if st.form_submit_button("Send to my therapist", type="primary"):
            send(acc, patient_id, body, about, "Sent. Your therapist will read it.",
                 "note-body")
    everything = {s.id: s for s in saved}
    show_thread(thread, True, TZ, about=lambda i: session_label(everything[i])
                if i in everything else None)
    if new:
        try:
            acc.mark_read(patient_id)
        except (StoreError, NotVisible):
            pass   # still marked new next time: nothing is lost


if patient_acc is not None and rx is not None:
    tasks_section(patient_acc, rx, done_tasks)

if patient_acc is not None:
    messages_section(patient_acc, sessions or [])
