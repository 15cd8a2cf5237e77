"""A database that exists but is not HandCoach's is refused in one line, and no page of
the app opens as a fresh install on it (real SQLite files, a real PostgreSQL server)."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, text
from streamlit.testing.v1 import AppTest

from handcoach.storage import Store, StoreError
from helpers.paths import ROOT, handcoach


def _zero_bytes(path):
    path.write_bytes(b"")


def _empty_sqlite(path):
    sqlite3.connect(path).execute("PRAGMA user_version = 1").connection.close()


def _other_app(path):
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")


@pytest.mark.parametrize(("make", "message"), [
    (_zero_bytes, "is an empty file (0 bytes), not HandCoach's"),
    (_empty_sqlite, "is an empty database, not HandCoach's"),
    (_other_app, "holds another program's tables (invoices)"),
])
def test_a_file_that_is_not_ours_is_refused_everywhere(tmp_path, monkeypatch, make, message):
    path = tmp_path / "handcoach.db"
    make(path)
    before = path.read_bytes()
    url = f"sqlite:///{path}"
    with pytest.raises(StoreError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Store.open(url)
    assert path.read_bytes() == before                   # left exactly as it was
    monkeypatch.setenv("HANDCOACH_DB_URL", url)
    proc = handcoach("users", "list")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and message in proc.stderr
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    (error,) = at.error
    shown = error.value.replace("\\", "").replace("\u2060", "")   # as Markdown shows it
    assert "cannot reach its results database" in shown and message in shown
    assert not at.title and not at.subheader          # no page, no sign-in form either


def test_a_new_file_and_a_new_postgresql_database_are_set_up(tmp_path, pg_url):
    Store.open(f"sqlite:///{tmp_path / 'new.db'}").close()
    Store.open(pg_url).close()
    Store.open(pg_url).close()                                  # ours now: opens again


def test_a_postgresql_database_of_another_program_is_refused(pg_url):
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE customers (id serial PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(StoreError, match="holds another program's tables"):
        Store.open(pg_url)


def test_no_page_opens_to_other_computers_without_accounts(tmp_path, monkeypatch):
    """Started some other way than `handcoach app` (which refuses), a server open to the
    network with no accounts shows no page."""
    monkeypatch.setenv("HANDCOACH_DB_URL", f"sqlite:///{tmp_path / 'results.db'}")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HANDCOACH_LISTEN", "0.0.0.0")
    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    (error,) = at.error
    assert "open to other computers but has no accounts" in error.value
    assert not at.title and not at.subheader
    monkeypatch.setenv("HANDCOACH_LISTEN", "127.0.0.1")
    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=60).run()
    assert at.title[0].value == "Today's exercises"      # a home install, as before
