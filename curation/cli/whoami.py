"""`curation whoami`: the acting user, their roles, and how to act as another user."""

from __future__ import annotations

import click

from curation.cli._common import workspace_option


@click.command("whoami")
@workspace_option
def whoami(workspace) -> None:
    """Show who you act as (and with which roles), where that name came from, and how to act as
    another user (CURATION_USER)."""
    from curation.cli._common import open_workspace
    from curation.roles import HOW_TO_SWITCH, whoami as identity

    me = identity(open_workspace(workspace))
    click.echo(me.line()[0].upper() + me.line()[1:] + ".")
    if not me.roles:
        click.echo(f"An admin gives roles: curation users add {me.name} --role ROLE "
                   "(trainer, privacy_reviewer, manager, admin).")
    else:
        others = sorted({n for n, _r in me.known_users} - {me.name})
        if others:
            click.echo("Other users here: " + ", ".join(others) + ".")
    if me.source != "JupyterHub token":
        click.echo(HOW_TO_SWITCH)


COMMANDS = [whoami]
