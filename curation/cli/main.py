"""Root of the `curation` command line.

Every module `curation/cli/<name>.py` that defines `COMMANDS = [...]` contributes its
click commands; heavy imports stay inside the command functions so `--help` is fast.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys

import click

import curation
from curation.errors import CurationError


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(curation.__version__, prog_name="curation")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def cli(verbose: int) -> None:
    """Curation workbench: turn recorded customer calls into anonymised training material.

    Build a workspace (`demo` or `ingest`), find difficult calls (`calls`), cut and
    anonymise clips, review them and export clip packs. Every command that works on a
    workspace takes --workspace DIR (or the CURATION_WORKSPACE environment variable).
    """
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(level=max(level, logging.DEBUG), format="%(levelname)s %(name)s: %(message)s")


def _register() -> None:
    import curation.cli as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name in {"main", "docs"} or info.name.startswith("_"):
            continue
        try:
            module = importlib.import_module(f"curation.cli.{info.name}")
        except ImportError as exc:  # a broken plug-in must not take the whole CLI down
            print(f"warning: commands in curation/cli/{info.name}.py unavailable ({exc})", file=sys.stderr)
            continue
        for command in getattr(module, "COMMANDS", []):
            cli.add_command(command)


_register()


def main() -> None:
    try:
        cli(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except CurationError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
