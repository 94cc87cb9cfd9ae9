"""`curation users`: who may do what in a workspace."""

from __future__ import annotations

import click

from curation.cli._common import workspace_option


@click.group("users")
def users_group() -> None:
    """Users and roles (trainer, privacy_reviewer, manager, admin, agent). The acting user is
    $CURATION_USER, else JupyterHub's user, else the OS user."""


ROLE_NAMES = ["trainer", "privacy_reviewer", "manager", "admin", "agent"]
role_option = click.option("--role", "roles", required=True, multiple=True, type=click.Choice(ROLE_NAMES),
                           help="A role (repeat for several: --role trainer --role manager).")


def _in_order(roles) -> list[str]:
    """Each role once, admin first (the first user of an empty workspace makes themselves admin first)."""
    return sorted(dict.fromkeys(roles), key=lambda r: (r != "admin", roles.index(r)))


@users_group.command("add")
@workspace_option
@click.argument("name")
@role_option
def add(workspace, name, roles) -> None:
    """Give NAME one or more roles (admin only; the first user of an empty workspace may make themselves
    admin). Each role is added and audited on its own; all of them are kept."""
    from curation.cli._common import open_workspace
    from curation.roles import add_user

    ws = open_workspace(workspace)
    for role in _in_order(roles):
        add_user(ws, name, role)
        click.echo(f"{name}: {role}")


@users_group.command("remove")
@workspace_option
@click.argument("name")
@role_option
def remove(workspace, name, roles) -> None:
    """Take one or more roles away from NAME (admin only)."""
    from curation.cli._common import open_workspace
    from curation.roles import remove_user

    ws = open_workspace(workspace)
    for role in sorted(dict.fromkeys(roles), key=lambda r: r == "admin"):  # admin last: it permits the rest
        remove_user(ws, name, role)
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
