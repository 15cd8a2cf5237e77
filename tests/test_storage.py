"""The results store on real databases: an SQLite file, and a real PostgreSQL server.

PostgreSQL tests need HANDCOACH_TEST_PG_URL (a server that may create databases; .ci/run
starts one) and skip with a message without it. Each test gets a fresh database.
Failures are real: SQLite really reports "database or disk is full", a real TCP relay in
front of PostgreSQL is really cut, a folder is really missing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, func, inspect, select, text
from sqlalchemy.engine import make_url

from exercises.alerts import Alert, Code
from exercises.counter import Rep
from handcoach.analysis import AnalysisResult, save_analysis
from handcoach.storage import (
    SessionRecorder,
    Store,
    StoreError,
    codec,
    export_rows,
    list_sessions,
    load_frames,
    load_reps,
    load_warnings,
)
from handcoach.storage.db import alembic_config
from handcoach.storage.errors import DISK_FULL, UNREACHABLE
from handcoach.storage.models import Base, ExerciseSession, FrameChunk
from handcoach.synthetic.motions import build_track
from handcoach.synthetic.sequences import landmark_sequence
from helpers.analysed import analysed
from helpers.clinic import record_like_the_app
from helpers.paths import ROOT
from vision.kinematics import flexion_angles
from vision.landmarks import ANGLE_NAMES, N_ANGLES
from vision.rom import RomSummary

TABLES = {"patients", "sessions", "reps", "warnings", "frames", "users", "login_sessions",
          "login_attempts", "prescriptions", "audit_log", "messages", "task_logs",
          "alembic_version"}
DISK_FULL_MESSAGE = ("Could not save: the disk is full. Your reps so far are kept; "
                     "free some space.")


# -- databases -------------------------------------------------------------------------
@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'handcoach.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def store(db_url: str) -> Store:
    s = Store(db_url)
    yield s
    s.close()


def count(store: Store, model: type, session_id: int) -> int:
    with store.transaction() as s:
        return s.scalar(select(func.count()).select_from(model)
                        .where(model.session_id == session_id))


def session_row(store: Store, session_id: int) -> ExerciseSession:
    with store.transaction() as s:
        return s.get(ExerciseSession, session_id)


# -- what the app would record ---------------------------------------------------------
def fist_clip(seed: int = 3):
    """Two fists, 1 mm landmark jitter, the hand lost for 1.5 s (HAND_NOT_VISIBLE)."""
    track = build_track("fist", reps=2, seed=seed)
    return landmark_sequence(track, "right", noise_mm=1.0, drop_spans=[(1.2, 2.7)],
                             seed=seed)


#: landmark jitter (1 mm) so that stored frames take realistic room.
_JITTER = np.random.default_rng(0).normal(0.0, 1e-3, (300, 21, 3))


def steady_frames(rec: SessionRecorder, t0: float, t1: float, fps: float = 30.0) -> int:
    """Frames i = t * fps from t0 (inclusive) to t1 (exclusive): angles 10 + i / 10 deg,
    jittery landmarks. Returns how many."""
    n = 0
    for i in range(round(t0 * fps), round(t1 * fps)):
        rec.add_frame(i / fps, np.full(N_ANGLES, 10.0) + i * 0.1,
                      np.linspace(-0.05, 0.05, 63).reshape(21, 3) + _JITTER[i % 300])
        n += 1
    return n


def a_rep(number: int, start: float, end: float) -> Rep:
    return Rep(number, start, end, ("fist",), (1.0,), np.full(N_ANGLES, 80.0),
               np.full(N_ANGLES, 5.0))


# -- the frame codec -------------------------------------------------------------------
def test_codec_round_trip_keeps_nan_and_resolution():
    rng = np.random.default_rng(0)
    n = 90
    t = 1234.5 + np.arange(n) / 30 + rng.normal(0, 1e-4, n)
    angles = rng.normal(40, 60, (n, N_ANGLES))
    angles[[0, 7, 8, 89]] = np.nan               # no hand in the first and last frames too
    angles[10, 3] = np.inf
    world = rng.normal(0, 0.06, (n, 21, 3))
    world[[0, 7, 8, 89]] = np.nan
    world[20] = 123.0                            # far out: wraps the int32 deltas around
    back_t = codec.decode_times(codec.encode_times(t, t[0]), n, t[0])
    back_a = codec.decode_angles(codec.encode_angles(angles), n)
    back_w = codec.decode_world(codec.encode_world(world), n)
    assert np.abs(back_t - t).max() <= 0.5e-6 + 1e-9
    assert np.array_equal(np.isnan(back_a), ~np.isfinite(angles))
    assert np.nanmax(np.abs(back_a - angles)) <= 0.05 + 1e-9
    assert np.array_equal(np.isnan(back_w), np.isnan(world))
    assert np.nanmax(np.abs(back_w - world)) <= 0.5 / codec.WORLD_SCALE + 1e-12


# -- migrations ------------------------------------------------------------------------
def test_migration_from_an_empty_database(db_url):
    store = Store.open(db_url)
    try:
        assert TABLES <= set(inspect(store.engine).get_table_names())
        head = ScriptDirectory.from_config(alembic_config(None)).get_current_head()
        with store.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == head
            # The migrations build exactly what the models describe.
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            assert diff == []
        Store.open(db_url).close()               # opening again changes nothing
        with store.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "base")
        assert set(inspect(store.engine).get_table_names()) == {"alembic_version"}
        store2 = Store.open(db_url)              # and back up from nothing
        assert TABLES <= set(inspect(store2.engine).get_table_names())
        store2.close()
    finally:
        store.close()


def test_a_database_from_a_newer_handcoach_is_one_clear_error(sqlite_url):
    Store.open(sqlite_url).close()
    engine = create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    with pytest.raises(StoreError, match="schema this HandCoach does not know"):
        Store.open(sqlite_url)


def test_the_default_store_is_an_sqlite_file_in_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("HANDCOACH_DB_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    store = Store.open()
    store.close()
    assert store.dialect == "sqlite"
    assert (tmp_path / "data" / "handcoach" / "handcoach.db").is_file()


def test_handcoach_db_url_picks_the_database(sqlite_url, monkeypatch):
    monkeypatch.setenv("HANDCOACH_DB_URL", sqlite_url)
    assert Store().url.database == make_url(sqlite_url).database
    monkeypatch.setenv("HANDCOACH_DB_URL", "postgresql://someone@db.example/handcoach")
    assert Store().url.drivername == "postgresql+psycopg"     # the driver we ship
    monkeypatch.setenv("HANDCOACH_DB_URL", "not a url")
    with pytest.raises(StoreError, match="not a database URL"):
        Store()


# -- a session, saved as it happens ----------------------------------------------------
def test_a_live_session_round_trip(store):
    seq = fist_clip()
    rec = SessionRecorder(store)
    sid = rec.start("Ann Example", "fist", "right", "live", pain_before=2, model="lite",
                    prescribed_reps=10, prescribed_sets=1, fps=30.0)
    assert sid is not None and rec.problem is None
    assert session_row(store, sid).status == "open"
    engine, angles = record_like_the_app(rec, seq)
    assert len(engine.reps) == 2 and engine.alerts      # something to store of each kind
    # ROM and TAM are stored as they are shown: whole degrees (vision.rom).
    assert rec.finish(pain_after=3) and rec.problem is None and rec.pending == 0

    [info] = list_sessions("Ann Example", store)
    assert (info.id, info.exercise, info.hand_side, info.source, info.status) == \
        (sid, "fist", "right", "live", "complete")
    assert (info.reps, info.extra_reps, info.warnings) == (2, 0, len(engine.alerts))
    assert (info.pain_before, info.pain_after) == (2, 3)
    assert (info.frames, info.frames_with_hand) == (len(seq.times), int(seq.present.sum()))
    assert info.started_at.tzinfo is not None and info.ended_at >= info.started_at
    held = RomSummary.of(seq.times, angles)     # what was held (vision.rom), as shown
    lo, hi = held.lo, held.hi
    for k, (finger, joint) in enumerate(ANGLE_NAMES):
        assert info.rom[finger][joint]["min"] == round(lo[k])
        assert info.rom[finger][joint]["max"] == round(hi[k])
    assert set(info.tam) == {"index", "middle", "ring", "little"}

    reps = load_reps(sid, store)
    assert [r.number for r in reps] == [1, 2]
    for stored, rep in zip(reps, engine.reps, strict=True):
        assert stored.positions == rep.positions and stored.flags == rep.flags
        assert (stored.start, stored.end) == pytest.approx((rep.start, rep.end))
        assert stored.holds_s == pytest.approx(rep.holds_s, abs=1e-3)
        assert np.allclose(stored.peak_flexion, rep.peak_flexion, atol=0.051)
        assert np.allclose(stored.min_flexion, rep.min_flexion, atol=0.051)
    assert [(w.t, w.code, w.message) for w in load_warnings(sid, store)] == [
        (pytest.approx(a.t), a.code.value, a.message) for a in engine.alerts]

    frames = load_frames(sid, store=store)
    assert len(frames) == len(seq.times)
    assert np.abs(frames.times - seq.times).max() < 1e-6
    assert np.array_equal(np.isnan(frames.angles[:, 0]), ~seq.present)
    assert np.nanmax(np.abs(frames.angles - angles)) <= 0.051
    assert np.nanmax(np.abs(frames.world - seq.world)) <= 0.5 / codec.WORLD_SCALE + 1e-9

    # A therapist replays rep 2 from the stored landmarks: the same curves.
    rep = reps[1]
    window = load_frames(sid, rep.start, rep.end, store=store)
    assert window.times[0] >= rep.start and window.times[-1] <= rep.end
    assert len(window) == int(np.sum((seq.times >= rep.start) & (seq.times <= rep.end)))
    replay = np.stack([flexion_angles(w, seq.chirality) for w in window.world])
    recorded = angles[np.searchsorted(seq.times, window.times[0]):][: len(window)]
    err = np.abs(replay - recorded)[:, :12]          # finger joints (thumb: see benchmark)
    assert np.median(err) < 0.5 and err.max() < 3.0


def test_a_crash_keeps_everything_up_to_the_last_flush(db_url):
    """A real crash: the recording process is killed (SIGKILL) without finish()."""
    child = f"""
