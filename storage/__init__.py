"""The results store: every session a patient does, kept for their therapist.

SQLite in the user's data directory by default, any SQLAlchemy database (PostgreSQL for a
clinic) through HANDCOACH_DB_URL; the schema is migrated on open (storage/migrations).
Landmarks and angles are stored, never video.

- `SessionRecorder`: save as you go from the live app's frame loop (never raises there
  because of the store; `problem` says what went wrong).
- `BackgroundRecorder`: the same, its writes made by a thread of its own, so the frame
  callback never waits for the database.
- `save_analysis`: store an analysed video (`handcoach analyze --save`).
- `list_sessions`, `export_rows`, `load_reps`, `load_warnings`, `load_frames`: read back.
"""

from __future__ import annotations

from .background import BackgroundRecorder
from .codec import FrameSeries
from .db import ENV_URL, Store, default_db_path
from .errors import StoreError
from .queries import (
    export_rows,
    list_sessions,
    load_frames,
    load_reps,
    load_warnings,
    patient_names,
)
from .recorder import SessionRecorder, save_analysis
from .records import RepRecord, SessionInfo, WarningRecord

__all__ = [
    "BackgroundRecorder", "ENV_URL", "FrameSeries", "RepRecord", "SessionInfo",
    "SessionRecorder", "Store",
    "StoreError", "WarningRecord", "default_db_path", "export_rows", "list_sessions",
    "load_frames", "load_reps", "load_warnings", "patient_names", "save_analysis",
]
