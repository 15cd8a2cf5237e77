"""home tasks: prescribed items the camera does not judge, and the patient's log of them

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    # A new nullable column: SQLite adds it in place (no table copy, nothing cascades).
    op.add_column("prescriptions", sa.Column("tasks", _json(), nullable=True))
    op.create_table(
        "task_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("task", sa.String(length=40), nullable=False),
        sa.Column("hand_side", sa.String(length=5), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("pain_before", sa.SmallInteger(), nullable=True),
        sa.Column("pain_after", sa.SmallInteger(), nullable=True),
        sa.Column("prescription_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("hand_side IS NULL OR hand_side IN ('left', 'right')",
                           name=op.f("ck_task_logs_hand_side")),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_task_logs_amount")),
        sa.CheckConstraint("pain_before IS NULL OR (pain_before >= 0 AND pain_before <= 10)",
                           name=op.f("ck_task_logs_pain_before")),
        sa.CheckConstraint("pain_after IS NULL OR (pain_after >= 0 AND pain_after <= 10)",
                           name=op.f("ck_task_logs_pain_after")),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"],
                                name=op.f("fk_task_logs_patient_id_patients"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["prescription_id"], ["prescriptions.id"],
                                name=op.f("fk_task_logs_prescription_id_prescriptions"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_logs")),
    )
    op.create_index("ix_task_logs_patient_done", "task_logs", ["patient_id", "done_at"])


def downgrade() -> None:
    op.drop_index("ix_task_logs_patient_done", table_name="task_logs")
    op.drop_table("task_logs")
    with op.batch_alter_table("prescriptions") as batch:
        batch.drop_column("tasks")
