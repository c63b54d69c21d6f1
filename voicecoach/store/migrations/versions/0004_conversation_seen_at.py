"""conversations.seen_at: the trainee's last visit, to mark coach notes added since

Revision ID: 0004_seen
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa


revision = "0004_seen"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seen_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("seen_at")
