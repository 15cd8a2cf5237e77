"""Who is using the app: accounts on (sign in, scoped pages) or a single person's install.

A fresh install has no accounts and runs for one person, as before accounts existed: the
name in the sidebar, the program file. Once an administrator exists (`handcoach users add
NAME --role admin`), every page needs a signed-in user, and every read goes through
`storage.Access` for that user. The token lives in the browser's Streamlit session and is
checked against the database on every full page run (accounts.login.resume), so an
expired, idle or switched-off account is signed out at its next click.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import streamlit as st

from accounts import IDLE_LIMIT, Principal, any_accounts, resume, sign_out
from app.store import store
from storage import Access, StoreError

log = logging.getLogger(__name__)

TOKEN = "auth_token"
_WHO = "auth_principal"
_CHECKED = "auth_checked_at"
_ACCOUNTS_ON = "accounts_on"


def accounts_on() -> bool:
    """True once the store has any account. Once seen True in a browser session it stays
    True (a database outage must not open the pages without signing in)."""
    if st.session_state.get(_ACCOUNTS_ON):
        return True
    try:
        on = any_accounts(store())
    except StoreError as exc:
        st.sidebar.warning(f"The results database cannot be read just now: {exc}")
        return False
    st.session_state[_ACCOUNTS_ON] = on
    return on


def signed_in() -> Principal | None:
    """The signed-in user, checked against the database now.

    While the database cannot be reached, the user checked last is kept for up to the idle
    limit (a patient mid-exercise is not thrown out by a network hiccup); past it, or
    once the database says the token is over, they are signed out.
    """
    token = st.session_state.get(TOKEN)
    if not token:
        return None
    now = datetime.now(timezone.utc)
    try:
        who = resume(store(), token, now)
    except StoreError as exc:
        checked = st.session_state.get(_CHECKED)
        if checked is not None and now - checked < IDLE_LIMIT:
            st.sidebar.warning(f"The results database cannot be reached just now: {exc}")
            return st.session_state.get(_WHO)
        who = None
    if who is None:
        forget()
        st.session_state.signed_out = "You were signed out. Please sign in again."
        return None
    st.session_state[_WHO] = who
    st.session_state[_CHECKED] = now
    return who


def remember(who: Principal, token: str) -> None:
    """Keep a fresh sign-in for this browser session (never logged: the token is secret)."""
    st.session_state[TOKEN] = token
    st.session_state[_WHO] = who
    st.session_state[_CHECKED] = datetime.now(timezone.utc)
    st.session_state.pop("signed_out", None)
    log.info("user %s signed in", who.username)


def forget() -> None:
    for key in (TOKEN, _WHO, _CHECKED):
        st.session_state.pop(key, None)


def current() -> Principal | None:
    """The user of this page run, as main.py checked them (no second database trip)."""
    return st.session_state.get(_WHO) if st.session_state.get(TOKEN) else None


def access() -> Access:
    """The store as the signed-in user may see it; a page that needs one stops here when
    nobody is signed in (e.g. a page opened directly after signing out)."""
    who = current()
    if who is None:
        st.warning("Please sign in.")
        st.stop()
    return Access(store(), who)


def require_staff() -> Access:
    """For therapists' pages: a patient (or nobody) gets a one-line refusal, no data."""
    acc = access()
    if not acc.principal.is_staff:
        st.error("This page is for therapists.")
        st.stop()
    return acc


def sidebar_account(who: Principal) -> None:
    roles = {"admin": "administrator", "therapist": "therapist", "patient": "patient"}
    st.sidebar.write(f"Signed in as **{who.name}** ({roles[who.role]})")
    if st.sidebar.button("Sign out", key="sign-out"):
        token = st.session_state.get(TOKEN)
        if token:
            try:
                sign_out(store(), token)
            except StoreError:
                pass   # the token still expires on its own
        forget()
        st.rerun()
