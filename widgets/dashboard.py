"""Manager dashboard: bqplot charts over `curation.aggregates` (counts only, no personal data)."""

from __future__ import annotations

import html
import math

import bqplot as bq
import ipywidgets as w

from widgets.base import Feedback, guarded, table_html

CHART_LAYOUT = dict(width="440px", height="300px")
TITLE_MAX_CHARS = 34  # what a 440 px chart shows of its 16 px title whatever the numbers in it; longer ones are cut
PALETTE = ["#2166ac", "#b2182b", "#4d9221", "#e08214", "#762a83", "#35978f", "#8c510a", "#c51b7d"]


def nice_ticks(top: float, integers: bool, target: int = 5) -> list[float]:
    """Round tick values from 0 to one step above `top` (1-2-5 steps; whole numbers for counts), so
    every tick label is exact and the bars line up with it."""
    top = max(float(top), 1.0 if integers else 0.1)
    raw = top / target
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if integers:
        step = max(1.0, float(round(step)))
    count = math.floor(top / step + 1e-9) + 1  # one tick above the highest bar: headroom for its label
    return [round(i * step, 6) for i in range(count + 1)]


def tick_format(ticks: list[float], integers: bool) -> str:
    """A d3 format with just enough decimals that no two tick labels read the same (a 0.02 step
    printed with one decimal would repeat "0.0, 0.0, 0.1, 0.1")."""
    if integers:
        return "d"
    step = min((b - a for a, b in zip(ticks, ticks[1:])), default=1.0)
    return f".{max(1, -math.floor(math.log10(step) + 1e-9))}f"


def bar_chart(labels: list[str], values: list[float], title: str, y_label: str, colour: str = PALETTE[0]) -> bq.Figure:
    numbers = [float(v) for v in values]
    integers = all(v.is_integer() for v in numbers)
    ticks = nice_ticks(max(numbers + [0.0]), integers)
    x, y = bq.OrdinalScale(), bq.LinearScale(min=0, max=ticks[-1])
    bars = bq.Bars(x=[str(v).replace("_", " ") for v in labels], y=numbers, scales={"x": x, "y": y},
                   colors=[colour], labels=[y_label], tooltip=bq.Tooltip(fields=["x", "y"]))
    ax_x = bq.Axis(scale=x, tick_rotate=-40, tick_style={"font-size": "10px", "text-anchor": "end"})
    ax_y = bq.Axis(scale=y, side="left", label=y_label, tick_values=ticks, tick_format=tick_format(ticks, integers))
    fig = bq.Figure(marks=[bars], axes=[ax_x, ax_y], title=title, layout=w.Layout(**CHART_LAYOUT),
                    fig_margin=dict(top=40, bottom=110, left=55, right=15))
    fig.add_class("cw-chart")
    return fig


def line_chart(x_labels: list[str], series: dict[str, list[float]], title: str, y_label: str) -> bq.Figure:
    names = list(series)
    ticks = nice_ticks(max([float(v) for n in names for v in series[n]] + [0.0]), integers=True)  # counts
    x, y = bq.OrdinalScale(), bq.LinearScale(min=0, max=ticks[-1])
    lines = bq.Lines(x=[str(v) for v in x_labels], y=[[float(v) for v in series[n]] for n in names],
                     scales={"x": x, "y": y}, colors=PALETTE[:len(names)], labels=names, display_legend=True,
                     marker="circle", marker_size=16)
    ax_x = bq.Axis(scale=x, tick_rotate=-40, tick_style={"font-size": "10px", "text-anchor": "end"})
    ax_y = bq.Axis(scale=y, side="left", label=y_label, tick_values=ticks, tick_format="d")
    fig = bq.Figure(marks=[lines], axes=[ax_x, ax_y], title=title, legend_location="top-left",
                    layout=w.Layout(width="900px", height="300px"),
                    fig_margin=dict(top=40, bottom=85, left=55, right=15))
    fig.add_class("cw-chart")
    return fig


