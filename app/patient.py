"""Who is exercising, their program, and what they have saved: shared by every page.

Signed in (accounts on), all three come from the patient's own record through
storage.Access: their name, their therapist's current prescription, their sessions.
Without accounts (one person's install), the name is a sidebar field and the program a
file, as before accounts existed.
"""

from __future__ import annotations

import getpass
import os
from datetime import datetime

import streamlit as st

from app.auth import client_address, current
from app.store import store
from exercises.library import LibraryError
from exercises.program import Program, load_program, parse_program
from handcoach.accounts import Access, NotVisible
from handcoach.storage import SessionInfo, StoreError, list_sessions, program_of
from handcoach.text import BadName, person_name

ENV_PATIENT = "HANDCOACH_PATIENT"


def _signed_in_patient() -> Access | None:
    who = current()
    return Access(store(), who, client_address()) if who is not None \
        and who.role == "patient" else None


def _default_name() -> str:
    name = os.environ.get(ENV_PATIENT)
    if name:
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "patient"


def patient_name() -> str:
    """The patient's name: their record's when signed in, else asked once in the sidebar
    and kept for the browser session."""
    acc = _signed_in_patient()
    if acc is not None:
        return _record_name(acc)
    if "patient" not in st.session_state:
        st.session_state.patient = _default_name()
    name = st.sidebar.text_input("Your name", key="patient",
                                 help="Your sessions are saved under this name.")
    try:
        return person_name(name if name.strip() else _default_name())
    except BadName as exc:
        st.sidebar.error(f"This name cannot be used: {exc}.")
        st.stop()


def _record_name(acc: Access) -> str:
    """The name of the signed-in patient's own record, read once per browser session.

    Sessions are saved under it, so there is no guess when it cannot be read: the account's
    display name could be another patient's record."""
    key = f"record-name-{acc.principal.user_id}"
    if key not in st.session_state:
        try:
            st.session_state[key] = acc.patient(acc.principal.patient_id or 0).name
        except (StoreError, NotVisible) as exc:
            st.error(f"Your record cannot be read just now ({exc}). Please try again in a "
                     "moment.")
            st.stop()
    return st.session_state[key]


def _prescribed(acc: Access) -> Program:
    """The therapist's current prescription; with one per hand, the patient picks the hand
    in the sidebar. None prescribed yet: the default program, and a line saying so."""
    try:
        current = acc.current(acc.principal.patient_id or 0)
    except (StoreError, NotVisible) as exc:
        st.sidebar.warning(f"Your program cannot be read just now: {exc}")
        current = {}
    if not current:
        st.sidebar.info("Your therapist has not set your exercises yet; these are the usual "
                        "ones.")
        return parse_program({}, source="default")
    hands = sorted(current)
    hand = hands[0]
    if len(hands) > 1:
        hand = st.sidebar.radio("Which hand today?", hands, key="prescribed-hand",
                                format_func=lambda h: f"{h.capitalize()} hand")
    try:
        return program_of(current[hand])
    except LibraryError as exc:     # e.g. an exercise this version of HandCoach dropped
        st.sidebar.error(f"Your program could not be used ({exc}); these are the usual "
                         "exercises. Please tell your therapist.")
        return parse_program({}, source="default")


def program() -> Program:
    """The prescribed program; a broken program file is said once and the default used."""
    acc = _signed_in_patient()
    if acc is not None:
        return _prescribed(acc)
    if current() is not None:       # staff: the library as it is, not this computer's file
        return parse_program({}, source="default")
    try:
        return load_program()
    except LibraryError as exc:
        st.sidebar.error(f"Your program file could not be used: {exc}")
        return parse_program({}, source="default")


def saved_sessions(patient: str) -> list[SessionInfo] | None:
    """The patient's saved sessions, oldest first; None (and a one-line message) when the
    store cannot be read. A name never saved has none."""
    acc = _signed_in_patient()
    try:
        if acc is not None:
            return acc.sessions(acc.principal.patient_id)
        return list_sessions(patient, store=store())
    except StoreError as exc:
        if str(exc).startswith("no patient named"):
            return []
        st.warning(f"Your saved sessions cannot be read just now: {exc}")
        return None


def is_today(when: datetime) -> bool:
    """Started on today's date where the patient is (the computer's local time)."""
    return when.astimezone().date() == datetime.now().astimezone().date()


def reps_today(sessions: list[SessionInfo] | None, exercise_id: str) -> int:
    """Reps of one exercise saved today (extra ones included: they count to the daily limit)."""
    return sum(s.reps for s in sessions or () if s.exercise == exercise_id
               and is_today(s.started_at))


def sessions_today(sessions: list[SessionInfo] | None, exercise_id: str) -> int:
    return sum(1 for s in sessions or () if s.exercise == exercise_id and s.reps > 0
               and is_today(s.started_at))
