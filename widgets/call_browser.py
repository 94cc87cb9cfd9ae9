"""Call browser: the difficulty-ranked catalogue with filters, and the reasons a call was flagged."""

from __future__ import annotations

import html
from typing import Callable

import ipywidgets as w
import pandas as pd

from curation.vocabulary import EXCLUDED, REENACTMENT_REQUIRED
from widgets.base import Feedback, Progress, guarded, heading

ALL = "(all)"
SORTS = {"difficulty (highest first)": ("score", False), "date (newest first)": ("recorded_at", False),
         "date (oldest first)": ("recorded_at", True), "duration (longest first)": ("duration", False)}


CONSENT_NOTES = {
    EXCLUDED: ("a clip of this call may not be used: the consent policy excludes it; pick another call", "#a61b1b"),
    REENACTMENT_REQUIRED: ("usable only as a re-enactment by actors (the recording itself may not be shown)",
                             "#8a5a00"),
}


def _readable(value) -> str:
    """A category or outcome as people read it: spaces, not underscores or semicolons."""
    return str(value or "").replace("_", " ").replace(";", ", ")


def _options(values) -> list[str]:
    return [ALL] + sorted({str(v) for v in values if isinstance(v, str) and v})


class CallBrowser(w.VBox):
    """Filter and sort calls by difficulty, category, topic, agent, date and consent outcome; the
    selected call's reasons (quotes only for users who may read transcripts) are shown beside it."""

    def __init__(self, ws, user: str | None = None, on_pick: Callable[[str], None] | None = None):
        from curation.difficulty import CATEGORIES

        self.ws, self.user = ws, user
        self._on_pick = [on_pick] if on_pick else []
        self.feedback = Feedback()
        self.frame = pd.DataFrame()
        self.category = w.Dropdown(options=[ALL, *CATEGORIES], description="Category")
        self.min_score = w.FloatSlider(value=0.0, min=0.0, max=100.0, step=1.0, description="Min score",
                                       continuous_update=False)
        self.difficult_only = w.Checkbox(value=True, description="Difficult calls only", indent=False)
        self.topic = w.Dropdown(options=[ALL], description="Topic")
        self.agent = w.Dropdown(options=[ALL], description="Agent")
        self.consent = w.Dropdown(options=[ALL], description="Consent")
        self.date_from = w.DatePicker(description="From")
        self.date_to = w.DatePicker(description="To")
        self.sort = w.Dropdown(options=list(SORTS), description="Sort by")
        self.results = w.Select(options=[], rows=12, layout=w.Layout(width="460px"))
        self.details = w.HTML(layout=w.Layout(width="520px"))
        self.count = w.HTML()
        self.open_button = w.Button(description="Open call", icon="folder-open", button_style="primary",
                                    disabled=True)
        self.open_button.on_click(lambda _b: self.pick())
        self.analyse_button = w.Button(description="Score unscored calls", icon="calculator",
                                       tooltip="Compute difficulty signals for calls without a score")
        self.analyse_button.on_click(lambda _b: self.analyse_missing())
        self.progress = Progress()
        self.unscored: list[str] = []
        for control in (self.category, self.min_score, self.difficult_only, self.topic, self.agent, self.consent,
                        self.date_from, self.date_to, self.sort):
            control.observe(lambda _c: self.apply(), "value")
        self.results.observe(lambda _c: self.show_details(), "value")
        filters = w.VBox([w.HBox([self.category, self.min_score, self.difficult_only]),
                          w.HBox([self.topic, self.agent, self.consent]),
                          w.HBox([self.date_from, self.date_to, self.sort])])
        self.analyse_box = w.HBox([self.analyse_button, self.progress])
        self.analyse_box.layout.display = "none"
        super().__init__([heading("Calls"), filters, self.analyse_box, self.count,
                          w.HBox([w.VBox([self.results, self.open_button]), self.details]), self.feedback])
        self.add_class("cw-call-browser")
        self.reload()

    def on_pick(self, callback: Callable[[str], None]) -> None:
        self._on_pick.append(callback)

    @guarded
    def reload(self) -> None:
        """Read the ranked catalogue from the library (all calls; the filters narrow it here)."""
        from curation.difficulty.browse import difficult_calls_frame

        from curation.catalogue import call_ids

        frame = difficult_calls_frame(self.ws, all_calls=True, user=self.user)
        self.unscored = sorted(set(call_ids(self.ws, user=self.user)) - set(frame["call_id"]))
        self.analyse_box.layout.display = None if self.unscored else "none"
        self.analyse_button.description = f"Score {len(self.unscored)} unscored calls"
        frame["consent"] = self._consent_outcomes(frame["call_id"].tolist())
        self.frame = frame
        for control, column in ((self.topic, "topic"), (self.agent, "agent_id"), (self.consent, "consent")):
            keep = control.value
            control.options = _options(frame[column])
            control.value = keep if keep in control.options else ALL
        self.apply()

    @guarded
    def analyse_missing(self) -> None:
        """Run the difficulty analysis for calls without a score (a progress bar per call)."""
        from curation.difficulty.store import analyse_workspace

        if not self.unscored:
            return
        self.progress.start(len(self.unscored), "scoring")
        summary = analyse_workspace(self.ws, call_ids=self.unscored, user=self.user,
                                    progress=lambda done, total: self.progress.update(done, f"{done} of {total}"))
        self.progress.done(f"{summary.analysed} scored")
        self.reload()
        failed = f"; {len(summary.failed)} failed: {summary.failed[0][1]}" if summary.failed else ""
        self.feedback.show(f"scored {summary.analysed} calls{failed}", "error" if failed else "ok")

    def _consent_outcomes(self, call_ids: list[str]) -> list[str]:
        """The consent policy's outcome per call, as the library decides it (`call_outcomes`)."""
        from curation.consent.decisions import call_outcomes
        from curation.errors import PermissionDenied

        try:
            outcomes = call_outcomes(self.ws, call_ids, user=self.user)
        except PermissionDenied:
            return ["not shown"] * len(call_ids)
        return [outcomes[c] for c in call_ids]

    def filtered(self) -> pd.DataFrame:
        """The controls' values handed to the library's filter (`difficulty.browse.filter_difficult`)."""
        from curation.difficulty.browse import filter_difficult

        if self.frame.empty:
            return self.frame
        where = {column: control.value for control, column in
                 ((self.topic, "topic"), (self.agent, "agent_id"), (self.consent, "consent")) if control.value != ALL}
        column, ascending = SORTS[self.sort.value]
        return filter_difficult(self.frame, None if self.category.value == ALL else self.category.value,
                                min_score=self.min_score.value, difficult_only=self.difficult_only.value,
                                where=where, recorded_from=self.date_from.value, recorded_to=self.date_to.value,
                                sort_by=column, ascending=ascending)

    @guarded
    def apply(self) -> None:
        view = self.filtered()
        self.results.options = [(f"{r.call_id} · {r.score:5.1f} · {_readable(r.categories) or 'routine'}"
                                 f" · {_readable(r.consent)}", r.call_id) for r in view.itertuples()]
        self.count.value = f"<b>{len(view)}</b> of {len(self.frame)} calls"
        self.show_details()

    def show_details(self) -> None:
        call_id = self.results.value
        self.open_button.disabled = call_id is None
        if call_id is None:
            self.details.value = "<i>Select a call to see why it was flagged.</i>"
            return
        row = self.frame[self.frame["call_id"] == call_id].iloc[0]
        reasons = [r for r in str(row["top_reasons"]).split("; ") if r]
        items = "".join(f"<li>{html.escape(r)}</li>" for r in reasons) or "<li>no difficulty signal</li>"
        when = row["recorded_at"]
        note, colour = CONSENT_NOTES.get(str(row["consent"]), ("", ""))
        warning = f"<br><b class='cw-consent-note' style='color:{colour}'>{html.escape(note)}</b>" if note else ""
        self.details.value = (
            f"<div class='cw-call-details'><b>{html.escape(call_id)}</b> — score {row['score']:.1f}"
            f"<br>categories: {html.escape(_readable(row['categories']) or 'routine')}"
            f"<br>topic: {html.escape(str(row['topic']))} · agent: {html.escape(str(row['agent_id']))}"
            f" · {html.escape(str(when)[:16])} · {row['duration']:.0f} s"
            f" · consent: {html.escape(_readable(row['consent']))}{warning}"
            f"<br>reasons:<ul class='cw-reasons'>{items}</ul></div>")

    def select(self, call_id: str) -> None:
        self.results.value = call_id

    @guarded
    def pick(self) -> None:
        if self.results.value is None:
            self.feedback.error("select a call first")
            return
        for callback in self._on_pick:
            callback(self.results.value)
