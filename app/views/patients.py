"""Patients: the therapist's list, what to look at first, and adding a patient.

One row per patient the signed-in user may see (their own; an administrator: all), with
the rule-based flags of review.flags, a "new message" flag while a patient's note waits
unread (its words are on the Review page, not here), when they last exercised, how
closely they followed the prescription this week, and this month so far (days with
data, sessions and reps against the prescription; also as a CSV for the clinic). Read
through storage.Access only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta, tzinfo

import pandas as pd
import streamlit as st

from app.auth import require_staff
from app.flag_labels import flag_label, flag_line
from app.local_time import day_start, local_tz, today
from app.picker import STATE, visible_patients
from app.safe_text import plain
from exercises.library import LibraryError
from handcoach.accounts import Access, AccountError, PatientInfo
from handcoach.review.adherence import adherence_days, adherence_rate, local_day
from handcoach.review.flags import Flag, patient_flags
from handcoach.review.monthly import MONTH_COLUMNS, month_summary
from handcoach.spreadsheet import csv_text
from handcoach.storage import PrescriptionInfo, SessionInfo, StoreError
from handcoach.storage.records import TaskLogInfo

#: how far back the list looks for a last session (older ones: "none in 90 days").
LOOKBACK_DAYS = 90
WEEK_DAYS = 7
ADDED = "patient_added"


def prescription_text(version: PrescriptionInfo | None) -> str:
    """'v3, 4 exercises' or 'none'."""
    if version is None:
        return "none"
    n = len(version.exercises)
    return f"v{version.version}, {n} exercise{'s' if n != 1 else ''}"


def messages_text(unread: int) -> str:
    """'✉️ 2 new messages', or '-'."""
    if not unread:
        return "-"
    return f"✉️ {unread} new message{'s' if unread != 1 else ''}"


def summary_row(p: PatientInfo, sessions: list[SessionInfo], versions: list[PrescriptionInfo],
                flags: list[Flag], tz: tzinfo, now: date, unread: int = 0,
                tasks: Sequence[TaskLogInfo] = ()) -> dict[str, object]:
    """The patient's row of the list (sessions: the last LOOKBACK_DAYS of them; unread:
    the patient's notes waiting for this user; tasks: their home tasks done, which count
    in the week's adherence)."""
    first = now - timedelta(days=WEEK_DAYS - 1)
    rate = adherence_rate(adherence_days(sessions, versions, first, now, tz, tasks=tasks))
    month = month_summary(sessions, versions, now.replace(day=1), now, tz)
    current: dict[str, PrescriptionInfo] = {}
    for v in versions:
        if v.hand not in current or v.version > current[v.hand].version:
            current[v.hand] = v
    last = max((s.started_at for s in sessions), default=None)
    return {
        "Patient": p.name,
        "Flags": ", ".join(flag_label(f) for f in flags) or "✓ none",
        "Messages": messages_text(unread),
        "Last session": (local_day(last, tz).isoformat() if last
                         else f"none in {LOOKBACK_DAYS} days"),
        "Sessions, 7 days": sum(1 for s in sessions if local_day(s.started_at, tz) >= first),
        "Adherence, 7 days": "-" if rate is None else f"{rate:.0%}",
        "Days with data, this month": f"{month.days_with_data} of {month.days}",
        "Sessions, this month": f"{month.sessions_done} of {month.sessions_prescribed}",
        "Reps, this month": f"{month.reps} of {month.reps_prescribed}"
                            + (f" (+{month.extra_reps} extra)" if month.extra_reps else ""),
        "Left hand": prescription_text(current.get("left")),
        "Right hand": prescription_text(current.get("right")),
        "Therapist": p.therapist or "-",
        "User name": p.username or "-",
    }


