"""Repeated --set NAME=VALUE options: parsed the same way by every command that takes them."""

import click
import pytest

from curation.cli._common import parse_assignments


def test_assignments_are_stripped_and_the_last_one_wins():
    assert parse_assignments([" a = 1", "b=x=y", "a=2"]) == {"a": "2", "b": "x=y"}


def test_an_item_without_equals_is_a_usage_error_naming_it():
    with pytest.raises(click.BadParameter, match=r"'weird': expected FIELD=VALUE"):
        parse_assignments(["ok=1", "weird"], "FIELD")
