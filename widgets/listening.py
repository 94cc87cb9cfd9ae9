"""What a player may load, always through the library: originals only for users holding
`calls.play_original` (each load is an audited play), otherwise anonymised clip audio only."""

from __future__ import annotations

import tempfile
from pathlib import Path

import ipywidgets as w

from widgets.base import Feedback, guarded
from widgets.player import CallPlayer, ClipRangeControls

ORIGINAL, ANONYMISED = "original", "anonymised"


def original_audio(ws, call_id: str, start: float | None = None, end: float | None = None,
                   user: str | None = None) -> bytes:
    """WAV bytes of an original recording (range), through the audited `export_original`."""
    from curation.clips import export_original

    ws.tmp.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="play-", dir=ws.tmp) as tmp:
        out = export_original(ws, call_id, Path(tmp) / "original.wav", start, end, user=user)
        return out.read_bytes()


def anonymised_audio(ws, clip_id: str, user: str | None = None) -> bytes:
    """MP3 bytes of the clip's current anonymised audio (an audited listen)."""
    from curation.clips import play_clip

    return play_clip(ws, clip_id, fmt="mp3", user=user)


def turns_for_player(transcript, start: float = 0.0, end: float | None = None) -> list[dict]:
    """Speaker turns (roles, never speaker labels) shifted onto a player whose time 0 is `start`."""
    if transcript is None:
        return []
    roles = {s.label: s.role for s in transcript.speakers}
    out = []
    for turn in transcript.turns:
        a, b = max(turn.start, start), turn.end if end is None else min(turn.end, end)
        if b > a:
            out.append({"role": roles.get(turn.speaker, "unknown"), "start": round(a - start, 3),
                        "end": round(b - start, 3)})
    return out


def can(ws, permission: str, user: str | None = None) -> bool:
    from curation.roles import actor

    return actor(ws, user).can(permission)


class ClipListener(w.VBox):
    """A/B listening of one clip: its anonymised audio and, for users allowed to, the original range."""

    def __init__(self, ws, user: str | None = None):
        self.ws, self.user = ws, user
        self.clip = None
        self.feedback = Feedback()
        self.player = CallPlayer()
        self.controls = ClipRangeControls(self.player)
        self.controls.start.layout.display = self.controls.end.layout.display = "none"
        self.source = w.ToggleButtons(options=[("Anonymised", ANONYMISED)], value=ANONYMISED,
                                      description="Listen to", style={"button_width": "110px"})
        self.source.observe(lambda _c: self.load(), "value")
        self.heard = False
        super().__init__([self.source, self.player, self.controls, self.feedback])
        self.add_class("cw-clip-listener")

    def show(self, clip, transcript=None, bands: list[dict] | None = None) -> None:
        self.clip = clip
        self.heard = False
        options = [("Anonymised", ANONYMISED)]
        if can(self.ws, "calls.play_original", self.user):
            options.append(("Original", ORIGINAL))
        self.source.options = options
        self.player.duration = clip.duration
        self.player.turns = turns_for_player(transcript, clip.start, clip.end)
        self.player.pii_bands = bands or []
        self.source.value = ANONYMISED
        self.load()

    @guarded
    def load(self) -> None:
        clip = self.clip
        if clip is None:
            return
        self.feedback.clear()
        if self.source.value == ORIGINAL:
            data = original_audio(self.ws, clip.call_id, clip.start, clip.end, user=self.user)
            self.player.show_audio(data, "audio/wav", "original (audited)", clip.duration)
        else:
            self.player.show_audio(b"", "audio/mpeg", "", clip.duration)
            data = anonymised_audio(self.ws, clip.id, user=self.user)
            self.player.show_audio(data, "audio/mpeg", "anonymised", clip.duration)
            self.heard = True
        self.feedback.show(f"loaded {self.source.value} audio of {clip.id}", "info")
