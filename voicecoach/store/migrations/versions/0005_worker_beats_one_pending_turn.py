"""worker heartbeats, one pending turn per customer line

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 16:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

PENDING = sa.text("status IN ('queued', 'running')")


def upgrade() -> None:
    op.create_table('worker_beats',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('beat_at', sa.DateTime(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('name')
    )
    with op.batch_alter_table('worker_beats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worker_beats_beat_at'), ['beat_at'], unique=False)
    # Earlier databases may hold two pending turns for one line: keep the newest pending.
    op.execute(
        "UPDATE turns SET status = 'error', error = '{\"code\": \"analysis_failed\", \"message\": "
        "\"Deze opname is niet geanalyseerd: er kwam een nieuwere voor dezelfde klantzin.\"}' WHERE status IN ('queued', 'running') AND EXISTS ("
        "SELECT 1 FROM turns AS later WHERE later.conversation_id = turns.conversation_id "
        "AND later.number = turns.number AND later.status IN ('queued', 'running') "
        "AND later.created_at > turns.created_at)"
    )
    op.create_index('uq_turns_one_pending_per_line', 'turns', ['conversation_id', 'number'], unique=True,
                    sqlite_where=PENDING, postgresql_where=PENDING)


def downgrade() -> None:
    op.drop_index('uq_turns_one_pending_per_line', table_name='turns')
    with op.batch_alter_table('worker_beats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worker_beats_beat_at'))
    op.drop_table('worker_beats')
