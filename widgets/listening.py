"""What a player may load, always through the library: originals only for users holding
`calls.play_original` (each load is an audited play), otherwise anonymised clip audio only.

Loading anonymised audio is not listening: what counts is the stretches the player reports as
played through (`curation.clips.record_listening`, audited as `clip.played`); the approval gate
needs them to cover the whole clip. They are recorded when playback pauses or ends, and before a
decision (`flush`)."""

from __future__ import annotations

from typing import Callable

import ipywidgets as w

from widgets.base import Feedback, guarded
from widgets.player import LISTEN_HINT, CallPlayer, ClipRangeControls

ORIGINAL, ANONYMISED = "original", "anonymised"


def original_audio(ws, call_id: str, start: float | None = None, end: float | None = None,
                   user: str | None = None) -> bytes:
    """WAV bytes of an original recording (range), through the audited `curation.clips.original_audio`
    (in team mode the service runs it for the token's user)."""
    from curation.clips import original_audio as load_original

    return load_original(ws, call_id, start, end, user=user)


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

    The stretches of the anonymised audio the user really played are recorded through
    `curation.clips.record_listening` when playback pauses or ends; `on_played` callbacks run after
    each recording; `heard` turns True once the library counts the whole clip as heard."""

    def __init__(self, ws, user: str | None = None):
        self.ws, self.user = ws, user
        self.clip = None
        self.feedback = Feedback()
        self.player = CallPlayer(editable=False, hint=LISTEN_HINT)
        self.controls = ClipRangeControls(self.player)
        for control in (self.controls.start, self.controls.end, self.controls.play_sel_button):
            control.layout.display = "none"  # nothing to cut here: listening only
        self.progress = w.HTML()
        self.progress.add_class("cw-heard")
        self.source = w.ToggleButtons(options=[("Anonymised", ANONYMISED)], value=ANONYMISED,
                                      description="Listen to", style={"button_width": "110px"})
        self.source.observe(lambda _c: self.load(), "value")
        self.heard = False
        self._recorded: list[list[float]] = []
        self._played_callbacks: list[Callable[[], None]] = []
        self.player.observe(self._playback, ["playing"])
        super().__init__([self.source, self.player, self.controls, self.progress, self.feedback])
        self.add_class("cw-clip-listener")

    def on_played(self, callback: Callable[[], None]) -> None:
        """Call `callback()` after stretches of the shown clip's anonymised audio were recorded as heard."""
        self._played_callbacks.append(callback)

    def show(self, clip, transcript=None, bands: list[dict] | None = None) -> None:
        self.clip = clip
        self.heard = False
        self._recorded = []
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
        self._recorded = []
        hint = "" if self.source.value == ORIGINAL else "; press play (space) and listen to all of it"
        self.feedback.show(f"loaded {self.source.value} audio of {clip.id}{hint}", "info")
        self._show_progress()

    def _playback(self, change) -> None:
        """Playback paused or ended: record what was played through."""
        if not change["new"]:
            self.flush()

    @guarded
    def flush(self) -> None:
        """Record the stretches of the anonymised audio played since the last recording (if any)."""
        from curation.clips import record_listening

        player = self.player
        stretches = [list(s) for s in player.played_stretches or [] if len(s) == 2 and s[1] > s[0]]
        if (self.clip is None or self.source.value != ANONYMISED or not player.audio or not stretches
                or stretches == self._recorded):
            return
        record_listening(self.ws, self.clip.id, [tuple(s) for s in stretches], user=self.user)
        self._recorded = stretches
        self._show_progress()
        for callback in self._played_callbacks:
            callback()

    def _show_progress(self) -> None:
        """What the library counts as heard of this clip, for the acting user."""
        from curation.clips import listening_status
        from curation.clips.listening import describe

        if self.clip is None or not can(self.ws, "clips.play_anonymised", self.user):
            self.progress.value = ""
            return
        try:
            status = listening_status(self.ws, self.clip.id, user=self.user)
        except Exception:  # noqa: BLE001 - no current anonymised audio: nothing to say about listening
            self.progress.value = ""
            return
        left = [tuple(s) for s in status["unheard"]]
        self.heard = not left
        if not left:
            text, colour = "you have heard the whole anonymised clip", "#1e7b34"
        else:
            missing = sum(b - a for a, b in left)
            text, colour = (f"not yet heard: {missing:.1f} of {status['duration']:.1f} s ({describe(left)})",
                            "#8a5a00")
        self.progress.value = f"<div class='cw-msg' style='color:{colour};font-size:13px'>{text}</div>"
