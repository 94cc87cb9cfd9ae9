"""Coaching: versioned evaluation forms, evaluations with pre-filled items, the agent roster, and
coaching assignments with their clips and assignees.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coaching_forms",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("definition", sa.Text, nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "coaching_agents",
        sa.Column("name", sa.String(128), primary_key=True),
        sa.Column("agent_id", sa.String(128), nullable=False),
        sa.Column("team", sa.String(128), nullable=False, server_default=""),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("left_at", sa.String(32)),
        sa.Column("added_by", sa.String(128), nullable=False),
        sa.Column("added_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "coaching_evaluations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("call_id", sa.String(128), nullable=False),
        sa.Column("clip_id", sa.String(64)),
        sa.Column("agent_id", sa.String(128)),
        sa.Column("form_name", sa.String(64), nullable=False),
        sa.Column("form_version", sa.Integer, nullable=False),
        sa.Column("evaluator", sa.String(128), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, server_default="draft"),
        sa.Column("total", sa.Float),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_coaching_evaluations_call_id", "coaching_evaluations", ["call_id"])
    op.create_table(
        "coaching_evaluation_items",
        sa.Column("evaluation_id", sa.String(64), primary_key=True),
        sa.Column("question", sa.String(64), primary_key=True),
        sa.Column("call_id", sa.String(128), nullable=False),
        sa.Column("prefill_value", sa.Float),
        sa.Column("prefill_json", sa.Text, nullable=False, server_default="{}"),
        sa.Column("answer", sa.Float),
        sa.Column("status", sa.String(16), nullable=False, server_default="open"),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("decided_by", sa.String(128)),
        sa.Column("decided_at", sa.String(32)),
    )
    op.create_index("ix_coaching_evaluation_items_call_id", "coaching_evaluation_items", ["call_id"])
    op.create_table(
        "coaching_assignments",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("objectives_json", sa.Text, nullable=False, server_default="[]"),
        sa.Column("pack_id", sa.String(64)),
        sa.Column("due", sa.String(10), nullable=False),
        sa.Column("reflection_question", sa.Text, nullable=False, server_default=""),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "coaching_assignment_clips",
        sa.Column("assignment_id", sa.String(64), primary_key=True),
        sa.Column("clip_id", sa.String(64), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_table(
        "coaching_assignees",
        sa.Column("assignment_id", sa.String(64), primary_key=True),
        sa.Column("agent", sa.String(128), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False, server_default="open"),
        sa.Column("acknowledged_at", sa.String(32)),
        sa.Column("reflection", sa.Text, nullable=False, server_default=""),
    )


def downgrade() -> None:
    for name in ("coaching_assignees", "coaching_assignment_clips", "coaching_assignments",
                 "coaching_evaluation_items", "coaching_evaluations", "coaching_agents", "coaching_forms"):
        op.drop_table(name)
