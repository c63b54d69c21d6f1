"""login throttle, user active flag, login addresses, normalised user names

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 10:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'login_throttle',
        sa.Column('key', sa.String(length=120), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttle_last_at'), ['last_at'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), server_default='1', nullable=False))
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=64), nullable=True))
    # failed attempts are now counted in login_throttle; the old rows are never read again
    op.execute("DELETE FROM login_attempts WHERE NOT success")
    _normalise_user_names()


def _normalise_user_names() -> None:
    """Lower-case and strip existing user names (log-in compares normalised names); a name whose
    normalised form is taken already stays as it was."""
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, username FROM users")).all()
    taken = {name for _id, name in rows}
    for user_id, name in rows:
        normal = name.strip().casefold()
        if normal != name and normal not in taken:
            connection.execute(sa.text("UPDATE users SET username = :n WHERE id = :i"), {"n": normal, "i": user_id})
            taken.discard(name)
            taken.add(normal)


def downgrade() -> None:
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_column('address')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('active')
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttle_last_at'))
    op.drop_table('login_throttle')
