"""The audit log: who viewed, exported or changed whose data, and when (a real SQLite file
and PostgreSQL server, the real command line, the app's pages in AppTest)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import inspect
from streamlit.testing.v1 import AppTest

from handcoach.accounts import Access, set_active, set_password, sign_in
from handcoach.storage import Store, audit
from helpers.clinic import FIST_DOSE, PASSWORDS, build_clinic, days_ago, record_session
from helpers.paths import ROOT


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'clinic.db'}" if request.param == "sqlite" \
        else request.getfixturevalue("pg_url")
    s = Store.open(url)
    yield s
    s.close()


def actions(store: Store, username: str | None = None) -> list[tuple[str, str | None]]:
    return [(r.action, r.patient) for r in audit.read(store)
            if username is None or r.username == username]


def test_a_therapist_viewing_and_exporting_leaves_rows(store):
    clinic = build_clinic(store)
    record_session(store, "Ann Lee", started=days_ago(1))
    who, _ = sign_in(store, "thera", PASSWORDS["thera"], client="198.51.100.20")
    page = Access(store, who, client="198.51.100.20")       # one page run
    ann = clinic.ids["ann"]
    (session,) = page.sessions(ann)
    page.reps(session.id)
    page.frames(session.id)
    page.prescriptions(ann)
    page.log("export", ann, "sessions CSV")
    Access(store, who).sessions(ann)                          # the next page run
    Access(store, who).prescribe(ann, "right", ["fist"], {"fist": FIST_DOSE})
    rows = [r for r in audit.read(store) if r.username == "thera"]
    assert [(r.action, r.patient) for r in rows] == [
        ("sign_in", None), ("view", "Ann Lee"), ("export", "Ann Lee"), ("view", "Ann Lee"),
        ("prescribe", "Ann Lee")]
    assert rows[0].client == rows[1].client == "198.51.100.20"
    assert rows[2].detail == "sessions CSV" and "right hand version 1" in rows[4].detail
    assert all(r.role == "therapist" and r.at.tzinfo is not None for r in rows)
    # A patient reading her own data leaves no view row; staff do, and failures too.
    Access(store, clinic.who("ann")).sessions(ann)
    assert ("view", "Ann Lee") not in actions(store, "ann")
    with pytest.raises(Exception, match="Wrong user name"):
        sign_in(store, "bob", "not-his-password-77", client="203.0.113.3")
    with pytest.raises(Exception, match="Wrong user name"):
        sign_in(store, "nobody-here", "not-a-password-77", client="203.0.113.3")
    failed = [r for r in audit.read(store) if r.action == "sign_in_failed"]
    assert [(r.username, r.detail) for r in failed] == [("bob", None),
                                                        (None, "unknown user name")]
    # Account changes, by the command line's administrator.
    set_password(store, "bob", "lemon-tree-garden-4")
    set_active(store, "bob", False)
    changes = [(r.action, r.username, r.detail) for r in audit.read(store)
               if r.action.startswith("account_")]
    assert ("account_add", "command-line", "patient ann") in changes
    assert changes[-2:] == [("account_password", "command-line", "patient bob"),
                            ("account_disable", "command-line", "patient bob")]


def test_the_migration_adds_the_table_to_an_existing_store(store):
    with store.engine.connect() as conn:
        assert "audit_log" in inspect(conn).get_table_names()
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() \
            == "0003"


def _cli(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "handcoach.cli", *args], capture_output=True,
                          text=True, timeout=300, env={**os.environ, "HANDCOACH_DB_URL": url})


def test_command_line_exports_and_reports_are_logged_and_the_log_exports(tmp_path):
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    store = Store.open(url)
    build_clinic(store)
    record_session(store, "Ann Lee", started=days_ago(1))
    assert _cli(url, "sessions", "export", "--patient", "Ann Lee").returncode == 0
    assert _cli(url, "report", "--patient", "Ann Lee", "--out",
                str(tmp_path / "r.pdf")).returncode == 0
    out = _cli(url, "audit", "export")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert list(rows[0]) == list(audit.COLUMNS)
    mine = [(r["action"], r["patient"]) for r in rows if r["username"] == "command-line"]
    assert ("export", "Ann Lee") in mine and ("report", "Ann Lee") in mine
    as_json = json.loads(_cli(url, "audit", "export", "--format", "json").stdout)
    assert as_json[-1]["action"] == "audit_export"          # the first export, logged
    bad = _cli(url, "audit", "export", "--from", "2026-13-01")
    assert bad.returncode == 2 and bad.stderr.startswith("error:") and \
        bad.stderr.count("\n") == 1


def test_the_app_logs_a_therapists_review_and_shows_the_log_to_the_administrator(
        tmp_path, monkeypatch):
    monkeypatch.setenv("HANDCOACH_DB_URL", f"sqlite:///{tmp_path / 'results.db'}")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("HANDCOACH_PROGRAM", raising=False)
    store = Store()
    clinic = build_clinic(store)
    record_session(store, "Ann Lee", started=days_ago(1))

    def signed_in(user: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=60).run()
        at.text_input[0].input(user)
        at.text_input[1].input(PASSWORDS[user])
        at.button(key="FormSubmitter:sign-in-Sign in").click().run()
        assert not at.exception, at.exception
        return at

    at = signed_in("thera")
    at.query_params["patient"] = str(clinic.ids["ann"])
    at.switch_page("views/review.py").run()
    assert not at.exception, at.exception
    mine = actions(store, "thera")
    assert mine[0] == ("sign_in", None) and ("view", "Ann Lee") in mine
    at.switch_page("views/audit.py").run()        # not in a therapist's navigation
    assert "Audit log" not in [t.value for t in at.title]

    admin = signed_in("admin")
    admin.switch_page("views/audit.py").run()
    assert not admin.exception, admin.exception
    (table,) = admin.dataframe
    shown = table.value
    assert {"thera", "admin"} <= set(shown["Who"])
    assert "Ann Lee" in set(shown["Patient"])
