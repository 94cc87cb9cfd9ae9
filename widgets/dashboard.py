"""Manager dashboard: charts over `curation.aggregates` (counts only, no personal data).

The charts are drawn here as static SVG inside HTML widgets: no plotting library is imported in the
kernel or loaded in the page, so a fresh Voila kernel shows the numbers about a second sooner than
with bqplot figures (benchmarks/dashboard_render.py). A bar's value shows on hover (SVG title).
"""

from __future__ import annotations

import html
import math

import ipywidgets as w

from widgets.base import Feedback, guarded, table_html

CHART_SIZE = (440, 300)
TITLE_MAX_CHARS = 34  # what a 440 px chart shows of its 16 px title whatever the numbers in it; longer ones are cut
PALETTE = ["#2166ac", "#b2182b", "#4d9221", "#e08214", "#762a83", "#35978f", "#8c510a", "#c51b7d"]
FONT = "font-family='sans-serif'"


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
    """A format with just enough decimals that no two tick labels read the same (a 0.02 step
    printed with one decimal would repeat "0.0, 0.0, 0.1, 0.1")."""
    if integers:
        return "d"
    step = min((b - a for a, b in zip(ticks, ticks[1:])), default=1.0)
    return f".{max(1, -math.floor(math.log10(step) + 1e-9))}f"


def tick_label(value: float, fmt: str) -> str:
    return format(int(round(value)) if fmt == "d" else float(value), fmt)


class Chart(w.HTML):
    """A chart as SVG in an HTML widget; keeps what it shows (`title`, `labels`, `series`, `ticks`,
    `tick_labels`) for tests and for anyone reading the numbers back."""

    def __init__(self, svg: str, title: str, labels: list[str], series: dict[str, list[float]],
                 ticks: list[float], tick_labels: list[str]):
        super().__init__(value=svg)
        self.title, self.labels, self.series = title, labels, series
        self.ticks, self.tick_labels = ticks, tick_labels
        self.add_class("cw-chart")


def _frame(width: int, height: int, margin: dict, title: str, y_label: str, ticks: list[float],
           labels: list[str], fmt: str) -> tuple[list[str], callable, list[float]]:
    """The SVG parts every chart shares (title, y axis with grid lines, rotated x labels); returns
    them, the value -> y function and the x position of each label's band centre."""
    left, top = margin["left"], margin["top"]
    plot_w, plot_h = width - left - margin["right"], height - top - margin["bottom"]
    y_of = lambda v: top + plot_h - (float(v) / ticks[-1]) * plot_h  # noqa: E731
    band = plot_w / max(len(labels), 1)
    centres = [left + band * (i + 0.5) for i in range(len(labels))]
    parts = [f"<text x='{width / 2:.1f}' y='24' text-anchor='middle' font-size='16' {FONT}>{html.escape(title)}</text>"]
    for t in ticks:
        y = y_of(t)
        parts.append(f"<line x1='{left}' x2='{left + plot_w}' y1='{y:.1f}' y2='{y:.1f}' stroke='#e5e5e5'/>"
                     f"<text x='{left - 6}' y='{y + 4:.1f}' text-anchor='end' font-size='10' {FONT}>"
                     f"{html.escape(tick_label(t, fmt))}</text>")
    parts.append(f"<line x1='{left}' x2='{left}' y1='{top}' y2='{top + plot_h}' stroke='#333'/>"
                 f"<line x1='{left}' x2='{left + plot_w}' y1='{top + plot_h}' y2='{top + plot_h}' stroke='#333'/>")
    parts.append(f"<text transform='translate(16,{top + plot_h / 2:.1f}) rotate(-90)' text-anchor='middle' "
                 f"font-size='12' {FONT}>{html.escape(y_label)}</text>")
    for x, label in zip(centres, labels):
        parts.append(f"<text transform='translate({x:.1f},{top + plot_h + 12}) rotate(-40)' text-anchor='end' "
                     f"font-size='10' {FONT}>{html.escape(label)}</text>")
    return parts, y_of, centres


def _svg(width: int, height: int, parts: list[str]) -> str:
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
            f"viewBox='0 0 {width} {height}' role='img'>" + "".join(parts) + "</svg>")


def bar_chart(labels: list[str], values: list[float], title: str, y_label: str, colour: str = PALETTE[0]) -> Chart:
    numbers = [float(v) for v in values]
    integers = all(v.is_integer() for v in numbers)
    ticks = nice_ticks(max(numbers + [0.0]), integers)
    fmt = tick_format(ticks, integers)
    names = [str(v).replace("_", " ") for v in labels]
    width, height = CHART_SIZE
    margin = dict(top=40, bottom=110, left=55, right=15)
    parts, y_of, centres = _frame(width, height, margin, title, y_label, ticks, names, fmt)
    band = (width - margin["left"] - margin["right"]) / max(len(names), 1)
    base = y_of(0)
    for x, name, v in zip(centres, names, numbers):
        y = y_of(v)
        parts.append(f"<rect class='bar' x='{x - band * 0.4:.1f}' y='{y:.1f}' width='{band * 0.8:.1f}' "
                     f"height='{base - y:.1f}' fill='{colour}'><title>{html.escape(name)}: "
                     f"{html.escape(tick_label(v, fmt) if integers else f'{v:g}')} {html.escape(y_label)}"
                     "</title></rect>")
    return Chart(_svg(width, height, parts), title, names, {y_label: numbers}, ticks,
                 [tick_label(t, fmt) for t in ticks])


