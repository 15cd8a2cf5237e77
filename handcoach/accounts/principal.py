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


#: whoever runs `handcoach sessions|report|users|audit`: the database's administrator
#: (whoever can open the database can read it all anyway); id 0 is no account.
COMMAND_LINE = Principal(0, "command-line", "command line", "admin")
