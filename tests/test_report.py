"""The PDF progress report (review/report.py), read back as a therapist sees it: rendered
by poppler (pdfinfo, pdftoppm, pdftotext). One page for a typical month, two at most."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, datetime, time, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest
from test_review import TZ, berlin, prescription, rom, session, tam_of  # noqa: I001

from handcoach.review import ReportInput, build_report, grade_tam, patient_flags
from handcoach.review.flags import (
    FORM_WARNINGS,
    MISSED_DAYS,
    OVER_PRESCRIPTION,
    PAIN_RISING,
    ROM_FALLING,
)
from handcoach.storage.messages import MessageInfo

START, END = date(2026, 11, 1), date(2026, 11, 30)
PATIENT = "Zoë Łukasiewicz-Ferreira"
GENERATED = datetime(2026, 12, 1, 8, 30, tzinfo=TZ)
#: the right hand on the last day: index PIP reaches 87 deg, ring and little stay stiff.
LAST_DAY_ROM = {"index_pip": 87.0, "ring_mcp": 50.0, "ring_pip": 60.0, "ring_dip": 30.0,
                "little_mcp": 40.0, "little_pip": 50.0, "little_dip": 20.0,
                "middle_mcp": 85.0, "middle_pip": 100.0, "middle_dip": 75.0}
#: the uninjured left hand: 250 deg TAM in every finger.
LEFT_ROM = rom(**{f"{f}_{j}": v for f in ("index", "middle", "ring", "little")
                  for j, v in (("mcp", 85.0), ("pip", 95.0), ("dip", 70.0))})


def _tools() -> None:
    missing = [t for t in ("pdfinfo", "pdftoppm", "pdftotext", "pdfimages")
               if shutil.which(t) is None]
    if missing:
        pytest.skip(f"poppler-utils not installed ({', '.join(missing)} missing): "
                    "apt-get install poppler-utils")


def _poppler(*args: str) -> str:
    proc = subprocess.run(list(args), capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _read(pdf: bytes, tmp_path: Path, pages: int = 1) -> tuple[str, np.ndarray]:
    """Check the PDF has `pages` pages and renders with ink on it; return its text, with
    runs of white space made single spaces (pdftotext wraps and pads), and the first page
    in grey."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    info = _poppler("pdfinfo", str(path))
    assert re.search(rf"^Pages:\s+{pages}$", info, re.MULTILINE), info
    _poppler("pdftoppm", "-r", "50", "-png", "-singlefile", str(path), str(tmp_path / "page"))
    image = cv2.imread(str(tmp_path / "page.png"), cv2.IMREAD_GRAYSCALE)
    assert image is not None
    assert image.shape[0] > image.shape[1]  # portrait A4 at 50 dpi: about 413 x 585
    assert (image < 100).sum() > 500, "the page rendered blank"
    text = _poppler("pdftotext", "-layout", str(path), "-")
    return " ".join(text.split()), image


def _chart_pages(tmp_path: Path) -> list[int]:
    """The pages of the last report _read wrote that carry the charts (one image, the
    report's only one: pdfimages lists it)."""
    listing = _poppler("pdfimages", "-list", str(tmp_path / "report.pdf"))
    return [int(line.split()[0]) for line in listing.splitlines()[2:] if line.strip()]


def _ink(page: np.ndarray, top_mm: float, bottom_mm: float) -> int:
    """Dark pixels in a band of the page (the charts are images: no text to read back)."""
    px_per_mm = page.shape[0] / 297.0
    return int((page[round(top_mm * px_per_mm):round(bottom_mm * px_per_mm)] < 128).sum())


def month_of_progress(with_left: bool = True) -> tuple[list, list]:
    """A right-hand patient: fist twice a day and tendon glides once, a stiff ring and
    little finger, index PIP up from 70 to 87 deg; two missed days at the end and pain
    rising in the last session; the left hand measured twice as the reference."""
    versions = [prescription(1, berlin(date(2026, 10, 28), 11), {"fist": (2, 40)},
                             targets={"index": {"pip": 95.0}}),
                prescription(2, berlin(date(2026, 11, 14), 11),
                             {"fist": (2, 40), "tendon_glides": (1, 20)},
                             targets={"index": {"pip": 95.0, "mcp": 85.0}})]
    sessions = []
    day = date(2026, 11, 3)
    while day <= END:
        if day not in (date(2026, 11, 27), date(2026, 11, 29)):
            progress = (day - date(2026, 11, 3)).days / 27
            values = {**LAST_DAY_ROM, "index_pip": round(70.0 + 17.0 * progress)}
            r = rom(**values)
            for hour in (9, 18):
                sessions.append(session(day, at=time(hour), pain=(2, 2), rom_=r))
            if day >= date(2026, 11, 14):
                sessions.append(session(day, "tendon_glides", at=time(12), pain=(2, 2),
                                        rom_=r))
        day += timedelta(days=1)
    sessions[-1].pain_after = 5
    if with_left:
        sessions += [session(date(2026, 11, 3), at=time(h), hand="left", rom_=LEFT_ROM)
                     for h in (10, 11)]
    return sessions, versions


