"""The clinic, end to end in a real browser: headless Debian Chromium, a video file as the
patient's webcam, the real app server, real MediaPipe, a real SQLite results file.

A therapist signs in, adds a patient and prescribes; the patient signs in, sees exactly
that program, exercises in front of the (fake) webcam and saves; the therapist signs in
again and finds the session in the review, its trends and the PDF report. The patient
never reaches another patient's data, and no password reaches the server's log.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from handcoach.accounts import Access, Principal
from handcoach.storage import Store
from helpers.browser import (
    ARTIFACTS,
    REPS,
    SAMPLE_FIST,
    app_server,
    camera_y4m,
    chromium,
    need_chromium,
    wait_for_text,
)

pytestmark = pytest.mark.slow
PASSWORDS = {"theo": "aspen-pass-1234", "ann": "olive-pass-12345", "bob": "lemon-pass-12345"}


@pytest.fixture(autouse=True)
def _tools() -> None:
    need_chromium()
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed (./test.sh installs it)")


def cli(db_url: str, *args: str, stdin: str = "") -> str:
    env_cmd = [sys.executable, "-m", "handcoach.cli", *args]
    proc = subprocess.run(env_cmd, input=stdin, capture_output=True, text=True, timeout=300,
                          env={**__import__("os").environ, "HANDCOACH_DB_URL": db_url})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def sign_in(page, url: str, user: str, path: str = "") -> None:
    page.goto(f"{url}/{path}")
    page.get_by_role("textbox", name="User name").fill(user)
    page.get_by_role("textbox", name="Password").fill(PASSWORDS[user])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for()


def remove_exercise(page, name: str) -> None:
    tag = page.locator(f'[data-baseweb="tag"][aria-label^="{name},"]')
    tag.locator('[role="presentation"]').click()
    tag.wait_for(state="detached")


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_therapist_prescribes_patient_exercises_therapist_reviews(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'results.db'}"
    # The clinic's therapist, made from the command line as the first account would be;
    # Bob is another patient of hers, with a session saved from a recording.
    cli(db_url, "users", "add", "theo", "--role", "therapist", "--name", "Theo Rapist",
        "--password-stdin", stdin=PASSWORDS["theo"] + "\n")
    cli(db_url, "analyze", str(SAMPLE_FIST), "--exercise", "fist", "--hand", "left",
        "--save", "--patient", "Bob Ray")
    cli(db_url, "users", "add", "bob", "--role", "patient", "--name", "Bob Ray",
        "--therapist", "theo", "--password-stdin", stdin=PASSWORDS["bob"] + "\n")
    store = Store(db_url)
    admin = Access(store, Principal(0, "test", "test", "admin"))
    (bob,) = admin.patients()

    # The first frame held 8 s: the camera set-up and its 3-2-1 come before counting.
    cam = camera_y4m(SAMPLE_FIST, tmp_path / "fist.y4m", lead_s=12.0, tail_s=8.0)
    with app_server(tmp_path, HANDCOACH_DB_URL=db_url) as app, chromium(cam) as page:
        # -- the therapist adds Ann and prescribes 3 full fists for her right hand.
        sign_in(page, app.url, "theo")
        page.get_by_role("textbox", name="Name", exact=True).fill("Ann Lee")
        page.get_by_role("textbox", name="User name").fill("ann")
        page.get_by_role("textbox", name="Initial password", exact=True).fill(
            PASSWORDS["ann"])
        page.get_by_role("textbox", name="Initial password again").fill(PASSWORDS["ann"])
        page.get_by_role("button", name="Add patient").click()
        page.get_by_text("give them the user name", exact=False).wait_for()
        page.get_by_role("button", name="Prescribe", exact=True).click()
        page.get_by_text("Exercises, in the order").wait_for()
        reps = page.get_by_role("spinbutton", name="Reps", exact=True)
        for left, other in enumerate(("Tendon glides", "Finger spread", "Thumb opposition")):
            remove_exercise(page, other)
            expect(reps).to_have_count(3 - left)   # the dose form follows the exercises
        reps.fill("3")
        page.get_by_role("textbox", name="Note to the patient").fill(
            "Slowly, and stop if the pain goes above 5.")
        page.get_by_role("button", name="Save as version 1").click()
        page.get_by_text("Save as version 2").wait_for()
        shot(page, "clinic_prescribed.png")
        sign_out(page)

        # -- Ann signs in (through a link to Bob's review: a patient has no such page).
        sign_in(page, app.url, "ann", path=f"review?patient={bob.id}")
        page.get_by_text("Today's exercises").wait_for()
        page.get_by_role("button", name="Start", exact=True).wait_for()   # fully drawn
        not_found = page.get_by_role("dialog")
        if not_found.count():
            assert "Page not found" in not_found.inner_text()
            page.keyboard.press("Escape")
            not_found.wait_for(state="detached")
        body = page.locator("body").inner_text()
        assert "Bob Ray" not in body and "Review" not in body.split("Signed in as")[0]
        titles = page.locator('[data-testid="stHeadingWithActionElements"] h3')
        assert titles.all_inner_texts() == ["Full fist", "Notes and messages"]
        assert "3 reps" in body and "Slowly, and stop if the pain goes above 5." in body
        assert "Exercise your right hand" in body
        page.get_by_role("button", name="Start", exact=True).click()
        page.get_by_role("button", name="Start session").click()
        page.frame_locator("iframe").first.get_by_role("button", name="Start camera").click()
        seen = wait_for_text(page, REPS, "3 of 3", timeout_s=60)
        assert "3 of 3" in seen, f"the counter never reached the prescribed 3: {seen}"
        page.get_by_role("button", name="Finish").click()
        page.get_by_role("button", name="Save my session").click()
        page.get_by_text("Session summary").wait_for(timeout=30_000)
        page.get_by_text("Pain before / after").wait_for()   # the summary fully drawn
        summary = page.locator("body").inner_text()
        assert re.search(r"Reps\s*3\b", summary), summary
        shot(page, "clinic_patient_summary.png")
        sign_out(page)

        # -- the therapist finds it.
        sign_in(page, app.url, "theo")
        page.get_by_role("button", name="Review", exact=True).click()
        page.get_by_text("Prescribed sessions done").wait_for()
        # Adherence calendar, pain, range of motion: drawn (interactive Vega-Lite charts).
        page.locator('[data-testid="stVegaLiteChart"]').nth(2).wait_for()
        page.get_by_text("Total active motion (TAM), ASSH grade").wait_for()
        page.wait_for_timeout(1000)
        overview = page.locator("body").inner_text()
        review_url = page.url
        shot(page, "clinic_review_overview.png")
        page.get_by_role("tab", name="Sessions").click()
        page.get_by_text("Rep replay").wait_for()
        shot(page, "clinic_review_sessions.png")
        page.get_by_role("tab", name="Report & export").click()
        with page.expect_download() as download:
            page.get_by_role("button", name="PDF report").click()
        pdf = tmp_path / "report.pdf"
        download.value.save_as(pdf)
    log = app.log.read_text()

    (ann,) = [p for p in admin.patients() if p.name == "Ann Lee"]
    (session,) = admin.sessions(ann.id)
    assert (session.reps, session.hand_side, session.exercise) == (3, "right", "fist")
    assert session.prescription_id == admin.current(ann.id)["right"].id
    assert review_url.endswith(f"/review?patient={ann.id}")
    assert "33%" in overview          # 1 of the 3 prescribed sessions of today
    assert "Right hand: best TAM per finger in the period" in overview

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Patient: Ann Lee" in text and "Therapist: Theo Rapist" in text
    assert "Right hand: maximum flexion" in text
    assert re.search(r"Index\s+\d+°\s+normal 260°\s+\d+%\s+(excellent|good|fair|poor)", text)
    pip = round(session.rom["index"]["pip"]["max"])
    assert any(line.split()[:3] == ["Index", "PIP", f"{pip}°"] for line in text.splitlines())
    for secret in PASSWORDS.values():
        assert secret not in log
    # The audit trail of the therapist's visit: signed in, viewed Ann, downloaded her PDF.
    from handcoach.storage import audit

    theo = [(r.action, r.patient) for r in audit.read(store) if r.username == "theo"]
    assert ("sign_in", None) in theo and ("view", "Ann Lee") in theo
    assert ("report", "Ann Lee") in theo
    assert theo.index(("view", "Ann Lee")) < theo.index(("report", "Ann Lee"))
    store.close()
