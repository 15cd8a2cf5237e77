"""The therapist's pages (Patients, Review, Prescribe) driven by Streamlit's AppTest against
a real SQLite results file: accounts made with accounts.add_user, sessions saved by the
real recorder from generated landmark sequences (no video, no MediaPipe), and every user
signing in through the sign-in page as a person would."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from handcoach.accounts import Access, add_user, sign_in
from handcoach.analysis import save_analysis
from handcoach.review.fhir import read_angles
from handcoach.review.grading import grade_tam
from handcoach.storage import SessionRecorder, Store, list_sessions
from handcoach.synthetic.motions import build_track
from handcoach.synthetic.sequences import landmark_sequence
from helpers.analysed import analysed
from helpers.clinic import record_like_the_app

ROOT = Path(__file__).resolve().parent.parent
MAIN = str(ROOT / "app" / "main.py")
PASSWORD = "correct horse battery"


@pytest.fixture
def env(tmp_path, monkeypatch) -> Path:
    """A private results file, data and cache folders for each test."""
    monkeypatch.setenv("HANDCOACH_DB_URL", f"sqlite:///{tmp_path / 'results.db'}")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("HANDCOACH_PROGRAM", raising=False)
    monkeypatch.delenv("HANDCOACH_PATIENT", raising=False)
    return tmp_path


# -- the clinic -------------------------------------------------------------------------
def live_fist_session(store: Store, patient: str, started_at: datetime, pain: tuple[int, int],
                      prescription_id: int | None = None) -> int:
    """Two fists of the right hand recorded as the live app does: engine and recorder fed
    every frame of a generated landmark sequence, landmarks kept."""
    track = build_track("fist", reps=2, seed=3)
    seq = landmark_sequence(track, "right", noise_mm=1.0, seed=3)
    rec = SessionRecorder(store)
    rec.start(patient, "fist", "right", "live", pain_before=pain[0], prescribed_reps=10,
              prescribed_sets=1, fps=30.0, started_at=started_at,
              prescription_id=prescription_id)
    engine, _ = record_like_the_app(rec, seq)
    assert rec.finish(pain_after=pain[1], ended_at=started_at + timedelta(seconds=20))
    assert len(engine.reps) == 2
    return rec.session_id


def video_session(store: Store, patient: str, started_at: datetime) -> int:
    """An analysed video saved as a session, as the app's analyze page stores it."""
    seq = landmark_sequence(build_track("fist", reps=1, seed=5), "right", seed=5)
    result = analysed(seq, "fist", "fist.mp4", side="right")
    assert len(result.reps) == 1
    return save_analysis(result, patient, store, side="right", started_at=started_at)


@pytest.fixture
def clinic(env) -> Store:
    """An administrator, two therapists, three patients (Ann and Bo: Tess's; Cy: Theo's),
    Ann with a prescription and a session that hurt (pain 2 -> 5), Cy with a session."""
    store = Store()
    add_user(store, "ada", PASSWORD, "admin", name="Ada Admin")
    add_user(store, "tess", PASSWORD, "therapist", name="Tess Therapist")
    add_user(store, "theo", PASSWORD, "therapist", name="Theo Therapist")
    add_user(store, "ann", PASSWORD, "patient", name="Ann Lee", therapist="tess")
    add_user(store, "bo", PASSWORD, "patient", name="Bo Day", therapist="tess")
    add_user(store, "cy", PASSWORD, "patient", name="Cy Other", therapist="theo")
    tess, _ = sign_in(store, "tess", PASSWORD)
    ann = next(p for p in Access(store, tess).patients() if p.name == "Ann Lee")
    rx = Access(store, tess).prescribe(
        ann.id, "right", ["fist", "pip_blocking"],
        {"fist": {"reps": 10, "sets": 1, "hold_s": 3, "rest_s": 60, "sessions_per_day": 3,
                  "max_reps_per_day": 30},
         "pip_blocking": {"reps": 8, "sets": 2, "hold_s": 5, "rest_s": 30,
                          "sessions_per_day": 2, "max_reps_per_day": 32}},
        {"index": {"pip": 90}}, "Gently.")
    # Noon yesterday on this machine's clock: "yesterday + 1 h" must not be today when
    # the tests run just before midnight (CI did, at 23:28).
    noon = datetime.now().astimezone().replace(hour=12, minute=0, second=0, microsecond=0)
    yesterday = noon - timedelta(days=1)
    live_fist_session(store, "Ann Lee", yesterday, (2, 5), rx.id)
    video_session(store, "Ann Lee", yesterday + timedelta(hours=1))
    live_fist_session(store, "Cy Other", yesterday, (1, 1))
    return store


