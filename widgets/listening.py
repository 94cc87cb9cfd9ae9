"""What a player may load, always through the library: originals only for users holding
`calls.play_original` (each load is an audited play), otherwise anonymised clip audio only.

Loading anonymised audio is not listening: the clip counts as played (`curation.clips.play_clip`,
audited, the approval gate's condition) only when the player reports that playback started."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Callable

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
    """MP3 bytes of the clip's current anonymised audio for the player (not yet a listen)."""
    from curation.clips import load_clip_audio

    return load_clip_audio(ws, clip_id, fmt="mp3", user=user)


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
    """A/B listening of one clip: its anonymised audio and, for users allowed to, the original range.

    `heard` turns True (and `on_played` callbacks run) once the user really played the anonymised
    audio of the clip now shown; that play is recorded once through `curation.clips.play_clip`."""

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
        self._played_callbacks: list[Callable[[], None]] = []
        self.player.observe(self._playback, ["playing", "played_seconds"])
        super().__init__([self.source, self.player, self.controls, self.feedback])
        self.add_class("cw-clip-listener")

    def on_played(self, callback: Callable[[], None]) -> None:
        """Call `callback()` after the shown clip's anonymised audio was played (once per clip shown)."""
        self._played_callbacks.append(callback)

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
        hint = "" if self.heard or self.source.value == ORIGINAL else "; press play (space) to listen"
        self.feedback.show(f"loaded {self.source.value} audio of {clip.id}{hint}", "info")

    @guarded
    def _playback(self, change) -> None:
        """The front end reports playback: the first real play of the anonymised audio is the listen."""
        from curation.clips import play_clip

        player = self.player
        started = player.playing or player.played_seconds > 0
        if not started or self.heard or self.clip is None or self.source.value != ANONYMISED or not player.audio:
            return
        play_clip(self.ws, self.clip.id, user=self.user,
                  details={"from_seconds": round(float(player.current_time), 2)})
        self.heard = True
        self.feedback.show(f"you played the anonymised audio of {self.clip.id}", "ok")
        for callback in self._played_callbacks:
            callback()
