"""Messages between patients and their therapists (accounts/messaging.py), on a real SQLite
file and a real PostgreSQL server: who may read and write which thread, unread marks for
each side, the audit log of staff reads and replies, and bad text refused in one line."""

from __future__ import annotations

import pytest

from handcoach.accounts import Access, NotVisible, Principal, add_user
from handcoach.storage import Store, audit
from handcoach.text import MAX_MESSAGE, BadName
from helpers.clinic import PASSWORDS, days_ago, record_session


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    url = (f"sqlite:///{tmp_path / 'clinic.db'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_url"))
    s = Store.open(url)
    yield s
    s.close()


def small_clinic(store: Store, *patients: str) -> dict[str, Access]:
    """An administrator, therapists thera (Ann's and Bob's) and tess, and the patients
    named: each user's Access, as signing in would give it (signing in itself is
    test_accounts' subject; argon2 hashes cost a second each)."""
    users = [("admin", "admin", "Ada Admin", None), ("thera", "therapist", "Theo Rapist", None),
             ("tess", "therapist", "Tess Ther", None),
             *((u, "patient", n, "thera") for u, n in (("ann", "Ann Lee"), ("bob", "Bob Ray"))
               if u in patients)]
    out = {}
    for username, role, name, therapist in users:
        info = add_user(store, username, PASSWORDS[username], role, name=name,
                        therapist=therapist)
        out[username] = Access(store, Principal(info.id, username, name, role,
                                                info.patient_id))
    return out


def test_a_note_reaches_only_the_patients_therapist_who_answers(store):
    users = small_clinic(store, "ann", "bob")
    ann, bob, thera, tess, admin = (users[u] for u in ("ann", "bob", "thera", "tess", "admin"))
    ann_id, bob_id = ann.principal.patient_id, bob.principal.patient_id
    ann_session = record_session(store, "Ann Lee", started=days_ago(0.1))
    bob_session = record_session(store, "Bob Ray", started=days_ago(0.1))

    note = ann.send_message(ann_id, "  It hurt   when I closed\r\nthe fist.  ", ann_session)
    assert (note.body, note.session_id, note.author) == (
        "It hurt when I closed\nthe fist.", ann_session, "Ann Lee")
    # Her therapist sees the flag; nobody else does, nor can read or write the thread.
    assert thera.unread() == {ann_id: 1}
    assert tess.unread() == {} and bob.unread() == {}
    for other in (tess, bob):
        with pytest.raises(NotVisible, match="^No such patient.$"):
            other.messages(ann_id)
        with pytest.raises(NotVisible, match="^No such patient.$"):
            other.send_message(ann_id, "hello")
    # Ann cannot file a note under Bob's session, nor in Bob's thread.
    with pytest.raises(NotVisible, match="^No such session.$"):
        ann.send_message(ann_id, "about his session", bob_session)
    with pytest.raises(NotVisible):
        ann.send_message(bob_id, "to Bob's thread")
    # An administrator reading the thread leaves it unread for the therapist.
    assert [m.body for m in admin.messages(ann_id)] == ["It hurt when I closed\nthe fist."]
    assert admin.mark_read(ann_id) == 0 and thera.unread() == {ann_id: 1}

    (shown,) = thera.messages(ann_id)
    assert shown.unread and shown.from_patient
    assert thera.mark_read(ann_id) == 1 and thera.unread() == {}
    thera.send_message(ann_id, "Rest tomorrow, then half the reps.")
    assert ann.unread() == {ann_id: 1} and thera.unread() == {}
    thread = ann.messages(ann_id)                     # newest first
    assert [(m.author, m.from_patient) for m in thread] == [
        ("Theo Rapist", False), ("Ann Lee", True)]
    assert ann.mark_read(ann_id) == 1 and ann.unread() == {}
    assert [m.unread for m in ann.messages(ann_id)] == [False, False]

    # The audit log: the staff reads of the thread and the reply; not Ann's own.
    rows = [(r.username, r.action, r.patient, r.detail) for r in audit.read(store)
            if r.action in ("view", "message") and r.detail != "patients list"]
    assert ("thera", "view", "Ann Lee", "messages") in rows
    assert ("admin", "view", "Ann Lee", "messages") in rows
    assert ("thera", "message", "Ann Lee", "34 characters") in rows
    assert not [r for r in rows if r[0] == "ann"]


def test_a_bad_message_is_one_line_and_nothing_is_saved(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'clinic.db'}")
    users = small_clinic(store, "ann")
    ann, thera = users["ann"], users["thera"]
    for body, error in (
            ("   \n\n ", "a message is empty"),
            ("look \x1b[2J here", "a message cannot contain control characters (found U+001B)"),
            ("right\u202eto left", "a message cannot contain control characters (found U+202E)"),
            ("x" * (MAX_MESSAGE + 1), f"a message has at most {MAX_MESSAGE} characters")):
        with pytest.raises(BadName) as caught:
            ann.send_message(ann.principal.patient_id, body)
        assert str(caught.value) == error
    assert ann.messages(ann.principal.patient_id) == [] and thera.unread() == {}
    store.close()
