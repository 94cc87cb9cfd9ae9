"""Listening: anonymised clip audio (audited as `clip.played`) and original recordings
(trainer or privacy reviewer only, audited as `call.original_played`).

`load_clip_audio` only hands a player the anonymised bytes (permission checked, not a listen);
`play_clip` records that playback started (audited). Neither counts as having heard the clip: what
was heard is the stretches a player reports through `curation.clips.listening.record_listening`."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from curation.access import mutates, reads, reads_personal
from curation.checksums import sha256_file
from curation.clips.store import load_anonymisation, load_clip
from curation.errors import CurationError
from curation.roles import authorised, operation
from curation.workspace import Workspace

AUDIO_KINDS = {"mp3": "audio_mp3", "wav": "audio_wav"}


class NotAnonymised(CurationError):
    """The clip has no current anonymised audio."""

    exit_code = 5


def _anonymised_file(ws: Workspace, conn, clip_id: str, fmt: str = "mp3") -> Path:
    """Path of the clip's current anonymised audio, checked against its stored checksum."""
    if fmt not in AUDIO_KINDS:
        raise CurationError(f"unknown audio format {fmt!r} (use mp3 or wav)")
    load_clip(conn, clip_id)
    anon = load_anonymisation(conn, clip_id)
    if anon is None or anon["status"] != "ok":
        state = "never anonymised" if anon is None else f"anonymisation {anon['status']}"
        raise NotAnonymised(f"clip {clip_id} has no anonymised audio ({state}); run `curation clips anonymise`")
    entry = anon["files"][AUDIO_KINDS[fmt]]
    path = ws.path_of(entry["path"])
    if not path.is_file() or sha256_file(path) != entry["sha256"]:
        raise CurationError(f"{path}: anonymised audio of clip {clip_id} is missing or was changed; anonymise again")
    return path


@reads("clips.play_anonymised")
def load_clip_audio(ws: Workspace, clip_id: str, fmt: str = "mp3", user: str | None = None) -> bytes:
    """The anonymised audio's bytes for a player, before anyone presses play: permission checked,
    not audited and not a listen (the approval gate needs `curation.clips.listening`)."""
    with authorised(ws, "clips.play_anonymised", user, "listen to clips"), ws.engine.connect() as conn:
        return _anonymised_file(ws, conn, clip_id, fmt).read_bytes()


PLAYER_DETAILS = ("position", "exported")  # what a player may add to a clip.played event


@mutates("clips.play_anonymised", "clip.played")
def play_clip(ws: Workspace, clip_id: str, fmt: str = "mp3", user: str | None = None,
              details: dict | None = None) -> bytes:
    """The anonymised audio's bytes; playback started, audited (`details`, the player's position or an
    export flag as numbers or flags, `PLAYER_DETAILS`, go into the audit event). Hears nothing by itself: the approval gate counts only the stretches
    recorded by `curation.clips.listening.record_listening`."""
    details = dict(details or {})
    odd = sorted(k for k, v in details.items() if k not in PLAYER_DETAILS or not isinstance(v, (int, float, bool)))
    if odd:  # the trail is append-only: a player may add numbers and flags it knows, never text
        raise CurationError(f"play_clip: details {', '.join(map(str, odd))} are not recorded "
                            f"(only {', '.join(PLAYER_DETAILS)}, as numbers or flags)")
    with operation(ws, "clips.play_anonymised", "clip.played", "clip", clip_id, user=user,
                   what="listen to clips") as op:
        path = _anonymised_file(ws, op.conn, clip_id, fmt)
        op.details.update({**details, "format": fmt})
        return path.read_bytes()


@mutates("clips.play_anonymised", "clip.played")
def export_clip_audio(ws: Workspace, clip_id: str, out, fmt: str | None = None, user: str | None = None) -> Path:
    """Write the anonymised audio to `out` (format from its suffix); audited as `clip.played` (exported),
    but a file on disk is not a listen: it covers no stretch for the approval gate."""
    out = Path(out)
    fmt = fmt or (out.suffix.lstrip(".").lower() or "mp3")
    with operation(ws, "clips.play_anonymised", "clip.played", "clip", clip_id, user=user,
                   what="listen to clips") as op:
        path = _anonymised_file(ws, op.conn, clip_id, fmt)
        tmp = out.with_name(f".{out.name}.part")
        shutil.copyfile(path, tmp)
        tmp.replace(out)
        op.details.update({"format": fmt, "exported": True})
    return out


def _original_range(ws: Workspace, call_id: str, start: float | None, end: float | None):
    """[start, end) of a call's original recording as (samples, sample rate), read from the audio store.
    Callers hold the audited `calls.play_original` operation."""
    from curation.audio import read
    from curation.audio.io import AudioError, read_open
    from curation.catalogue import get_call

    call = get_call(ws, call_id)
    try:  # read in place: only the range's bytes cross the network
        with ws.audio_store.opened(call.audio_path) as f:
            return read_open(f, start or 0.0, end, name=call.audio_path)
    except AudioError:
        pass  # decoded by ffmpeg (MP3, Opus...), which reads a file: the private copy, as before
    with ws.audio_store.local_copy(call.audio_path) as source:
        return read(source, start=start or 0.0, end=end)


@reads_personal("calls.play_original", "call.original_played")
def export_original(ws: Workspace, call_id: str, out, start: float | None = None, end: float | None = None,
                    user: str | None = None) -> Path:
    """Write [start, end) of an original recording to `out` (WAV). Trainer or privacy reviewer only."""
    from curation.audio import write

    out = Path(out)
    with operation(ws, "calls.play_original", "call.original_played", "call", call_id, user=user,
                   what="play or export original recordings") as op:
        data, sr = _original_range(ws, call_id, start, end)
        tmp = out.with_name(f".{out.name}.part.wav")
        write(tmp, data, sr)
        tmp.replace(out)
        op.details.update({"start": start, "end": end, "exported": True})
    return out


@reads_personal("calls.play_original", "call.original_played")
def original_audio(ws: Workspace, call_id: str, start: float | None = None, end: float | None = None,
                   user: str | None = None) -> bytes:
    """WAV bytes of [start, end) of an original recording, for a player. Trainer or privacy reviewer
    only; audited as `call.original_played` with the range and its length. In team mode the service
    runs this for the token's user and meters it (`hubservice.app.ListeningBudget`)."""
    from curation.audio import write

    with operation(ws, "calls.play_original", "call.original_played", "call", call_id, user=user,
                   what="play or export original recordings") as op:
        data, sr = _original_range(ws, call_id, start, end)
        ws.tmp.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="play-", dir=ws.tmp) as tmp:
            audio = write(Path(tmp) / "original.wav", data, sr).read_bytes()
        op.details.update({"start": start, "end": end, "seconds": round(len(data) / sr, 2)})
    return audio


@reads_personal("calls.play_original", "call.original_played")
def export_clip_original(ws: Workspace, clip_id: str, out, user: str | None = None) -> Path:
    """The original (not anonymised) audio of a clip's range: `export_original` on its call."""
    with authorised(ws, "calls.play_original", user, "play or export original recordings") as who:
        with ws.engine.connect() as conn:
            clip = load_clip(conn, clip_id)
        return export_original(ws, clip.call_id, out, clip.start, clip.end, user=who.name)
