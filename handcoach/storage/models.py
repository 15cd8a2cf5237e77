"""The results store's tables (SQLAlchemy 2 typed ORM), the same on SQLite and PostgreSQL.

What a therapist reviews decides the shape: trends and adherence come from one `sessions`
row per exercise session (dates, reps against the prescription, pain, ROM and TAM already
summarised, so that a year of sessions is one small query); per-rep quality from `reps`;
what the patient was told from `warnings`; and the replay of any rep's angle curves from
`frames`, which keeps every frame's angles and world landmarks in compressed chunks
(storage/codec.py). Video is never stored, only its file name.

Changing a table means a new Alembic migration in storage/migrations/versions/.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: JSONB on PostgreSQL (queryable, compact), JSON text elsewhere.
JSONType = JSON().with_variant(JSONB(), "postgresql")

STATUSES = ("open", "complete", "interrupted")
SOURCES = ("live", "video")
SIDES = ("left", "right")
ROLES = ("admin", "therapist", "patient")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, on every backend.

    SQLite has no time zones: a naive value read back would be ambiguous, so naive
    datetimes are refused on the way in and UTC is attached on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("datetimes stored by HandCoach must be timezone-aware")
        utc = value.astimezone(timezone.utc)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect
                             ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    # Named constraints: Alembic's SQLite batch mode needs names to alter them later.
    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    })
    type_annotation_map = {dict[str, Any]: JSONType, list[Any]: JSONType}


def _side_and_pain_checks() -> tuple[CheckConstraint, ...]:
    """A hand side (or none) and pain ratings 0-10 (or none): sessions and task logs."""
    return (CheckConstraint("hand_side IS NULL OR hand_side IN ('left', 'right')",
                            name="hand_side"),
            CheckConstraint("pain_before IS NULL OR (pain_before >= 0 AND pain_before <= 10)",
                            name="pain_before"),
            CheckConstraint("pain_after IS NULL OR (pain_after >= 0 AND pain_after <= 10)",
                            name="pain_after"))


class Patient(Base):
    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: the therapist who sees this patient (users.id); NULL: only an administrator does.
    therapist_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", use_alter=True), index=True)

    sessions: Mapped[list[ExerciseSession]] = relationship(back_populates="patient")


class User(Base):
    """An account. A patient account is tied to one `patients` row (patient_id); a
    therapist's patients point back at it (patients.therapist_id). Only an argon2 hash of
    the password is kept."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'therapist', 'patient')", name="role"),
        CheckConstraint("role != 'patient' OR patient_id IS NOT NULL", name="patient_link"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    patient_id: Mapped[int | None] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LoginSession(Base):
    """A signed-in browser. Only the SHA-256 of its token is kept, so a copy of the
    database does not let anyone sign in."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LoginAttempt(Base):
    """A sign-in attempt not (yet) successful, for rate limiting: the SHA-256 of the name
    as typed (lowercased), never the name itself nor the password."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_username_at", "username", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class Prescription(Base):
    """One version of a patient's program for one hand; a change is a new row (version
    + 1) with who and when, never an update. The newest version is the one in force.

    exercises: ids in order; doses: {id: {reps, sets, hold_s, rest_s, sessions_per_day,
    max_reps_per_day}} (every value, not only the changed ones); rom_targets: {finger:
    {joint: deg}}.
    """

    __tablename__ = "prescriptions"
    __table_args__ = (
        UniqueConstraint("patient_id", "hand", "version"),
        CheckConstraint("hand IN ('left', 'right')", name="hand"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    hand: Mapped[str] = mapped_column(String(5))
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    #: the author's name as it was (kept if the account is removed).
    created_by: Mapped[str] = mapped_column(String(200))
    exercises: Mapped[list[Any]]
    doses: Mapped[dict[str, Any]]
    rom_targets: Mapped[dict[str, Any]]
    note: Mapped[str | None] = mapped_column(Text)
    #: home tasks the camera does not judge (exercises/home_tasks.toml), in order:
    #: {id: {"amount", "sessions_per_day"}}; NULL before they existed (none).
    tasks: Mapped[dict[str, Any] | None]


class TaskLog(Base):
    """A home task (scar massage, putty...) the patient confirmed done, with how much and
    their pain before and after; it counts in adherence like a session."""

    __tablename__ = "task_logs"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount"),
        *_side_and_pain_checks(),
        Index("ix_task_logs_patient_done", "patient_id", "done_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    task: Mapped[str] = mapped_column(String(40))
    hand_side: Mapped[str | None] = mapped_column(String(5))
    done_at: Mapped[datetime] = mapped_column(UTCDateTime())
    amount: Mapped[int] = mapped_column(Integer)
    pain_before: Mapped[int | None] = mapped_column(SmallInteger)
    pain_after: Mapped[int | None] = mapped_column(SmallInteger)
    prescription_id: Mapped[int | None] = mapped_column(
        ForeignKey("prescriptions.id", ondelete="SET NULL"))


class ExerciseSession(Base):
    """One exercise done once: live in the app, or a recorded video analysed.

    rom: {finger: {joint: {"min": deg, "max": deg}}} as in `analyze --json`; tam: {finger:
    deg}; both None-valued where a joint was never seen. reps counts every rep, extra ones
    (past the prescription) included, as `analyze` does.
    """

    __tablename__ = "sessions"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'complete', 'interrupted')", name="status"),
        CheckConstraint("source IN ('live', 'video')", name="source"),
        *_side_and_pain_checks(),
        Index("ix_sessions_patient_started", "patient_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    exercise: Mapped[str | None] = mapped_column(String(40))
    hand_side: Mapped[str | None] = mapped_column(String(5))
    source: Mapped[str] = mapped_column(String(5))
    video_name: Mapped[str | None] = mapped_column(String(255))
    model: Mapped[str | None] = mapped_column(String(10))
    app_version: Mapped[str | None] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    duration_s: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(12), default="open")
    pain_before: Mapped[int | None] = mapped_column(SmallInteger)
    pain_after: Mapped[int | None] = mapped_column(SmallInteger)
    prescribed_reps: Mapped[int | None] = mapped_column(Integer)
    prescribed_sets: Mapped[int | None] = mapped_column(Integer)
    reps: Mapped[int] = mapped_column(Integer, default=0)
    extra_reps: Mapped[int] = mapped_column(Integer, default=0)
    frames: Mapped[int] = mapped_column(Integer, default=0)
    frames_with_hand: Mapped[int] = mapped_column(Integer, default=0)
    fps: Mapped[float | None] = mapped_column(Float)
    rom: Mapped[dict[str, Any] | None]
    tam: Mapped[dict[str, Any] | None]
    note: Mapped[str | None] = mapped_column(Text)
    #: the prescription version the patient was following (NULL: none, or personal use).
    prescription_id: Mapped[int | None] = mapped_column(
        ForeignKey("prescriptions.id", ondelete="SET NULL"))

    patient: Mapped[Patient] = relationship(back_populates="sessions")


class RepRow(Base):
    """One counted rep: timing (s from the session start), positions reached with their
    hold times, peak and lowest flexion per joint ({finger: {joint: deg}}), flags."""

    __tablename__ = "reps"
    __table_args__ = (UniqueConstraint("session_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"),
                                            index=True)
    number: Mapped[int] = mapped_column(Integer)
    set_number: Mapped[int] = mapped_column(Integer, default=1)
    start_s: Mapped[float] = mapped_column(Float)
    end_s: Mapped[float] = mapped_column(Float)
    positions: Mapped[list[Any]]
    holds_s: Mapped[list[Any]]
    peak_flexion: Mapped[dict[str, Any]]
    min_flexion: Mapped[dict[str, Any]]
    flags: Mapped[list[Any]]


class WarningRow(Base):
    """What the patient was told, when (s from the session start); seq orders them."""

    __tablename__ = "warnings"
    __table_args__ = (UniqueConstraint("session_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"),
                                            index=True)
    seq: Mapped[int] = mapped_column(Integer)
    t: Mapped[float] = mapped_column(Float)
    code: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)


class AuditEntry(Base):
    """Who did what to whose data, and when (storage/audit.py): sign-ins, failed
    sign-ins, every view of a patient's data by staff, exports, reports, prescriptions
    and account changes. Rows are only ever added. The user's and the patient's names
    are kept as they were, so the log still reads after an account or record goes."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),
                      Index("ix_audit_log_patient_id", "patient_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    username: Mapped[str | None] = mapped_column(String(80))
    role: Mapped[str | None] = mapped_column(String(10))
    action: Mapped[str] = mapped_column(String(30))
    patient_id: Mapped[int | None] = mapped_column(
        ForeignKey("patients.id", ondelete="SET NULL"))
    patient: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)
    client: Mapped[str | None] = mapped_column(String(64))


class Message(Base):
    """One message between a patient and their care team (storage/messages.py): the
    patient's note, about one session or none, or a therapist's reply. One thread per
    patient. read_at: when the other side (the patient for staff messages, the patient's
    therapist for the patient's) first had it shown; NULL while unread. The author's name
    is kept as it was, so the thread still reads after an account goes."""

    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint("author_role IN ('admin', 'therapist', 'patient')",
                        name="author_role"),
        Index("ix_messages_patient_created", "patient_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author: Mapped[str] = mapped_column(String(200))
    author_role: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FrameChunk(Base):
    """Consecutive frames of a session, compressed (storage/codec.py, `codec` version).

    t_start/t_end: first and last frame time, so that a rep's frames are found without
    decoding the rest. world is NULL when the chunk has no landmarks (video analysis).
    """

    __tablename__ = "frames"
    __table_args__ = (UniqueConstraint("session_id", "seq"),
                      Index("ix_frames_session_time", "session_id", "t_start"))

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    t_start: Mapped[float] = mapped_column(Float)
    t_end: Mapped[float] = mapped_column(Float)
    n_frames: Mapped[int] = mapped_column(Integer)
    codec: Mapped[int] = mapped_column(SmallInteger)
    times: Mapped[bytes] = mapped_column(LargeBinary)
    angles: Mapped[bytes] = mapped_column(LargeBinary)
    world: Mapped[bytes | None] = mapped_column(LargeBinary)
