"""cohorts: an assessment's wave and keyed hash of its respondent code

Revision ID: 0003
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None

WHERE = "status = 'complete' AND respondent_hash IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wave", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("respondent_hash", sa.String(length=64), nullable=True))
    op.create_index(
        "uq_assessments_cohort_wave_code",
        "assessments",
        ["group_id", "wave", "respondent_hash"],
        unique=True,
        sqlite_where=sa.text(WHERE),
        postgresql_where=sa.text(WHERE),
    )


def downgrade() -> None:
    op.drop_index("uq_assessments_cohort_wave_code", table_name="assessments")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("respondent_hash")
        batch_op.drop_column("wave")
