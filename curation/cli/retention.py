"""`curation retention`: delete originals past their retention date (dry run first)."""

from __future__ import annotations

import json

import click

from curation.cli._common import workspace_option


@click.group("retention")
def retention() -> None:
    """Retention of original recordings and transcripts."""


@retention.command("run")
@workspace_option
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
@click.option("--today", default=None, help="Reference date (YYYY-MM-DD; default: today).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def run_command(workspace, dry_run, today, fmt) -> None:
    """Delete originals (recording, transcript, quotes) whose retention date has passed.

    What goes and what stays follows the personal-data inventory: anonymised clips and consent
    flags stay, quotes are removed, access exports holding the calls go, and the database file is
    vacuumed. Run with --dry-run first to see what would go.
    """
    from datetime import date

    from curation.cli._common import open_workspace
    from curation.retention import run_retention

    try:
        ref = date.fromisoformat(today) if today else None
    except ValueError:
        raise click.BadParameter(f"{today!r} is not a date (YYYY-MM-DD)", param_hint="--today") from None
    report = run_retention(open_workspace(workspace), dry_run=dry_run, today=ref)
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), indent=2))
        return
    verb = "would delete" if dry_run else "deleted"
    for item in report.due:
        click.echo(f"{verb:>12}  {item.call_id}  retention until {item.retention_until}  ({item.size / 1e6:.1f} MB)")
    total = sum(i.size for i in report.due) / 1e6
    click.echo(f"{len(report.due)} originals past retention on {report.today} ({total:.1f} MB)"
               + ("; nothing deleted (dry run)" if dry_run else f"; {len(report.deleted)} deleted"))
    for note in report.notes:
        click.echo(f"note: {note}")


COMMANDS = [retention]
