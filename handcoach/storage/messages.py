"""Messages between a patient and their therapist: one thread per patient.

A patient writes a note, about one of their sessions or none ("it hurt when..."); the
therapist answers or encourages between visits. These helpers run inside the caller's
transaction and know nothing of who may read what: handcoach.accounts.Access scopes every
call to the signed-in user, as it does every other read. Bodies are plain text, checked
by handcoach.text.message_text before they get here; pages show them through
app.safe_text.plain, never as Markdown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .models import Message

#: the most messages a thread shows (newest first): years of weekly notes.
THREAD_LIMIT = 500


@dataclass(frozen=True)
class MessageInfo:
    """One message as a page shows it. author_role: 'patient', 'therapist' or 'admin';
    session_id: the session a note is about (None: the thread in general); read_at: when
    the other side first had it shown (None: unread)."""

    id: int
    patient_id: int
    session_id: int | None
    author: str
    author_role: str
    body: str
    created_at: datetime
    read_at: datetime | None

    @property
    def from_patient(self) -> bool:
        return self.author_role == "patient"

    @property
    def unread(self) -> bool:
        return self.read_at is None


def _info(row: Message) -> MessageInfo:
    return MessageInfo(row.id, row.patient_id, row.session_id, row.author, row.author_role,
                       row.body, row.created_at, row.read_at)


def add(s: Session, patient_id: int, *, author_id: int | None, author: str, role: str,
        body: str, at: datetime, session_id: int | None = None) -> MessageInfo:
    """A new message in the patient's thread (body already checked)."""
    row = Message(patient_id=patient_id, session_id=session_id, author_id=author_id or None,
                  author=author[:200], author_role=role, body=body, created_at=at)
    s.add(row)
    s.flush()
    return _info(row)


def thread(s: Session, patient_id: int, limit: int = THREAD_LIMIT) -> list[MessageInfo]:
    """The patient's thread, newest first."""
    rows = s.scalars(select(Message).where(Message.patient_id == patient_id)
                     .order_by(Message.created_at.desc(), Message.id.desc()).limit(limit))
    return [_info(r) for r in rows]


def mark_read(s: Session, patient_id: int, from_patient: bool, at: datetime) -> int:
    """Mark the unread messages of one side of the thread as read; how many were."""
    side = Message.author_role == "patient" if from_patient \
        else Message.author_role != "patient"
    result = s.execute(update(Message)
                       .where(Message.patient_id == patient_id, side,
                              Message.read_at.is_(None))
                       .values(read_at=at))
    return int(result.rowcount or 0)


def unread_counts(s: Session, patient_ids: Sequence[int], from_patient: bool
                  ) -> dict[int, int]:
    """{patient id: unread messages from the patient (or from staff)}; patients without
    any are left out."""
    side = Message.author_role == "patient" if from_patient \
        else Message.author_role != "patient"
    out: dict[int, int] = {}
    ids = list(patient_ids)
    for start in range(0, len(ids), 500):   # bounded IN lists
        for pid, n in s.execute(select(Message.patient_id, func.count(Message.id))
                                .where(Message.patient_id.in_(ids[start:start + 500]), side,
                                       Message.read_at.is_(None))
                                .group_by(Message.patient_id)):
            out[int(pid)] = int(n)
    return out
