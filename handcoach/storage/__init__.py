"""The results store: every session a patient does, kept for their therapist.

SQLite in the user's data directory by default, any SQLAlchemy database (PostgreSQL for a
clinic) through HANDCOACH_DB_URL; the schema is migrated on open (storage/migrations).
Landmarks and angles are stored, never video.

- `SessionRecorder`: save as you go from the live app's frame loop (never raises there
  because of the store; `problem` says what went wrong).
- `BackgroundRecorder`: the same, its writes made by a thread of its own, so the frame
  callback never waits for the database.
- `list_sessions`, `export_rows`, `load_reps`, `load_warnings`, `load_frames`: read back.

Reads scoped to one signed-in user are `handcoach.accounts.Access`, built on these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from handcoach.lazy import lazy_exports

#: where each public name lives. Imported on first use (PEP 562): `handcoach analyze`
#: only needs StoreError to report errors, and SQLAlchemy with Alembic cost 0.5 s of its
#: start-up.
_WHERE = {
    "PrescriptionInfo": "records", "program_of": "prescriptions",
    "BackgroundRecorder": "background", "close_abandoned": "abandoned",
    "FrameSeries": "codec", "ENV_URL": "db",
    "Store": "db", "default_db_path": "db", "StoreError": "errors",
    "export_rows": "queries", "list_sessions": "queries", "load_frames": "queries",
    "load_reps": "queries", "load_warnings": "queries", "patient_names": "queries",
    "SessionRecorder": "recorder", "MessageInfo": "messages",
    "SessionInfo": "records", "WarningRecord": "records",
}

__all__ = [
    "MessageInfo", "PrescriptionInfo", "program_of", "ENV_URL",
    "BackgroundRecorder", "FrameSeries", "SessionInfo",
    "SessionRecorder", "Store", "StoreError", "WarningRecord", "default_db_path",
    "export_rows", "list_sessions", "load_frames", "load_reps", "load_warnings",
    "close_abandoned", "patient_names",
]


__getattr__ = lazy_exports(__name__, _WHERE)


if TYPE_CHECKING:
    from .abandoned import close_abandoned
    from .background import BackgroundRecorder
    from .codec import FrameSeries
    from .db import ENV_URL, Store, default_db_path
    from .errors import StoreError
    from .messages import MessageInfo
    from .prescriptions import program_of
    from .queries import (
        export_rows,
        list_sessions,
        load_frames,
        load_reps,
        load_warnings,
        patient_names,
    )
    from .recorder import SessionRecorder
    from .records import PrescriptionInfo, SessionInfo, WarningRecord
