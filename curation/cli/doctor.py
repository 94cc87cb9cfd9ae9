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
                                          "the audio store and originals no call refers to; then check again.")
def doctor(workspace, fix) -> None:
    """Check a workspace: folders and files other users can open (the folder, database and its
    -wal/-shm, key, originals, exports, packs), deletions left unfinished, columns without a
    personal-data declaration, originals in the audio store that no call refers to (an import killed
    before its call was stored; only those older than an hour, so imports in progress are left alone),
    and (with a remote audio store) temporary uploads a failed import left there. One line per
    problem; exit 8 when there is any."""
    from curation.cli._common import open_workspace
    from curation.errors import CurationError
    from curation.store.doctor import (EXIT_UNSAFE, Problem, check_orphan_originals, check_workspace, fix_workspace,
                                       remove_orphan_originals)
    from curation.workspace import WORKSPACE_FILE, resolve_workspace

    root = resolve_workspace(workspace).absolute()
    if not (root / WORKSPACE_FILE).is_file():
        raise click.ClickException(f"{root}: not a workspace (no {WORKSPACE_FILE})")
    if fix:
        done = fix_workspace(root)  # permissions first: then the workspace may be opened
        ws = open_workspace(root)  # finishing deletions and removing orphans need the catalogue
        try:
            done += fix_workspace(root, ws) + remove_orphan_originals(ws)
        finally:
            ws.close()
        for line in done:
            click.echo(f"fixed: {line}")
    problems = check_workspace(root)
    try:
        ws = open_workspace(root)
    except CurationError as exc:
        problems.append(Problem(".", f"cannot be opened to check its originals against the catalogue ({exc})",
                                fixable=False))
    else:
        try:
            problems += check_orphan_originals(ws)
        except CurationError as exc:  # e.g. the audio store is out of reach
            problems.append(Problem(".", str(exc), fixable=False))
        finally:
            ws.close()
    if problems:
        report_problems(root, problems)
        click.echo(f"error: {len(problems)} problem(s) in workspace {root}", err=True)
        sys.exit(EXIT_UNSAFE)
    click.echo(f"workspace {root}: permissions owner-only, no unfinished deletions, every column declared, "
               "every original in the catalogue")


COMMANDS = [doctor]
