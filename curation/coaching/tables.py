"""Tables of the coaching stage (created by migration 0009_coaching), as SQLAlchemy Core."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Integer, MetaData, String, Table, Text

metadata = MetaData()

coaching_forms = Table(
    "coaching_forms", metadata,
    Column("name", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("title", Text, nullable=False),
    Column("definition", Text, nullable=False),  # the form's TOML text
    Column("created_by", String(128), nullable=False),
    Column("created_at", String(32), nullable=False),
)

coaching_agents = Table(
    "coaching_agents", metadata,
    Column("name", String(128), primary_key=True),  # the agent's workbench user name
    Column("agent_id", String(128), nullable=False),  # the employee id calls carry (calls.agent_id)
    Column("team", String(128), nullable=False, default=""),
    Column("active", Boolean, nullable=False, default=True),
    Column("left_at", String(32)),
    Column("added_by", String(128), nullable=False),
    Column("added_at", String(32), nullable=False),
)

coaching_evaluations = Table(
    "coaching_evaluations", metadata,
    Column("id", String(64), primary_key=True),
    Column("call_id", String(128), nullable=False, index=True),
    Column("clip_id", String(64)),
    Column("agent_id", String(128)),
    Column("form_name", String(64), nullable=False),
    Column("form_version", Integer, nullable=False),
    Column("evaluator", String(128), nullable=False),
    Column("state", String(16), nullable=False, default="draft"),  # draft | final
    Column("total", Float),
    Column("notes", Text, nullable=False, default=""),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
)

coaching_evaluation_items = Table(
    "coaching_evaluation_items", metadata,
    Column("evaluation_id", String(64), primary_key=True),
    Column("question", String(64), primary_key=True),
    Column("call_id", String(128), nullable=False, index=True),
    Column("prefill_value", Float),  # what the analysis suggested (None: nothing to suggest)
    Column("prefill_json", Text, nullable=False, default="{}"),  # measure, value, note, evidence with quotes
    Column("answer", Float),
    Column("status", String(16), nullable=False, default="open"),  # open | prefilled | confirmed | corrected | answered
    Column("note", Text, nullable=False, default=""),
    Column("decided_by", String(128)),
    Column("decided_at", String(32)),
)

coaching_assignments = Table(
    "coaching_assignments", metadata,
    Column("id", String(64), primary_key=True),
    Column("title", Text, nullable=False),
    Column("objectives_json", Text, nullable=False, default="[]"),
    Column("pack_id", String(64)),
    Column("due", String(10), nullable=False),  # YYYY-MM-DD
    Column("reflection_question", Text, nullable=False, default=""),
    Column("created_by", String(128), nullable=False),
    Column("created_at", String(32), nullable=False),
)

coaching_assignment_clips = Table(
    "coaching_assignment_clips", metadata,
    Column("assignment_id", String(64), primary_key=True),
    Column("clip_id", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
)

coaching_assignees = Table(
    "coaching_assignees", metadata,
    Column("assignment_id", String(64), primary_key=True),
    Column("agent", String(128), primary_key=True),  # the agent's user name
    Column("state", String(16), nullable=False, default="open"),  # open | acknowledged
    Column("acknowledged_at", String(32)),
    Column("reflection", Text, nullable=False, default=""),
)
