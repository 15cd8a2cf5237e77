"""Two app processes, one PostgreSQL server, a real headless Chromium: what a clinic that
outgrew one server runs (README: "More than one server").

The patient works on one process: she analyses and saves a recording (real MediaPipe),
then writes a note about it. The therapist, on the other process, sees the session in
her review and the "new message" flag, and replies; the patient, back on hers, reads
the reply; another patient sees none of it. Nothing passes between the two processes
but the database.
"""

from __future__ import annotations

import pytest

from handcoach.accounts import add_user
from handcoach.storage import Store, list_sessions
from helpers.browser import SAMPLE_FIST, app_server, chromium, need_chromium
from helpers.paths import ffmpeg

pytestmark = pytest.mark.slow
PASSWORDS = {"theo": "aspen-pass-1234", "ann": "olive-pass-12345", "bob": "lemon-pass-12345"}
NOTE = "It hurt a little when I closed the fist."
REPLY = "Thank you. Close it only as far as it does not hurt."


def sign_in(page, url: str, user: str) -> None:
    page.goto(url)
    page.get_by_role("textbox", name="User name").fill(user)
    page.get_by_role("textbox", name="Password").fill(PASSWORDS[user])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for()


def test_a_session_recorded_on_one_process_is_reviewed_on_the_other(tmp_path, pg_url):
    need_chromium()
    # The sample fist's first rep (8 s): what is recorded matters here, not how much.
    (tmp_path / "upload").mkdir()
    clip = tmp_path / "upload" / "fist.mp4"     # named so: the page picks the exercise
    ffmpeg("-i", str(SAMPLE_FIST), "-t", "8", "-an", "-c:v", "libx264", "-preset",
           "ultrafast", str(clip))
    store = Store.open(pg_url)
    add_user(store, "theo", PASSWORDS["theo"], "therapist", name="Theo Rapist")
    for user, name in (("ann", "Ann Lee"), ("bob", "Bob Ray")):
        add_user(store, user, PASSWORDS[user], "patient", name=name, therapist="theo")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with app_server(tmp_path / "a", HANDCOACH_DB_URL=pg_url) as one, \
            app_server(tmp_path / "b", HANDCOACH_DB_URL=pg_url) as two, \
            chromium() as page:
        assert one.pid != two.pid and one.port != two.port
        # -- on the first process: Ann saves an analysed recording, and writes a note.
        sign_in(page, one.url, "ann")
        page.get_by_role("link", name="Analyze a recording").click()
        page.get_by_text("Upload my own video").click()
        page.locator('input[type="file"]').set_input_files(str(clip))
        page.get_by_role("button", name="Analyze", exact=True).click()
        page.get_by_role("button", name="Save for Ann Lee").click(timeout=120_000)
        page.get_by_text("Saved as session").wait_for()
        page.get_by_role("link", name="Today").click()
        page.get_by_text("Notes and messages").wait_for()
        page.get_by_role("textbox", name="A note for your therapist").fill(NOTE)
        page.get_by_role("button", name="Send to my therapist").click()
        page.get_by_text("Sent. Your therapist will read it.").wait_for()
        sign_out(page)
        (saved,) = list_sessions("Ann Lee", store)
        assert saved.reps == 1

        # -- on the second process: Theo sees the flag, the session and the note.
        sign_in(page, two.url, "theo")
        page.get_by_text("1 new message, to read on the Review page").wait_for()
        page.get_by_role("button", name="Review", exact=True).click()
        page.get_by_text("New from Ann Lee").wait_for()
        body = page.locator("body").inner_text().replace("\u2060", "")   # plain()'s joiners
        when = saved.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
        assert f"about Full fist, {when}" in body and NOTE in body
        page.get_by_role("tab", name="Sessions").click()
        page.get_by_text("Rep replay").wait_for()        # its rep, from its stored frames
        page.get_by_text("The patient's notes on this session").wait_for()
        page.get_by_role("tab", name="Messages").click()
        page.get_by_role("textbox", name="Write to Ann Lee").fill(REPLY)
        page.get_by_role("button", name="Send", exact=True).click()
        page.get_by_text("Sent. The patient sees it on their Today page.").wait_for()
        sign_out(page)

        # -- back on the first: Ann reads the reply; Bob sees none of it.
        sign_in(page, one.url, "ann")
        page.get_by_text("Your therapist has written to you (1 new message).").wait_for()
        assert REPLY in page.locator("body").inner_text()
        sign_out(page)
        sign_in(page, two.url, "bob")
        page.get_by_text("Notes and messages").wait_for()
        body = page.locator("body").inner_text()
        assert NOTE not in body and REPLY not in body and "Ann Lee" not in body
        assert "No messages yet." in body
    store.close()
