"""The `curation` command line: a thin shell over the library."""

from curation.cli.main import main

__all__ = ["main"]
