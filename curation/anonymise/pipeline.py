"""`anonymise_audio`: cut a clip, disguise every voice, bleep every PII interval, verify, encode.

Fails closed: when an interval cannot be placed or any verification fails, the report
says `blocked` with the reason and no output file is left behind. The output is
written to a hidden temporary file next to `out` and renamed only when all checks pass.

Plain files only: an original recording stored in a workspace (`W/originals/...`) is refused here
and anonymised through the workspace (`anonymise_call`), which checks the role and audits it.
"""

from __future__ import annotations

import logging
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable

import numpy as np

from curation.anonymise import bleep as bleeping
from curation.anonymise.clip import resolve
from curation.anonymise.keys import KEY_SCOPES, clip_key, speaker_parameters
from curation.anonymise.render import RenderJob, render
from curation.anonymise.report import AnonymisationReport, RedactionResult, uncertain_reason
from curation.anonymise.speakers import channel_roles, channels_of_roles, mono_timeline, role_labels
from curation.anonymise.verify import DECODED_THRESHOLD_DBFS, codec_guard_seconds, verify_interval
from curation.anonymise.voice import METHOD_DESCRIPTIONS, METHODS, method_label
from curation.audio import Writer, format_for, probe, stream
from curation.audio.loudness import DEFAULT_TARGET_LUFS, normalisation_gain
from curation.audio.probe import SOUNDFILE_FORMATS
from curation.checksums import sha256_file
from curation.errors import CurationError, PermissionDenied
from curation.model import Transcript

log = logging.getLogger(__name__)
LOSSLESS = ("wav", "flac")
ORIGINALS = "originals"


class OriginalRecording(PermissionDenied):
    """A workspace's original recording handed to the stand-alone anonymiser."""


def workspace_original(path) -> tuple[Path, str] | None:
    """(workspace folder, path relative to it) when `path` (symlinks followed) lies in a workspace's
    `originals/` folder; None for any other file."""
    resolved = Path(path).resolve()
    for folder in resolved.parents:
        if folder.name != ORIGINALS:
            continue
        from curation.workspace import WORKSPACE_FILE  # SQLAlchemy comes with it: only for an `originals` folder

        if (folder.parent / WORKSPACE_FILE).is_file():
            return folder.parent, resolved.relative_to(folder.parent).as_posix()
    return None


def anonymise_audio(audio_path, transcript: Transcript | None, intervals: Iterable, key: bytes, **options
                    ) -> AnonymisationReport:
    """Anonymise [start, end) of a plain recording into `out` (see `_anonymise_audio` for the
    options). An original recording of a workspace is refused (`OriginalRecording`): it goes
    through `curation.anonymise.anonymise_call` (role check, workspace key, audit event)."""
    found = workspace_original(audio_path)
    if found is not None:
        raise OriginalRecording(f"{audio_path}: an original recording of workspace {found[0]}; anonymise it through "
                                "the workspace (`anonymise_call`; `curation anonymise --audio` does so), which "
                                "checks your role and records it in the audit trail")
    return _anonymise_audio(audio_path, transcript, intervals, key, **options)