def signed_in(username: str) -> AppTest:
    """A fresh browser session, signed in through the sign-in page."""
    at = AppTest.from_file(MAIN, default_timeout=60).run()
    assert at.title[0].value == "HandCoach", "not on the sign-in page"
    at.text_input[0].input(username)
    at.text_input[1].input(PASSWORD)
    at.button(key="FormSubmitter:sign-in-Sign in").click().run()
    assert not at.exception, at.exception
    return at


def open_page(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"views/{name}.py").run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    """Everything written on the page, for 'is this shown anywhere' checks."""
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "error",
                                  "success", "title", "subheader")
             for e in getattr(at, kind)]
    for df in at.dataframe:
        parts.append(df.value.to_string())
    return "\n".join(str(p) for p in parts)


def ids_of(store: Store) -> dict[str, int]:
    admin, _ = sign_in(store, "ada", PASSWORD)
    return {p.name: p.id for p in Access(store, admin).patients()}


# -- Patients -----------------------------------------------------------------------------
def test_the_patient_list_shows_only_my_patients_with_their_flags(clinic):
    at = signed_in("tess")
    assert at.title[0].value == "Patients"
    (table,) = at.dataframe
    rows = table.value.set_index("Patient")
    assert list(rows.index) == ["Ann Lee", "Bo Day"]
    assert "🤕 pain rising" in rows.loc["Ann Lee", "Flags"]
    assert rows.loc["Bo Day", "Flags"] == "✓ none"
    assert rows.loc["Ann Lee", "Right hand"] == "v1, 2 exercises"
    assert rows.loc["Ann Lee", "Left hand"] == "none"
    assert rows.loc["Ann Lee", "Sessions, 7 days"] == 2
    assert rows.loc["Bo Day", "Last session"] == "none in 90 days"
    # This month so far: Ann's two sessions of yesterday (when it is this month), against
    # today's prescription (written today: 3 fists of 10 and 2 x 2 sets of 8 blocking).
    today = datetime.now().astimezone().date()
    had = 1 if (today - timedelta(days=1)).month == today.month else 0
    assert rows.loc["Ann Lee", "Days with data, this month"] == f"{had} of {today.day}"
    assert rows.loc["Ann Lee", "Sessions, this month"] == "0 of 5"
    assert rows.loc["Ann Lee", "Reps, this month"].endswith(" of 62")
    (csv,) = [b for b in at.get("download_button") if "Monthly" in b.proto.label]
    assert any("Pain rose from 2 to 5" in m.value for m in at.markdown)
    assert "Cy Other" not in texts(at)

    # Open Ann: the Review page, on her.
    at.selectbox[0].set_value(ids_of(clinic)["Ann Lee"]).run()
    [b for b in at.button if b.label == "Review"][0].click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Review"
    assert at.selectbox[0].value == ids_of(clinic)["Ann Lee"]


def test_a_therapist_adds_a_patient_who_can_then_sign_in(clinic):
    at = signed_in("tess")
    form = "FormSubmitter:add-patient-Add patient"
    fields = {t.label: t for t in at.text_input}
    fields["Name"].input("Dee New")
    fields["User name"].input("dee")
    fields["Initial password"].input("a new password 1")
    fields["Initial password again"].input("a new password 2")
    at.button(key=form).click().run()
    assert at.error[0].value == "The two passwords differ. Please type them again."
    fields = {t.label: t for t in at.text_input}
    fields["Initial password again"].input("a new password 1")
    fields["User name"].input("ann")
    at.button(key=form).click().run()
    (error,) = at.error
    assert "taken" in error.value and "\n" not in error.value
    {t.label: t for t in at.text_input}["User name"].input("dee")
    at.button(key=form).click().run()
    assert not at.exception, at.exception
    assert "Added Dee New" in at.success[0].value and "**dee**" in at.success[0].value
    assert "Dee New" in list(at.dataframe[0].value["Patient"])

    dee = AppTest.from_file(MAIN, default_timeout=60).run()
    dee.text_input[0].input("dee")
    dee.text_input[1].input("a new password 1")
    dee.button(key="FormSubmitter:sign-in-Sign in").click().run()
    assert not dee.exception, dee.exception
    assert dee.title[0].value == "Today's exercises"


