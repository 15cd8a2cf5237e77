"""Sign-in that a guesser cannot turn against the owner of a name, passwords that are
hard to guess and the same on every keyboard (real SQLite file and PostgreSQL server,
real argon2 hashes, real threads)."""

from __future__ import annotations

import threading
import time
import unicodedata

import pytest
from sqlalchemy import select

from handcoach.accounts import (
    AccountError,
    SignInRefused,
    TooManyAttempts,
    add_user,
    passwords,
    sign_in,
)
from handcoach.accounts.login import FREE_PER_CLIENT
from handcoach.storage import Store
from handcoach.storage.models import AuditEntry

ADMIN_PASSWORD = "maple-pass-123"
ATTACKER = "203.0.113.66"        # documentation addresses: never contacted, only names
ADMIN_DESK = "198.51.100.5"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        s = Store.open(f"sqlite:///{tmp_path / 'clinic.db'}")
    else:
        s = Store.open(request.getfixturevalue("pg_url"))
    add_user(s, "admin", ADMIN_PASSWORD, "admin", name="Ada Admin")
    yield s
    s.close()


def test_the_administrator_signs_in_while_someone_fails_100_times_from_elsewhere(store):
    outcomes: dict[str, int] = {"wrong": 0, "waiting": 0}
    done = threading.Event()

    def attack() -> None:
        for k in range(100):
            try:
                sign_in(store, "admin", f"guess-number-{k}", client=ATTACKER)
            except SignInRefused:
                outcomes["wrong"] += 1
            except TooManyAttempts:
                outcomes["waiting"] += 1
        done.set()

    attacker = threading.Thread(target=attack)
    started = time.monotonic()
    attacker.start()
    signed = []
    while not done.is_set() or len(signed) < 3:
        who, _ = sign_in(store, "admin", ADMIN_PASSWORD, client=ADMIN_DESK)
        signed.append((who.username, time.monotonic() - started))
        time.sleep(0.3)
    attacker.join(120)
    assert not attacker.is_alive()
    assert all(name == "admin" for name, _ in signed) and len(signed) >= 3
    assert outcomes["wrong"] + outcomes["waiting"] == 100
    # The guesser got a handful of real tries; the rest were told to wait, unhashed.
    assert outcomes["wrong"] <= 6 and outcomes["waiting"] >= 94
    # And from the guesser's own computer the right password must wait too.
    with pytest.raises(TooManyAttempts):
        sign_in(store, "admin", ADMIN_PASSWORD, client=ATTACKER)
    with store.transaction() as s:
        failed = s.scalars(select(AuditEntry).where(AuditEntry.action == "sign_in_failed"))
        assert {(a.username, a.client) for a in failed} == {("admin", ATTACKER)}


def test_spraying_many_names_from_one_computer_slows_it_down(store):
    for k in range(FREE_PER_CLIENT):
        with pytest.raises(SignInRefused):
            sign_in(store, f"user{k}", "a-wrong-password", client=ATTACKER)
    with pytest.raises(TooManyAttempts):
        sign_in(store, "someone-else", "a-wrong-password", client=ATTACKER)
    sign_in(store, "admin", ADMIN_PASSWORD, client=ADMIN_DESK)


def test_at_most_two_passwords_are_hashed_at_once(monkeypatch):
    running = {"now": 0, "most": 0}
    lock = threading.Lock()
    real = passwords._hasher

    class Counting:
        def verify(self, stored, password):
            with lock:
                running["now"] += 1
                running["most"] = max(running["most"], running["now"])
            try:
                return real.verify(stored, password)
            finally:
                with lock:
                    running["now"] -= 1

    monkeypatch.setattr(passwords, "_hasher", Counting())
    stored = real.hash("correct horse battery")
    threads = [threading.Thread(target=passwords.verify_password, args=(stored, f"x{k}"))
               for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert running["most"] == passwords.HASH_SLOTS == 2


@pytest.mark.parametrize(("username", "password", "message"), [
    ("ann", "aaaaaaaaaa", "harder password"),
    ("ann", "1234567890", "harder password"),
    ("ann", "password12", "harder password"),
    ("ann", "qwertyuiop", "harder password"),
    ("annlee", "annleeannlee", "cannot contain the user name"),
    ("thera", "my-thera-garden-77", "cannot contain the user name"),
])
def test_easy_passwords_are_refused_in_one_line(tmp_path, username, password, message):
    store = Store.open(f"sqlite:///{tmp_path / 'c.db'}")
    with pytest.raises(AccountError, match=message) as info:
        add_user(store, username, password, "therapist")
    assert "\n" not in str(info.value)


def test_a_password_and_a_name_are_the_same_however_they_were_typed(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'c.db'}")
    composed = "caf\u00e9-au-lait-du-matin"
    add_user(store, "zoe", composed, "therapist", name="Zoe")
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert sign_in(store, "zoe", decomposed)[0].username == "zoe"
    assert sign_in(store, "\uff5a\uff4f\uff45", composed)[0].username == "zoe"   # full width
