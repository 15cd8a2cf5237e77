"""`handcoach analyze --save` and `handcoach sessions export` as a user runs them: real
processes, a real SQLite file named by HANDCOACH_DB_URL."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess

import pytest

from helpers.paths import ROOT, handcoach
from vision.landmarks import ANGLE_NAMES

SAMPLE = ROOT / "sample_videos" / "fist.mp4"


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "results.db"
    monkeypatch.setenv("HANDCOACH_DB_URL", f"sqlite:///{path}")
    return path


def one_error_line(proc, message: str) -> None:
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), proc.stderr
    assert message in lines[0]
    assert "Traceback" not in proc.stderr


def test_analyze_save_then_export(db):
    proc = handcoach("analyze", str(SAMPLE), "--exercise", "fist", "--save", "--patient",
                     "Ann Example", "--json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    out = json.loads(proc.stdout)
    assert out["reps"] == 3 and isinstance(out["session_id"], int)
    assert db.is_file()

    rows = json.loads(handcoach("sessions", "export", "--format", "json").stdout)
    assert len(rows) == 1
    row = rows[0]
    assert row["session_id"] == out["session_id"]
    assert (row["patient"], row["exercise"], row["source"], row["video"], row["model"]) == \
        ("Ann Example", "fist", "video", "fist.mp4", "lite")
    assert (row["reps"], row["warnings"], row["status"]) == (3, 0, "complete")
    assert (row["pain_before"], row["pain_after"]) == (None, None)
    assert row["duration_s"] == pytest.approx(out["duration_s"], abs=0.01)
    for finger, joint in ANGLE_NAMES:
        lo, hi = row[f"{finger}_{joint}_min"], row[f"{finger}_{joint}_max"]
        assert lo is not None and hi is not None and lo <= hi
        assert lo == pytest.approx(out["rom"][finger][joint]["min"], abs=0.51)
        assert hi == pytest.approx(out["rom"][finger][joint]["max"], abs=0.51)
    assert all(row[f"tam_{f}"] is not None for f in ("index", "middle", "ring", "little"))

    # CSV is the default: a header and one row with the same values.
    text = handcoach("sessions", "export", "--patient", "Ann Example").stdout
    [csv_row] = list(csv.DictReader(io.StringIO(text)))
    assert csv_row["reps"] == "3" and csv_row["warnings"] == "0"
    assert float(csv_row["index_pip_max"]) == row["index_pip_max"]
    assert list(csv_row) == list(row)


def test_save_needs_a_patient_and_a_patient_needs_save(db):
    one_error_line(handcoach("analyze", str(SAMPLE), "--save"), "--save needs --patient")
    one_error_line(handcoach("analyze", str(SAMPLE), "--patient", "Ann"), "goes with --save")
    assert not db.exists()


def test_export_errors_are_one_line(db, tmp_path, monkeypatch):
    one_error_line(handcoach("sessions", "export", "--patient", "Nobody"),
                   "no patient named 'Nobody'")
    proc = handcoach("sessions", "export", "--format", "json")
    assert proc.returncode == 0 and json.loads(proc.stdout) == []
    one_error_line(handcoach("sessions", "export", "--format", "xml"), "invalid choice")
    one_error_line(handcoach("sessions"), "required")
    monkeypatch.setenv("HANDCOACH_DB_URL", "definitely not a url")
    one_error_line(handcoach("sessions", "export"), "HANDCOACH_DB_URL is not a database URL")
    monkeypatch.setenv("HANDCOACH_DB_URL", f"sqlite:///{tmp_path / 'unplugged' / 'x.db'}")
    one_error_line(handcoach("sessions", "export"), "cannot be reached")
    # An unreachable store fails before the (long) analysis, not after it.
    one_error_line(handcoach("analyze", str(SAMPLE), "--save", "--patient", "Ann"),
                   "cannot be reached")


def test_rep_export_and_report_of_a_saved_video(db, tmp_path):
    saved = handcoach("analyze", str(SAMPLE), "--exercise", "fist", "--hand", "right",
                      "--save", "--patient", "Ann Example", "--json")
    assert saved.returncode == 0, saved.stderr
    result = json.loads(saved.stdout)
    reps = handcoach("sessions", "export", "--reps", "--patient", "Ann Example")
    assert reps.returncode == 0, reps.stderr
    rows = list(csv.DictReader(io.StringIO(reps.stdout)))
    assert [r["rep"] for r in rows] == ["1", "2", "3"]
    assert {r["hand"] for r in rows} == {"right"}
    # Each rep's peak is within the session's range of motion.
    top = result["rom"]["index"]["pip"]["max"]
    assert all(0 < int(r["index_pip_peak"]) <= round(top) + 1 for r in rows)

    out = tmp_path / "ann.pdf"
    made = handcoach("report", "--patient", "Ann Example", "--out", str(out))
    assert made.returncode == 0, made.stderr
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed (./test.sh installs it)")
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Patient: Ann Example" in text and "Right hand: maximum flexion" in text
    pip = round(result["rom"]["index"]["pip"]["max"])
    assert any(line.split()[:3] == ["Index", "PIP", f"{pip}°"]
               for line in text.splitlines()), text
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info

    missing = handcoach("report", "--patient", "Nobody", "--out", str(out))
    one_error_line(missing, "no patient named 'Nobody'")
    backwards = handcoach("report", "--patient", "Ann Example", "--from", "2026-11-30",
                          "--to", "2026-11-01", "--out", str(out))
    one_error_line(backwards, "--from is after --to")
