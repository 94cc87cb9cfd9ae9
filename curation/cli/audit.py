"""`curation audit`: verify the hash-chained audit trail and list its events."""

from __future__ import annotations

import sys

import click

from curation.cli._common import format_option, workspace_option


@click.group("audit")
def audit_group() -> None:
    """The append-only, hash-chained audit trail (privacy reviewers and admins)."""


def _reader(ws):
    from curation.roles import actor, require

    require(actor(ws), "audit.read", "read the audit trail")


@audit_group.command("verify")
@workspace_option
@click.option("--anchor", default=None, metavar="SEQ:HASH",
              help="A head printed by an earlier verify: also prove the trail still contains it "
                   "(catches cut-off newest events and a rebuilt trail).")
def verify(workspace, anchor) -> None:
    """Check the chain: exit 6 with the first problem when an event was edited, deleted, inserted or
    reordered. Prints the head (SEQ:HASH) to keep as a witness for --anchor. Then runs the checks of
    `curation doctor` (permissions, unfinished deletions): exit 8 with one line per problem."""
    from curation import audit
    from curation.cli._common import open_workspace

    witness = None
    if anchor:
        seq, _, digest = anchor.partition(":")
        if not seq.isdigit() or len(digest) != 64:
            raise click.BadParameter("expected SEQ:HASH as printed by `curation audit verify`", param_hint="--anchor")
        witness = (int(seq), digest.lower())
    ws = open_workspace(workspace)
    _reader(ws)
    with ws.engine.connect() as conn:
        problems = audit.verify(conn)
        if witness:
            problem = audit.check_anchor(conn, *witness)
            problems += [problem] if problem else []
        total = audit.count(conn)
        seq, digest = audit.head(conn)
    if problems:
        for p in problems[1:]:
            click.echo(f"event {p.seq}: {p.problem}", err=True)
        first = problems[0]
        click.echo(f"error: audit trail broken at event {first.seq}: {first.problem} "
                   f"({len(problems)} problem(s) in {total} events)", err=True)
        sys.exit(6)
    click.echo(f"audit trail intact: {total} events; head {seq}:{digest}")
    from curation.cli.doctor import report_problems
    from curation.store.doctor import EXIT_UNSAFE, check_workspace

    unsafe = check_workspace(ws.root)
    if unsafe:
        report_problems(ws.root, unsafe)
        click.echo(f"error: {len(unsafe)} workspace problem(s); `curation doctor -w {ws.root} --fix` tightens "
                   "permissions and finishes deletions", err=True)
        sys.exit(EXIT_UNSAFE)


@audit_group.command("log")
@workspace_option
@click.option("--actor", default=None, help="Only events by this user.")
@click.option("--action", default=None, help="Only this action (e.g. clip.played); end with '.' for a prefix (clip.).")
@click.option("--object-type", default=None, help="Only events on this kind of object (call, clip, pack, user).")
@click.option("--object", "object_id", default=None, help="Only events on this object id.")
@click.option("--since", default=None, help="ISO timestamp (UTC), inclusive.")
@click.option("--until", default=None, help="ISO timestamp (UTC), exclusive.")
@click.option("--limit", type=int, default=None, help="At most this many (newest first with --newest-first).")
@click.option("--newest-first", is_flag=True, help="Newest events first.")
@format_option
def log(workspace, actor, action, object_type, object_id, since, until, limit, newest_first, fmt) -> None:
    """List audit events with filters."""
    import json

    import pandas as pd

    from curation import audit
    from curation.cli._common import emit_frame, open_workspace

    ws = open_workspace(workspace)
    _reader(ws)
    with ws.engine.connect() as conn:
        found = audit.events(conn, actor=actor, action=action, object_type=object_type, object_id=object_id,
                             since=since, until=until, limit=limit, newest_first=newest_first)
    rows = [{**e.to_dict(), "details": json.dumps(e.details, sort_keys=True, ensure_ascii=False)} for e in found]
    emit_frame(pd.DataFrame(rows, columns=["seq", "at", "actor", "action", "object_type", "object_id", "details"]),
               fmt)


COMMANDS = [audit_group]
