"""Writing one session's pending rows in one transaction: the recorder's SQL.

A write creates the session's row the first time (and its patient's, when new), then
updates the row's summary and adds the chunks, reps and warnings not yet written. Rows
already there (same unique key) are skipped: a commit whose acknowledgement was lost
(the connection died just after it) is retried, and the retry must be harmless.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from exercises.counter import Rep

from .buffer import Chunk
from .db import Store
from .models import ExerciseSession, FrameChunk, Patient, RepRow, WarningRow
from .records import WarningRecord, rep_columns


@dataclass(frozen=True)
class PendingRows:
    """What one write adds: the session row's values and the rows not yet written.

    warnings: (seq, warning) pairs, seq numbering every warning of the session."""

    summary: dict[str, Any]
    chunks: Sequence[Chunk]
    reps: Sequence[Rep]
    warnings: Sequence[tuple[int, WarningRecord]]


def _insert_new(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows, skipping any already there (same unique key)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        session.execute(insert(table), rows)
        return
    session.execute(dialect_insert(table).on_conflict_do_nothing(), rows)


class SessionWriter:
    """Writes a session's rows to one store; `write` returns the session's id."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def write(self, session_id: int | None, patient: str, rows: PendingRows) -> int:
        """One transaction; raises the store's own errors (SQLAlchemy, OSError)."""
        with self.store.transaction() as s:
            sid = session_id
            if sid is None:
                row = s.scalar(select(Patient).where(Patient.name == patient))
                if row is None:
                    row = Patient(name=patient, created_at=datetime.now(timezone.utc))
                    s.add(row)
                    s.flush()
                session_row = ExerciseSession(patient_id=row.id, **rows.summary)
                s.add(session_row)
                s.flush()
                sid = session_row.id
            else:
                s.execute(update(ExerciseSession).where(ExerciseSession.id == sid)
                          .values(**rows.summary))
            _insert_new(s, FrameChunk.__table__,
                        [{"session_id": sid, **c.columns()} for c in rows.chunks])
            _insert_new(s, RepRow.__table__,
                        [{"session_id": sid, **rep_columns(r)} for r in rows.reps])
            _insert_new(s, WarningRow.__table__,
                        [{"session_id": sid, "seq": seq, "t": w.t, "code": w.code,
                          "message": w.message} for seq, w in rows.warnings])
        return sid
