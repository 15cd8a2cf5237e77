"""Who is using the app: accounts on (sign in, scoped pages) or a single person's install.

A fresh install has no accounts and runs for one person, as before accounts existed: the
name in the sidebar, the program file. Once an administrator exists (`handcoach users add
NAME --role admin`), every page needs a signed-in user, and every read goes through
`storage.Access` for that user. The token lives in the browser's Streamlit session and is
checked against the database on every full page run (handcoach.accounts.login.resume), so an
expired, idle or switched-off account is signed out at its next click.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from datetime import datetime, timezone

import streamlit as st

from app.safe_text import plain
from app.store import store
from handcoach.accounts import IDLE_LIMIT, Access, Principal, any_accounts, resume, sign_out
from handcoach.app_command import ENV_LISTEN, ENV_PROXY, is_loopback
from handcoach.storage import StoreError

log = logging.getLogger(__name__)

TOKEN = "auth_token"
_WHO = "auth_principal"
_CHECKED = "auth_checked_at"
_ACCOUNTS_ON = "accounts_on"


def serving_others() -> bool:
    """True when other computers can reach this server: `handcoach app --listen` on a
    network address, or behind a reverse proxy (HANDCOACH_PROXY), or Streamlit's own
    server.address set to one."""
    from streamlit import config

    if os.environ.get(ENV_PROXY):
        return True
    address = os.environ.get(ENV_LISTEN)
    if address is None and config.is_manually_set("server.address"):
        address = str(config.get_option("server.address") or "")
    return address is not None and not is_loopback(address)


def client_address() -> str:
    """Where this browser connects from, for sign-in throttling and the audit log.

    Streamlit gives the WebSocket's peer address (st.context.ip_address; None when it is
    this computer). Behind a reverse proxy every peer is the proxy, so when the peer is
    the proxy named by HANDCOACH_PROXY, the last address of its X-Forwarded-For header
    (the one the proxy itself added) is the client. Headers from anyone else are not
    believed: they are the client's to forge.
    """
    ip = st.context.ip_address
    peer = ip if isinstance(ip, str) and ip else "127.0.0.1"   # (not a str in AppTest)
    proxy = os.environ.get(ENV_PROXY)
    if proxy and _same_address(peer, proxy):
        forwarded = st.context.headers.get("X-Forwarded-For")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()] \
            if isinstance(forwarded, str) else []
        if hops:
            return hops[-1][:64]
    return peer


def _same_address(a: str, b: str) -> bool:
    try:
        left, right = ipaddress.ip_address(a), ipaddress.ip_address(b)
    except ValueError:
        return a == b
    return left == right or (left.is_loopback and right.is_loopback)


def accounts_on() -> bool:
    """True once the store has any account. Once seen True in a browser session it stays
    True. It fails closed: when the database cannot say whether there are accounts, no
    page opens (a database outage must not open the pages without signing in)."""
    if st.session_state.get(_ACCOUNTS_ON):
        return True
    try:
        on = any_accounts(store())
    except StoreError as exc:
        if _ACCOUNTS_ON in st.session_state:    # known to be a one-person install
            st.sidebar.warning(f"The results database cannot be read just now: {exc}")
            return False
        st.error(f"HandCoach cannot reach its results database just now ({plain(exc)}). Please "
                 "try again in a moment.")
        st.stop()
    if not on and serving_others():
        # A home install has no sign-in: it must not be reachable from other computers.
        st.error("This HandCoach is open to other computers but has no accounts yet. The "
                 "administrator must first create one (handcoach users add NAME --role "
                 "admin).")
        st.stop()
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
    if st.session_state.get(_WHO) is not None and st.session_state[_WHO].user_id != who.user_id:
        forget()                                   # never another user's page state
        return signed_in()
    st.session_state[_WHO] = who
    st.session_state[_CHECKED] = now
    return who


def remember(who: Principal, token: str) -> None:
    """Keep a fresh sign-in for this browser session (never logged: the token is secret)."""
    forget()
    st.session_state[TOKEN] = token
    st.session_state[_WHO] = who
    st.session_state[_CHECKED] = datetime.now(timezone.utc)
    st.session_state.pop("signed_out", None)
    log.info("user %s signed in", who.username)


def forget() -> None:
    """Sign this browser session out and drop everything its pages kept (a live session,
    an analysed video, a patient picked): the next person at this browser starts clean.
    A session still being recorded is closed as interrupted, its data kept."""
    live = st.session_state.get("live")
    if live is not None and getattr(live, "saved", None) is None:
        try:
            live.end(None)
        except Exception:  # noqa: BLE001 - signing out must not fail on a closing session
            log.warning("a live session could not be closed at sign-out", exc_info=True)
    for key in list(st.session_state):
        if key != _ACCOUNTS_ON:
            del st.session_state[key]


#: how often the live view's own refresh (which skips main.py) checks the sign-in (s):
#: it keeps a patient who exercises without clicking signed in, and ends an account
#: switched off meanwhile.
KEEP_ALIVE_S = 60.0


def keep_alive() -> None:
    """Call from a fragment that reruns on its own (the live view): renews the sign-in
    about once a minute, and reruns the whole page when it has ended."""
    token = st.session_state.get(TOKEN)
    checked = st.session_state.get(_CHECKED)
    if not token or checked is None:
        return
    now = datetime.now(timezone.utc)
    if (now - checked).total_seconds() < KEEP_ALIVE_S:
        return
    try:
        who = resume(store(), token, now)
    except StoreError:
        return                                     # main.py's grace rules apply later
    if who is None:
        st.rerun(scope="app")
    st.session_state[_CHECKED] = now


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
    return Access(store(), who, client_address())


def require_staff() -> Access:
    """For therapists' pages: a patient (or nobody) gets a one-line refusal, no data."""
    acc = access()
    if not acc.principal.is_staff:
        st.error("This page is for therapists.")
        st.stop()
    return acc


def require_admin() -> Access:
    """For the administrator's pages: anyone else gets a one-line refusal, no data."""
    acc = access()
    if acc.principal.role != "admin":
        st.error("This page is for the clinic's administrator.")
        st.stop()
    return acc


def sidebar_account(who: Principal) -> None:
    roles = {"admin": "administrator", "therapist": "therapist", "patient": "patient"}
    st.sidebar.write(f"Signed in as **{plain(who.name)}** ({roles[who.role]})")
    if st.sidebar.button("Sign out", key="sign-out"):
        token = st.session_state.get(TOKEN)
        if token:
            try:
                sign_out(store(), token, client_address())
            except StoreError:
                pass   # the token still expires on its own
        forget()
        st.rerun()