class ManagerDashboard(w.VBox):
    """Numbers a manager may see: calls by difficulty, clips by state, consent outcomes, review
    turnaround, upcoming retention deletions, erasure requests and the weekly trend."""

    def __init__(self, ws, user: str | None = None):
        self.ws, self.user = ws, user
        self.feedback = Feedback()
        self.totals = w.HTML()
        self.charts = w.Box(layout=w.Layout(display="flex", flex_flow="row wrap"))
        self.trend_box = w.VBox()
        self.refresh_button = w.Button(description="Refresh", icon="refresh", tooltip="Read the numbers again")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.data = None
        super().__init__([w.HBox([self.refresh_button, self.feedback]),
                          self.totals, self.charts, self.trend_box])
        self.add_class("cw-dashboard")
        self.refresh()

    @guarded
    def refresh(self) -> None:
        from curation.aggregates import compute

        data = compute(self.ws, self.user)
        self.data = data
        t = data.totals
        cards = [("Calls", t["calls"]), ("Hours of audio", t["hours_of_audio"]), ("Clips", t["clips"]),
                 ("Re-enactment backlog", t["reenactment_backlog"]),
                 ("Originals due for deletion (30 days)", t["originals_due_30_days"]),
                 ("Erasure requests handled", t["erasure_requests"])]
        self.totals.value = "<div class='cw-cards' style='display:flex;gap:14px;flex-wrap:wrap'>" + "".join(
            f"<div class='cw-card' style='border:1px solid #d0d7de;border-radius:6px;padding:6px 12px'>"
            f"<div style='font-size:11px;color:#57606a'>{html.escape(name)}</div>"
            f"<div style='font-size:22px;font-weight:600'>{html.escape(str(value))}</div></div>"
            for name, value in cards) + "</div>"
        charts = [
            bar_chart(data.calls_by_category["category"].tolist(), data.calls_by_category["calls"].tolist(),
                      "Calls by difficulty category", "calls", PALETTE[0]),
            bar_chart(data.clips_by_state["state"].tolist(), data.clips_by_state["clips"].tolist(),
                      "Clips by state", "clips", PALETTE[2]),
            bar_chart(data.consent_outcomes["outcome"].tolist(), data.consent_outcomes["clips"].tolist(),
                      "Consent outcomes of clips", "clips", PALETTE[3]),  # the backlog has its own card
            bar_chart(data.retention_deletions["month"].tolist(), data.retention_deletions["originals_due"].tolist(),
                      "Upcoming retention deletions", "originals", PALETTE[1]),
        ]
        turnaround = data.review_turnaround
        if len(turnaround):
            charts.append(bar_chart(turnaround["week"].tolist(), turnaround["median_hours"].tolist(),
                                    "Review turnaround (median hours)", "hours", PALETTE[4]))
        else:
            charts.append(bar_chart(["no reviews yet"], [0], "Review turnaround (median hours)", "hours", PALETTE[4]))
        erasures = data.erasure_requests
        charts.append(bar_chart(erasures["month"].tolist() or ["none yet"], erasures["handled"].tolist() or [0],
                                "Erasure requests handled", "requests", PALETTE[5]))
        self.charts.children = charts
        weekly = data.trend
        series = {"calls": weekly["calls"].tolist(), "difficult calls": weekly["difficult_calls"].tolist(),
                  "clips created": weekly["clips_created"].tolist(),
                  "clips approved": weekly["clips_approved"].tolist()}
        self.trend_box.children = [line_chart(weekly["week"].tolist() or ["-"], series if len(weekly) else
                                              {k: [0] for k in series}, "Trend per week", "count"),
                                   w.HTML("<details><summary>Weekly numbers</summary>" + table_html(weekly) +
                                          "</details>")]
        note = "; ".join(data.notes)
        self.feedback.show(f"{t['calls']} calls, {t['clips']} clips" + (f" ({note})" if note else ""), "ok")