def test_an_administrator_sees_everyone_and_assigns_a_new_patient(clinic):
    at = signed_in("ada")
    table = at.dataframe[0].value.set_index("Patient")
    assert list(table.index) == ["Ann Lee", "Bo Day", "Cy Other"]
    assert table.loc["Cy Other", "Therapist"] == "Theo Therapist"
    fields = {t.label: t for t in at.text_input}
    fields["Name"].input("Eve Fresh")
    fields["User name"].input("eve")
    fields["Initial password"].input(PASSWORD)
    fields["Initial password again"].input(PASSWORD)
    fields["Therapist's user name (empty: none yet)"].input("theo")
    at.button(key="FormSubmitter:add-patient-Add patient").click().run()
    assert not at.exception, at.exception
    assert "Added Eve Fresh" in at.success[0].value
    theo = signed_in("theo")
    assert list(theo.dataframe[0].value["Patient"]) == ["Cy Other", "Eve Fresh"]


# -- Prescribe -----------------------------------------------------------------------------
def test_prescribe_saves_versions_with_who_and_when_and_the_patient_sees_them(clinic):
    at = open_page(signed_in("tess"), "prescribe")
    bo = ids_of(clinic)["Bo Day"]
    at.selectbox[0].set_value(bo).run()
    assert at.radio[0].value == "right"
    assert "No prescription for Bo Day's right hand" in texts(at)
    at.radio[0].set_value("left").run()
    exercises = at.multiselect(key=at.multiselect[0].key)
    exercises.set_value(["pip_blocking", "fist"]).run()
    inputs = {(n.key.split("-")[-2], n.key.split("-")[-1]): n for n in at.number_input}
    inputs[("pip_blocking", "reps")].set_value(6)
    inputs[("fist", "hold_s")].set_value(5.0)
    save = [b for b in at.button if b.label == "Save as version 1"][0]
    save.click().run()
    assert not at.exception, at.exception
    assert "Saved version 1 for Bo Day's left hand" in at.success[0].value

    # Version 2: a note and a target.
    at.text_area[0].input("Stop if it hurts.")
    [b for b in at.button if b.label == "Save as version 2"][0].click().run()
    assert not at.exception, at.exception
    assert "Saved version 2" in at.success[0].value
    history = at.dataframe[-1].value
    assert list(history["Version"]) == [2, 1]
    assert list(history["By"]) == ["Tess Therapist", "Tess Therapist"]
    assert history["Changes"].iloc[0] == "note added"
    assert history["Changes"].iloc[1] == "first version"
    assert history["Saved"].iloc[0][:10] == datetime.now().astimezone().date().isoformat()

    # Bo signs in: his Today page lists exactly those exercises with that dose.
    bo_at = signed_in("bo")
    assert bo_at.title[0].value == "Today's exercises"
    assert [s.value for s in bo_at.subheader] == ["PIP blocking", "Full fist",
                                                  "Notes and messages"]
    assert any("6 reps x 1 set" in m.value for m in bo_at.markdown)
    assert any("hold 5 s" in m.value for m in bo_at.markdown)
    assert bo_at.info[0].value.replace("\\", "") == "From your therapist: Stop if it hurts."


def test_home_tasks_are_prescribed_done_by_the_patient_and_in_the_therapists_review(clinic):
    """Issue 16: items no camera judges (scar massage, the splint) in the prescription,
    confirmed done on the patient's Today with their pain, and counted in the review."""
    at = open_page(signed_in("tess"), "prescribe")
    bo = ids_of(clinic)["Bo Day"]
    at.selectbox[0].set_value(bo).run()
    at.multiselect[0].set_value(["fist"]).run()
    at.multiselect[1].set_value(["scar_massage", "splint_wear"]).run()
    inputs = {n.key: n for n in at.number_input}
    amount = next(n for k, n in inputs.items() if k.endswith("task-scar_massage-amount"))
    amount.set_value(10)
    next(n for k, n in inputs.items() if k.endswith("task-scar_massage-per-day")).set_value(2)
    [b for b in at.button if b.label == "Save as version 1"][0].click().run()
    assert not at.exception, at.exception
    saved = at.success[0].value
    assert "Scar massage: 10 minutes, 2 times a day" in saved, saved
    assert "Wear your splint: once a day" in saved, saved

    bo_at = signed_in("bo")
    assert [h.value for h in bo_at.header] == ["Without the camera"]
    heads = [s.value for s in bo_at.subheader]
    assert heads[:3] == ["Full fist", "Scar massage", "Wear your splint"], heads
    page = texts(bo_at)
    assert "10 minutes, 2 times a day" in page and "press firmly on the scar" in page
    assert any(b.label == "Start a 10-minute timer" for b in bo_at.button)
    bo_at.select_slider(key="task-scar_massage-before").set_value(2)
    bo_at.select_slider(key="task-scar_massage-after").set_value(3)
    bo_at.button(key="FormSubmitter:task-scar_massage-Done").click().run()
    assert not bo_at.exception, bo_at.exception
    assert "Saved: Scar massage." in [s.value for s in bo_at.success]
    assert any(p.proto.text == "Done today: 1 of 2" for p in bo_at.get("progress"))
    # Today's sessions: fist 3 a day, scar massage 2, the splint 1; one done.
    assert {m.label: m.value for m in bo_at.metric}["Today"] == "1 of 6 sessions"

    review = open_page(signed_in("tess"), "review")
    review.selectbox[0].set_value(bo).run()
    assert not review.exception, review.exception
    (done,) = [d.value for d in review.dataframe if "Task" in d.value.columns]
    assert done.iloc[0].to_dict() | {"Done": "-"} == {
        "Done": "-", "Task": "Scar massage", "Amount": "10 minutes",
        "Pain before / after": "2 → 3"}
    rate = next(m for m in review.metric if m.label == "Prescribed sessions done")
    assert rate.value == "17%" and "1 of 6 sessions" in rate.help


