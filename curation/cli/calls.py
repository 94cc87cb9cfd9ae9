"""`curation calls`: list and filter the call catalogue."""

from __future__ import annotations

import json

import click

from curation.cli._common import emit_frame, format_option, workspace_option
from curation.vocabulary import DIFFICULTY_CATEGORIES  # an import-free module: --help stays fast


@click.command("calls")
@workspace_option
@click.option("--topic", default=None, help="Only calls with this topic.")
@click.option("--agent", default=None, help="Only calls handled by this agent id.")
@click.option("--language", default=None, help="Only calls in this language (nl, en, ...).")
@click.option("--limit", type=int, default=None, help="Show at most this many rows.")
@click.option("--difficult", is_flag=True,
              help="Only difficult calls (after `curation difficulty analyse`), highest score first, with top reasons.")
@click.option("--category", type=click.Choice(list(DIFFICULTY_CATEGORIES)), default=None,
              help="With --difficult: only calls in this difficulty category.")
@click.option("--min-score", type=click.FloatRange(0, 100), default=None,
              help="With --difficult: every call scoring at least this (0-100), flagged or not.")
@format_option
def calls_command(workspace, topic, agent, language, limit, difficult, category, min_score, fmt) -> None:
    """List the calls in the catalogue (no transcript text, no customer references).

    With --difficult: the analysed calls by difficulty score, each with its top reasons
    (quotes with speaker role and time); with --format json or csv also `reasons`, a list of
    {signal, strength, contribution, quote, speaker, time} per call (quote null for managers)."""
    from curation.catalogue import calls_frame
    from curation.cli._common import open_workspace

    if (category or min_score is not None) and not difficult:
        raise click.UsageError("--category and --min-score need --difficult")
    ws = open_workspace(workspace)
    if difficult:
        from curation.difficulty.browse import difficult_calls_frame
        frame = difficult_calls_frame(ws, category=category, min_score=min_score)
        frame = frame[["call_id", "score", "categories", "top_reasons", *(["reasons"] if fmt != "table" else []),
                       "duration", "agent_id", "topic", "language", "recorded_at", "tags", "learning_topics"]]
        if fmt == "csv":  # one cell per row: the reasons as a JSON list
            frame = frame.assign(reasons=[json.dumps(r, ensure_ascii=False) for r in frame["reasons"]])
    else:
        frame = calls_frame(ws)
    for column, value in (("topic", topic), ("agent_id", agent), ("language", language)):
        if value is not None:
            frame = frame[frame[column] == value]
    if limit is not None:
        frame = frame.head(limit)
    emit_frame(frame, fmt)


COMMANDS = [calls_command]
