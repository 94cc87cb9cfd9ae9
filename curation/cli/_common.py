"""Options and output helpers shared by the CLI commands."""

from __future__ import annotations

import json
import os
import sys

import click

SERVICE_URL_ENV = "CURATION_SERVICE_URL"  # curation.remote.SERVICE_URL_ENV (not imported: the CLI starts fast)

workspace_option = click.option(
    "--workspace", "-w", "workspace", type=click.Path(file_okay=False), envvar="CURATION_WORKSPACE",
    required=not os.environ.get(SERVICE_URL_ENV),
    help="Workspace folder (default: $CURATION_WORKSPACE; in team mode, with $CURATION_SERVICE_URL set and no "
         "workspace, commands that only run user operations go through the curation service).")

format_option = click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
                             show_default=True, help="Output format.")

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """Neutralise spreadsheet formulas in text cells (CSV injection): prefix with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def parse_assignments(items, placeholder: str = "NAME") -> dict[str, str]:
    """Repeated `--set NAME=VALUE` options as {name: value} (both stripped); a bad item is a usage error."""
    out = {}
    for item in items:
        name, eq, value = item.partition("=")
        if not eq:
            raise click.BadParameter(f"{item!r}: expected {placeholder}=VALUE", param_hint="--set")
        out[name.strip()] = value.strip()
    return out


def open_workspace(path):
    """The workspace folder `path`; without one, in team mode, the curation service (as the user of
    the kernel's JupyterHub token)."""
    if not path and not os.environ.get("CURATION_WORKSPACE") and os.environ.get(SERVICE_URL_ENV):
        from curation.remote import RemoteWorkspace

        return RemoteWorkspace()
    from curation.workspace import Workspace, resolve_workspace
    return Workspace.open(resolve_workspace(path))


def emit_frame(frame, fmt: str) -> None:
    """Print a DataFrame as an aligned table, JSON records or CSV."""
    import pandas as pd  # only commands that print a table pay for pandas

    if fmt == "json":
        # one record per line: json's C encoder does not indent, and indenting in Python costs more than the query
        records = json.loads(frame.to_json(orient="records", date_format="iso"))
        lines = ",\n".join("  " + json.dumps(r, ensure_ascii=False) for r in records)
        click.echo(f"[\n{lines}\n]" if records else "[]")
    elif fmt == "csv":
        safe = frame.copy()
        for col in safe.columns:
            if safe[col].dtype == object or str(safe[col].dtype) in ("str", "string"):
                safe[col] = safe[col].map(csv_safe)
        safe.to_csv(sys.stdout, index=False)
    else:
        if frame.empty:
            click.echo("(no rows)")
        else:
            with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200,
                                   "display.max_colwidth", 80):
                click.echo(frame.to_string(index=False, na_rep=""))  # a missing value is blank, not NaN


_WORKERS = click.option("--workers", type=click.IntRange(min=1), default=None,
                        help="Local worker processes (default: all cores; a small batch runs in-process). "
                             "1 = in-process.")
_SCHEDULER = click.option("--scheduler", metavar="tcp://HOST:PORT", default=None,
                          help="Run on this Dask cluster instead (its workers must see the workspace folder and "
                               "database).")
_PROGRESS = click.option("--progress/--no-progress", "progress", default=None,
                         help="Progress bar with ETA on stderr (default: only on a terminal).")


def _apply(fn, options):
    for option in reversed(options):
        fn = option(fn)
    return fn


def parallel_options(fn):
    """--workers, --scheduler, --progress: where a batch command's work runs."""
    return _apply(fn, [_WORKERS, _SCHEDULER, _PROGRESS])


def batch_options(fn):
    """--workers, --scheduler, --chunk-size, --redo, --progress: how a batch command spreads its work."""
    return _apply(fn, [
        _WORKERS, _SCHEDULER,
        click.option("--chunk-size", type=click.IntRange(min=1), default=200, show_default=True,
                     help="Calls stored per audited write; a batch that stops keeps every whole chunk."),
        click.option("--redo", is_flag=True, help="Analyse calls again even when stored results are up to date "
                                                  "(default: skip them, so an interrupted batch continues)."),
        _PROGRESS,
    ])


def batch_plan(workers, scheduler, chunk_size, progress):
    from curation.batch import Plan

    return Plan(workers=workers, scheduler=scheduler, chunk_size=chunk_size, progress=progress)


def write_private(target, data: bytes):
    """Write `data` to `target` for its owner only (0600), atomically: a `.NAME.part` beside it is
    renamed over it when complete, and removed if anything fails (team mode: what a kernel receives
    from the curation service, packs and audio)."""
    from pathlib import Path

    target = Path(target)
    tmp = target.with_name(f".{target.name}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
