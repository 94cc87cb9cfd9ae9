"""Listening that means listening: which stretches of a clip's current anonymised audio a user has
actually heard, from the `clip.played` audit events a player records.

A player reports the stretches it played at normal progression, `(start, end)` in seconds of the
anonymised clip; a seek jumps over the audio between and starts a new stretch, so what was skipped
is never counted. An event counts only for the anonymised audio it was recorded against (its
checksum) and only after the clip's last edit: anonymising again invalidates earlier listening.
Approval (`curation.review`) needs the union of a reviewer's stretches to cover the whole clip."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from curation import audit
from curation.access import mutates, reads, storage
from curation.clips.audio import AUDIO_KINDS, _anonymised_file
from curation.clips.model import EDIT_ACTIONS, Clip
from curation.clips.store import load_anonymisation, load_clip
from curation.errors import CurationError
from curation.roles import authorised, operation
from curation.workspace import Workspace

TOLERANCE = 0.25  # seconds: gaps this short (player tick, MP3 padding) do not count as unheard
Stretch = tuple[float, float]


class BadStretch(CurationError):
    """A reported stretch is not a stretch of the clip."""


def merged(stretches) -> list[Stretch]:
    """The union of stretches as sorted, non-overlapping (start, end) pairs."""
    out: list[list[float]] = []
    for start, end in sorted((float(a), float(b)) for a, b in stretches if float(b) > float(a)):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def unheard(stretches, duration: float, tolerance: float = TOLERANCE) -> list[Stretch]:
    """The stretches of [0, duration) that `stretches` leave out, ignoring gaps up to `tolerance`."""
    gaps, at = [], 0.0
    for start, end in merged(stretches):
        if start - at > tolerance:
            gaps.append((at, min(start, duration)))
        at = max(at, end)
    if duration - at > tolerance:
        gaps.append((at, duration))
    return [(round(a, 2), round(b, 2)) for a, b in gaps if b > a]


def clock(seconds: float) -> str:
    minutes, rest = divmod(max(0.0, float(seconds)), 60)
    return f"{int(minutes)}:{rest:04.1f}"


def describe(gaps: list[Stretch]) -> str:
    """'0:03.0–0:37.0, 0:40.0–0:41.5' (at most five, then how many more)."""
    shown = ", ".join(f"{clock(a)}–{clock(b)}" for a, b in gaps[:5])
    return shown + (f" and {len(gaps) - 5} more" if len(gaps) > 5 else "")


def _audio_sha(anon: dict | None) -> str | None:
    if anon is None or anon["status"] != "ok":
        return None
    return (anon["files"].get(AUDIO_KINDS["mp3"]) or {}).get("sha256")


def _checked(stretches, duration: float) -> list[Stretch]:
    out = []
    for item in stretches or ():
        try:
            start, end = (float(v) for v in item)
        except (TypeError, ValueError):
            raise BadStretch(f"a played stretch is two numbers (start, end), not {item!r}") from None
        if not (0.0 <= start < end <= duration + 1.0):
            raise BadStretch(f"played stretch {start:.2f}–{end:.2f} s is not inside the clip (0–{duration:.2f} s)")
        out.append((round(start, 3), round(min(end, duration), 3)))
    return merged(out)


@mutates("clips.play_anonymised", "clip.played")
def record_listening(ws: Workspace, clip_id: str, stretches, user: str | None = None,
                     source: str = "player") -> list[Stretch]:
    """Record that the acting user heard `stretches` ((start, end) seconds of the clip's current
    anonymised audio, played at normal progression) as one audited `clip.played` event. Returns the
    stretches recorded (merged)."""
    with operation(ws, "clips.play_anonymised", "clip.played", "clip", clip_id, user=user,
                   what="listen to clips") as op:
        clip = load_clip(op.conn, clip_id)
        _anonymised_file(ws, op.conn, clip_id, "mp3")  # there is current anonymised audio, unchanged
        recorded = _checked(stretches, clip.duration)
        op.details.update({"stretches": [list(s) for s in recorded], "source": source,
                           "audio_sha256": _audio_sha(load_anonymisation(op.conn, clip_id))})
        return recorded


@storage("reads the audit trail through the caller's connection")
def heard_stretches(conn: Connection, clip_id: str, listener: str) -> list[Stretch]:
    """What `listener` heard of the clip's current anonymised audio since its last edit (merged)."""
    sha = _audio_sha(load_anonymisation(conn, clip_id))
    if sha is None:
        return []
    last_edit = audit.last_seq(conn, object_type="clip", object_id=clip_id, actions=EDIT_ACTIONS)
    heard = []
    for event in audit.events(conn, actor=listener, action="clip.played", object_type="clip",
                              object_id=clip_id, after_seq=last_edit):
        if event.details.get("audio_sha256") == sha:
            heard.extend(tuple(s) for s in event.details.get("stretches") or ())
    return merged(heard)


@storage("reads the audit trail through the caller's connection")
def listening_problem(conn: Connection, clip: Clip, listener: str) -> str | None:
    """Why `listener` has not heard the whole current anonymised clip, in one line (None: heard)."""
    heard = heard_stretches(conn, clip.id, listener)
    if not heard:
        return f"{listener} has not played the anonymised clip since its last edit"
    gaps = unheard(heard, clip.duration)
    if not gaps:
        return None
    missing = sum(b - a for a, b in gaps)
    return (f"{listener} has not heard the whole anonymised clip since its last edit: "
            f"{missing:.1f} of {clip.duration:.1f} s unheard ({describe(gaps)})")


@reads("clips.play_anonymised")
def listening_status(ws: Workspace, clip_id: str, user: str | None = None) -> dict:
    """For the acting user: the clip's duration, what they heard and what is left (not audited)."""
    with authorised(ws, "clips.play_anonymised", user, "listen to clips") as who:
        with ws.engine.connect() as conn:
            clip = load_clip(conn, clip_id)
            heard = heard_stretches(conn, clip_id, who.name)
    return {"duration": round(clip.duration, 3), "heard": [list(s) for s in heard],
            "unheard": [list(s) for s in unheard(heard, clip.duration)]}


STARTUP_ALLOWANCE = 0.3  # seconds a player takes to start sounding: not counted as heard


def play_through(audio_file, start: float, end: float, player: str = "ffplay") -> Stretch | None:
    """Play [start, end) of `audio_file` on this machine's speakers with ffplay (no window, so no
    seeking) and return the stretch that was played: all of it when ffplay ran to the end, the
    part before an interruption (Ctrl-C) otherwise. None when nothing could be played."""
    import shutil
    import subprocess
    import time

    exe = shutil.which(player)
    if exe is None:
        raise CurationError(f"{player} is not installed (apt-get install ffmpeg); nothing was played")
    length = max(0.0, end - start)
    command = [exe, "-nodisp", "-autoexit", "-loglevel", "error", "-ss", f"{start:.3f}", "-t", f"{length:.3f}",
               str(audio_file)]
    began = time.monotonic()
    interrupted = False
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        failed = "failed" in (done.stderr or "").lower() or "error" in (done.stderr or "").lower()
    except KeyboardInterrupt:
        interrupted, failed = True, False
    elapsed = time.monotonic() - began
    if failed:
        raise CurationError(f"{player} could not play the clip ({' '.join(done.stderr.split())[:160]}); "
                            "nothing was recorded as heard")
    heard = length if not interrupted and elapsed >= length else max(0.0, elapsed - STARTUP_ALLOWANCE)
    heard = min(heard, length)
    return (round(start, 3), round(start + heard, 3)) if heard > 0 else None
