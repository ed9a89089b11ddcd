"""report cache: rendered PDF bytes keyed by a hash of what they show

Revision ID: 0007
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_cache",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("report_cache", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_cache_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_cache", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_cache_created_at"))
    op.drop_table("report_cache")