def _anonymise_audio(audio_path, transcript: Transcript | None, intervals: Iterable, key: bytes,
                    voice: str = "default", bleep: str = "tone", start: float | None = None,
                    end: float | None = None, out=None, fmt: str | None = None, *, call_id: str | None = None,
                    snap: str = "none", pad: float = bleeping.PAD_SECONDS,
                    pad_estimated: float = bleeping.PAD_ESTIMATED_SECONDS,
                    pad_aligned: float = bleeping.PAD_ALIGNED_SECONDS, sample_rate: int | None = None,
                    target_lufs: float | None = DEFAULT_TARGET_LUFS, bitrate: str | None = None,
                    crosstalk_guard: bool = True, key_scope: str = "call",
                    clip_id: str | None = None) -> AnonymisationReport:
    """Anonymise [start, end) of `audio_path` into `out`. `intervals` are on the call's timeline:
    objects or dicts with start, end, speaker (transcript label or role), entity_type [, estimated].

    `key_scope="clip"` narrows the voice key to this clip (`keys.clip_key`; the clip is named by
    `clip_id`, else by its time range), so two clips of one call do not sound alike."""
    if voice not in METHODS:
        raise CurationError(f"unknown voice method {voice!r} (use one of {', '.join(METHODS)})")
    if key_scope not in KEY_SCOPES:
        raise CurationError(f"unknown key scope {key_scope!r} (use one of {', '.join(KEY_SCOPES)})")
    if bleep not in bleeping.BLEEP_MODES:
        raise CurationError(f"unknown bleep mode {bleep!r} (use tone or silence)")
    if out is None:
        raise CurationError("anonymise_audio needs an output path")
    out = Path(out)
    fmt = format_for(out, fmt)
    info = probe(audio_path)
    if info.channels > 2:
        raise CurationError(f"{audio_path}: {info.channels} channels; only mono or agent/customer stereo is supported")
    sr, channels = info.sample_rate, info.channels
    report = AnonymisationReport(status="blocked")
    clip = resolve(info.duration, transcript, start, end, snap, str(audio_path))
    clip_first = int(round(clip.start * sr))
    n = int(round(clip.end * sr)) - clip_first
    report.clip = {"start": round(clip.start, 6), "end": round(clip.end, 6), "duration": round(n / sr, 6),
                   "snap": snap}
    report.bleep = {"mode": bleep, "padding": pad, "padding_estimated": pad_estimated, "padding_aligned": pad_aligned,
                    "fade": bleeping.FADE_SECONDS}

    labels = role_labels(transcript)
    try:
        redactions = [_redaction(i, transcript, labels) for i in intervals]
        call_spans = bleeping.plan(redactions, info.duration, sr, channels_of_roles(transcript, channels),
                                   pad, pad_estimated, pad_aligned)
    except CurationError as exc:
        report.blocked_reason = f"redaction cannot be placed: {exc}"
        return report
    spans = _to_clip(call_spans, clip_first, n)

    sliced = transcript.slice(clip.start, clip.end) if transcript is not None else None
    if channels == 1:
        timeline, warnings = mono_timeline(sliced, n, sr, labels)
        roles, chan_roles = sorted({s.role for s in timeline}), None
        report.warnings.extend(warnings if voice != "none" else [])
    else:
        timeline, chan_roles = None, channel_roles(transcript, channels)
        roles = chan_roles
    call_id = call_id or sha256_file(audio_path)  # stable id from the bytes; only keys the HMAC
    if key_scope == "clip":
        key = clip_key(key, call_id, clip_id or f"{clip.start:.3f}-{clip.end:.3f}")
    params = {r: speaker_parameters(key, call_id, r, voice) for r in roles}
    report.voice = {"method": voice, "design": method_label(voice), "description": METHOD_DESCRIPTIONS[voice],
                    "speakers": list(roles),
                    "per_speaker": voice != "none" and len(roles) > 1, "key_scope": key_scope}
    if voice == "pitch":
        report.warnings.append("voice method 'pitch' is a plain pitch shift; an attacker can undo it by shifting "
                               "back, so it does not protect who is speaking on its own")
    if transcript is not None and transcript.duration > info.duration + bleeping.TIME_TOLERANCE:
        report.blocked_reason = (f"transcript runs to {transcript.duration:.2f}s but the recording lasts "
                                 f"{info.duration:.2f}s: they do not belong together")
        return report
    _warn_silent_or_clipped(audio_path, clip.start, clip.end, report)

    job = RenderJob(sr=sr, channels=channels, n=n, spans=spans, params=params, channel_roles=chan_roles,
                    timeline=timeline, bleep_mode=bleep, crosstalk_guard=crosstalk_guard)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".anon-", dir=out.parent) as tmp:
        tmp = Path(tmp)
        source = _random_access_source(audio_path, info, clip.start, clip.end, tmp)
        render_path = tmp / "render.wav"
        offset = 0 if source != Path(audio_path) else clip_first
        with _reader(source, offset, channels) as read_range, \
                Writer(render_path, sr, channels, fmt="wav", subtype="FLOAT") as rendered:
            meter = render(read_range, job, rendered.write)
        report.warnings.extend(job.warnings)
        report.redactions = [_result(s, sr, labels) for s in spans]
        widened = sum(r.alignment_uncertain for r in report.redactions)
        if widened:
            report.warnings.append(f"{widened} interval(s) cover a whole stretch because the word times there "
                                   "could not be placed confidently (alignment uncertain)")
        failed = [r for r in report.redactions if not r.verified]
        report.verification = {"pcm": not failed, "pcm_threshold_dbfs": -80.0}
        if failed:
            r = failed[0]
            report.blocked_reason = (f"verification failed: {len(failed)} interval(s) still hold sound besides the "
                                     f"{bleep}, first at {r.start:.3f}-{r.end:.3f}s ({r.speaker}, {r.entity_type})")
            return report
        gain = normalisation_gain(meter, target_lufs) if target_lufs is not None else 1.0
        report.loudness = {"target_lufs": target_lufs,
                           "gain_db": round(float(20 * np.log10(gain)), 2) if gain > 0 else None}
        encoded = tmp / f"out.{fmt}"
        with Writer(encoded, sr, channels, fmt=fmt, bitrate=bitrate, out_rate=sample_rate) as w:
            for block in stream(render_path, block_seconds=20.0):
                w.write(block * gain)
        out_info = probe(encoded)
        if fmt not in LOSSLESS or sample_rate not in (None, sr):
            guard = codec_guard_seconds(out_info.codec, sr) + (0.005 if sample_rate not in (None, sr) else 0.0)
            ok, worst, checked = _verify_decoded(encoded, spans, sr, bleep, guard)
            report.verification.update({"decoded": bool(ok), "decoded_threshold_dbfs": DECODED_THRESHOLD_DBFS,
                                        "decoded_worst_dbfs": float(worst), "decoded_edge_guard": round(guard, 4),
                                        "decoded_intervals_checked": checked})
            if not ok:
                report.blocked_reason = ("verification of the encoded file failed: sound besides the "
                                         f"{bleep} remains in a redacted interval (worst {worst:.1f} dBFS)")
                return report
        os.replace(encoded, out)
    report.status = "ok"
    log.info("anonymised a %.1f s clip: %d interval(s) bleeped and verified, voice %s", n / sr,
             len(report.redactions), voice)
    report.output = {"file": out.name, "format": fmt, "codec": out_info.codec, "sample_rate": out_info.sample_rate,
                     "channels": out_info.channels, "duration": round(out_info.duration, 6)}
    return report


