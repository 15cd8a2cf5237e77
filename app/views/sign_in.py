"""Sign in: a name and a password, rate-limited (handcoach.accounts.login)."""

from __future__ import annotations

import streamlit as st

from app.auth import client_address, remember
from app.store import store
from handcoach.accounts import SignInRefused, TooManyAttempts, sign_in
from handcoach.accounts.errors import SignInBusy
from handcoach.storage import StoreError

st.title("HandCoach")
if st.session_state.get("signed_out"):
    st.info(st.session_state.signed_out)
with st.form("sign-in"):
    st.subheader("Sign in")
    username = st.text_input("User name", autocomplete="username")
    password = st.text_input("Password", type="password", autocomplete="current-password")
    submitted = st.form_submit_button("Sign in", type="primary")
if submitted:
    try:
        who, token = sign_in(store(), username, password, client=client_address())
    except (SignInRefused, TooManyAttempts, SignInBusy) as exc:
        st.error(str(exc))
    except StoreError as exc:
        st.error(f"Cannot sign in just now: {exc}")
    else:
        remember(who, token)
        st.rerun()
st.caption("Forgot your password? Your therapist or the clinic's administrator can set a "
           "new one.")
