"""classroom rollenspel: rounds, members, round conversations, observer marks, customer readings,
board events, group assignments, classroom settings

Revision ID: 0008
Revises: 0006
"""

from alembic import op
import sqlalchemy as sa


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _user(name: str, ondelete: str = "CASCADE", **kw) -> sa.Column:  # type: ignore[no-untyped-def]
    return sa.Column(name, sa.Integer(), sa.ForeignKey("users.id", ondelete=ondelete), **kw)


def upgrade() -> None:
    op.create_table(
        "class_rounds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(12), nullable=False, unique=True),
        _user("teacher_id", nullable=False, index=True),
        sa.Column("group_id", sa.Integer(), sa.ForeignKey("groups.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("scenario_id", sa.String(60), nullable=False),
        sa.Column("customer_mode", sa.String(20), nullable=False),
        sa.Column("conversation_id", sa.String(36), sa.ForeignKey("conversations.id", ondelete="SET NULL"), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "round_members",
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("class_rounds.id", ondelete="CASCADE"), primary_key=True),
        _user("user_id", primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        sa.Column("joined_order", sa.Integer(), nullable=False),
    )
    op.create_table(
        "round_conversations",
        sa.Column("conversation_id", sa.String(36), sa.ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("class_rounds.id", ondelete="CASCADE"), nullable=False, index=True),
        _user("customer_id", ondelete="SET NULL", nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "observer_marks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("conversation_id", sa.String(36), sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, index=True),
        _user("observer_id", nullable=False, index=True),
        sa.Column("turn_number", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(60), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "customer_readings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("conversation_id", sa.String(36), sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, index=True),
        _user("user_id", nullable=False, index=True),
        sa.Column("recording_id", sa.String(36), sa.ForeignKey("recordings.id", ondelete="CASCADE"), nullable=False),
        sa.Column("turn_number", sa.Integer(), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.Column("anger", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "round_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("class_rounds.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("round_id", "key", name="uq_round_events_key"),
    )
    op.create_table(
        "group_assignments",
        sa.Column("group_id", sa.Integer(), sa.ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("scenario_id", sa.String(60), primary_key=True),
        _user("teacher_id", ondelete="SET NULL", nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "classroom_settings",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        _user("changed_by", ondelete="SET NULL", nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in ("classroom_settings", "group_assignments", "round_events", "customer_readings",
                  "observer_marks", "round_conversations", "round_members", "class_rounds"):
        op.drop_table(table)
