"""Options and output helpers shared by the CLI commands."""

from __future__ import annotations

import json
import sys

import click

workspace_option = click.option(
    "--workspace", "-w", "workspace", type=click.Path(file_okay=False), envvar="CURATION_WORKSPACE",
    required=True, help="Workspace folder (default: $CURATION_WORKSPACE).")

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
