"""workshop integrity: published snapshots (rule 13), completion order, idempotency keys

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("completion_counter", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("published_through", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("snapshot_held", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("completion_seq", sa.Integer(), nullable=True))
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("assessment_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scope", "key"),
    )
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idempotency_keys_assessment_id"), ["assessment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_idempotency_keys_created_at"), ["created_at"], unique=False)

    # Number the complete responses already in groups in their completion order; nothing is
    # published until the next view applies rule 13 to them.
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, group_id FROM assessments WHERE group_id IS NOT NULL AND status = 'complete' "
            "ORDER BY group_id, completed_at, id"
        )
    ).all()
    counters: dict[str, int] = {}
    for assessment_id, group_id in rows:
        counters[group_id] = counters.get(group_id, 0) + 1
        bind.execute(
            sa.text("UPDATE assessments SET completion_seq = :n WHERE id = :id"),
            {"n": counters[group_id], "id": assessment_id},
        )
    for group_id, n in counters.items():
        bind.execute(sa.text("UPDATE groups SET completion_counter = :n WHERE id = :id"), {"n": n, "id": group_id})


def downgrade() -> None:
    op.drop_table("idempotency_keys")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("completion_seq")
    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.drop_column("snapshot_held")
        batch_op.drop_column("published_through")
        batch_op.drop_column("completion_counter")
