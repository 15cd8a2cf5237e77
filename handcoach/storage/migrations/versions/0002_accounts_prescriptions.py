"""accounts, sign-in sessions and attempts, versioned prescriptions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _utc() -> sa.types.TypeEngine:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("password_changed_at", _utc(), nullable=False),
        sa.CheckConstraint("role IN ('admin', 'therapist', 'patient')",
                           name=op.f("ck_users_role")),
        sa.CheckConstraint("role != 'patient' OR patient_id IS NOT NULL",
                           name=op.f("ck_users_patient_link")),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"],
                                name=op.f("fk_users_patient_id_patients"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
        sa.UniqueConstraint("patient_id", name=op.f("uq_users_patient_id")),
    )
    with op.batch_alter_table("patients") as batch:
        batch.add_column(sa.Column("therapist_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_patients_therapist_id_users"), "users",
                                 ["therapist_id"], ["id"], ondelete="SET NULL")
        batch.create_index(op.f("ix_patients_therapist_id"), ["therapist_id"])
    op.create_table(
        "login_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("last_seen_at", _utc(), nullable=False),
        sa.Column("expires_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_login_sessions_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_login_sessions_token_hash")),
    )
    op.create_index(op.f("ix_login_sessions_user_id"), "login_sessions", ["user_id"])
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    op.create_index("ix_login_attempts_username_at", "login_attempts", ["username", "at"])
    op.create_table(
        "prescriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("hand", sa.String(length=5), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("exercises", _json(), nullable=False),
        sa.Column("doses", _json(), nullable=False),
        sa.Column("rom_targets", _json(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint("hand IN ('left', 'right')", name=op.f("ck_prescriptions_hand")),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"],
                                name=op.f("fk_prescriptions_patient_id_patients"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_prescriptions_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prescriptions")),
        sa.UniqueConstraint("patient_id", "hand", "version",
                            name=op.f("uq_prescriptions_patient_id_hand_version")),
    )
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("prescription_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_sessions_prescription_id_prescriptions"),
                                 "prescriptions", ["prescription_id"], ["id"],
                                 ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_constraint(op.f("fk_sessions_prescription_id_prescriptions"),
                              type_="foreignkey")
        batch.drop_column("prescription_id")
    op.drop_table("prescriptions")
    op.drop_table("login_attempts")
    op.drop_table("login_sessions")
    with op.batch_alter_table("patients") as batch:
        batch.drop_index(op.f("ix_patients_therapist_id"))
        batch.drop_constraint(op.f("fk_patients_therapist_id_users"), type_="foreignkey")
        batch.drop_column("therapist_id")
    op.drop_table("users")
