"""Review queue for privacy reviewers: submitted clips, listen (anonymised; original A/B when
allowed), the library's approval checklist, the consent decision, approve or reject with a reason."""

from __future__ import annotations

import html

import ipywidgets as w

from widgets.base import Feedback, guarded, heading
from widgets.consent_panel import ConsentPanel
from widgets.listening import ClipListener

QUEUE_STATES = ("submitted",)


def redacted_transcript(ws, clip_id: str, user: str | None = None) -> dict | None:
    """The clip's current redacted transcript (role labels and placeholders only), or None
    (`curation.clips.redacted_transcript` checks the permission)."""
    from curation.clips import redacted_transcript as read

    return read(ws, clip_id, user=user)


def transcript_html(doc: dict | None) -> str:
    if not doc:
        return "<i>no redacted transcript (not anonymised)</i>"
    lines, current, words = [], None, []
    for word in doc.get("words", []):
        if word.get("speaker") != current and words:
            lines.append((current, words))
            words = []
        current = word.get("speaker")
        text = html.escape(word["text"])
        words.append(f"<span style='background:#e9d5f5'>{text}</span>" if word.get("redacted") else text)
    if words:
        lines.append((current, words))
    return "<div class='cw-redacted' style='max-width:780px;font-size:13px'>" + "".join(
        f"<div><b>{html.escape(str(role))}:</b> {' '.join(ws_)}</div>" for role, ws_ in lines) + "</div>"


