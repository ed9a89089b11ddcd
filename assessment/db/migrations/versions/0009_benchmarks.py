"""benchmarks: the anonymous comparison pool, its scores and published snapshots (rule 18);
an assessment's opt-in

Revision ID: 0009
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("benchmark", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "benchmark_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.String(length=100), nullable=False),
        sa.Column("version", sa.String(length=50), nullable=False),
        sa.Column("link", sa.String(length=64), nullable=False),
        sa.Column("sector", sa.String(length=100), nullable=False),
        sa.Column("size_band", sa.String(length=50), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("overall", sa.Float(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("imported", sa.Boolean(), nullable=False),
        sa.Column("published_in", sa.Integer(), nullable=True),
        sa.Column("leaving", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("benchmark_entries", schema=None) as batch_op:
        batch_op.create_index("ix_benchmark_entries_link", ["link"], unique=False)
        batch_op.create_index(
            "ix_benchmark_entries_pool", ["questionnaire_id", "version", "published_in"], unique=False
        )
    op.create_table(
        "benchmark_scores",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=100), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["benchmark_entries.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("entry_id", "dimension"),
    )
    op.create_table(
        "benchmark_snapshots",
        sa.Column("questionnaire_id", sa.String(length=100), nullable=False),
        sa.Column("version", sa.String(length=50), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("questionnaire_id", "version"),
    )


def downgrade() -> None:
    op.drop_table("benchmark_snapshots")
    op.drop_table("benchmark_scores")
    with op.batch_alter_table("benchmark_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_benchmark_entries_pool")
        batch_op.drop_index("ix_benchmark_entries_link")
    op.drop_table("benchmark_entries")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("benchmark")
