"""Generate a corpus folder: per call `<id>.wav|mp3`, `<id>.json` (project transcript),
`<id>.truth.json` (ground truth) and one `manifest.csv`. Deterministic for a seed: every
call is rendered in a fresh worker process because espeak-ng carries synthesis state
from one utterance to the next within a process."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import random
import subprocess
import wave
from datetime import timedelta
from pathlib import Path

from .calls import STYLES, CallPlan, plan_call
from .errors import CorpusError
from .lexicon import dutch_lists
from .names import NAME_SOURCES
from .render import OUT_RATE, render, render_text_only, to_pcm16
from .truth import build_transcript, build_truth

MANIFEST_COLUMNS = ["call_id", "audio", "transcript", "recorded_at", "agent_id", "customer_ref", "topic", "language",
                    "notice_played", "notice_purposes", "customer_objected", "employee_informed", "secret_recording",
                    "retention_until"]
AUDIO_FORMATS = ("wav", "mixed")


def generate(out_dir, calls: int = 10, seed: int = 1, *, audio_format: str = "wav", stereo_ratio: float = 0.7,
             workers: int | None = None, audio: bool = True, style: str = "mixed", names: str = "faker") -> list[Path]:
    """Write `calls` synthetic calls into `out_dir`; return the audio paths in call order.

    `audio=False` writes transcripts and truth only (same words and spans, estimated timings,
    no audio file, empty `audio` column) and returns the transcript paths: for text evaluations.
    `style`: `mixed` (about half the transcripts ASR-style), `human` or `asr`. `names`: `faker`
    (lists the PII recognizers do not use) or `deduce` (the recognizers' own lists: a mirror, for
    pipeline checks only)."""
    if audio_format not in AUDIO_FORMATS:
        raise CorpusError(f"audio_format must be one of {', '.join(AUDIO_FORMATS)}, not {audio_format!r}")
    if style not in STYLES:
        raise CorpusError(f"style must be one of {', '.join(STYLES)}, not {style!r}")
    if names not in NAME_SOURCES:
        raise CorpusError(f"names must be one of {', '.join(NAME_SOURCES)}, not {names!r}")
    if calls < 0 or not 0.0 <= stereo_ratio <= 1.0:
        raise CorpusError(f"need calls >= 0 and 0 <= stereo_ratio <= 1 (got {calls}, {stereo_ratio})")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise CorpusError(f"{out}: exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    if audio_format == "mixed" and calls:
        _require_ffmpeg()
    _preload(names, style)  # load the lists once here; forked workers inherit them
    jobs = [(i, seed, str(out), audio_format, stereo_ratio, audio, style, names) for i in range(calls)]
    if not audio:
        rows = [_render_call(job) for job in jobs]
    elif calls:
        # one fresh process per call (even with one worker): espeak-ng state must not leak between calls
        from . import speech

        # a parent that already ran espeak-ng would hand its state to forked children: spawn then
        ctx = multiprocessing.get_context("fork" if speech._engine is None else "spawn")
        with ctx.Pool(max(1, min(workers or 2, calls)), maxtasksperchild=1) as pool:
            rows = pool.map(_render_call, jobs, chunksize=1)
    else:
        rows = []
    _write_manifest(out / "manifest.csv", rows)
    return [out / (row["audio"] or row["transcript"]) for row in rows]


def _require_ffmpeg() -> None:
    try:
        subprocess.run(["ffmpeg", "-version"], capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise CorpusError("audio_format='mixed' needs ffmpeg (apt-get install ffmpeg)") from exc


def _preload(names: str, style: str) -> None:
    from .asr import _tables, common_words
    from .names import FOREIGN_LOCALES, people, places
    from .phrasebook import PARTS, book

    for part in PARTS:
        book(part)
    if names == "deduce":
        dutch_lists()
    else:
        for origin in ("nl", "be", *FOREIGN_LOCALES):
            people(origin)
        places("nl"), places("be")
    if style != "human":
        _tables(), common_words()


def _render_call(job: tuple) -> dict:
    index, seed, out_dir, audio_format, stereo_ratio, with_audio, style, names = job
    plan = plan_call(index, seed, names, style)
    layout = random.Random(f"callcorpus-layout:{seed}:{index}")
    stereo = layout.random() < stereo_ratio
    as_mp3 = audio_format == "mixed" and index % 4 == 1  # every fourth call, so small corpora have one
    render_rng = random.Random(f"callcorpus-render:{seed}:{index}")
    out = Path(out_dir)
    if with_audio:
        call = render(plan.turns, plan.voices, render_rng, noise=plan.noise, default_gap=plan.gap)
        pcm = to_pcm16(call.channels, stereo)
        audio_name = f"{plan.call_id}.{'mp3' if as_mp3 else 'wav'}"
        (_write_mp3 if as_mp3 else _write_wav)(out / audio_name, pcm)
    else:
        call = render_text_only(plan.turns, plan.voices, render_rng, default_gap=plan.gap)
        audio_name = ""
    transcript, index_of, recognition = build_transcript(plan, call, stereo,
                                                          random.Random(f"callcorpus-conf:{seed}:{index}"))
    truth = build_truth(plan, call, transcript, index_of, stereo, recognition)
    _write_json(out / f"{plan.call_id}.json", transcript)
    _write_json(out / f"{plan.call_id}.truth.json", truth)
    return _manifest_row(plan, audio_name)


def _write_wav(path: Path, pcm) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(pcm.shape[1])
        w.setsampwidth(2)
        w.setframerate(OUT_RATE)
        w.writeframes(pcm.tobytes())


def _write_mp3(path: Path, pcm) -> None:
    cmd = ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "s16le", "-ar", str(OUT_RATE), "-ac", str(pcm.shape[1]),
           "-i", "pipe:0", "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact",
           "-codec:a", "libmp3lame", "-b:a", "32k", str(path)]
    proc = subprocess.run(cmd, input=pcm.tobytes(), capture_output=True)
    if proc.returncode != 0:
        raise CorpusError(f"{path}: ffmpeg failed: {proc.stderr.decode(errors='replace').strip()[:200]}")


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _manifest_row(plan: CallPlan, audio_name: str) -> dict:
    c = plan.consent
    b = lambda v: "true" if v else "false"  # noqa: E731
    return {
        "call_id": plan.call_id, "audio": audio_name, "transcript": f"{plan.call_id}.json",
        "recorded_at": plan.recorded_at.strftime("%Y-%m-%dT%H:%M:%SZ"), "agent_id": plan.agent_id,
        "customer_ref": plan.customer_ref, "topic": plan.topic, "language": "nl",
        "notice_played": b(c.notice_played), "notice_purposes": ";".join(c.purposes),
        "customer_objected": b(c.customer_objects), "employee_informed": b(c.employee_informed),
        "secret_recording": b(c.secret_recording),
        "retention_until": (plan.recorded_at + timedelta(days=c.retention_days)).strftime("%Y-%m-%d"),
    }


def _write_manifest(path: Path, rows: list[dict]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


__all__ = ["generate", "MANIFEST_COLUMNS"]
