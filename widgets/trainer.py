"""The trainer's workbench: pick a call, cut a clip on the waveform, check redactions and consent,
anonymise it, listen, and submit it for review - without writing code."""

from __future__ import annotations

import ipywidgets as w

from widgets.base import Feedback, Progress, guarded, heading
from widgets.call_browser import CallBrowser
from widgets.my_work import MyWork
from widgets.consent_panel import ConsentPanel
from widgets.listening import ClipListener, can, original_audio, turns_for_player
from widgets.player import CallPlayer, ClipRangeControls
from widgets.redaction import RedactionEditor


def call_pii_bands(transcript) -> list[dict]:
    """Detected PII of the whole call as time bands (entity types only, no text)."""
    from curation.pii import redaction_intervals

    if transcript is None or not transcript.words:
        return []
    return [{"start": round(i.start, 3), "end": round(i.end, 3), "label": i.entity_type}
            for i in redaction_intervals(transcript, language=transcript.language)]


class ClipCutter(w.VBox):
    """The whole call in the player (original audio, audited) with turns and PII bands; the
    selected range becomes a new clip."""

    def __init__(self, ws, user: str | None = None, on_clip=None):
        self.ws, self.user, self.call_id = ws, user, None
        self.on_clip = on_clip
        self.feedback = Feedback()
        self.title = w.HTML()
        self.player = CallPlayer()
        self.controls = ClipRangeControls(self.player)
        self.clip_title = w.Text(description="Clip title", placeholder="what a trainee should learn here")
        self.snap = w.Dropdown(options=[("whole words", "word"), ("whole turns", "turn"), ("exact times", "none")],
                               value="word", description="Snap to")
        self.create_button = w.Button(description="Create clip", icon="scissors", button_style="primary")
        self.create_button.on_click(lambda _b: self.create())
        super().__init__([self.title, self.player, self.controls,
                          w.HBox([self.clip_title, self.snap, self.create_button]), self.feedback])
        self.add_class("cw-clip-cutter")
        self.layout.display = "none"  # an empty player before any call is opened only confuses

    @guarded
    def open_call(self, call_id: str) -> None:
        from curation.catalogue import get_call, read_transcript

        call = get_call(self.ws, call_id, user=self.user)
        transcript = read_transcript(self.ws, call_id, user=self.user)
        self.call_id = call_id
        self.layout.display = None
        self.title.value = f"<h3 style='margin:4px 0'>Call {call_id} ({call.duration:.0f} s)</h3>"
        self.player.selection = {}
        self.player.duration = call.duration
        self.player.turns = turns_for_player(transcript)
        self.player.pii_bands = call_pii_bands(transcript)
        self.player.selection = {"start": 0.0, "end": round(min(call.duration, 30.0), 3)}
        if can(self.ws, "calls.play_original", self.user):
            self.player.show_audio(original_audio(self.ws, call_id, user=self.user), "audio/wav",
                                   "original (audited)", call.duration)
            self.feedback.show(f"opened {call_id}: drag on the waveform or type start and end", "info")
        else:  # no role to hear originals
            self.feedback.show(f"opened {call_id} without its audio (originals are not played to you here): "
                               "cut the clip by the transcript's times, type start and end", "info")

    @guarded
    def create(self):
        from curation.clips import create_clip

        if self.call_id is None:
            self.feedback.error("open a call first")
            return None
        if self.controls.invalid:  # never fall back silently on the previous selection
            self.feedback.error(f"no clip created: the typed range is invalid ({self.controls.invalid}); "
                                "correct start and end, or drag on the waveform")
            return None
        sel = self.player.selection or {}
        if not sel:
            self.feedback.error("select the clip's range on the waveform first")
            return None
        clip = create_clip(self.ws, self.call_id, sel["start"], sel["end"], title=self.clip_title.value or None,
                           snap=self.snap.value, user=self.user)
        self.feedback.show(f"created {clip.id} ({clip.start:.1f}–{clip.end:.1f} s)", "ok")
        if self.on_clip:
            self.on_clip(clip)
        return clip


