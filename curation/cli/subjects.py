"""`curation subjects`: data-subject requests (erasure, access) for a customer reference."""

from __future__ import annotations

import json
import sys

import click

from curation.cli._common import workspace_option

ref_option = click.option("--customer-ref", "customer_ref", required=True,
                          help="The customer's reference (klantnummer) as in the manifest; '-' reads it from stdin. "
                               "Only its keyed hash is used.")


def _ref(value: str) -> str:
    return sys.stdin.readline().strip() if value == "-" else value


@click.group("subjects")
def subjects() -> None:
    """Data-subject requests under the AVG: erasure (art. 17) and access (art. 15)."""


@subjects.command("erase")
@workspace_option
@ref_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def erase_command(workspace, customer_ref, fmt) -> None:
    """Delete everything held about the person (as the personal-data inventory declares), revoke
    every clip and pack made from their calls, vacuum the database, and leave a tombstone without
    personal data. An erasure a crash interrupted is finished first."""
    from curation.cli._common import open_workspace
    from curation.subjects import erase_subject

    outcome = erase_subject(open_workspace(workspace), _ref(customer_ref))
    if fmt == "json":
        click.echo(json.dumps(outcome.to_json(), indent=2))
        return
    click.echo(f"erasure request {outcome.request_id}: {len(outcome.calls)} calls erased, "
               f"{len(outcome.clips_revoked)} clips revoked, {len(outcome.packs_revoked)} packs revoked, "
               f"{outcome.files_deleted} files deleted")
    for note in outcome.notes:
        click.echo(f"note: {note}")


@subjects.command("access")
@workspace_option
@ref_option
@click.option("--out", default=None, type=click.Path(),
              help="A new zip file (.zip) or folder outside the workspace; default: W/exports/<request>.zip.")
def access_command(workspace, customer_ref, out) -> None:
    """Export everything held about the person for them: recordings, transcripts, every column the
    personal-data inventory declares theirs, their anonymised clips (owner-only zip)."""
    from curation.cli._common import open_workspace
    from curation.subjects import access_subject

    outcome = access_subject(open_workspace(workspace), _ref(customer_ref), out)
    click.echo(f"access request {outcome.request_id}: {len(outcome.calls)} calls, {outcome.files} files -> {outcome.path}")


COMMANDS = [subjects]
