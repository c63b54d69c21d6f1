"""turns.reply_id: the page's own id for one recorded reply, so sending it again (its answer was
lost on the way back) finds the turn it already made instead of a second one or a refusal;
deleted_replies: the ids of deleted turns, refused when sent again

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("turns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply_id", sa.String(length=36), nullable=True))
    op.create_index("uq_turns_reply_id", "turns", ["conversation_id", "reply_id"], unique=True)
    op.create_table(
        "deleted_replies",
        sa.Column("conversation_id", sa.String(length=36), nullable=False),
        sa.Column("reply_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("conversation_id", "reply_id"),
    )


def downgrade() -> None:
    op.drop_table("deleted_replies")
    op.drop_index("uq_turns_reply_id", table_name="turns")
    with op.batch_alter_table("turns", schema=None) as batch_op:
        batch_op.drop_column("reply_id")
