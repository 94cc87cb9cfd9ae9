"""The manager dashboard's charts read well: titles short enough for their chart, and axis labels that
never repeat (a small-valued axis gets the decimals it needs)."""

from __future__ import annotations

import pytest

from tests.test_widgets_aggregates import crafted  # noqa: F401  (fixture)
from widgets.dashboard import TITLE_MAX_CHARS, ManagerDashboard, bar_chart, nice_ticks, tick_format, tick_label


def _labels(ticks, fmt: str) -> list[str]:
    return [tick_label(t, fmt) for t in ticks]


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
    assert len(set(turnaround.tick_labels)) == len(turnaround.tick_labels), turnaround.tick_labels


def test_a_chart_is_svg_with_one_bar_per_label_and_its_value_on_hover():
    chart = bar_chart(["training_allowed", "excluded"], [0.25, 0.05], "Hours", "hours")
    svg = chart.value
    assert svg.startswith("<svg") and svg.count("class='bar'") == 2 and "cw-chart" in chart._dom_classes
    assert "<title>training allowed: 0.25 hours</title>" in svg and chart.tick_labels == ["0.00", "0.05", "0.10",
                                                                                         "0.15", "0.20", "0.25",
                                                                                         "0.30"]


def test_chart_text_is_escaped():
    svg = bar_chart(["<b>x</b>"], [1], "a < b", "n").value
    assert "<b>" not in svg and "&lt;b&gt;x&lt;/b&gt;" in svg and "a &lt; b" in svg


def test_the_dashboard_kernel_needs_no_plotting_library():
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", "import sys, widgets.dashboard; print('bqplot' in sys.modules)"],
                            capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{repo}:{repo / 'datasets'}"})
    assert result.stdout.strip() == "False", result.stderr[-1500:]
