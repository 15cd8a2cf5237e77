"""Who is exercising, their program, and what they have saved: shared by every page."""

from __future__ import annotations

import getpass
import os
from datetime import datetime

import streamlit as st

from exercises.library import LibraryError
from exercises.program import Program, load_program, parse_program
from storage import SessionInfo, Store, StoreError, list_sessions

ENV_PATIENT = "HANDCOACH_PATIENT"


@st.cache_resource(show_spinner=False)
def _store(url: str | None) -> Store:
    return Store(url)


def store() -> Store:
    """The results store (HANDCOACH_DB_URL, else the user's SQLite file). Opening it does
    no I/O, so a page shows even when the database is away."""
    return _store(os.environ.get("HANDCOACH_DB_URL") or None)


def _default_name() -> str:
    name = os.environ.get(ENV_PATIENT)
    if name:
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "patient"


def patient_name() -> str:
    """The patient's name, asked once in the sidebar and kept for the browser session."""
    if "patient" not in st.session_state:
        st.session_state.patient = _default_name()
    name = st.sidebar.text_input("Your name", key="patient",
                                 help="Your sessions are saved under this name.")
    return name.strip() or _default_name()


def program() -> Program:
    """The prescribed program; a broken program file is said once and the default used."""
    try:
        return load_program()
    except LibraryError as exc:
        st.sidebar.error(f"Your program file could not be used: {exc}")
        return parse_program({}, source="default")


def saved_sessions(patient: str) -> list[SessionInfo] | None:
    """The patient's saved sessions, oldest first; None (and a one-line message) when the
    store cannot be read. A name never saved has none."""
    try:
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
