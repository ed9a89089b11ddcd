"""discussion rounds: a disputed item re-voted on the phones after the room has discussed it

Revision ID: 0005
Revises: 0004 (re-chained after merging issue-10a, whose 0004 also branched from 0001)
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "discussion_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(length=64), nullable=False),
        sa.Column("item_id", sa.String(length=100), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_discussion_rounds_group_id", "discussion_rounds", ["group_id"])
    op.create_table(
        "round_votes",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["discussion_rounds.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("round_id", "assessment_id"),  # one vote per participant
    )


def downgrade() -> None:
    op.drop_table("round_votes")
    op.drop_index("ix_discussion_rounds_group_id", table_name="discussion_rounds")
    op.drop_table("discussion_rounds")
