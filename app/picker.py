"""Which patient a therapist's page is about: one choice shared by Review and Prescribe.

The choice lives in session_state (`review_patient`, set by the Patients page's "Open")
and in the URL (`?patient=ID`, so a page can be bookmarked or sent to a colleague). Only
ids from `Access.patients()` are offered; an id from the URL or the session that the user
may not see gets the same one line as an id that does not exist, and no data.
"""

from __future__ import annotations

import streamlit as st

from handcoach.accounts import Access, PatientInfo
from handcoach.storage import StoreError

STATE = "review_patient"
PARAM = "patient"
_WIDGET = "patient-picker"


def _requested() -> int | None:
    """The id asked for: the URL first (an explicit link), else this session's choice."""
    raw = st.query_params.get(PARAM)
    if raw is None:
        raw = st.session_state.get(STATE)
    if raw is None:
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        return -1   # never an id: answered like one that is not there


def _remember(patient_id: int) -> None:
    st.session_state[STATE] = patient_id
    if st.query_params.get(PARAM) != str(patient_id):
        st.query_params[PARAM] = str(patient_id)


def _picked() -> None:
    _remember(st.session_state[_WIDGET])


def visible_patients(acc: Access) -> list[PatientInfo]:
    """The user's patients, or a one-line error and the page stops."""
    try:
        return acc.patients()
    except StoreError as exc:
        st.error(f"The results database cannot be read just now: {exc}")
        st.stop()


def pick_patient(acc: Access) -> PatientInfo:
    """A patient picker limited to the user's patients; stops the page with one line when
    there is none to show, or when the requested id is not one of them."""
    patients = visible_patients(acc)
    by_id = {p.id: p for p in patients}
    wanted = _requested()
    if wanted is not None and wanted not in by_id:
        st.session_state.pop(STATE, None)
        st.query_params.pop(PARAM, None)
        st.error("No such patient.")
        st.stop()
    if not patients:
        st.info("No patients yet. Add one on the Patients page.")
        st.stop()
    if wanted is None:
        wanted = patients[0].id
    st.session_state[_WIDGET] = wanted
    chosen = st.selectbox("Patient", list(by_id), key=_WIDGET, on_change=_picked,
                          format_func=lambda i: by_id[i].name)
    _remember(chosen)
    return by_id[chosen]
