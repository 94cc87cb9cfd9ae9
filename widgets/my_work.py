"""The way back to one's own work. `MyWork` (trainers): my clips by state with the reviewer's
reason, and reopen / anonymise again / resubmit. `MyDecisions` (privacy reviewers): what I
approved, rejected or sent back, and when. Both only show library state and call library functions."""

from __future__ import annotations

import html
from typing import Callable

import ipywidgets as w

from widgets.base import Feedback, Progress, guarded, heading

STATE_LABELS = {"changes_requested": "changes requested", "draft": "draft", "submitted": "submitted",
                "approved": "approved", "packed": "packed", "rejected": "rejected", "revoked": "revoked"}


def item_label(item) -> str:
    clip = item.clip
    return (f"[{STATE_LABELS.get(item.state, item.state)}] {clip.id} · call {clip.call_id} · "
            f"{clip.duration:.0f} s · {clip.title or 'untitled'}")


class MyWork(w.VBox):
    """My clips by state; the selected one's reviewer reason and what I can do with it next."""

    def __init__(self, ws, user: str | None = None, on_open: Callable | None = None):
        self.ws, self.user, self.on_open = ws, user, on_open
        self.items: dict[str, object] = {}
        self.feedback = Feedback()
        self.counts = w.HTML()
        self.clips = w.Select(options=[], rows=6, layout=w.Layout(width="640px"))
        self.clips.observe(lambda _c: self._show(), "value")
        self.detail = w.HTML()
        self.detail.add_class("cw-my-work-detail")
        self.reopen_button = w.Button(description="Reopen", icon="folder-open", button_style="primary",
                                      tooltip="open the clip below to edit its redactions, listen, submit")
        self.anonymise_button = w.Button(description="Anonymise again", icon="user-secret")
        self.resubmit_button = w.Button(description="Resubmit", icon="paper-plane", button_style="success")
        self.reload_button = w.Button(description="Reload", icon="refresh", layout=w.Layout(width="90px"))
        self.reopen_button.on_click(lambda _b: self.reopen())
        self.anonymise_button.on_click(lambda _b: self.anonymise())
        self.resubmit_button.on_click(lambda _b: self.resubmit())
        self.reload_button.on_click(lambda _b: self.reload())
        self.progress = Progress()
        super().__init__([heading("My work", 4), self.counts, w.HBox([self.clips, self.reload_button]), self.detail,
                          w.HBox([self.reopen_button, self.anonymise_button, self.resubmit_button, self.progress]),
                          self.feedback])
        self.add_class("cw-my-work")
        self.reload()

    @property
    def selected(self):
        return self.items.get(self.clips.value)

    @guarded
    def reload(self, keep: str | None = None) -> None:
        from curation.clips.worklist import my_clips

        items = my_clips(self.ws, user=self.user)
        self.items = {item.clip.id: item for item in items}
        keep = keep or self.clips.value
        with self.clips.hold_sync():
            self.clips.options = [(item_label(item), item.clip.id) for item in items]
            self.clips.value = keep if keep in self.items else (items[0].clip.id if items else None)
        by_state: dict[str, int] = {}
        for item in items:
            by_state[item.state] = by_state.get(item.state, 0) + 1
        self.counts.value = ("<div class='cw-my-work-counts' style='font-size:13px'>" + (" · ".join(
            f"{STATE_LABELS.get(s, s)}: <b>{n}</b>" for s, n in by_state.items()) or "no clips of yours yet: "
            "pick a call below and cut one") + "</div>")
        self._show()

    def _show(self) -> None:
        item = self.selected
        for button in (self.reopen_button, self.anonymise_button, self.resubmit_button):
            button.disabled = item is None
        if item is None:
            self.detail.value = ""
            return
        clip = item.clip
        lines = [f"<b>{html.escape(clip.id)}</b> · state <b class='cw-clip-state'>"
                 f"{html.escape(STATE_LABELS.get(item.state, item.state))}</b> · anonymised: "
                 f"{html.escape(item.anonymisation)}"]
        if item.decision:
            verb = {"approve": "approved", "reject": "rejected", "request_changes": "requested changes"}[item.decision]
            reason = f": “{html.escape(item.reason)}”" if item.reason else ""
            lines.append(f"<span class='cw-review-reason'>{html.escape(item.decided_by or '')} {verb} on "
                         f"{html.escape((item.decided_at or '')[:16].replace('T', ' '))}{reason}</span>")
        if item.state == "changes_requested":
            lines.append("Reopen it, change what the reviewer asks, anonymise again and resubmit.")
        elif item.state == "submitted":
            lines.append("Waiting for a privacy reviewer. Editing it now withdraws it from review (back to draft).")
        elif item.state in ("approved", "packed"):
            lines.append("Editing it withdraws the approval: it goes back to draft and needs a new review.")
        self.detail.value = "<div style='font-size:13px'>" + "<br>".join(lines) + "</div>"
        editable = item.state not in ("rejected", "revoked")
        self.reopen_button.disabled = not editable
        self.anonymise_button.disabled = item.state not in ("draft", "changes_requested")
        self.resubmit_button.disabled = not item.can_resubmit

    @guarded
    def reopen(self) -> None:
        item = self.selected
        if item is None:
            self.feedback.error("select one of your clips first")
            return
        if self.on_open:
            self.on_open(item.clip)
        self.feedback.show(f"{item.clip.id} opened below", "info")

    @guarded
    def anonymise(self) -> None:
        from curation.clips import anonymise_clip

        item = self.selected
        self.progress.start(100, "starting")
        outcome = anonymise_clip(self.ws, item.clip.id, user=self.user, progress=self.progress.fraction)
        self.progress.done("anonymised" if outcome.ok else "blocked")
        self.reload(keep=item.clip.id)
        if outcome.ok:
            self.feedback.show(f"{item.clip.id} anonymised again; listen to it, then resubmit", "ok")
        else:
            self.feedback.error(f"anonymisation blocked: {outcome.blocked_reason}")

    @guarded
    def resubmit(self) -> None:
        from curation import review

        item = self.selected
        review.submit(self.ws, item.clip.id, user=self.user)
        self.reload(keep=item.clip.id)
        self.feedback.show(f"{item.clip.id} submitted for review", "ok")


class MyDecisions(w.VBox):
    """The acting reviewer's decisions, newest first."""

    def __init__(self, ws, user: str | None = None):
        self.ws, self.user = ws, user
        self.feedback = Feedback()
        self.table = w.HTML()
        self.reload_button = w.Button(description="Reload", icon="refresh", layout=w.Layout(width="90px"))
        self.reload_button.on_click(lambda _b: self.reload())
        super().__init__([w.HBox([heading("My decisions", 4), self.reload_button]), self.table, self.feedback])
        self.add_class("cw-my-decisions")
        self.reload()

    @guarded
    def reload(self) -> None:
        from curation.clips.worklist import my_decisions

        rows = my_decisions(self.ws, user=self.user)
        if not rows:
            self.table.value = "<i>no decisions of yours yet</i>"
            return
        head = "".join(f"<th>{h}</th>" for h in ("when", "clip", "call", "decision", "reason", "state now"))
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(v or ''))}</td>" for v in (
                r["at"][:16].replace("T", " "), r["clip_id"], r["call_id"], r["decision"], r["reason"],
                STATE_LABELS.get(r["state_now"], r["state_now"]))) + "</tr>" for r in rows)
        self.table.value = (f"<table class='cw-table cw-decisions' style='border-collapse:collapse;font-size:12px'>"
                            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
