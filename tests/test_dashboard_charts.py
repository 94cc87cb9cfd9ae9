"""The manager dashboard's charts read well: titles short enough for their chart, and axis labels that
never repeat (a small-valued axis gets the decimals it needs)."""

from __future__ import annotations

import pytest

from tests.test_widgets_aggregates import crafted  # noqa: F401  (fixture)
from widgets.dashboard import TITLE_MAX_CHARS, ManagerDashboard, nice_ticks, tick_format


def _labels(ticks, fmt: str) -> list[str]:
    return [format(int(t) if fmt == "d" else t, fmt) for t in ticks]


@pytest.mark.parametrize("top", [0.03, 0.1, 0.25, 0.37, 1.5, 4.0, 12.5, 37.0, 250.0])
def test_fractional_axes_have_distinct_tick_labels(top):
    ticks = nice_ticks(top, integers=False)
    labels = _labels(ticks, tick_format(ticks, integers=False))
    assert len(set(labels)) == len(labels), labels


@pytest.mark.parametrize("top", [0, 1, 3, 7, 25, 999])
def test_count_axes_have_whole_distinct_labels(top):
    ticks = nice_ticks(top, integers=True)
    labels = _labels(ticks, tick_format(ticks, integers=True))
    assert len(set(labels)) == len(labels) and all(label.isdigit() for label in labels)


def test_every_chart_title_fits_its_chart(crafted):  # noqa: F811
    board = ManagerDashboard(crafted, user="boss")
    assert board.feedback.level == "ok", board.feedback.text
    titles = [fig.title for fig in board.charts.children]
    assert len(titles) == 6 and all(len(t) <= TITLE_MAX_CHARS for t in titles), titles


def test_turnaround_in_fractions_of_an_hour_gets_distinct_labels(crafted):  # noqa: F811
    board = ManagerDashboard(crafted, user="boss")
    [turnaround] = [f for f in board.charts.children if "turnaround" in f.title]
    axis = turnaround.axes[1]
    labels = _labels(axis.tick_values, axis.tick_format)
    assert len(set(labels)) == len(labels), labels
