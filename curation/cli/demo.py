"""`curation demo`: build the demo workspace from the synthetic corpus."""

from __future__ import annotations

import time
from pathlib import Path

import click


@click.command("demo")
@click.option("--workspace", "-w", "workspace", type=click.Path(file_okay=False), required=True,
              help="Folder for the demo workspace (created; must not exist unless --if-missing or --force).")
@click.option("--calls", type=click.IntRange(1, 100000), default=50, show_default=True, help="Number of calls.")
@click.option("--seed", type=int, default=1, show_default=True, help="Corpus seed (same seed, same calls).")
@click.option("--clips", type=click.IntRange(0, 50), default=3, show_default=True,
              help="Demo clips to cut, anonymise and submit (one gets approved).")
@click.option("--if-missing", is_flag=True, help="Do nothing when a complete demo workspace is there (an unfinished one is built again).")
@click.option("--force", is_flag=True, help="Replace an existing workspace at that folder.")
def demo(workspace: str, calls: int, seed: int, clips: int, if_missing: bool, force: bool) -> None:
    """Build a demo workspace from the synthetic Dutch call corpus (no server is started).

    The same workspace `make demo` opens in JupyterLab: calls with transcripts, difficulty
    scores and consent records, a few anonymised clips in review, ground truth kept out of the
    workspace, and one user per role (trainer, reviewer, manager, admin). It is built in a
    staging folder and marked complete at the end: with --if-missing an unfinished one (an
    interrupted build) is built again; a second build of the same folder waits for none and is
    refused while one runs.
    """
    from curation.demo import build_demo_workspace, build_lock, demo_state, demo_summary, remove

    root = Path(workspace).absolute()
    with build_lock(root):
        state = demo_state(root)
        if state == "complete" and if_missing:
            built = demo_summary(root)
            click.echo(f"demo workspace already present: {root} ({built.get('calls', '?')} calls, "
                       f"built {built.get('completed_at', '?')})")
            return
        if state == "unfinished" and (if_missing or force or not root.exists()):
            click.echo(f"unfinished demo workspace at {root} (an interrupted build): building it again")
            remove(root)
        elif state != "absent":
            if not force:
                raise click.ClickException(f"{root}: folder exists and is not empty (use --force to replace it)")
            remove(root)
        started = time.monotonic()
        build_demo_workspace(root, calls=calls, seed=seed, clips=clips, say=lambda m: click.echo(f"  {m}"))
    click.echo(f"demo workspace ready: {root} ({calls} calls, {time.monotonic() - started:.1f} s)")


COMMANDS = [demo]