def report_of(sessions, versions, **changes) -> bytes:
    values = {"patient": PATIENT, "hands": ("right",), "start": START, "end": END,
              "generated_at": GENERATED, "therapist": "Dr Inês Silva", "sessions": sessions,
              "prescriptions": versions, "tz": TZ, **changes}
    return build_report(ReportInput(**values))


def test_progress_report(tmp_path):
    _tools()
    sessions, versions = month_of_progress()
    flags = patient_flags(sessions, versions, END, TZ)
    assert {f.code for f in flags} == {MISSED_DAYS, PAIN_RISING}

    # Three sessions a day for a month: the table goes on to a second page.
    text, page = _read(report_of(sessions, versions), tmp_path, pages=2)
    assert "HandCoach progress report" in text
    assert PATIENT in text
    assert "Dr Inês Silva" in text
    assert "2026-11-01 to 2026-11-30" in text
    assert "Generated: 2026-12-01" in text
    for flag in flags:
        assert flag.message in text
    # index PIP: 70 on the first day, 87 on the last and best, target 95, AAOS normal 100
    assert re.search(r"Index PIP 70° 87° 87° 95° 100°", text), text
    assert re.search(r"Index MCP 80° 80° 80° 85° 90°", text), text
    assert "Thumb IP 60° 60° 60° - 80°" in text
    # TAM against the left hand (250 deg per finger)
    right_best = tam_of(rom(**LAST_DAY_ROM))
    grades = grade_tam(right_best, {f: 250.0 for f in right_best})
    assert [g.grade for g in grades] == ["good", "excellent", "fair", "poor"]
    for g in grades:
        assert f"{g.finger.capitalize()} {g.tam_deg:.0f}° other hand 250° {g.percent}% " \
               f"{g.grade}" in text
    # done vs prescribed: 2 fist a day from Nov 1, tendon glides from Nov 14
    # 2 fist a day (v1), 3 sessions a day from Nov 14 (v2), Nov 1-2, 27 and 29 missed
    assert "Sessions done: 67 of 77 prescribed (87%)" in text
    assert "Reps: 690 · Pain (0-10) before / after: 2.0 / 2.0" in text
    assert _ink(page, 170, 240) > 300, "no charts below the tables"


def test_tam_is_graded_against_260_without_the_other_hand(tmp_path):
    _tools()
    sessions, versions = month_of_progress(with_left=False)
    text, _ = _read(report_of(sessions, versions), tmp_path, pages=2)
    assert "Index 237° normal 260° 91% good" in text
    assert text.count("normal 260°") == 4 and "other hand 250°" not in text


def test_a_patient_with_no_sessions_in_the_period(tmp_path):
    _tools()
    _, versions = month_of_progress()
    text, page = _read(report_of([], versions), tmp_path)
    assert PATIENT in text and "2026-11-01 to 2026-11-30" in text
    assert "No sessions in this period." in text
    assert "Sessions done: 0 of 77 prescribed (0%)" in text
    assert "No exercise on 7 of the last 7 days" in text
    assert "Total active motion" not in text
    assert _ink(page, 100, 280) == 0


def test_a_new_patient_without_prescription_or_sessions(tmp_path):
    _tools()
    text, _ = _read(report_of([], [], hands=()), tmp_path)
    assert "No sessions in this period." in text and "No flags" in text


def test_everything_at_once_still_fits_on_two_pages(tmp_path):
    """Both hands treated, every flag raised, a year-long period, very long names."""
    _tools()
    sessions, versions = month_of_progress()
    versions.append(prescription(3, berlin(date(2026, 11, 1), 9), {"fist": (3, 30)},
                                 hand="left"))
    ordered = sorted(sessions, key=lambda s: s.started_at)
    for s in ordered[-6:-3]:
        s.rom, s.tam = rom(), tam_of(rom())
    for s in ordered[-3:]:
        s.rom = rom(**{f"{f}_{j}": 30.0 for f in ("index", "middle", "ring", "little")
                       for j in ("mcp", "pip", "dip")})
        s.tam = tam_of(s.rom)
        s.extra_reps = 4
        s.reps = 30
        s.warning_codes = {"PARTIAL_RANGE": 40, "WRONG_POSITION": 20}
    long_name = "Maria da Conceição Albuquerque de Vasconcelos e Sá Menezes-Oliveira " * 3
    pdf = report_of(sessions, versions, hands=("right", "left"), patient=long_name,
                    therapist="Dr " + "Ferreira " * 20, start=date(2025, 12, 1))
    flags = patient_flags(sessions, versions, END, TZ)
    assert {f.code for f in flags} == {MISSED_DAYS, PAIN_RISING, ROM_FALLING,
                                       OVER_PRESCRIPTION, FORM_WARNINGS}
    text, page = _read(pdf, tmp_path, pages=2)
    assert "Maria da Conceição" in text
    assert "Right hand: maximum flexion" in text and "Left hand: maximum flexion" in text
    assert text.count("Total active motion") == 2
    assert "Thumb IP" in text.split("Left hand")[1]  # the second table is complete
    for flag in flags:  # each at most two lines: the start of every message is there
        assert flag.message[:60] in text
    assert len(_chart_pages(tmp_path)) == 1, "no charts"


