"""`curation users`: who may do what in a workspace."""

from __future__ import annotations

import click

from curation.cli._common import workspace_option


@click.group("users")
def users_group() -> None:
    """Users and roles (trainer, privacy_reviewer, manager, admin). The acting user is
    $CURATION_USER, else JupyterHub's user, else the OS user."""


@users_group.command("add")
@workspace_option
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["trainer", "privacy_reviewer", "manager", "admin"]))
def add(workspace, name, role) -> None:
    """Give NAME a role (admin only; the first user of an empty workspace may make themselves admin)."""
    from curation.cli._common import open_workspace
    from curation.roles import add_user

    add_user(open_workspace(workspace), name, role)
    click.echo(f"{name}: {role}")


@users_group.command("remove")
@workspace_option
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["trainer", "privacy_reviewer", "manager", "admin"]))
def remove(workspace, name, role) -> None:
    """Take a role away from NAME (admin only)."""
    from curation.cli._common import open_workspace
    from curation.roles import remove_user

    remove_user(open_workspace(workspace), name, role)
    click.echo(f"{name}: {role} removed")


@users_group.command("list")
@workspace_option
def list_command(workspace) -> None:
    """List users and their roles."""
    from curation.cli._common import open_workspace
    from curation.roles import list_users

    for name, role in list_users(open_workspace(workspace)):
        click.echo(f"{name}\t{role}")


@users_group.command("whoami")
@workspace_option
def whoami(workspace) -> None:
    """Show the acting user and their roles in this workspace."""
    from curation.cli._common import open_workspace
    from curation.roles import actor

    click.echo(actor(open_workspace(workspace)).describe())


COMMANDS = [users_group]