class ClipDesk(w.VBox):
    """One clip on its way to review: redactions, consent, anonymisation with progress, A/B listening, submit."""

    def __init__(self, ws, user: str | None = None):
        self.ws, self.user, self.clip = ws, user, None
        self.feedback = Feedback()
        self.summary = w.HTML()
        self.redactions = RedactionEditor(ws, user, on_change=self.reload)
        self.consent = ConsentPanel(ws, user)
        self.progress = Progress()
        self.anonymise_button = w.Button(description="Anonymise", icon="user-secret", button_style="warning")
        self.anonymise_button.on_click(lambda _b: self.anonymise())
        self.listener = ClipListener(ws, user)
        self.listener.layout.display = "none"  # no empty "Anonymised" player before there is anonymised audio
        self.listen_note = w.HTML("<i style='font-size:13px'>Anonymise the clip to listen to it.</i>")
        self._state = None
        self.submit_button = w.Button(description="Submit for review", icon="paper-plane", button_style="success",
                                       layout=w.Layout(width="180px"))
        self.submit_button.on_click(lambda _b: self.submit())
        super().__init__([heading("Clip"), self.summary, self.redactions, self.consent,
                          w.HBox([self.anonymise_button, self.progress]), self.listen_note, self.listener,
                          self.submit_button, self.feedback])
        self.add_class("cw-clip-desk")
        self.layout.display = "none"

    @guarded
    def show(self, clip) -> None:
        self.clip = clip
        self._state = None
        self.layout.display = None
        self.redactions.show(clip)
        self.consent.show(clip)
        self.reload()
        self._show_listener()

    def _anonymised(self) -> bool:
        from curation.clips.worklist import anonymisation_state

        return anonymisation_state(self.ws, self.clip.id, user=self.user) == "ok"

    def _show_listener(self) -> None:
        """The A/B player only when there is a current anonymised version to listen to."""
        if self.clip is not None and self._anonymised():
            self.listener.layout.display, self.listen_note.layout.display = None, "none"
            self.listener.show(self.clip, transcript=self.redactions.transcript, bands=self._bands())
        else:
            self.listener.layout.display, self.listen_note.layout.display = "none", None

    def reload(self) -> None:
        from curation.clips import get_clip

        self.clip = clip = get_clip(self.ws, self.clip.id, user=self.user)
        anon = clip.details.get("anonymisation", "none")
        note = {"submitted": " · <span class='cw-withdraw-note' style='color:#8a5a00'>submitted: any edit "
                             "withdraws it from review</span>",
                "approved": " · <span class='cw-withdraw-note' style='color:#8a5a00'>approved: any edit "
                            "withdraws the approval</span>"}.get(clip.state, "")
        self.summary.value = (f"<b>{clip.id}</b> of call {clip.call_id}: {clip.start:.1f}–{clip.end:.1f} s "
                              f"({clip.duration:.1f} s) · state <b class='cw-clip-state'>{clip.state}</b> · "
                              f"anonymised: {anon}{note}")
        if self._state in ("submitted", "approved", "packed") and clip.state == "draft":
            self.feedback.show(f"that edit withdrew {clip.id} from review ({self._state} → draft): anonymise it "
                               "again if needed and submit it again when done", "info")
            if self.listener.layout.display != "none":
                self._show_listener()  # the anonymised version may be stale now
        self._state = clip.state

    @guarded
    def anonymise(self) -> None:
        from curation.clips import anonymise_clip

        if self.clip is None:
            self.feedback.error("create or reopen a clip first")
            return
        withdraws = self.clip.state in ("submitted", "approved", "packed")
        self.progress.start(100, "starting")
        outcome = anonymise_clip(self.ws, self.clip.id, user=self.user,
                                 progress=self.progress.fraction)
        self.reload()
        self.redactions.refresh()
        if not outcome.ok:
            self.progress.done("blocked")
            self.feedback.error(f"anonymisation blocked: {outcome.blocked_reason}")
            return
        self.progress.done("anonymised")
        leftover = len(outcome.rescan)
        self._show_listener()
        self.feedback.show("anonymised" + (f"; re-scan found {leftover} possible PII left — check the redactions"
                                           if leftover else "; re-scan found no PII left")
                           + ("; this withdrew it from review: submit it again" if withdraws else ""), "ok")

    def _bands(self) -> list[dict]:
        clip = self.clip
        return [{"start": round(s.start - clip.start, 3), "end": round(s.end - clip.start, 3), "label": s.entity_type}
                for s in self.redactions.spans if s.active]

    @guarded
    def submit(self) -> None:
        from curation import review

        review.submit(self.ws, self.clip.id, user=self.user)
        self.reload()
        self.feedback.show(f"{self.clip.id} submitted for review", "ok")


class TrainerWorkbench(w.VBox):
    """My work (my clips by state) on top, then call browser → clip cutter → clip desk, on one page."""

    def __init__(self, ws, user: str | None = None):
        self.ws, self.user = ws, user
        self.desk = ClipDesk(ws, user)
        self.cutter = ClipCutter(ws, user, on_clip=self.desk.show)
        self.browser = CallBrowser(ws, user, on_pick=self.cutter.open_call)
        self.my_work = MyWork(ws, user, on_open=self.desk.show)
        for button in (self.desk.submit_button, self.desk.anonymise_button):  # after the desk's own handler
            button.on_click(lambda _b: self.my_work.reload())
        self.cutter.on_clip = self._created
        super().__init__([self.my_work, self.browser, self.cutter, self.desk])
        self.add_class("cw-trainer")

    def _created(self, clip) -> None:
        self.desk.show(clip)
        self.my_work.reload(keep=clip.id)
