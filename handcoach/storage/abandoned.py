"""Sessions left open by a closed tab, a crash or a lost connection.

The recorder saves as it goes, so such a session holds everything up to its last flush,
but its status stays "open" and it has no end. When the patient starts a new session,
their earlier open ones are closed as "interrupted", ending where their last saved frame
ends, so a therapist's list never shows a session that looks still running.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from handcoach.text import person_name

from .db import Store
from .errors import StoreError, reason
from .models import ExerciseSession, FrameChunk, Patient

NOTE = "closed by HandCoach: the session stopped without being finished"


def close_abandoned(patient: str, store: Store, keep: int | None = None) -> list[int]:
    """Mark the patient's open sessions (but `keep`) interrupted; returns their ids.

    Raises StoreError (one line) when the store cannot be written.
    """
    last_t = (select(func.max(FrameChunk.t_end))
              .where(FrameChunk.session_id == ExerciseSession.id)
              .correlate(ExerciseSession).scalar_subquery())
    query = (select(ExerciseSession, last_t)
             .join(Patient, Patient.id == ExerciseSession.patient_id)
             .where(Patient.name == person_name(patient), ExerciseSession.status == "open"))
    if keep is not None:
        query = query.where(ExerciseSession.id != keep)
    closed = []
    try:
        with store.transaction() as s:
            for row, last in s.execute(query).all():
                duration = float(last) if last is not None else 0.0
                row.status = "interrupted"
                row.duration_s = duration
                row.ended_at = row.started_at + timedelta(seconds=duration)
                row.note = row.note or NOTE
                closed.append(row.id)
    except SQLAlchemyError as exc:
        raise StoreError(f"{reason(exc)} ({store.where})") from exc
    return closed
