"""The home-tasks part of Access: a patient confirms a prescribed task done (scar
massage, putty...), and the patient and their staff read the log.

Scoped like every other read: a patient logs and reads only their own; a therapist
reads their patients' (never logs for them: a task is done when the patient says so).
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from exercises.errors import LibraryError
from exercises.home_tasks import MAX_AMOUNT, load_tasks
from handcoach.storage.models import TaskLog
from handcoach.storage.pain import pain_rating
from handcoach.storage.records import TaskLogInfo

from .errors import NotVisible
from .scoped import ScopedPart


def _info(row: TaskLog) -> TaskLogInfo:
    return TaskLogInfo(id=row.id, patient_id=row.patient_id, task=row.task,
                       hand_side=row.hand_side, done_at=row.done_at, amount=row.amount,
                       pain_before=row.pain_before, pain_after=row.pain_after,
                       prescription_id=row.prescription_id)


def _pain(value: object, which: str) -> int | None:
    try:
        return pain_rating(value, which)
    except ValueError as exc:
        raise LibraryError(str(exc)) from None


class TaskAccess(ScopedPart):
    """Mixed into Access, whose scope helpers these methods use."""

    def log_task(self, task: str, amount: int, hand_side: str | None = None,
                 pain_before: int | None = None, pain_after: int | None = None,
                 prescription_id: int | None = None,
                 done_at: datetime | None = None) -> TaskLogInfo:
        """The signed-in patient's confirmation of one task done (LibraryError, one line,
        for an unknown task or an amount out of range; NotVisible for staff)."""
        if self.principal.role != "patient" or self.principal.patient_id is None:
            raise NotVisible("Only the patient can say a task is done.")
        known = load_tasks().get(task)
        if known is None:
            raise LibraryError(f"unknown home task {task!r}")
        top = MAX_AMOUNT[known.kind]
        if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= top:
            raise LibraryError(f"{known.name}: the amount must be 0 to {top}")
        if hand_side not in (None, "left", "right"):
            raise LibraryError("hand must be \"left\" or \"right\"")
        row = TaskLog(patient_id=self.principal.patient_id, task=task, hand_side=hand_side,
                      done_at=done_at or datetime.now(timezone.utc), amount=amount,
                      pain_before=_pain(pain_before, "before"),
                      pain_after=_pain(pain_after, "after"), prescription_id=prescription_id)
        try:
            with self.store.transaction() as s:
                self._visible_patient(s, self.principal.patient_id, viewed=False)
                s.add(row)
                s.flush()
                return _info(row)
        except SQLAlchemyError as exc:
            raise self._error(exc) from exc

    def task_logs(self, patient_id: int, since: datetime | None = None
                  ) -> list[TaskLogInfo]:
        """One visible patient's tasks done, oldest first (NotVisible outside the scope)."""
        query = select(TaskLog).where(TaskLog.patient_id == patient_id)
        if since is not None:
            query = query.where(TaskLog.done_at >= since)
        try:
            with self.store.transaction() as s:
                self._visible_patient(s, patient_id)
                return [_info(r) for r in s.scalars(query.order_by(TaskLog.done_at,
                                                                   TaskLog.id))]
        except SQLAlchemyError as exc:
            raise self._error(exc) from exc
