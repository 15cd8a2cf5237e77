"""Names and notes are shown as text on every page, never as Markdown (AppTest, a real
SQLite file): a link, a remote image or coloured text typed into a name stays text."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app.safe_text import plain
from handcoach.accounts import Access, add_user
from handcoach.storage import Store
from helpers.clinic import FIST_DOSE, PASSWORDS, build_clinic, days_ago, record_session
from helpers.paths import ROOT

TRICKY = "[x](http://evil.example/) ![](http://img.example/i.png) :red[Red] **b** $x$"
#: what Markdown would make of it if it were not escaped.
RAW = ("[x](http", "![](http", ":red[", "**b**", "$x$")


def test_plain_escapes_everything_markdown_reads():
    out = plain(TRICKY)
    assert not any(r in out for r in RAW)
    assert out.replace("\\", "").replace("\u2060", "") == TRICKY


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("HANDCOACH_DB_URL", f"sqlite:///{tmp_path / 'results.db'}")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("HANDCOACH_PROGRAM", raising=False)
    store = Store()
    clinic = build_clinic(store)
    add_user(store, "trick", "quince-pass-2345", "patient", name=TRICKY, therapist="thera")
    record_session(store, TRICKY, started=days_ago(1))
    pid = next(p.id for p in clinic.access("thera").patients() if p.name == TRICKY)
    Access(store, clinic.who("thera")).prescribe(pid, "right", ["fist"], {"fist": FIST_DOSE},
                                                 note=f"Note for {TRICKY}")
    return pid


def _sign_in(user: str, password: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=60).run()
    at.text_input[0].input(user)
    at.text_input[1].input(password)
    at.button(key="FormSubmitter:sign-in-Sign in").click().run()
    assert not at.exception, at.exception
    return at


def _markdown_sources(at: AppTest) -> list[str]:
    kinds = ("markdown", "caption", "info", "warning", "error", "success")
    return [str(e.value) for k in kinds for e in getattr(at, k)] + \
        [str(e.value) for k in kinds for e in getattr(at.sidebar, k)] + \
        [b.proto.label for b in at.button]


def test_every_page_shows_the_name_and_the_note_as_text(env):
    pid = env
    seen = []
    at = _sign_in("thera", PASSWORDS["thera"])
    for page in ("patients", "review", "prescribe"):
        at.query_params["patient"] = str(pid)
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, at.exception
        seen += _markdown_sources(at)
    patient = _sign_in("trick", "quince-pass-2345")
    for page in ("today", "exercise", "analyze", "progress"):
        patient.switch_page(f"views/{page}.py").run()
        assert not patient.exception, patient.exception
        seen += _markdown_sources(patient)
    shown = [s for s in seen if "evil" in s]
    assert len(shown) >= 3, seen          # the name is on several pages, escaped
    for source in seen:
        assert not any(r in source for r in RAW), source
