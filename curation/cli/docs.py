"""Renders the CLI reference (docs/cli.md) from the commands' own --help texts."""

from __future__ import annotations

import click

from curation.cli.main import cli


def _walk(command: click.Command, path: list[str]):
    yield path, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from _walk(command.commands[name], path + [name])


def render() -> str:
    parts = ["# `curation` command reference\n",
             "Generated from the commands' `--help` by `make docs`; a test fails when it drifts.\n"]
    for path, command in _walk(cli, ["curation"]):
        ctx = click.Context(command, info_name=" ".join(path), terminal_width=100, max_content_width=100,
                            help_option_names=["-h", "--help"])
        parts.append(f"\n## `{' '.join(path)}`\n\n```\n{command.get_help(ctx)}\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    print(render(), end="")
