"""results store: patients, sessions, reps, warnings, frames

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _utc() -> sa.types.TypeEngine:
    return sa.DateTime(timezone=True)


def _session_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["session_id"], ["sessions.id"],
                                   name=op.f(f"fk_{table}_session_id_sessions"),
                                   ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "patients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patients")),
        sa.UniqueConstraint("name", name=op.f("uq_patients_name")),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(length=40), nullable=True),
        sa.Column("hand_side", sa.String(length=5), nullable=True),
        sa.Column("source", sa.String(length=5), nullable=False),
        sa.Column("video_name", sa.String(length=255), nullable=True),
        sa.Column("model", sa.String(length=10), nullable=True),
        sa.Column("app_version", sa.String(length=40), nullable=True),
        sa.Column("started_at", _utc(), nullable=False),
        sa.Column("ended_at", _utc(), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("pain_before", sa.SmallInteger(), nullable=True),
        sa.Column("pain_after", sa.SmallInteger(), nullable=True),
        sa.Column("prescribed_reps", sa.Integer(), nullable=True),
        sa.Column("prescribed_sets", sa.Integer(), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=False),
        sa.Column("extra_reps", sa.Integer(), nullable=False),
        sa.Column("frames", sa.Integer(), nullable=False),
        sa.Column("frames_with_hand", sa.Integer(), nullable=False),
        sa.Column("fps", sa.Float(), nullable=True),
        sa.Column("rom", _json(), nullable=True),
        sa.Column("tam", _json(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint("hand_side IS NULL OR hand_side IN ('left', 'right')",
                           name=op.f("ck_sessions_hand_side")),
        sa.CheckConstraint("source IN ('live', 'video')", name=op.f("ck_sessions_source")),
        sa.CheckConstraint("status IN ('open', 'complete', 'interrupted')",
                           name=op.f("ck_sessions_status")),
        sa.CheckConstraint("pain_after IS NULL OR (pain_after >= 0 AND pain_after <= 10)",
                           name=op.f("ck_sessions_pain_after")),
        sa.CheckConstraint("pain_before IS NULL OR (pain_before >= 0 AND pain_before <= 10)",
                           name=op.f("ck_sessions_pain_before")),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"],
                                name=op.f("fk_sessions_patient_id_patients"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
    )
    op.create_index("ix_sessions_patient_started", "sessions", ["patient_id", "started_at"])
    op.create_table(
        "frames",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("t_start", sa.Float(), nullable=False),
        sa.Column("t_end", sa.Float(), nullable=False),
        sa.Column("n_frames", sa.Integer(), nullable=False),
        sa.Column("codec", sa.SmallInteger(), nullable=False),
        sa.Column("times", sa.LargeBinary(), nullable=False),
        sa.Column("angles", sa.LargeBinary(), nullable=False),
        sa.Column("world", sa.LargeBinary(), nullable=True),
        _session_fk("frames"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_frames")),
        sa.UniqueConstraint("session_id", "seq", name=op.f("uq_frames_session_id_seq")),
    )
    op.create_index("ix_frames_session_time", "frames", ["session_id", "t_start"])
    op.create_table(
        "reps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("set_number", sa.Integer(), nullable=False),
        sa.Column("start_s", sa.Float(), nullable=False),
        sa.Column("end_s", sa.Float(), nullable=False),
        sa.Column("positions", _json(), nullable=False),
        sa.Column("holds_s", _json(), nullable=False),
        sa.Column("peak_flexion", _json(), nullable=False),
        sa.Column("min_flexion", _json(), nullable=False),
        sa.Column("flags", _json(), nullable=False),
        _session_fk("reps"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reps")),
        sa.UniqueConstraint("session_id", "number", name=op.f("uq_reps_session_id_number")),
    )
    op.create_index(op.f("ix_reps_session_id"), "reps", ["session_id"])
    op.create_table(
        "warnings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("t", sa.Float(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        _session_fk("warnings"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warnings")),
        sa.UniqueConstraint("session_id", "seq", name=op.f("uq_warnings_session_id_seq")),
    )
    op.create_index(op.f("ix_warnings_session_id"), "warnings", ["session_id"])


def downgrade() -> None:
    op.drop_table("warnings")
    op.drop_table("reps")
    op.drop_table("frames")
    op.drop_table("sessions")
    op.drop_table("patients")
