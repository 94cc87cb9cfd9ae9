"""The call player: one anywidget component around wavesurfer.js 8 (bundled in widgets/static/player.js).

Python holds the state as traitlets: the audio bytes (or only waveform peaks when the user may
not hear the recording), speaker turns, PII bands, the selected clip range, current time, speed.
The front end renders them and reports the selection, time and play state back: `playing` turns
True when playback really starts, `played_seconds` counts the seconds actually played and
`played_stretches` lists the [start, end] stretches played at normal progression (a seek starts a
new stretch: what it jumped over is not in any). A listening-only player (`editable=False`, the
reviewer's) has no clip region to drag and shows only the listening keys.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import ipywidgets as w
import numpy as np
import traitlets as t

STATIC = Path(__file__).resolve().parent / "static"
SPEEDS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
CUT_HINT = "Space play/pause · ←/→ 1 s (Shift 5 s) · [ / ] clip start/end at the cursor · drag on the waveform to select"
LISTEN_HINT = "Space play/pause · ←/→ 1 s (Shift 5 s) · only stretches played through count as heard, not seeks"
PEAK_POINTS = 2000


class CallPlayer(anywidget.AnyWidget):
    """Waveform, speaker-turn lane, PII bands and a draggable clip region; keyboard first."""

    _esm = STATIC / "player.js"
    _css = STATIC / "player.css"

    audio = t.Bytes(b"").tag(sync=True)
    mime = t.Unicode("audio/wav").tag(sync=True)
    peaks = t.List(t.Float()).tag(sync=True)
    duration = t.Float(0.0).tag(sync=True)
    source_label = t.Unicode("").tag(sync=True)
    turns = t.List(t.Dict()).tag(sync=True)
    pii_bands = t.List(t.Dict()).tag(sync=True)
    selection = t.Dict({}).tag(sync=True)
    current_time = t.Float(0.0).tag(sync=True)
    playing = t.Bool(False).tag(sync=True)
    played_seconds = t.Float(0.0).tag(sync=True)
    played_stretches = t.List(t.List(t.Float())).tag(sync=True)
    editable = t.Bool(True).tag(sync=True)
    hint = t.Unicode(CUT_HINT).tag(sync=True)
    rate = t.Float(1.0).tag(sync=True)
    seek_to = t.Float(-1.0).tag(sync=True)
    command = t.Unicode("").tag(sync=True)

    @t.validate("rate")
    def _valid_rate(self, proposal):
        return float(min(2.0, max(0.5, proposal["value"])))

    @t.validate("selection")
    def _valid_selection(self, proposal):
        sel = proposal["value"] or {}
        if not sel:
            return {}
        start, end = float(sel.get("start", 0.0)), float(sel.get("end", 0.0))
        if self.duration:
            start, end = max(0.0, min(start, self.duration)), max(0.0, min(end, self.duration))
        if end <= start:
            raise t.TraitError(f"clip end {end:.2f} s must be after its start {start:.2f} s")
        return {"start": round(start, 3), "end": round(end, 3)}

    def play(self) -> None:
        self.command = f"play:{id(object())}"

    def pause(self) -> None:
        self.command = f"pause:{id(object())}"

    def seek(self, seconds: float) -> None:
        self.seek_to = -1.0
        self.seek_to = float(seconds)

    def show_audio(self, data: bytes, mime: str, label: str, duration: float) -> None:
        self.duration, self.mime, self.source_label = float(duration), mime, label
        self.playing, self.played_seconds = False, 0.0  # new audio: nothing of it has been played yet
        self.played_stretches = []
        self.peaks = []
        self.audio = data

    def show_peaks(self, peaks, label: str, duration: float) -> None:
        """Waveform only, no sound: for users who may see a call's shape but not hear it."""
        self.duration, self.source_label, self.audio = float(duration), label, b""
        self.peaks = [float(p) for p in peaks]


def peaks_of(samples: np.ndarray, points: int = PEAK_POINTS) -> list[float]:
    """Absolute peak per block of a mono signal (the waveform's shape without its content)."""
    if samples.ndim > 1:
        samples = np.abs(samples).max(axis=1)
    n = len(samples)
    if n == 0:
        return []
    points = min(points, n)
    edges = np.linspace(0, n, points + 1).astype(int)
    peaks = np.maximum.reduceat(np.abs(samples), edges[:-1])
    top = float(peaks.max()) or 1.0
    return [round(float(p) / top, 4) for p in peaks]


class ClipRangeControls(w.VBox):
    """Typed start/end, speed and transport buttons bound to a CallPlayer's traitlets."""

    def __init__(self, player: CallPlayer):
        self.player = player
        self.start = w.BoundedFloatText(description="Start (s)", min=0.0, max=1e6, step=0.1,
                                        layout=w.Layout(width="170px"))
        self.end = w.BoundedFloatText(description="End (s)", min=0.0, max=1e6, step=0.1,
                                      layout=w.Layout(width="170px"))
        self.speed = w.Dropdown(options=[(f"{s:g}×", s) for s in SPEEDS], value=1.0, description="Speed",
                                layout=w.Layout(width="150px"))
        self.play_button = w.Button(description="Play/pause", icon="play", layout=w.Layout(width="110px"))
        self.play_sel_button = w.Button(description="Play clip", icon="scissors", layout=w.Layout(width="100px"))
        self.message = w.HTML()
        self.invalid: str | None = None  # why the typed range was refused (the selection kept its old value)
        self._syncing = False
        w.link((self.speed, "value"), (player, "rate"))
        self.play_button.on_click(lambda _b: player.pause() if player.playing else player.play())
        self.play_sel_button.on_click(lambda _b: setattr(player, "command", f"play-selection:{id(object())}"))
        self.start.observe(self._typed, "value")
        self.end.observe(self._typed, "value")
        player.observe(self._from_player, "selection")
        super().__init__([w.HBox([self.start, self.end, self.speed, self.play_button, self.play_sel_button]),
                          self.message])

    def _typed(self, _change) -> None:
        if self._syncing:
            return
        try:
            self.player.selection = {"start": self.start.value, "end": self.end.value}
            self.message.value, self.invalid = "", None
        except t.TraitError as exc:
            self.invalid = str(exc)
            self.message.value = f"<span style='color:#a61b1b'>{exc}</span>"

    def _from_player(self, change) -> None:
        sel = change["new"] or {}
        self.invalid, self.message.value = None, ""  # a range chosen on the waveform replaces a bad typed one
        self._syncing = True
        try:
            self.start.value = sel.get("start", 0.0)
            self.end.value = sel.get("end", 0.0)
        finally:
            self._syncing = False
