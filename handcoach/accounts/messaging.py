"""The messages part of Access: a patient's thread, as the signed-in user may see it.

Scoped like every other read (Access._visible_patient: a patient reaches only their own
thread, a therapist only their patients', an administrator everyone's). A staff member's
read of a thread leaves its own `view` row in the audit log (detail "messages"), and a
staff member's message a `message` row; a patient's own reads and notes are not logged
(they are the data's subject).

Unread is per side: a patient's note waits for their therapist (or, for a patient with
no therapist, an administrator); a therapist's reply waits for the patient. Another
member of staff reading the thread (an administrator checking it) does not mark it read
for the therapist.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from handcoach.storage import audit, messages
from handcoach.storage.messages import MessageInfo
from handcoach.storage.models import ExerciseSession, Patient
from handcoach.text import message_text

from .errors import NotVisible
from .scoped import ScopedPart


class MessageAccess(ScopedPart):
    """Mixed into Access, whose scope and audit helpers these methods use."""

    def _reads_for(self, patient: Patient) -> bool:
        """True when this user is the one the patient's notes wait for."""
        p = self.principal
        if p.role == "patient":
            return True
        if p.role == "therapist":
            return patient.therapist_id == p.user_id
        return patient.therapist_id is None

    def messages(self, patient_id: int) -> list[MessageInfo]:
        """The patient's thread, newest first (NotVisible outside the scope)."""
        try:
            with self.store.transaction() as s:
                patient = self._visible_patient(s, patient_id, viewed=False)
                self._view(s, patient.id, patient.name, "messages",
                           key=("messages", patient.id))
                return messages.thread(s, patient.id)
        except SQLAlchemyError as exc:
            raise self._error(exc) from exc

    def send_message(self, patient_id: int, body: str, session_id: int | None = None
                     ) -> MessageInfo:
        """Add to the patient's thread: a patient's note (about one of their sessions, or
        none) or a therapist's reply. BadName (one line) for a body that cannot be sent;
        NotVisible for a patient or session outside the scope."""
        text = message_text(body)
        p = self.principal
        try:
            with self.store.transaction() as s:
                patient = self._visible_patient(s, patient_id, viewed=False)
                if session_id is not None and s.scalar(
                        select(ExerciseSession.id).where(
                            ExerciseSession.id == session_id,
                            ExerciseSession.patient_id == patient.id)) is None:
                    raise NotVisible("No such session.")
                info = messages.add(s, patient.id, author_id=p.user_id, author=p.name,
                                    role=p.role, body=text,
                                    at=datetime.now(timezone.utc), session_id=session_id)
                if p.is_staff:
                    audit.add(s, "message", user=p, patient_id=patient.id,
                              patient=patient.name, client=self.client,
                              detail=f"{len(text)} characters")
                return info
        except SQLAlchemyError as exc:
            raise self._error(exc) from exc

    def mark_read(self, patient_id: int) -> int:
        """Mark what the thread holds for this user (the other side's messages) as read,
        once it has been shown; how many were unread. Nothing for staff the notes do not
        wait for."""
        try:
            with self.store.transaction() as s:
                patient = self._visible_patient(s, patient_id, viewed=False)
                if not self._reads_for(patient):
                    return 0
                return messages.mark_read(s, patient.id, self.principal.is_staff,
                                          datetime.now(timezone.utc))
        except SQLAlchemyError as exc:
            raise self._error(exc) from exc

    def unread(self) -> dict[int, int]:
        """{patient id: messages waiting for this user} over the visible patients: for
        staff, the patients' notes; for a patient, their therapist's replies."""
        staff = self.principal.is_staff
        try:
            with self.store.transaction() as s:
                patients = [p for p in s.scalars(select(Patient).where(self._scope()))
                            if self._reads_for(p)]
                return messages.unread_counts(s, [p.id for p in patients],
                                              from_patient=staff)
        except SQLAlchemyError as exc:
            raise self._error(exc) from exc