def _redaction(item, transcript: Transcript | None, labels: dict[str, str]) -> bleeping.Redaction:
    get = (lambda k, d=None: item.get(k, d)) if isinstance(item, dict) else (lambda k, d=None: getattr(item, k, d))
    start, end = get("start"), get("end")
    speaker = get("speaker")
    known_roles = set(labels.values()) | {"agent", "customer"}
    role = labels.get(speaker) or (speaker if speaker in known_roles else None)
    estimated, aligned = get("estimated"), get("aligned")
    if transcript is not None and start is not None and end is not None and (estimated is None or aligned is None):
        inside = [w for w in transcript.words if w.end > start and w.start < end]
        estimated = any(w.estimated for w in inside) if estimated is None else estimated
        aligned = any(w.aligned for w in inside) if aligned is None else aligned
    return bleeping.Redaction(None if start is None else float(start), None if end is None else float(end), role,
                              str(get("entity_type", "PII")), bool(estimated), bool(get("widened", False)),
                              bool(aligned))


def _to_clip(spans: list[bleeping.BleepSpan], clip_first: int, n: int) -> list[bleeping.BleepSpan]:
    out = []
    for s in spans:
        first, last = max(0, s.first - clip_first), min(n, s.last - clip_first)
        if last > first:
            out.append(bleeping.BleepSpan(s.redaction, first, last, s.channels))
    return out


