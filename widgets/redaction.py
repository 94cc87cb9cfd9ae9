"""Redaction editor: accept or reject each detected PII span of a clip, add a missed one by
selecting words, and see the clip's words with what will be redacted marked."""

from __future__ import annotations

import html
from typing import Callable

import ipywidgets as w

from widgets.base import Feedback, guarded, heading

STATUS_LABEL = {"proposed": "proposed (redacted)", "accepted": "accepted (redacted)", "rejected": "rejected (kept)"}


def clip_transcript(ws, clip, user: str | None = None):
    """The call's transcript and the clip's slice with call word indices (the library checks and
    audits the transcript read)."""
    from curation.catalogue import read_transcript
    from curation.clips.edit import clip_words

    transcript = read_transcript(ws, clip.call_id, user=user)
    if transcript is None:
        return None, None, []
    sliced, indices = clip_words(transcript, clip.start, clip.end)
    return transcript, sliced, indices


class RedactionEditor(w.VBox):
    """Spans of one clip with accept/reject buttons; word selection plus entity type to add one."""

    def __init__(self, ws, user: str | None = None, on_change: Callable[[], None] | None = None):
        from curation.pii import ENTITY_TYPES

        self.ws, self.user, self.clip = ws, user, None
        self.on_change = on_change
        self.feedback = Feedback()
        self.spans_box = w.VBox()
        self.words = w.SelectMultiple(options=[], rows=8, description="Words", layout=w.Layout(width="520px"))
        self.entity = w.Dropdown(options=list(ENTITY_TYPES), description="Type")
        self.add_button = w.Button(description="Redact selected words", icon="eraser",
                                   layout=w.Layout(width="210px"))
        self.add_button.on_click(lambda _b: self.add_selected())
        self.preview = w.HTML()
        self.spans = []
        self.transcript = None
        self.indices: list[int] = []
        super().__init__([heading("Redactions"), self.spans_box,
                          w.HTML("<b>Missed something?</b> Select the words (one speaker) and the type."),
                          self.words, w.HBox([self.entity, self.add_button]), self.preview, self.feedback])
        self.add_class("cw-redaction-editor")

    @guarded
    def show(self, clip) -> None:
        self.clip = clip
        self.refresh()

    def refresh(self) -> None:
        from curation.clips import redaction_spans

        clip = self.clip
        self.spans = redaction_spans(self.ws, clip.id, user=self.user)
        self.transcript, sliced, self.indices = clip_transcript(self.ws, clip, self.user)
        rows = []
        for span in self.spans:
            accept = w.Button(description="Accept", button_style="success" if span.status == "accepted" else "",
                              layout=w.Layout(width="80px"))
            reject = w.Button(description="Reject", button_style="danger" if span.status == "rejected" else "",
                              layout=w.Layout(width="80px"))
            accept.on_click(lambda _b, s=span.id: self.decide(s, True))
            reject.on_click(lambda _b, s=span.id: self.decide(s, False))
            accept.span_id = reject.span_id = span.id
            text = self._words_text(span.first_word, span.last_word, sliced)
            label = w.HTML(f"<code>{html.escape(span.entity_type)}</code> {span.start - clip.start:6.1f} s "
                           f"“{html.escape(text)}” — {STATUS_LABEL.get(span.status, span.status)}"
                           f" ({span.source}){self._uncertain_note(span, clip)}")
            rows.append(w.HBox([accept, reject, label]))
        self.spans_box.children = rows or [w.HTML("<i>No PII detected in this clip.</i>")]
        words = sliced.words if sliced is not None else ()
        self.words.options = [(f"{k:3d}  {wd.start:6.1f}s  {wd.text}", k)
                              for k, wd in enumerate(words)]
        redacted = {i for s in self.spans if s.active for i in range(s.first_word, s.last_word)}
        self.preview.value = "<div class='cw-redaction-preview' style='max-width:760px'>" + " ".join(
            f"<span style='background:#e9d5f5'>{html.escape(wd.text)}</span>" if self.indices[k] in redacted
            else html.escape(wd.text) for k, wd in enumerate(words)) + "</div>"

    @staticmethod
    def _uncertain_note(span, clip) -> str:
        """A marked note when the library says the span's word times are uncertain (whole stretch bleeped)."""
        if not span.alignment_uncertain:
            return ""
        a, b = span.uncertain_stretch
        a, b = max(a, clip.start) - clip.start, min(b, clip.end) - clip.start
        return (f" <span class='cw-uncertain' style='background:#fde2b8;color:#7a3e00;padding:0 4px;"
                f"border-radius:3px'>alignment uncertain: whole stretch {a:.1f}-{b:.1f} s bleeped</span>")

    def _words_text(self, first: int, last: int, sliced) -> str:
        if sliced is None:
            return ""
        pos = {call_index: k for k, call_index in enumerate(self.indices)}
        return " ".join(sliced.words[pos[i]].text for i in range(first, last) if i in pos)

    @guarded
    def decide(self, span_id: int, accept: bool) -> None:
        from curation.clips import decide_redaction, get_clip

        decide_redaction(self.ws, self.clip.id, span_id, accept, user=self.user)
        self.clip = get_clip(self.ws, self.clip.id, user=self.user)
        self.refresh()
        self.feedback.show(f"span {span_id} {'accepted' if accept else 'rejected'}; anonymise again to hear it", "ok")
        if self.on_change:
            self.on_change()

    @guarded
    def add_selected(self) -> None:
        from curation.clips import add_redaction, get_clip

        chosen = sorted(self.words.value)
        if not chosen:
            self.feedback.error("select the words to redact first")
            return
        if chosen != list(range(chosen[0], chosen[-1] + 1)):
            self.feedback.error("select consecutive words (one span at a time)")
            return
        span = add_redaction(self.ws, self.clip.id, (chosen[0], chosen[-1] + 1), self.entity.value, user=self.user)
        self.clip = get_clip(self.ws, self.clip.id, user=self.user)
        self.words.value = ()
        self.refresh()
        self.feedback.show(f"added {span.entity_type} span over {len(chosen)} words", "ok")
        if self.on_change:
            self.on_change()
