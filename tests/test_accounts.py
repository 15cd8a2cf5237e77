"""Accounts, sign-in and the scoped store, against a real SQLite file and a real
PostgreSQL server: what a patient may read, what a therapist may write, and how a
guesser is slowed down."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from exercises.library import LibraryError
from handcoach.accounts import (
    AccountError,
    NotVisible,
    SignInRefused,
    TooManyAttempts,
    add_user,
    list_users,
    resume,
    set_active,
    set_password,
    sign_in,
)
from handcoach.accounts.login import FREE_PER_NAME, IDLE_LIMIT, WINDOW, delay_after
from handcoach.storage import Store, program_of
from handcoach.storage.models import User
from helpers.clinic import FIST_DOSE, PASSWORDS, build_clinic, days_ago, record_session
from helpers.paths import handcoach


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    url = (f"sqlite:///{tmp_path / 'clinic.db'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_url"))
    s = Store.open(url)
    yield s
    s.close()


@pytest.fixture
def sqlite_store(tmp_path):
    s = Store.open(f"sqlite:///{tmp_path / 'clinic.db'}")
    yield s
    s.close()


# -- accounts ------------------------------------------------------------------------------
def test_passwords_are_kept_only_as_argon2id_hashes(sqlite_store, tmp_path):
    add_user(sqlite_store, "Thera", "correct horse battery", "therapist", name="Theo")
    with sqlite_store.transaction() as s:
        row = s.query(User).one()
    assert row.username == "thera"                       # names are case-insensitive
    assert row.password_hash.startswith("$argon2id$")
    sqlite_store.close()
    raw = (tmp_path / "clinic.db").read_bytes()
    assert b"correct horse battery" not in raw


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"password": "short"}, "at least 10 characters"),
    ({"password": "thera-user"}, None),
    ({"role": "owner"}, "role must be one of"),
    ({"username": "bad name!"}, "a user name is 2-80 characters"),
    ({"therapist": "nobody"}, "only a patient account has a therapist"),
])
def test_bad_accounts_are_one_line_errors(sqlite_store, kwargs, message):
    args = {"username": "thera-user", "password": "long-enough-1", "role": "therapist",
            **kwargs}
    if args["password"] == "thera-user":
        message = "cannot contain the user name"
    with pytest.raises(AccountError, match=message) as err:
        add_user(sqlite_store, args.pop("username"), args.pop("password"), args.pop("role"),
                 **args)
    assert "\n" not in str(err.value)


def test_a_patient_account_takes_over_sessions_saved_before_accounts(sqlite_store):
    record_session(sqlite_store, "Old Patient", started=days_ago(3))
    info = add_user(sqlite_store, "old", "kiwi-pass-1234", "patient", name="Old Patient")
    acc_sessions = build_access(sqlite_store, "old", "kiwi-pass-1234").sessions()
    assert info.patient == "Old Patient"
    assert [s.patient for s in acc_sessions] == ["Old Patient"]
    with pytest.raises(AccountError, match="already has an account"):
        add_user(sqlite_store, "old2", "kiwi-pass-1234", "patient", name="Old Patient")


def build_access(store, user, password):
    from handcoach.accounts import Access

    return Access(store, sign_in(store, user, password)[0])


# -- signing in ------------------------------------------------------------------------------
def test_wrong_name_and_wrong_password_read_the_same(sqlite_store):
    build_clinic(sqlite_store)
    with pytest.raises(SignInRefused) as wrong_password:
        sign_in(sqlite_store, "ann", "not-her-password")
    with pytest.raises(SignInRefused) as no_such_user:
        sign_in(sqlite_store, "nobody", "not-her-password")
    assert str(wrong_password.value) == str(no_such_user.value) \
        == "Wrong user name or password."
    who, token = sign_in(sqlite_store, "ANN", PASSWORDS["ann"])
    assert (who.role, who.name) == ("patient", "Ann Lee") and len(token) >= 40


def test_wrong_passwords_slow_down_that_computer_for_that_name(sqlite_store):
    build_clinic(sqlite_store)
    t0 = datetime.now(timezone.utc)
    here = "203.0.113.5"
    for k in range(FREE_PER_NAME):
        with pytest.raises(SignInRefused):
            sign_in(sqlite_store, "ann", f"guess-{k}", now=t0, client=here)
    # The next try from there waits, even with the right password, and is told how long.
    with pytest.raises(TooManyAttempts, match="Try again in 1 second") as waiting:
        sign_in(sqlite_store, "ann", PASSWORDS["ann"], now=t0 + timedelta(seconds=1),
                client=here)
    assert waiting.value.wait_s == pytest.approx(1.0)
    # Each further failure doubles the wait; tries while waiting do not count.
    t = t0 + timedelta(seconds=2)
    with pytest.raises(SignInRefused):
        sign_in(sqlite_store, "ann", "guess-3", now=t, client=here)
    with pytest.raises(TooManyAttempts):
        sign_in(sqlite_store, "ann", "guess-4", now=t + timedelta(seconds=3.9), client=here)
    with pytest.raises(SignInRefused):
        sign_in(sqlite_store, "ann", "guess-5", now=t + timedelta(seconds=4), client=here)
    # Another name from there, and the same name from another computer, do not wait.
    sign_in(sqlite_store, "bob", PASSWORDS["bob"], now=t + timedelta(seconds=5), client=here)
    sign_in(sqlite_store, "ann", PASSWORDS["ann"], now=t + timedelta(seconds=5),
            client="198.51.100.7")
    # Once the window has passed, the right password works from there too, and clears
    # that computer's count for the name.
    later = t0 + WINDOW + timedelta(seconds=5)
    sign_in(sqlite_store, "ann", PASSWORDS["ann"], now=later, client=here)
    for k in range(FREE_PER_NAME):
        with pytest.raises(SignInRefused):
            sign_in(sqlite_store, "ann", f"again-{k}", now=later, client=here)
    assert delay_after(FREE_PER_NAME, FREE_PER_NAME) == timedelta(seconds=2)
    assert delay_after(100, FREE_PER_NAME) == timedelta(minutes=15)


def test_sessions_expire_when_idle_and_end_with_the_account(sqlite_store):
    build_clinic(sqlite_store)
    t0 = datetime.now(timezone.utc)
    who, token = sign_in(sqlite_store, "thera", PASSWORDS["thera"], now=t0)
    assert resume(sqlite_store, token, t0 + timedelta(minutes=20)) == who
    # 20 minutes later again: still within 30 idle minutes of the last click.
    assert resume(sqlite_store, token, t0 + timedelta(minutes=40)) == who
    assert resume(sqlite_store, token, t0 + timedelta(minutes=40) + IDLE_LIMIT) is None
    assert resume(sqlite_store, token, t0 + timedelta(minutes=41)) is None   # gone for good
    _, token = sign_in(sqlite_store, "thera", PASSWORDS["thera"])
    set_password(sqlite_store, "thera", "a-new-password-9")
    assert resume(sqlite_store, token) is None                   # signed out everywhere
    _, token = sign_in(sqlite_store, "thera", "a-new-password-9")
    set_active(sqlite_store, "thera", False)
    assert resume(sqlite_store, token) is None
    with pytest.raises(SignInRefused):
        sign_in(sqlite_store, "thera", "a-new-password-9")
    assert resume(sqlite_store, "made-up-token") is None


def test_sessions_end_after_twelve_hours_even_when_active(sqlite_store):
    build_clinic(sqlite_store)
    t0 = datetime.now(timezone.utc)
    _, token = sign_in(sqlite_store, "ann", PASSWORDS["ann"], now=t0)
    for k in range(1, 29):                        # a click every 25 min for 11 h 40 min
        assert resume(sqlite_store, token, t0 + timedelta(minutes=25 * k)) is not None
    assert resume(sqlite_store, token, t0 + timedelta(hours=12, minutes=1)) is None


def test_nothing_secret_is_logged(sqlite_store, caplog):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)   # every SQL statement
    try:
        build_clinic(sqlite_store)
        _, token = sign_in(sqlite_store, "ann", PASSWORDS["ann"])
        with pytest.raises(SignInRefused):
            sign_in(sqlite_store, "ann", "a-wrong-guess-77")
        resume(sqlite_store, token)
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    logged = "\n".join(f"{r.getMessage()} {r.args}" for r in caplog.records)
    assert "SELECT" in logged                                   # the log was captured
    for secret in (*PASSWORDS.values(), "a-wrong-guess-77", token):
        assert secret not in logged


# -- the scope of each role ----------------------------------------------------------------
def test_each_role_sees_only_its_own_patients(store):
    clinic = build_clinic(store)
    ann_s = record_session(store, "Ann Lee", started=days_ago(2), warnings=("TOO_FAST",))
    bob_s = record_session(store, "Bob Ray", started=days_ago(1))
    cat_s = record_session(store, "Cat Moss", started=days_ago(1))
    thera, tess, ann, admin = (clinic.access(u) for u in ("thera", "tess", "ann", "admin"))

    assert [p.name for p in thera.patients()] == ["Ann Lee", "Bob Ray"]
    assert [p.name for p in tess.patients()] == ["Cat Moss"]
    assert [p.name for p in ann.patients()] == ["Ann Lee"]
    assert [p.name for p in admin.patients()] == ["Ann Lee", "Bob Ray", "Cat Moss"]
    assert {s.id for s in thera.sessions()} == {ann_s, bob_s}
    assert [s.id for s in ann.sessions()] == [ann_s]
    assert ann.sessions()[0].warning_codes == {"TOO_FAST": 1}

    # A patient asking for someone else's data by id gets what a wrong id gets.
    for call in (lambda: ann.sessions(clinic.ids["bob"]), lambda: ann.patient(clinic.ids["bob"]),
                 lambda: ann.session(bob_s), lambda: ann.reps(bob_s),
                 lambda: ann.warnings(bob_s), lambda: ann.frames(bob_s),
                 lambda: ann.prescriptions(clinic.ids["bob"]),
                 lambda: tess.session(ann_s), lambda: tess.frames(ann_s, 0, 5),
                 lambda: thera.reps(cat_s), lambda: thera.sessions(clinic.ids["cat"])):
        with pytest.raises(NotVisible):
            call()
    with pytest.raises(NotVisible) as missing:
        ann.session(999_999)
    with pytest.raises(NotVisible) as someone_elses:
        ann.session(bob_s)
    assert str(missing.value) == str(someone_elses.value)
    # Their own, in full.
    assert len(ann.reps(ann_s)) == 3 and len(ann.frames(ann_s).times) == 360


def test_prescriptions_are_versions_with_who_and_when(store):
    clinic = build_clinic(store)
    thera, ann = clinic.access("thera"), clinic.access("ann")
    pid = clinic.ids["ann"]
    v1 = thera.prescribe(pid, "right", ["fist"], {"fist": FIST_DOSE},
                         {"index": {"pip": 90}}, "Gently.")
    v2 = thera.prescribe(pid, "right", ["tendon_glides", "fist"],
                         {"tendon_glides": {**FIST_DOSE, "reps": 5},
                          "fist": {**FIST_DOSE, "hold_s": 3}}, {}, None)
    history = thera.prescriptions(pid, "right")
    assert [(p.version, p.created_by) for p in history] == [(1, "Theo Rapist"),
                                                            (2, "Theo Rapist")]
    assert history[0].doses["fist"]["hold_s"] == 1 and history[0].note == "Gently."
    assert v2.created_at >= v1.created_at
    # The patient's app runs the current version: exactly those exercises and doses.
    current = ann.current(pid)
    program = program_of(current["right"])
    assert program.ids == ("tendon_glides", "fist")
    assert program.get("tendon_glides").dose.reps == 5
    assert program.get("fist").dose.hold_s == 3
    assert program.hand == "right" and program.prescription_id == v2.id
    # Nobody else writes it: the patient, another therapist.
    with pytest.raises(NotVisible):
        ann.prescribe(pid, "right", ["fist"], {"fist": FIST_DOSE})
    with pytest.raises(NotVisible):
        clinic.access("tess").prescribe(pid, "right", ["fist"], {"fist": FIST_DOSE})
    assert len(thera.prescriptions(pid)) == 2


@pytest.mark.parametrize(("exercises", "doses", "targets", "message"), [
    ([], {}, {}, "at least one exercise"),
    (["fist"], {"fist": {**FIST_DOSE, "reps": 2.5}}, {}, "must be a whole number"),
    (["fist"], {"fist": {k: v for k, v in FIST_DOSE.items() if k != "rest_s"}}, {},
     "fist dose: missing key 'rest_s'"),
    (["jumping"], {"jumping": FIST_DOSE}, {}, "unknown exercise"),
    (["fist"], {"fist": FIST_DOSE}, {"index": {"pip": 400}}, "must be 0-120 degrees"),
    (["fist"], {"fist": FIST_DOSE}, {"index": {"elbow": 40}}, "unknown joint"),
])
def test_a_bad_prescription_is_refused_before_anything_is_saved(sqlite_store, exercises,
                                                                 doses, targets, message):
    clinic = build_clinic(sqlite_store)
    thera = clinic.access("thera")
    with pytest.raises(LibraryError, match=message):
        thera.prescribe(clinic.ids["ann"], "left", exercises, doses, targets)
    assert thera.prescriptions(clinic.ids["ann"]) == []


def test_a_therapist_adds_their_own_patient(sqlite_store):
    clinic = build_clinic(sqlite_store)
    thera = clinic.access("thera")
    info = thera.add_patient("Dee Nova", "dee", "peach-pass-12345")
    assert info.therapist == "Theo Rapist" and info.username == "dee"
    assert "Dee Nova" in [p.name for p in thera.patients()]
    assert "Dee Nova" not in [p.name for p in clinic.access("tess").patients()]
    who, _ = sign_in(sqlite_store, "dee", "peach-pass-12345")
    assert who.patient_id == info.id
    with pytest.raises(NotVisible):
        clinic.access("ann").add_patient("Eve", "eve", "grape-pass-12345")
    with pytest.raises(AccountError, match="taken"):
        thera.add_patient("Other Dee", "dee", "peach-pass-12345")


# -- the command line ----------------------------------------------------------------------
def test_the_first_administrator_comes_from_the_command_line(tmp_path, monkeypatch):
    monkeypatch.setenv("HANDCOACH_DB_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    secret = "first-maple-pass-9"
    no_tty = handcoach("users", "add", "boss", "--role", "admin")
    assert no_tty.returncode == 2
    assert no_tty.stderr.strip() == ("error: no terminal to type a password on: pipe it "
                                     "with --password-stdin")
    import subprocess
    import sys

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "handcoach.cli", *args], input=stdin,
                              capture_output=True, text=True, timeout=120)

    made = run("users", "add", "boss", "--role", "admin", "--name", "Bo Ss",
               "--password-stdin", stdin=secret + "\n")
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == "added admin boss (Bo Ss)"
    therapist = run("users", "add", "thera", "--role", "therapist", "--password-stdin",
                    stdin="cedar-pass-123\n")
    patient = run("users", "add", "ann", "--role", "patient", "--name", "Ann Lee",
                  "--therapist", "thera", "--password-stdin", stdin="olive-pass-1234\n")
    assert therapist.returncode == patient.returncode == 0
    short = run("users", "add", "eve", "--role", "admin", "--password-stdin", stdin="abc\n")
    assert (short.returncode, short.stderr.strip()) == (
        2, "error: a password needs at least 10 characters")
    listed = run("users", "list")
    assert "ann" in listed.stdout and "therapist thera" in listed.stdout
    for out in (made, therapist, patient, short, listed):
        assert secret not in out.stdout + out.stderr
    store = Store.open(f"sqlite:///{tmp_path / 'cli.db'}")
    assert [(u.username, u.role) for u in list_users(store)] == [
        ("ann", "patient"), ("boss", "admin"), ("thera", "therapist")]
    assert sign_in(store, "boss", secret)[0].role == "admin"
    off = run("users", "disable", "ann")
    assert off.returncode == 0 and off.stdout.strip() == "ann disabled"
    with pytest.raises(SignInRefused):
        sign_in(store, "ann", "olive-pass-1234")
    store.close()


def test_a_therapist_cannot_claim_an_existing_record(sqlite_store):
    clinic = build_clinic(sqlite_store)
    record_session(sqlite_store, "Zed Legacy", started=days_ago(5))   # before accounts
    thera = clinic.access("thera")
    for name in ("Zed Legacy", "Cat Moss"):          # nobody's yet; another therapist's
        with pytest.raises(AccountError, match="cannot be added here") as refused:
            thera.add_patient(name, "newuser", "new-pass-12345")
        assert "already" not in str(refused.value) and "tess" not in str(refused.value)
    assert [p.name for p in thera.patients()] == ["Ann Lee", "Bob Ray"]
    assert [p.name for p in clinic.access("tess").patients()] == ["Cat Moss"]
    # The administrator may attach an account to the old record, sessions and all.
    info = clinic.access("admin").add_patient("Zed Legacy", "zed", "plums-pass-12345",
                                              therapist="thera")
    assert len(thera.sessions(info.id)) == 1


def test_guesses_sent_at_once_are_limited_like_guesses_in_a_row(sqlite_store):
    build_clinic(sqlite_store)
    outcomes: list[str] = []
    now = datetime.now(timezone.utc)

    def guess(k: int) -> None:
        try:
            sign_in(sqlite_store, "ann", f"parallel-guess-{k}", now=now, client="203.0.113.9")
        except SignInRefused:
            outcomes.append("refused")
        except TooManyAttempts:
            outcomes.append("waiting")

    threads = [threading.Thread(target=guess, args=(k,)) for k in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("refused") == FREE_PER_NAME
    assert outcomes.count("waiting") == 12 - FREE_PER_NAME


def test_the_attempts_table_keeps_no_typed_name(sqlite_store):
    from handcoach.storage.models import LoginAttempt

    build_clinic(sqlite_store)
    with pytest.raises(SignInRefused):
        sign_in(sqlite_store, "olive-pass-1234", "ann")        # fields swapped by mistake
    with sqlite_store.transaction() as s:
        kept = s.scalars(select(LoginAttempt.username)).all()
    assert len(kept) == 2 and all("ann" not in k and len(k) == 64 for k in kept)


# -- home tasks the camera does not judge ---------------------------------------------------
def test_home_tasks_are_prescribed_confirmed_by_the_patient_and_count_in_adherence(store):
    from exercises.library import LibraryError
    from handcoach.review.adherence import adherence_days, local_day

    clinic = build_clinic(store)
    thera, ann, tess = (clinic.access(u) for u in ("thera", "ann", "tess"))
    rx = thera.prescribe(clinic.ids["ann"], "right", ["fist"], {"fist": FIST_DOSE},
                         tasks={"scar_massage": {"amount": 10, "sessions_per_day": 2},
                                "splint_wear": {}})
    assert rx.tasks == {"scar_massage": {"amount": 10, "sessions_per_day": 2},
                        "splint_wear": {"amount": 1, "sessions_per_day": 1}}
    assert thera.prescriptions(clinic.ids["ann"])[-1].tasks == rx.tasks
    for bad, words in (({"juggling": {}}, "unknown home task 'juggling'"),
                       ({"scar_massage": {"amount": 500}}, "Scar massage amount must be "
                                                           "between 1 and 120, got 500")):
        with pytest.raises(LibraryError, match=words):
            thera.prescribe(clinic.ids["ann"], "right", ["fist"], {"fist": FIST_DOSE},
                            tasks=bad)

    done = ann.log_task("scar_massage", 10, hand_side="right", pain_before=2, pain_after=3,
                        prescription_id=rx.id)
    ann.log_task("scar_massage", 8, hand_side="right")
    ann.log_task("scar_massage", 10, hand_side="right")      # a third: counts twice a day
    with pytest.raises(NotVisible):
        thera.log_task("splint_wear", 1)                     # only the patient says so
    with pytest.raises(LibraryError, match="the amount must be 0 to 120"):
        ann.log_task("scar_massage", 1000)
    for bad in (3.0, "3", [3], True, 11):             # one rule with the sessions'
        with pytest.raises(LibraryError, match="pain after must be a whole number"):
            ann.log_task("scar_massage", 10, pain_after=bad)
    with pytest.raises(NotVisible):
        tess.task_logs(clinic.ids["ann"])                    # not Tess's patient
    with pytest.raises(NotVisible):
        ann.task_logs(clinic.ids["bob"])
    logs = thera.task_logs(clinic.ids["ann"])
    assert [(t.task, t.amount, t.pain_before, t.pain_after) for t in logs][0] == \
        ("scar_massage", 10, 2, 3)
    assert len(logs) == 3 and logs[0].id == done.id

    record_session(store, "Ann Lee", started=datetime.now(timezone.utc), reps=3,
                   prescription_id=rx.id)
    tz = timezone.utc
    today = local_day(datetime.now(tz), tz)
    (day,) = adherence_days(ann.sessions(), thera.prescriptions(clinic.ids["ann"]), today,
                            today, tz, tasks=logs)
    # fist 1 of 2, scar massage 2 of 2 (the third does not make up for the splint), splint 0.
    assert (day.prescribed, day.done) == (2 + 2 + 1, 1 + 2)
    (without,) = adherence_days(ann.sessions(), thera.prescriptions(clinic.ids["ann"]), today,
                                today, tz)
    assert (without.prescribed, without.done) == (2, 1)
    # The PDF report counts them the same way.
    import subprocess

    from handcoach.review import ReportInput, build_report

    data = ReportInput(patient="Ann Lee", hands=(), start=today, end=today,
                       generated_at=datetime.now(tz), therapist="Theo",
                       sessions=ann.sessions(), prescriptions=thera.prescriptions(
                           clinic.ids["ann"]), tz=tz, tasks=logs)
    text = subprocess.run(["pdftotext", "-", "-"], input=build_report(data),
                          capture_output=True, check=True).stdout.decode()
    assert "Sessions done: 3 of 5 prescribed (60%)" in " ".join(text.split())