def test_a_bad_prescription_is_one_line(clinic):
    at = open_page(signed_in("tess"), "prescribe")
    at.multiselect[0].set_value([]).run()
    [b for b in at.button if b.label.startswith("Save as version")][0].click().run()
    (error,) = at.error
    assert error.value == "Not saved: a prescription needs at least one exercise."


# -- Review --------------------------------------------------------------------------------
def test_review_shows_the_session_its_tam_grade_a_rep_replay_and_the_pdf(clinic,
                                                                         monkeypatch):
    # What the download buttons would send: {file name: bytes or a callable (deferred)}.
    downloads: dict[str, object] = {}
    real_add, real_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def add(self, data, mimetype, coordinates, file_name=None, **kwargs):
        downloads[file_name] = data
        return real_add(self, data, mimetype, coordinates, file_name=file_name, **kwargs)

    def add_deferred(self, callable_, mimetype, coordinates, file_name=None):
        downloads[file_name] = callable_
        return real_deferred(self, callable_, mimetype, coordinates, file_name=file_name)

    monkeypatch.setattr(MediaFileManager, "add", add)
    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    at = signed_in("tess")
    ann = ids_of(clinic)["Ann Lee"]
    at.session_state["review_patient"] = ann
    open_page(at, "review")
    assert at.selectbox[0].value == ann
    page = texts(at)
    assert "Pain rose from 2 to 5" in page

    # TAM graded against 260° (no left-hand sessions), as review.grading says.
    [live] = [s for s in list_sessions("Ann Lee", clinic) if s.source == "live"]
    grades = grade_tam(live.tam)
    tam = next(df.value for df in at.dataframe if "Grade" in df.value.columns)
    assert list(tam["Grade"]) == [g.grade for g in grades]
    assert list(tam["Reference"]) == ["normal (260°)"] * len(grades)

    # The sessions: newest first, the live one has 2 reps of 10.
    sessions = next(df.value for df in at.dataframe if "Reps/prescribed" in df.value.columns)
    assert list(sessions["Source"]) == ["video", "camera"]
    assert list(sessions["Reps/prescribed"]) == ["1", "2/10"]
    assert list(sessions["Pain"]) == ["-", "2 → 5"]
    picker = next(s for s in at.selectbox if s.label == "Session")
    picker.set_value(live.id).run()
    assert not at.exception, at.exception
    reps = next(df.value for df in at.dataframe if "Positions" in df.value.columns)
    assert list(reps["Rep"]) == [1, 2] and "index PIP peak" in reps.columns
    replay = at.tabs[1]
    assert replay.get("vega_lite_chart"), "no rep replay chart"
    assert replay.get("image"), "no hand skeleton drawn"
    at.slider[0].set_value(0).run()
    assert not at.exception, at.exception

    # The analysed video: recorded by the same session loop, landmarks included, so its
    # rep is replayed with the hand too.
    next(s for s in at.selectbox if s.label == "Session").set_value(
        live.id + 1).run()
    assert not at.exception, at.exception
    assert at.tabs[1].get("vega_lite_chart") and at.tabs[1].get("image")
    assert "only angles were stored" not in texts(at)

    # Report & export.
    assert [b.proto.label for b in at.get("download_button")] == [
        "PDF report", "Sessions (CSV)", "Range of motion per rep (CSV)",
        "For the clinic's record (FHIR R4)"]
    today = datetime.now().astimezone().date()
    stem = f"handcoach-ann-lee-{(today - timedelta(days=27)).isoformat()}-{today.isoformat()}"
    assert {f"{stem}.pdf", f"{stem}-sessions.csv", f"{stem}-reps.csv",
            f"{stem}-fhir.json"} <= set(downloads)
    assert downloads[f"{stem}.pdf"]().startswith(b"%PDF")
    assert len(downloads[f"{stem}-sessions.csv"]().splitlines()) == 1 + 2
    assert len(downloads[f"{stem}-reps.csv"]().splitlines()) == 1 + 3
    # The FHIR bundle holds the live session's angles, as the store has them.
    angles = read_angles(downloads[f"{stem}-fhir.json"]())
    assert angles[(live.id, "index", "pip")] == (
        round(live.rom["index"]["pip"]["min"]), round(live.rom["index"]["pip"]["max"]))
    # Each download is in the audit log, after the views of the page that offered it.
    from handcoach.storage import audit

    tess = [(r.action, r.patient, r.detail) for r in audit.read(clinic)
            if r.username == "tess" and r.action in ("view", "report", "export")]
    span = f"{(today - timedelta(days=27)).isoformat()} to {today.isoformat()}"
    assert tess[-4:] == [("report", "Ann Lee", f"PDF {span}"),
                         ("export", "Ann Lee", f"sessions CSV {span}"),
                         ("export", "Ann Lee", f"reps CSV {span}"),
                         ("export", "Ann Lee", f"FHIR bundle {span}")]
    assert ("view", "Ann Lee", None) in tess[:-4]