def note(number: int, when: datetime, body: str, *, patient: bool = True,
         session_id: int | None = None) -> MessageInfo:
    return MessageInfo(number, 1, session_id, PATIENT if patient else "Dr Inês Silva",
                       "patient" if patient else "therapist", body, when, None)


def test_the_report_holds_the_prescription_every_session_and_the_notes(tmp_path):
    _tools()
    sessions, versions = month_of_progress()
    hurt = sorted(sessions, key=lambda s: s.started_at)[-1]          # pain 2 -> 5
    notes = [note(1, berlin(date(2026, 11, 30), 20),
                  "It hurt when I closed the fist.\nThe ring finger mostly.",
                  session_id=hurt.id),
             note(2, berlin(date(2026, 11, 30), 21), "Rest tomorrow, then half the reps.",
                  patient=False),
             note(3, berlin(date(2026, 10, 20), 8), "Before the period: not in it.")]
    text, _ = _read(report_of(sessions, versions, messages=notes), tmp_path, pages=2)
    # The prescription in force on the last day: version 2, both exercises, the targets.
    assert "Prescription in force Right hand, version 2 (2026-11-14, Dr Silva)" in text
    assert "1. Full fist 10 x 1 set, hold 3 s, 2 a day, at most 40 reps a day" in text
    assert "2. Tendon glides 10 x 1 set, hold 3 s, 1 a day, at most 20 reps a day" in text
    assert "Targets: index PIP 95°, index MCP 85°" in text
    # Every session of the period, once, with its reps, pain and TAM.
    for s in sessions:
        at = s.started_at.astimezone(TZ)
        name = "Full fist" if s.exercise == "fist" else "Tendon glides"
        pain = "-" if s.pain_before is None else f"{s.pain_before}→{s.pain_after}"
        tam = "/".join(f"{s.tam[f]:.0f}" for f in ("index", "middle", "ring", "little"))
        row = (f"{at:%m-%d %H:%M} {name} {s.hand_side[0].upper()} {s.reps}/10 {pain} "
               f"TAM {tam}")
        assert text.count(row) == 1, row
    # The notes of the period, oldest first, with the session a note is about.
    first = text.index(f"2026-11-30 20:00 {PATIENT} (patient), about Full fist of 11-30 "
                       f"{hurt.started_at.astimezone(TZ):%H:%M}: It hurt when I closed "
                       "the fist. / The ring finger mostly.")
    assert "Before the period" not in text
    assert first < text.index("2026-11-30 21:00 Dr Inês Silva (therapist): Rest tomorrow")
    assert "Page 1 of 2" in text and "Page 2 of 2" in text


def test_a_typical_month_is_one_page(tmp_path):
    """A full fist once a day for four weeks (a few days missed), two notes."""
    _tools()
    versions = [prescription(1, berlin(date(2026, 10, 28), 11), {"fist": (1, 20)},
                             targets={"index": {"pip": 95.0}})]
    days = [START + timedelta(days=d) for d in range(30) if d % 7 != 3]
    sessions = [session(day, at=time(9), pain=(3, 2)) for day in days]
    notes = [note(1, berlin(date(2026, 11, 9), 10), "Easier today =HYPERLINK(\"x\") **ok**"),
             note(2, berlin(date(2026, 11, 9), 18), "Good. Keep going \U0010fffd",
                  patient=False)]
    text, page = _read(report_of(sessions, versions, messages=notes), tmp_path, pages=1)
    assert "1. Full fist 10 x 1 set, hold 3 s, 1 a day, at most 20 reps a day" in text
    for day in days:
        assert f"{day:%m-%d} 09:00 Full fist R 10/10 3→2 TAM 245/245/245/245" in text
    # What the patient typed, printed as typed (no formula, no markup).
    assert 'Easier today =HYPERLINK("x") **ok**' in text
    # A character no font has does not stop the report: it prints as "?".
    assert "Good. Keep going ?" in text and "more in the app" not in text
    assert _chart_pages(tmp_path) == [1]
    assert "Page 1 of" not in text
