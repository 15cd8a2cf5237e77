"""The signed-in user, as every scoped query receives it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Principal:
    """Who is asking. patient_id: the patient record of a patient account (None for
    staff). Built only by handcoach.accounts.login from the database, never from page input."""

    user_id: int
    username: str
    name: str
    role: str
    patient_id: int | None = None

    @property
    def is_staff(self) -> bool:
        return self.role in ("admin", "therapist")
