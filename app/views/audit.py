"""Audit log (administrators only): who signed in, viewed, exported or changed whose data,
and when, with a CSV download of the period (storage/audit.py; the same rows as
`handcoach audit export`)."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from app.auth import require_admin
from app.local_time import day_span, local_tz, today, when_text
from handcoach.spreadsheet import csv_text
from handcoach.storage import StoreError, audit

acc = require_admin()
TZ = local_tz()
st.title("Audit log")
st.caption("Sign-ins, failed sign-ins, every view of a patient's data by staff, exports, "
           "reports, prescriptions and account changes. Rows are only ever added.")
now = today(TZ)
period = st.date_input("Period", value=(now - timedelta(days=6), now), max_value=now,
                       format="YYYY-MM-DD")
if not isinstance(period, tuple | list) or len(period) != 2:
    st.info("Choose the last day of the period.")
    st.stop()
first, last = period
try:
    rows = audit.read(acc.store, *day_span(first, last, TZ))
except StoreError as exc:
    st.error(f"The results database cannot be read just now: {exc}")
    st.stop()
actions = sorted({r.action for r in rows})
chosen = st.multiselect("Actions", actions, default=actions)
shown = [r for r in rows if r.action in chosen]
st.write(f"{len(shown)} of {len(rows)} entries from {first:%d %b %Y} to {last:%d %b %Y}.")
if shown:
    st.dataframe(pd.DataFrame([{
        "When": when_text(r.at, TZ), "Who": r.username or "-", "Role": r.role or "-",
        "What": r.action.replace("_", " "), "Patient": r.patient or "-",
        "Detail": r.detail or "", "From": r.client or "-"} for r in reversed(shown)]),
        hide_index=True, width="stretch")


def _csv() -> str:
    acc.log("audit_export", None, f"{len(shown)} rows, CSV {first} to {last}")
    return csv_text([r.row() for r in shown], audit.COLUMNS)


st.download_button("Audit log (CSV)", data=_csv,
                   file_name=f"handcoach-audit-{first.isoformat()}-{last.isoformat()}.csv",
                   mime="text/csv", on_click="ignore", icon="📊")
