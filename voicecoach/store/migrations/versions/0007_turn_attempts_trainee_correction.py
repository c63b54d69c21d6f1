"""turns: attempts (retry a line, keep one) and who corrected the transcript

state_after / line_after: the customer's state and next line after this attempt, so the
conversation can go on from whichever attempt the trainee keeps; set_aside: an attempt that is not
the one kept; corrected_by: who wrote turns.corrected_text (the trainee or a coach).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("turns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state_after", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("line_after", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("set_aside", sa.Boolean(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("corrected_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_turns_corrected_by_users", "users", ["corrected_by"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("turns", schema=None) as batch_op:
        batch_op.drop_constraint("fk_turns_corrected_by_users", type_="foreignkey")
        batch_op.drop_column("corrected_by")
        batch_op.drop_column("set_aside")
        batch_op.drop_column("line_after")
        batch_op.drop_column("state_after")
