"""What the parts of Access mixed into it (messages, home tasks) use of it: its store,
principal and client, and its scope and error helpers (defined by Access)."""

from __future__ import annotations

from sqlalchemy import ColumnElement
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from handcoach.storage.db import Store
from handcoach.storage.errors import StoreError
from handcoach.storage.models import Patient

from .principal import Principal


class ScopedPart:
    """Mixed into Access, whose scope and audit helpers these stubs name."""

    store: Store
    principal: Principal
    client: str | None

    def _scope(self) -> ColumnElement[bool]: ...
    def _error(self, exc: SQLAlchemyError) -> StoreError: ...
    def _visible_patient(self, s: Session, patient_id: int, viewed: bool = True
                         ) -> Patient: ...
    def _view(self, s: Session, patient_id: int | None, patient: str | None,
              detail: str | None = None, key: object = None) -> None: ...
