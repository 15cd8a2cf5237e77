"""The thread between a patient and their therapist, as the Today and Review pages show it.

One thread per patient, newest first; what arrived since the reader last looked carries a
"New" mark (drawn before it is marked read, so the mark is seen once). Every body and
name is what someone typed: each line goes through safe_text.plain, never Markdown.
Reads and writes go through Access (handcoach/accounts/messaging.py), scoped to the
signed-in user.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import tzinfo

import streamlit as st

from app.local_time import when_text
from app.safe_text import plain
from handcoach.accounts import Access, NotVisible
from handcoach.storage import MessageInfo, StoreError
from handcoach.text import BadName

#: a line said once after a message was sent (the form's page reruns to show it).
SENT = "message_sent"
NEW = "🔵 New"


def body_markdown(body: str) -> str:
    """A message's lines as Markdown that shows exactly them (line breaks kept)."""
    return "  \n".join(plain(line) for line in body.split("\n"))


def _for_me(m: MessageInfo, reader_is_patient: bool) -> bool:
    """Written by the other side: what the reader's "New" marks are about."""
    return m.from_patient != reader_is_patient


def author_text(m: MessageInfo, reader_is_patient: bool) -> str:
    """'You' for the patient's own notes on their page; else the name as written."""
    return "You" if reader_is_patient and m.from_patient else plain(m.author)


def show_thread(thread: Sequence[MessageInfo], reader_is_patient: bool, tz: tzinfo,
                about: Callable[[int], str | None] = lambda _: None) -> None:
    """The messages, newest first; `about(session_id)` names the session a note is about."""
    if not thread:
        st.caption("No messages yet.")
        return
    for m in thread:
        with st.container(border=True):
            head = [f"**{author_text(m, reader_is_patient)}**", when_text(m.created_at, tz)]
            label = about(m.session_id) if m.session_id is not None else None
            if label:
                head.append(f"about {plain(label)}")
            if m.unread and _for_me(m, reader_is_patient):
                head.insert(0, NEW)
            st.markdown(" · ".join(head))
            st.markdown(body_markdown(m.body))


def unread_for_me(thread: Sequence[MessageInfo], reader_is_patient: bool
                  ) -> list[MessageInfo]:
    return [m for m in thread if m.unread and _for_me(m, reader_is_patient)]


def send(acc: Access, patient_id: int, body: str, session_id: int | None,
         sent_text: str, field: str) -> bool:
    """Send from a form; one line on failure (nothing is lost: the text stays in the
    form's `field`), and on success the field emptied and a rerun showing `sent_text`."""
    try:
        acc.send_message(patient_id, body, session_id)
    except BadName as exc:
        st.error(f"Not sent: {plain(exc)}.")
        return False
    except NotVisible as exc:
        st.error(f"Not sent: {plain(exc)}")
        return False
    except StoreError as exc:
        st.error(f"Not sent: the results database cannot be written just now ({plain(exc)}). "
                 "Please try again in a moment.")
        return False
    st.session_state[SENT] = sent_text
    st.session_state.pop(field, None)
    st.rerun()
    return True


def sent_notice() -> None:
    """The 'sent' line of the last send, once."""
    done = st.session_state.pop(SENT, None)
    if done:
        st.success(done)