class ReviewQueue(w.VBox):
    """Submitted clips, one at a time; the decision buttons call `curation.review`."""

    def __init__(self, ws, user: str | None = None):
        self.ws, self.user, self.clip = ws, user, None
        self.problems: list[str] = []
        self.feedback = Feedback()
        self.queue = w.Select(options=[], rows=8, description="Submitted", layout=w.Layout(width="520px"))
        self._reloading = False
        self.queue.observe(lambda _c: None if self._reloading else self.open_clip(), "value")
        self.reload_button = w.Button(description="Reload", icon="refresh", layout=w.Layout(width="90px"))
        self.reload_button.on_click(lambda _b: self.reload())
        self.summary = w.HTML()
        self.listener = ClipListener(ws, user)
        self.listener.on_played(self.show_checklist)  # "you listened" holds once play was pressed
        self.checklist = w.HTML()
        from curation.review import CHECKLIST  # the reviewer's attestations: the library's list

        self.check_items = list(CHECKLIST)
        self.checks = [w.Checkbox(description=CHECKLIST[item], indent=False, layout=w.Layout(width="640px"))
                       for item in self.check_items]
        for box in self.checks:
            box.observe(lambda _c: self._gate(), "value")
        self.transcript = w.HTML()
        self.consent = ConsentPanel(ws, user)
        self.reason = w.Text(placeholder="reason (required to reject or request changes)",
                             layout=w.Layout(width="420px"), description="Reason")
        self.approve_button = w.Button(description="Approve", icon="check", button_style="success")
        self.reject_button = w.Button(description="Reject", icon="times", button_style="danger")
        self.changes_button = w.Button(description="Request changes", icon="pencil", button_style="warning")
        self.approve_button.on_click(lambda _b: self.decide("approve"))
        self.reject_button.on_click(lambda _b: self.decide("reject"))
        self.changes_button.on_click(lambda _b: self.decide("request_changes"))
        self.detail = w.VBox([self.summary, self.listener, heading("Redacted transcript", 4), self.transcript,
                              heading("Checklist", 4), self.checklist, *self.checks, self.consent,
                              self.reason, w.HBox([self.approve_button, self.changes_button, self.reject_button])])
        from widgets.my_work import MyDecisions

        self.history = MyDecisions(ws, user)
        super().__init__([heading("Review queue"), w.HBox([self.queue, self.reload_button]), self.detail,
                          self.feedback, self.history])
        self.add_class("cw-review-queue")
        self.reload()

    @guarded
    def reload(self) -> None:
        from curation.clips import list_clips

        clips = [c for state in QUEUE_STATES for c in list_clips(self.ws, state=state, user=self.user)]
        keep = self.queue.value
        ids = [c.id for c in clips]
        self._reloading = True  # open the selected clip once below, not on every intermediate value
        try:
            with self.queue.hold_sync():
                self.queue.options = [(f"{c.id} · call {c.call_id} · {c.duration:.0f} s · {c.title or ''}", c.id)
                                      for c in clips]
                self.queue.value = keep if keep in ids else (ids[0] if ids else None)
        finally:
            self._reloading = False
        self.detail.layout.display = None if ids else "none"
        if not ids:
            self.feedback.show("nothing to review", "info")
        self.open_clip()

    @guarded
    def open_clip(self) -> None:
        from curation.clips import get_clip

        clip_id = self.queue.value
        if clip_id is None:
            self.clip = None
            return
        self.clip = get_clip(self.ws, clip_id, user=self.user)
        self.summary.value = (f"<b>{html.escape(self.clip.id)}</b> of call {html.escape(self.clip.call_id)}: "
                              f"{self.clip.start:.1f}–{self.clip.end:.1f} s · curated by "
                              f"{html.escape(self.clip.created_by)} · state "
                              f"<b class='cw-clip-state'>{html.escape(self.clip.state)}</b>")
        for box in self.checks:
            box.value = False
        self.consent.show(self.clip)
        self.listener.show(self.clip, transcript=self._transcript(), bands=self._bands())
        self.transcript.value = transcript_html(redacted_transcript(self.ws, clip_id, self.user))
        self.show_checklist()

    def _transcript(self):
        """The call's transcript for the turn lane (roles and times only reach the player); None
        for a user the library refuses it to."""
        from curation.catalogue import read_transcript
        from curation.errors import PermissionDenied

        try:
            return read_transcript(self.ws, self.clip.call_id, user=self.user)
        except PermissionDenied:
            return None

    def _bands(self) -> list[dict]:
        from curation.clips import redaction_spans

        clip = self.clip
        return [{"start": round(max(0.0, s.start - clip.start), 3), "end": round(s.end - clip.start, 3),
                 "label": s.entity_type} for s in redaction_spans(self.ws, clip.id, user=self.user) if s.active]

    @guarded
    def show_checklist(self) -> None:
        """The library's outstanding approval conditions (re-scan, bleeps, voices, consent, listened)."""
        from curation import review

        if self.clip is None:
            return
        problems = review.approval_problems(self.ws, self.clip.id, user=self.user)
        self.problems = problems
        if problems:
            self.checklist.value = "<ul class='cw-checklist'>" + "".join(
                f"<li><b style='color:#a61b1b'>✗</b> {html.escape(p)}</li>" for p in problems) + "</ul>"
        else:
            self.checklist.value = ("<div class='cw-checklist'><b style='color:#1e7b34'>✓</b> "
                                    "every approval condition holds: re-scan clean, "
                                    "bleeps verified, voices disguised, consent allows the use, you listened</div>")
        self._gate()

    def attested(self) -> list[str]:
        """The checklist items the reviewer ticked."""
        return [item for item, box in zip(self.check_items, self.checks) if box.value]

    def _gate(self) -> None:
        """Approve stays off while the library lists a problem or an attestation it requires is
        missing (the library decides again when it is pressed)."""
        from curation.review import missing_attestations

        missing = missing_attestations(self.attested())
        self.approve_button.disabled = bool(self.problems) or bool(missing)
        self.approve_button.tooltip = ("first resolve the checklist above" if self.problems else
                                       "tick your checks first" if missing else "approve the clip")

    def tick_all(self) -> None:
        for box in self.checks:
            box.value = True

    @guarded
    def decide(self, action: str) -> None:
        from curation import review

        if self.clip is None:
            self.feedback.error("select a clip first")
            return
        reason = self.reason.value.strip() or None
        clip_id = self.clip.id
        self.listener.flush()  # what was played so far counts, even if the player is still playing
        if action == "approve":
            review.approve(self.ws, clip_id, reason=reason, user=self.user, attestations=self.attested())
        elif action == "reject":
            review.reject(self.ws, clip_id, reason=reason, user=self.user)
        else:
            review.request_changes(self.ws, clip_id, reason=reason, user=self.user)
        self.reason.value = ""
        done = {"approve": "approved", "reject": "rejected", "request_changes": "sent back for changes"}[action]
        self.reload()
        self.history.reload()
        self.feedback.show(f"{clip_id} {done}", "ok")