# -- who sees what ---------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["session_state", "query_params"])
def test_another_therapists_patient_is_no_such_patient(clinic, how):
    cy = ids_of(clinic)["Cy Other"]
    at = signed_in("tess")
    for page in ("review", "prescribe"):
        if how == "session_state":
            at.session_state["review_patient"] = cy
        else:
            at.query_params["patient"] = str(cy)
        open_page(at, page)
        assert [e.value for e in at.error] == ["No such patient."]
        assert not at.dataframe and not at.get("vega_lite_chart")
        assert "Cy Other" not in texts(at)


def test_a_patient_gets_no_therapist_page(clinic):
    at = signed_in("ann")
    assert at.title[0].value == "Today's exercises"
    for page in ("review", "prescribe", "patients"):
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, at.exception
        assert at.title[0].value not in ("Review", "Prescribe", "Patients")
        assert "Cy Other" not in texts(at) and "Bo Day" not in texts(at)



# -- signing in, and the patient's own session ---------------------------------------------
def test_wrong_passwords_make_this_browser_wait_on_the_sign_in_page(clinic):
    at = AppTest.from_file(MAIN, default_timeout=60).run()
    for k in range(3):
        at.text_input[0].input("ann")
        at.text_input[1].input(f"wrong guess {k}")
        at.button(key="FormSubmitter:sign-in-Sign in").click().run()
        assert [e.value for e in at.error] == ["Wrong user name or password."]
    at.text_input[0].input("ann")
    at.text_input[1].input(PASSWORD)                      # right, but too late
    at.button(key="FormSubmitter:sign-in-Sign in").click().run()
    (error,) = at.error
    assert error.value.startswith("Too many wrong passwords. Try again in ")
    assert error.value.endswith(("1 second.", "2 seconds."))
    assert at.title[0].value == "HandCoach"               # still on the sign-in page
    # Another patient is not locked out by it.
    at = signed_in("bo")
    assert at.title[0].value == "Today's exercises"


def test_a_patients_saved_session_is_in_the_review_and_the_report(clinic, monkeypatch):
    before = {s.id for s in list_sessions("Ann Lee", store=clinic)}
    at = open_page(signed_in("ann"), "analyze")
    at.radio[0].set_value("fist").run()
    at.button[0].click().run()
    assert not at.exception, at.exception
    at.button(key="save-session").click().run()
    assert not at.exception, at.exception
    (new,) = [s for s in list_sessions("Ann Lee", store=clinic) if s.id not in before]
    tess, _ = sign_in(clinic, "tess", PASSWORD)
    ann_id = ids_of(clinic)["Ann Lee"]
    current = Access(clinic, tess).current(ann_id)["right"]
    # Saved under her own record, with the hand and prescription version she follows.
    assert (new.reps, new.hand_side, new.prescription_id) == (3, "right", current.id)
    # Her Today page counts it against the prescription.
    done = [p.proto.text for p in signed_in("ann").get("progress")]
    assert done[0] == "Done today: 1 of 3 sessions, 3 reps", done
    # Her therapist sees it in the sessions of the review.
    review = open_page(signed_in("tess"), "review")
    assert "3/10" in texts(review)