def add_patient_form(acc: Access) -> None:
    """Name, user name and an initial password (twice); an administrator may also name
    the therapist. Errors are one line; success reruns so the list shows the patient."""
    admin = acc.principal.role == "admin"
    with st.form("add-patient"):
        st.subheader("Add a patient")
        name = st.text_input("Name", help="As the patient is known in the clinic.")
        username = st.text_input("User name", help="What the patient types to sign in: "
                                 "letters, digits and . _ @ -")
        password = st.text_input("Initial password", type="password",
                                 help="At least 10 characters. Give it to the patient.")
        again = st.text_input("Initial password again", type="password")
        therapist = st.text_input("Therapist's user name (empty: none yet)") if admin else ""
        submitted = st.form_submit_button("Add patient", type="primary")
    if not submitted:
        return
    if not name.strip():
        st.error("Please type the patient's name.")
        return
    if password != again:
        st.error("The two passwords differ. Please type them again.")
        return
    try:
        info = acc.add_patient(name, username, password, therapist.strip() or None)
    except (AccountError, LibraryError) as exc:
        st.error(f"Not added: {plain(exc)}.")
        return
    except StoreError as exc:
        st.error(f"Not added: the results database cannot be written just now: {exc}")
        return
    st.session_state[STATE] = info.id
    st.session_state[ADDED] = (
        f"Added {plain(info.name)}. Give them the user name **{plain(info.username)}** and "
        "the password "
        "you typed; they can sign in now. Next, prescribe their exercises on the "
        "Prescribe page.")
    st.rerun()


acc = require_staff()
st.title("Patients")
added = st.session_state.pop(ADDED, None)
if added:
    st.success(added)
    st.page_link("views/prescribe.py", label="Prescribe now", icon="📝")

patients = visible_patients(acc)
tz = local_tz()
try:
    now = today(tz)
    recent = acc.sessions(since=day_start(now - timedelta(days=LOOKBACK_DAYS - 1), tz))
    unread = acc.unread()
    by_name: dict[str, list[SessionInfo]] = {}
    for s in recent:
        by_name.setdefault(s.patient, []).append(s)
    rows, flagged, monthly = [], [], []
    for p in patients:
        mine = by_name.get(p.name, [])
        versions = acc.prescriptions(p.id)
        flags = patient_flags(mine, versions, now, tz)
        monthly.append(month_summary(mine, versions, now.replace(day=1), now, tz).row(p.name))
        tasks = acc.task_logs(p.id, since=day_start(now - timedelta(days=WEEK_DAYS), tz)) \
            if any(v.tasks for v in versions) else []
        rows.append(summary_row(p, mine, versions, flags, tz, now, unread.get(p.id, 0),
                                tasks))
        if flags or unread.get(p.id):
            flagged.append((p, flags))
except StoreError as exc:
    st.error(f"The results database cannot be read just now: {exc}")
    st.stop()

if not patients:
    st.info("No patients yet. Add your first patient below.")
else:
    table = pd.DataFrame(rows)
    if acc.principal.role != "admin":
        table = table.drop(columns=["Therapist"])
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button("Monthly summary (CSV)", csv_text(monthly, MONTH_COLUMNS),
                       file_name=f"handcoach-month-{now.strftime('%Y-%m')}.csv",
                       mime="text/csv", help="Per patient, this month so far: days with "
                       "data, sessions and reps against the prescription.")
    ids = [p.id for p in patients]
    names = {p.id: p.name for p in patients}
    pick, review_col, prescribe_col = st.columns([3, 1, 1], vertical_alignment="bottom")
    chosen = pick.selectbox("Open a patient", ids, format_func=names.__getitem__,
                            index=ids.index(st.session_state[STATE])
                            if st.session_state.get(STATE) in ids else 0)
    if review_col.button("Review", type="primary", width="stretch"):
        st.session_state[STATE] = chosen
        st.switch_page("views/review.py", query_params={"patient": str(chosen)})
    if prescribe_col.button("Prescribe", width="stretch"):
        st.session_state[STATE] = chosen
        st.switch_page("views/prescribe.py", query_params={"patient": str(chosen)})
    if flagged:
        st.subheader("What to look at first")
        for p, flags in flagged:
            if unread.get(p.id):
                st.markdown(f"- **{plain(p.name)}**: {messages_text(unread[p.id])}, "
                            "to read on the Review page.")
            for f in flags:
                st.markdown(f"- **{plain(p.name)}**: {flag_line(f)}")
    else:
        st.caption("No flags: nobody missed days, reported rising pain or lost motion "
                   "this week, and no new messages.")

st.divider()
add_patient_form(acc)
