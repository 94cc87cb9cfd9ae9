"""`curation calls`: list and filter the call catalogue."""

from __future__ import annotations

import click

from curation.cli._common import emit_frame, format_option, workspace_option


@click.command("calls")
@workspace_option
@click.option("--topic", default=None, help="Only calls with this topic.")
@click.option("--agent", default=None, help="Only calls handled by this agent id.")
@click.option("--language", default=None, help="Only calls in this language (nl, en, ...).")
@click.option("--limit", type=int, default=None, help="Show at most this many rows.")
@format_option
def calls_command(workspace, topic, agent, language, limit, fmt) -> None:
    """List the calls in the catalogue (no transcript text, no customer references)."""
    from curation.catalogue import calls_frame
    from curation.cli._common import open_workspace

    frame = calls_frame(open_workspace(workspace))
    for column, value in (("topic", topic), ("agent_id", agent), ("language", language)):
        if value is not None:
            frame = frame[frame[column] == value]
    if limit is not None:
        frame = frame.head(limit)
    emit_frame(frame, fmt)


COMMANDS = [calls_command]