def test_signing_out_leaves_nothing_for_the_next_person(clinic):
    at = signed_in("ann")
    at.session_state["analysis"] = "Ann's analysed video"
    at.session_state["review_patient"] = 1
    at.sidebar.button(key="sign-out").click().run()
    assert at.title[0].value == "HandCoach"               # the sign-in page
    assert "analysis" not in at.session_state and "review_patient" not in at.session_state


def test_no_page_opens_when_the_database_cannot_say_who_may_sign_in(env, monkeypatch):
    # The clinic's database is on a drive that is not there.
    monkeypatch.setenv("HANDCOACH_DB_URL", f"sqlite:///{env / 'unplugged' / 'results.db'}")
    at = AppTest.from_file(MAIN, default_timeout=60).run()
    assert not at.exception, at.exception
    (error,) = at.error
    assert error.value.startswith("HandCoach cannot reach its results database")
    assert not at.title and not at.text_input                # no page, no "Your name"


# -- messages --------------------------------------------------------------------------------
def test_a_note_after_a_session_a_flag_a_reply_and_nobody_else_sees_them(clinic):
    note = "It hurt when I closed the fist [see](http://x.example) **really**"
    at = signed_in("ann")
    assert "Notes and messages" in [s.value for s in at.subheader]
    about = next(s for s in at.selectbox if s.label == "About")
    [live] = [s for s in list_sessions("Ann Lee", clinic) if s.source == "live"]
    about.set_value(live.id)
    at.text_area(key="note-body").input(note)
    at.button(key="FormSubmitter:note-Send to my therapist").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "Sent. Your therapist will read it."
    assert at.text_area(key="note-body").value == ""          # ready for the next one
    # Her own note is on her page, as text (the link and the stars stay characters).
    shown = [m.value for m in at.markdown if "It hurt" in m.value]
    assert [s.replace("\u2060", "").replace("\\", "") for s in shown] == [note]

    # Her therapist: the flag on the list, the note on the review, a reply.
    tess = signed_in("tess")
    rows = tess.dataframe[0].value.set_index("Patient")
    assert rows.loc["Ann Lee", "Messages"] == "✉️ 1 new message"
    assert rows.loc["Bo Day", "Messages"] == "-"
    assert any("Ann Lee" in m.value and "1 new message" in m.value for m in tess.markdown)
    tess.session_state["review_patient"] = ids_of(clinic)["Ann Lee"]
    open_page(tess, "review")
    assert any(s.value.startswith("✉️ New from Ann Lee") for s in tess.subheader)
    heads = [m.value for m in tess.markdown if m.value.startswith("🔵 New")]
    assert heads and "about Full fist" in heads[0]
    assert "Messages (1 new)" in [t.label for t in tess.tabs]
    tess.text_area(key="reply-body").input("Rest tomorrow, then half the reps.")
    tess.button(key="FormSubmitter:reply-Send").click().run()
    assert not tess.exception, tess.exception
    assert "Sent." in tess.success[0].value
    assert not any(s.value.startswith("✉️ New") for s in tess.subheader)   # read now
    open_page(tess, "patients")
    assert tess.dataframe[0].value.set_index("Patient").loc["Ann Lee", "Messages"] == "-"

    # Ann, at her next click, sees the reply, marked new once.
    ann = at.run()
    assert ann.info[-1].value == "Your therapist has written to you (1 new message)."
    assert any("Rest tomorrow" in m.value for m in ann.markdown)
    ann.run()                                          # the next look: no longer new
    assert not any("written to you" in i.value for i in ann.info)
    assert any("Rest tomorrow" in m.value for m in ann.markdown)

    # Another patient sees none of it (another therapist: test_messages.py).
    bo = signed_in("bo")
    assert "It hurt" not in texts(bo) and "Rest tomorrow" not in texts(bo)
    from handcoach.storage import audit

    assert ("tess", "view", "Ann Lee", "messages") in [
        (r.username, r.action, r.patient, r.detail) for r in audit.read(clinic)]
