"""`curation doctor`: is the workspace safe to keep personal data in?"""

from __future__ import annotations

import sys

import click

from curation.cli._common import workspace_option


def report_problems(root, problems) -> None:
    """One line per problem on stderr, then a summary line."""
    for problem in problems:
        click.echo(f"problem: {problem.line(root)}", err=True)


@click.command("doctor")
@workspace_option
@click.option("--fix", is_flag=True, help="Tighten the permissions (folders 0700, files 0600), finish "
                                          "deletions a crash interrupted and delete temporary uploads left in "
                                          "the audio store; then check again.")
def doctor(workspace, fix) -> None:
    """Check a workspace: folders and files other users can open (the folder, database and its
    -wal/-shm, key, originals, exports, packs), deletions left unfinished, columns without a
    personal-data declaration, and (with a remote audio store) temporary uploads a failed import left
    there. One line per problem; exit 8 when there is any."""
    from curation.store.doctor import EXIT_UNSAFE, check_workspace, fix_workspace
    from curation.workspace import WORKSPACE_FILE, resolve_workspace

    root = resolve_workspace(workspace).absolute()
    if not (root / WORKSPACE_FILE).is_file():
        raise click.ClickException(f"{root}: not a workspace (no {WORKSPACE_FILE})")
    if fix:
        from curation.store.forget import pending_journals

        done = fix_workspace(root)
        if pending_journals(root):  # finishing a deletion needs the database
            from curation.cli._common import open_workspace

            ws = open_workspace(root)
            try:
                done += fix_workspace(root, ws)
            finally:
                ws.close()
        for line in done:
            click.echo(f"fixed: {line}")
    problems = check_workspace(root)
    if problems:
        report_problems(root, problems)
        click.echo(f"error: {len(problems)} problem(s) in workspace {root}", err=True)
        sys.exit(EXIT_UNSAFE)
    click.echo(f"workspace {root}: permissions owner-only, no unfinished deletions, every column declared")


COMMANDS = [doctor]
