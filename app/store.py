"""The results store every page of the app writes to and reads from."""

from __future__ import annotations

import os

import streamlit as st

from handcoach.storage import Store


@st.cache_resource(show_spinner=False)
def _store(url: str | None) -> Store:
    return Store(url)


def store() -> Store:
    """The results store (HANDCOACH_DB_URL, else the user's SQLite file). Opening it does
    no I/O, so a page shows even when the database is away."""
    return _store(os.environ.get("HANDCOACH_DB_URL") or None)