import os, signal, sys
import numpy as np
sys.path.insert(0, {str(Path(__file__).parent)!r})
from test_storage import a_rep, steady_frames
from exercises.alerts import Alert, Code
from handcoach.storage import SessionRecorder, Store
rec = SessionRecorder(Store(sys.argv[1]), flush_s=2.0)
rec.start("Crash Test", "fist", "right", "live", pain_before=1)
steady_frames(rec, 0.0, 3.0)                 # flushed at t = 2.0
rec.add_frame(3.0, np.full(14, 40.0))
rec.add_warning(Alert(3.0, Code.TOO_FAST, "Slower, please."))
rec.add_rep(a_rep(1, 0.5, 3.0))              # flushed now, with frames up to t = 3.0
steady_frames(rec, 91 / 30, 4.9)             # buffered: the next flush would be t = 5.0
rec.add_warning(Alert(4.0, Code.PARTIAL_RANGE, "All the way, please."))
print(rec.session_id, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""
    proc = subprocess.run([sys.executable, "-c", child, db_url], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    sid = int(proc.stdout.strip())
    store = Store.open(db_url)
    try:
        [info] = list_sessions("Crash Test", store)
        assert info.id == sid and info.status == "open" and info.ended_at is None
        assert (info.reps, info.warnings, info.pain_before) == (1, 1, 1)
        assert info.frames == 91
        frames = load_frames(sid, store=store)
        assert len(frames) == 91 and frames.times[-1] == pytest.approx(3.0)
        # The range of every frame kept, as held (vision.rom): the one frame at 40 deg is
        # kept, and is not a range.
        assert info.rom == RomSummary.of(frames.times, frames.angles).rom_json()
        assert frames.angles[-1, 0] == pytest.approx(40.0)
        assert info.rom["index"]["mcp"]["max"] < 40.0
        assert [w.code for w in load_warnings(sid, store)] == ["TOO_FAST"]
    finally:
        store.close()


# -- the store failing mid-session -----------------------------------------------------
def test_disk_full_keeps_data_in_memory_and_saves_once_space_is_freed(sqlite_url):
    """SQLite's own "database or disk is full" (SQLITE_FULL), reproduced by capping the
    database's size with PRAGMA max_page_count on every connection the store uses."""
    store = Store(sqlite_url)
    cap: dict[str, int | None] = {"pages": None}

    @event.listens_for(store.engine, "checkout")
    def _cap(dbapi_connection, _record, _proxy):
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA max_page_count = {cap['pages'] or 1_073_741_823}")
        cursor.close()

    rec = SessionRecorder(store)
    sid = rec.start("Full Disk", "fist", "right", "live")
    steady_frames(rec, 0.0, 2.1)                      # flushed at t = 2.0
    assert rec.problem is None and count(store, FrameChunk, sid) == 1
    with store.engine.connect() as conn:
        cap["pages"] = conn.exec_driver_sql("PRAGMA page_count").scalar()   # no growth

    steady_frames(rec, 2.1, 8.0)                      # flushes at t = 4 and 6 fail
    rec.add_rep(a_rep(1, 1.0, 7.9))                   # so does this one: nothing raised
    rec.add_warning(Alert(7.9, Code.TOO_FAST, "Slower, please."))
    assert rec.problem == DISK_FULL_MESSAGE and rec.last_error == DISK_FULL
    assert rec.pending == 240 - 61
    assert count(store, FrameChunk, sid) == 1 and session_row(store, sid).reps == 0

    cap["pages"] = None                               # space freed
    assert rec.finish() and rec.problem is None and rec.pending == 0
    assert len(load_frames(sid, store=store)) == 240
    [info] = list_sessions("Full Disk", store)
    assert (info.status, info.reps, info.warnings, info.frames) == ("complete", 1, 1, 240)
    store.close()


def test_disk_full_on_a_real_tiny_filesystem(tmp_path):
    """The same on a real 512 KiB tmpfs filled up with a file (ENOSPC), where mounting is
    allowed (root with CAP_SYS_ADMIN, as on CI); the test above covers it elsewhere."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root; the max_page_count test covers disk full")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mnt)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}); the "
                    "max_page_count test covers disk full")
    store = Store(f"sqlite:///{mnt / 'handcoach.db'}")
    try:
        rec = SessionRecorder(store)
        sid = rec.start("Tiny Disk", "fist", "right", "live")
        steady_frames(rec, 0.0, 2.1)
        assert rec.problem is None
        filler = mnt / "filler"
        with open(filler, "wb", buffering=0) as f:    # fill the disk to the last byte
            try:
                while f.write(b"\0" * 4096):
                    pass
            except OSError:
                pass
        steady_frames(rec, 2.1, 12.0)
        assert rec.problem == DISK_FULL_MESSAGE and rec.pending > 0
        filler.unlink()
        assert rec.finish() and rec.problem is None
        assert len(load_frames(sid, store=store)) == 360
    finally:
        store.close()
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_postgres_going_away_mid_session(relay):
    via, direct, link = relay
    link.start()
    rec = SessionRecorder(Store(via))
    sid = rec.start("Network Gone", "fist", "left", "live", pain_before=0)
    steady_frames(rec, 0.0, 2.1)
    assert sid is not None and rec.problem is None

    link.stop()                                       # the server is unreachable
    steady_frames(rec, 2.1, 6.0)
    rec.add_rep(a_rep(1, 0.5, 5.9))
    rec.add_warning(Alert(5.9, Code.TOO_FAST, "Slower, please."))
    rec.set_pain(after=4)
    assert rec.problem is not None and UNREACHABLE in rec.problem
    assert rec.problem.startswith("Could not save:") and "\n" not in rec.problem
    check = Store(direct)
    assert len(load_frames(sid, store=check)) == 61 and load_reps(sid, check) == []

    link.start()                                      # back
    assert rec.finish() and rec.problem is None
    [info] = list_sessions("Network Gone", check)
    assert (info.status, info.reps, info.warnings, info.frames, info.pain_after) == \
        ("complete", 1, 1, 180, 4)
    assert len(load_frames(sid, store=check)) == 180
    rec.store.close()
    check.close()


def test_postgres_not_there_at_start(relay):
    """Nothing listens at the URL yet: the session is created once a server answers."""
    via, direct, link = relay
    rec = SessionRecorder(Store(via))
    assert rec.start("Server Late", "fist", "right", "live") is None
    assert rec.problem is not None and UNREACHABLE in rec.problem
    steady_frames(rec, 0.0, 5.0)
    rec.add_rep(a_rep(1, 0.5, 4.9))
    assert rec.session_id is None and rec.pending == 150

    link.start()
    assert rec.flush() and rec.session_id is not None and rec.problem is None
    check = Store(direct)
    assert len(load_frames(rec.session_id, store=check)) == 150
    assert [r.number for r in load_reps(rec.session_id, check)] == [1]
    assert rec.finish()
    rec.store.close()
    check.close()


def test_sqlite_folder_missing_then_back(tmp_path):
    """A database on a drive that is not mounted yet: its folder is missing (and is not
    created for an explicit URL), then appears."""
    folder = tmp_path / "usb-drive" / "handcoach"
    rec = SessionRecorder(Store(f"sqlite:///{folder / 'results.db'}"))
    assert rec.start("Drive Late", "fist", "right", "live") is None
    assert rec.problem is not None and UNREACHABLE in rec.problem
    steady_frames(rec, 0.0, 3.0)
    assert not folder.exists()
    folder.mkdir(parents=True)
    assert rec.finish() and rec.problem is None
    assert len(load_frames(rec.session_id, store=rec.store)) == 90
    rec.store.close()


# -- analysed videos, lists and exports ------------------------------------------------
def analysis_result(exercise: str | None) -> AnalysisResult:
    """What an analysis returns for a clip of two fists: the session loop over landmarks
    from the hand model (as VideoAnalysis.run, without the video)."""
    return analysed(fist_clip(seed=5), exercise, "/videos/patient/fist day 3.mp4")


def test_save_analysis_stores_what_the_app_would(store):
    result = analysis_result("fist")
    assert len(result.reps) == 2 and result.warnings
    sid = save_analysis(result, "Ann Example", store, pain_before=3, pain_after=2,
                        prescribed_reps=10, prescribed_sets=1)
    [info] = list_sessions("Ann Example", store)
    assert (info.id, info.source, info.video_name, info.model, info.status) == \
        (sid, "video", "fist day 3.mp4", "lite", "complete")
    assert (info.reps, info.warnings, info.pain_before, info.pain_after) == \
        (2, len(result.warnings), 3, 2)
    assert info.duration_s == pytest.approx(result.duration_s)
    assert info.ended_at - info.started_at == timedelta(seconds=result.duration_s)
    assert info.rom == result.rom().rom_json() and info.tam == result.rom().tam_json()
    reps = load_reps(sid, store)
    assert [(r.number, r.positions, r.flags) for r in reps] == \
        [(r.number, r.positions, r.flags) for r in result.reps]
    for stored, rep in zip(reps, result.reps, strict=True):
        assert (stored.start, stored.end) == pytest.approx((rep.start, rep.end))
        assert np.allclose(stored.peak_flexion, rep.peak_flexion, atol=0.051)
        assert np.allclose(stored.min_flexion, rep.min_flexion, atol=0.051)
    frames = load_frames(sid, store=store)
    assert len(frames) == result.frames
    assert np.nanmax(np.abs(frames.angles - result.angles)) <= 0.051
    assert np.nanmax(np.abs(frames.world - result.world)) <= 0.5 / codec.WORLD_SCALE + 1e-9


def test_save_analysis_without_an_exercise_keeps_rom_only(store):
    result = analysis_result(None)
    save_analysis(result, "Bo", store,
                  started_at=datetime(2025, 3, 1, 9, 30, tzinfo=timezone.utc))
    [row] = export_rows("Bo", store)
    assert row["exercise"] is None and row["reps"] == 0
    assert row["warnings"] == len(result.warnings)         # only what the camera saw
    assert row["start"] == "2025-03-01T09:30:00+00:00"
    assert all(row[f"{f}_{j}_max"] is not None for f, j in ANGLE_NAMES)


def test_exports_filter_by_patient_oldest_first(sqlite_url):
    store = Store(sqlite_url)
    day = datetime(2025, 5, 1, 8, tzinfo=timezone.utc)
    for i, who in enumerate(["Cy", "Di", "Cy"]):
        save_analysis(analysis_result("fist"), who, store, started_at=day - timedelta(days=i))
    rows = export_rows(store=store)
    assert [r["patient"] for r in rows] == ["Cy", "Di", "Cy"][::-1]
    assert [r["start"][:10] for r in export_rows("Cy", store)] == ["2025-04-29", "2025-05-01"]
    with pytest.raises(StoreError, match="no patient named 'Nobody'"):
        export_rows("Nobody", store)
    store.close()


def test_bad_arguments_are_programming_errors(sqlite_url):
    rec = SessionRecorder(Store(sqlite_url))
    with pytest.raises(ValueError, match="start the session"):
        rec.add_frame(0.0, None)
    with pytest.raises(ValueError, match="source"):
        rec.start("Al", "fist", "right", "webcam")
    rec2 = SessionRecorder(Store(sqlite_url))
    with pytest.raises(ValueError, match="0 to 10"):
        rec2.start("Al", "fist", "right", "live", pain_before=11)
    rec3 = SessionRecorder(Store(sqlite_url))
    rec3.start("Al", "fist", None, "live")
    with pytest.raises(ValueError, match="status"):
        rec3.finish("abandoned")
    assert rec3.finish("interrupted")
    with pytest.raises(ValueError, match="finished"):
        rec3.add_frame(1.0, None)
    assert list_sessions("Al", rec3.store)[0].status == "interrupted"


def test_upgrading_a_database_with_sessions_keeps_every_row(db_url):
    """A results file from before accounts (schema 0001) holding a patient's session, its
    reps and warnings: the upgrade adds accounts and prescriptions and loses nothing."""
    engine = create_engine(db_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
        conn.execute(text("INSERT INTO patients (id, name, created_at) "
                          "VALUES (1, 'Old Patient', '2026-11-01 10:00:00')"))
        conn.execute(text(
            "INSERT INTO sessions (id, patient_id, exercise, source, started_at, status, "
            "reps, extra_reps, frames, frames_with_hand) VALUES (1, 1, 'fist', 'live', "
            "'2026-11-01 10:00:00', 'complete', 2, 0, 60, 60)"))
        conn.execute(text("INSERT INTO warnings (session_id, seq, t, code, message) "
                          "VALUES (1, 0, 1.5, 'TOO_FAST', 'Slow down')"))
        conn.execute(text(
            "INSERT INTO reps (session_id, number, set_number, start_s, end_s, positions, "
            "holds_s, peak_flexion, min_flexion, flags) VALUES (1, 1, 1, 0.5, 2.0, '[]', "
            "'[]', '{}', '{}', '[]')"))
    engine.dispose()
    store = Store.open(db_url)
    try:
        (session,) = list_sessions("Old Patient", store=store)
        assert (session.reps, session.warnings, session.warning_codes) == (
            2, 1, {"TOO_FAST": 1})
        assert [r.number for r in load_reps(session.id, store=store)] == [1]
        with store.engine.connect() as conn:
            head = ScriptDirectory.from_config(alembic_config(None)).get_current_head()
            assert MigrationContext.configure(conn).get_current_revision() == head
    finally:
        store.close()


@pytest.mark.parametrize("bad", [11, -1, 3.0, 2.5, "3", [3], True, {"pain": 3}])
def test_a_pain_rating_is_a_whole_number_from_0_to_10_by_type(sqlite_url, bad):
    """Sessions and home tasks share one rule (handcoach.storage.pain): anything but an integer
    0-10 is refused in one line, never stored, never a TypeError."""
    rec = SessionRecorder(Store(sqlite_url))
    with pytest.raises(ValueError, match="whole number from 0 to 10") as err:
        rec.start("Al", "fist", "right", "live", pain_before=bad)
    assert "\n" not in str(err.value)
    assert rec.session_id is None


def test_numpy_integers_are_pain_ratings(sqlite_url):
    rec = SessionRecorder(Store(sqlite_url))
    rec.start("Al", "fist", "right", "live", pain_before=np.int64(3))
    with pytest.raises(ValueError, match="pain after must be a whole number"):
        rec.set_pain(after=4.0)
    rec.set_pain(after=np.int32(5))
    assert rec.finish(pain_after=np.uint8(4))
    (session,) = list_sessions("Al", rec.store)
    assert (session.pain_before, session.pain_after) == (3, 4)
    assert type(session.pain_before) is int