def _result(s: bleeping.BleepSpan, sr: int, labels: dict[str, str]) -> RedactionResult:
    residual = None if s.residual_dbfs is None else round(max(s.residual_dbfs, -200.0), 1)
    start, end = round(s.first / sr, 6), round(s.last / sr, 6)
    return RedactionResult(start=start, end=end,
                           speaker=s.redaction.speaker or "unknown", entity_type=s.redaction.entity_type,
                           verified=bool(s.verified), channels=sorted(set(s.channels + s.extra_channels)),
                           estimated_times=s.redaction.estimated, residual_dbfs=residual,
                           alignment_uncertain=s.redaction.widened,
                           reason=uncertain_reason(start, end) if s.redaction.widened else None)


def _random_access_source(audio_path, info, start: float, end: float, tmp: Path) -> Path:
    """A file soundfile can seek in: the original, or the clip decoded to a temporary float WAV."""
    if info.format.upper() in SOUNDFILE_FORMATS and info.codec != "opus":
        return Path(audio_path)
    target = tmp / "source.wav"
    with Writer(target, info.sample_rate, info.channels, fmt="wav", subtype="FLOAT") as w:
        for block in stream(audio_path, start=start, end=end):
            w.write(block)
    return target


@contextmanager
def _reader(path: Path, offset: int, channels: int):
    """A function reading clip samples [first, last) from a seekable file, zero-padded at its end."""
    import soundfile as sf

    with sf.SoundFile(str(path)) as handle:
        def read_range(first: int, last: int) -> np.ndarray:
            handle.seek(min(offset + first, handle.frames))
            data = handle.read(last - first, dtype="float32", always_2d=True)
            if len(data) < last - first:  # decoded lossy sources can be a few samples short
                data = np.concatenate([data, np.zeros((last - first - len(data), channels), dtype=np.float32)])
            return data

        yield read_range


def _verify_decoded(path: Path, spans: list[bleeping.BleepSpan], sr: int, mode: str,
                    guard_seconds: float) -> tuple[bool, float]:
    """Decode the written file once, at the working rate, and check every span minus the codec's
    smearing guard at each end (the PCM check already covered the whole span)."""
    guard = int(round(guard_seconds * sr))
    tone_hz = bleeping.tone_frequency(sr) if mode == "tone" else None
    pending = sorted(spans, key=lambda s: s.first)
    worst, ok, pos, buf, checked = float("-inf"), True, 0, np.zeros((0, 1), dtype=np.float32), 0
    for block in stream(path, block_seconds=20.0, sample_rate=sr):
        buf = np.concatenate([buf, block]) if len(buf) else block
        while pending and pending[0].last - guard <= pos + len(buf):
            s = pending.pop(0)
            a, b = s.first + guard, s.last - guard
            if b - a < int(0.01 * sr):  # too short to clear the codec's smearing: its middle 10 ms (fail-safe)
                mid, half = (s.first + s.last) // 2, int(0.005 * sr)
                a, b = max(s.first, mid - half), min(s.last, mid + half)
            if b > a:
                checked += 1
                for c in s.channels + s.extra_channels:
                    v = verify_interval(buf[a - pos: b - pos, c], sr, a, tone_hz, DECODED_THRESHOLD_DBFS)
                    worst, ok = max(worst, v.residual_dbfs), bool(ok and v.ok)
        keep_from = min([s.first for s in pending] + [pos + len(buf)])
        buf, pos = buf[keep_from - pos:], keep_from
    if pending:  # the decoded file ended before a span: it is not the file we rendered
        return False, 0.0, checked
    return bool(ok), (round(float(worst), 1) if np.isfinite(worst) else -200.0), checked


def _warn_silent_or_clipped(audio_path, start: float, end: float, report: AnonymisationReport) -> None:
    """Warn (not block) about input that is silent or heavily clipped; cheap streaming scan."""
    peak, clipped, total = 0.0, 0, 0
    for block in stream(audio_path, block_seconds=30.0, start=start, end=end):
        a = np.abs(block)
        peak = max(peak, float(a.max(initial=0.0)))
        clipped += int(np.count_nonzero(a >= 0.999))
        total += a.size
    if peak < 1e-4:
        report.warnings.append("the clip is silent (peak below -80 dBFS)")
    elif total and clipped / total > 0.001:
        report.warnings.append(f"the clip is clipped ({100 * clipped / total:.2f} % of samples at full scale)")