def line_chart(x_labels: list[str], series: dict[str, list[float]], title: str, y_label: str) -> Chart:
    names = list(series)
    values = {n: [float(v) for v in series[n]] for n in names}
    ticks = nice_ticks(max([v for n in names for v in values[n]] + [0.0]), integers=True)  # counts
    labels = [str(v) for v in x_labels]
    width, height = 900, 300
    margin = dict(top=40, bottom=85, left=55, right=15)
    parts, y_of, centres = _frame(width, height, margin, title, y_label, ticks, labels, "d")
    for k, name in enumerate(names):
        colour = PALETTE[k % len(PALETTE)]
        points = " ".join(f"{x:.1f},{y_of(v):.1f}" for x, v in zip(centres, values[name]))
        parts.append(f"<polyline points='{points}' fill='none' stroke='{colour}' stroke-width='2'/>")
        parts += [f"<circle cx='{x:.1f}' cy='{y_of(v):.1f}' r='3' fill='{colour}'><title>{html.escape(name)} "
                  f"{html.escape(label)}: {v:g}</title></circle>" for x, label, v in zip(centres, labels, values[name])]
        ly = margin["top"] + 14 + 16 * k
        parts.append(f"<rect x='{margin['left'] + 10}' y='{ly - 9}' width='12' height='3' fill='{colour}'/>"
                     f"<text x='{margin['left'] + 28}' y='{ly - 4}' font-size='12' fill='{colour}' {FONT}>"
                     f"{html.escape(name)}</text>")
    return Chart(_svg(width, height, parts), title, labels, values, ticks, [tick_label(t, "d") for t in ticks])


def cards_html(cards) -> str:
    """Big numbers with their names, side by side."""
    return "<div class='cw-cards' style='display:flex;gap:14px;flex-wrap:wrap'>" + "".join(
        f"<div class='cw-card' style='border:1px solid #d0d7de;border-radius:6px;padding:6px 12px'>"
        f"<div style='font-size:11px;color:#57606a'>{html.escape(name)}</div>"
        f"<div style='font-size:22px;font-weight:600'>{html.escape(str(value))}</div></div>"
        for name, value in cards) + "</div>"


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
        self.totals.value = cards_html(cards)
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


class CoachingDashboard(w.VBox):
    """Coaching numbers (trainers, managers): evaluation scores per week and team and per form
    question, completion per team, and what packs cover against what the calls contain. Groups of
    fewer agents than the library's minimum are not shown (`curation.coaching.dashboard`)."""

    def __init__(self, ws, user: str | None = None):
        self.ws, self.user = ws, user
        self.feedback = Feedback()
        self.totals = w.HTML()
        self.charts = w.Box(layout=w.Layout(display="flex", flex_flow="row wrap"))
        self.tables = w.HTML()
        self.refresh_button = w.Button(description="Refresh", icon="refresh", tooltip="Read the numbers again")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.data = None
        super().__init__([w.HTML("<h3>Coaching</h3>"), w.HBox([self.refresh_button, self.feedback]),
                          self.totals, self.charts, self.tables])
        self.add_class("cw-coaching-dashboard")
        self.refresh()

    @guarded
    def refresh(self) -> None:
        from curation.coaching import coaching_numbers

        data = coaching_numbers(self.ws, self.user)
        self.data = data
        t = data.totals
        shown = lambda v, suffix="": "–" if v is None else f"{v}{suffix}"  # noqa: E731
        cards = [("Final evaluations", shown(t["final_evaluations"])), ("Assignments", shown(t["assignments"])),
                 ("Acknowledged / assigned", f"{shown(t['acknowledged'])} / {shown(t['assigned'])}"),
                 ("Completion", shown(t["completion_percent"], " %"))]
        self.totals.value = cards_html(cards)
        weeks = data.scores_by_week
        charts = []
        if len(weeks):
            table = weeks.pivot(index="week", columns="team", values="mean_total").sort_index()
            charts.append(line_chart(list(table.index), {team: table[team].fillna(0).tolist() for team in table},
                                     "Mean evaluation score per week (0-100)", "score"))
        questions = data.scores_by_question
        charts.append(bar_chart(questions["question"].tolist() or ["none yet"],
                                [round(100 * v, 1) for v in questions["mean"]] or [0],
                                "Mean score per form question (%)", "%", PALETTE[2]))
        teams = data.completion_by_team
        charts.append(bar_chart(teams["team"].tolist() or ["none yet"],
                                [round(100.0 * a / n, 1) if n else 0.0
                                 for a, n in zip(teams["acknowledged"], teams["assigned"])] or [0],
                                "Assignments acknowledged per team (%)", "%", PALETTE[3]))
        categories = data.coverage[data.coverage["kind"] == "category"]
        charts.append(bar_chart(categories["name"].tolist() or ["none yet"],
                                categories["clips_in_packs"].tolist() or [0],
                                "Packed clips per difficulty category", "clips", PALETTE[0]))
        self.charts.children = charts
        self.tables.value = (
            "<details open><summary>What the packs cover (calls with it / clips of such calls in packs)</summary>"
            + table_html(data.coverage) + "</details>"
            + "<details><summary>Completion per team</summary>" + table_html(teams) + "</details>"
            + "<details><summary>Scores per form question</summary>" + table_html(questions) + "</details>")
        note = "; ".join(data.notes)
        self.feedback.show(f"{t['final_evaluations']} final evaluations, {t['assignments']} assignments"
                           + (f" ({note})" if note else ""), "ok")
