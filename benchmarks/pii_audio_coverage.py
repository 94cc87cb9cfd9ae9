"""Are spoken PII mentions bleeped whole when the transcript has only segment times? Before and after alignment.

    .venv/bin/python benchmarks/pii_audio_coverage.py [--seeds 7101 7102] [--calls 10] [--speed-minutes 10]

Generates synthetic calls (espeak-ng speech with ground-truth word times and PII mentions), and
anonymises each whole call (voice untouched, tone bleeps, verified) from four transcripts:

- `word_timed`: the corpus' own transcript (word times from the synthesiser);
- `segment_before`: a WebVTT made from it (one cue per turn, no word times) read with evenly spread
  word times and handled as before this change (estimated words padded by 0.25 s, no widening);
- `segment_even_widened`: the same WebVTT without alignment, handled now (every PII span on estimated
  words widens to its whole uncertain stretch: here the whole cue);
- `segment_aligned`: the same WebVTT, words placed by forced alignment (`curation.ingest.alignment`),
  uncertain ones widened.

PII spans come from the ground truth (isolates timing from detection) and from PII detection on the
transcript text (end to end). A mention counts as bleeped when every one of its words' ground-truth
audio [start, end] lies inside verified bleeped intervals on its speaker's channel. "Other speech
bleeped" is the share of the ground-truth duration of non-PII words that lies inside bleeps.
Also times the alignment of a call of about `--speed-minutes` minutes (stereo calls joined).
Writes benchmarks/results/pii_audio_coverage.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from curation.clips.redaction import vtt_timestamp

KEY = bytes(range(32))
RESULTS = Path(__file__).resolve().parent / "results"
CONDITIONS = ("word_timed", "segment_before", "segment_even_widened", "segment_aligned")


def write_vtt(transcript, path: Path, shift: float = 0.0) -> Path:
    """One cue per turn with its speaker as voice tag; no word times."""
    lines = ["WEBVTT", ""]
    for turn in transcript.turns:
        text = " ".join(w.text for w in transcript.words[turn.first:turn.last])
        lines += [f"{vtt_timestamp(turn.start + shift)} --> {vtt_timestamp(turn.end + shift)}", f"<v {turn.speaker}>{text}", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def truth_spans(transcript, truth):
    from curation.pii import PiiSpan

    offsets = transcript.word_offsets()
    return [PiiSpan(m["entity_type"], offsets[m["words"][0]][0], offsets[m["words"][1] - 1][1], 1.0)
            for m in truth["pii"]]


def before_intervals(transcript, spans) -> list[dict]:
    """The handling before this change: a span's words, min start to max end; the audio stage pads
    estimated ones by 0.25 s. No widening."""
    from curation.pii.timing import words_of_span

    offsets = transcript.word_offsets()
    starts = [a for a, _ in offsets]
    out = []
    for span in spans:
        by_speaker: dict[str, list] = {}
        for i in words_of_span(offsets, starts, span.start, span.end):
            by_speaker.setdefault(transcript.words[i].speaker, []).append(transcript.words[i])
        for speaker, ws in by_speaker.items():
            out.append({"start": min(w.start for w in ws), "end": max(w.end for w in ws), "speaker": speaker,
                        "entity_type": span.entity_type, "estimated": any(w.estimated for w in ws)})
    return out


def merged(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[list[float]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1] + 1e-6:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def covered(a: float, b: float, spans: list[tuple[float, float]]) -> float:
    """Seconds of [a, b] inside the merged spans."""
    return sum(max(0.0, min(b, e) - max(a, s)) for s, e in spans)


def score(reference, truth, report, stereo: bool) -> dict:
    """Mentions wholly bleeped, and seconds of non-PII words bleeped, against ground-truth word times."""
    channel = {s.label: (s.channel if s.channel is not None else {"agent": 0, "customer": 1}.get(s.role))
               for s in reference.speakers}
    by_channel: dict[int | None, list] = {}
    for r in report.redactions:
        if r.verified:
            for c in (r.channels if stereo else [None]):
                by_channel.setdefault(c, []).append((r.start, r.end))
    by_channel = {c: merged(v) for c, v in by_channel.items()}
    pii_words = set()
    whole = 0
    for mention in truth["pii"]:
        a, b = mention["words"]
        pii_words.update(range(a, b))
        ok = True
        for w in reference.words[a:b]:
            spans = by_channel.get(channel.get(w.speaker) if stereo else None, [])
            ok &= covered(w.start, w.end, spans) >= (w.end - w.start) - 1e-3
        whole += ok
    other = bleeped = 0.0
    for i, w in enumerate(reference.words):
        if i in pii_words:
            continue
        other += w.end - w.start
        bleeped += covered(w.start, w.end, by_channel.get(channel.get(w.speaker) if stereo else None, []))
    return {"mentions": len(truth["pii"]), "whole": whole, "other_seconds": other, "other_bleeped": bleeped}


def run_call(audio: Path, tmp: Path, detector) -> tuple[dict, dict]:
    import callcorpus

    from curation.anonymise import anonymise_audio
    from curation.ingest.alignment import align_transcript
    from curation.ingest.formats import read_transcript
    from curation.pii import redaction_intervals

    reference = read_transcript(audio.with_suffix(".json"))
    truth = callcorpus.load_truth(audio.with_name(audio.stem + ".truth.json"))
    stereo = truth["audio"]["channels"] == 2
    estimated = read_transcript(write_vtt(reference, tmp / f"{audio.stem}.vtt"))
    assert [w.text for w in estimated.words] == [w.text for w in reference.words], "VTT changed the words"
    t0 = time.perf_counter()
    aligned, summary = align_transcript(estimated, audio)
    align_seconds = time.perf_counter() - t0
    transcripts = {"word_timed": reference, "segment_before": estimated, "segment_even_widened": estimated,
                   "segment_aligned": aligned}
    out = {}
    for source in ("truth", "detected"):
        for cond, transcript in transcripts.items():
            spans = truth_spans(transcript, truth) if source == "truth" else detector(transcript.text)
            if cond == "segment_before":
                intervals = before_intervals(transcript, spans)
            else:
                intervals = redaction_intervals(transcript, spans, padding=0.0, estimated_padding=0.0)
            report = anonymise_audio(audio, transcript, intervals, KEY, voice="none",
                                     out=tmp / f"{audio.stem}.{cond}.{source}.wav")
            result = score(reference, truth, report, stereo) if report.ok else \
                {"mentions": len(truth["pii"]), "whole": 0, "other_seconds": 0.0, "other_bleeped": 0.0}
            result["blocked"] = not report.ok
            result["widened"] = sum(r.alignment_uncertain for r in report.redactions)
            out[(source, cond)] = result
    return out, {"duration": truth["audio"]["duration"], "align_seconds": align_seconds,
                 "words": summary.words, "aligned_words": summary.aligned_words,
                 "segments": summary.segments, "confident_segments": summary.confident_segments}


def joined_call(paths: list[Path], tmp: Path, minutes: float, name: str = "long") -> tuple[Path, Path, float] | None:
    """A long stereo WAV (written block by block) and its WebVTT, by joining generated stereo calls."""
    import soundfile as sf

    from curation.ingest.formats import read_transcript

    stereo = [p for p in paths if sf.info(str(p)).channels == 2]
    if not stereo:
        return None
    sr = sf.info(str(stereo[0])).samplerate
    lines, offset, k = ["WEBVTT", ""], 0.0, 0
    with sf.SoundFile(str(tmp / f"{name}.wav"), "w", samplerate=sr, channels=2, subtype="PCM_16") as out:
        while offset < minutes * 60:
            p = stereo[k % len(stereo)]
            k += 1
            data, sr = sf.read(str(p), dtype="float32", always_2d=True)
            reference = read_transcript(p.with_suffix(".json"))
            for turn in reference.turns:
                text = " ".join(w.text for w in reference.words[turn.first:turn.last])
                lines += [f"{vtt_timestamp(turn.start + offset)} --> {vtt_timestamp(turn.end + offset)}", f"<v {turn.speaker}>{text}", ""]
            out.write(data)
            offset += len(data) / sr
    (tmp / f"{name}.vtt").write_text("\n".join(lines), encoding="utf-8")
    return tmp / f"{name}.wav", tmp / f"{name}.vtt", offset


MEMORY_PROBE = """
import resource, sys, time
from curation.ingest.alignment import align_transcript
from curation.ingest.formats import read_transcript
t0 = time.perf_counter()
_, summary = align_transcript(read_transcript(sys.argv[2]), sys.argv[1])
with open("/proc/self/status") as fh:
    hwm = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM"))
print(round(time.perf_counter() - t0, 1), summary.words, summary.aligned_words, round(hwm / 1024, 1))
"""


def memory(paths: list[Path], tmp: Path, hours: float) -> dict:
    """Peak memory (VmHWM) of a fresh process that aligns an `hours`-long joined stereo call."""
    import subprocess

    joined = joined_call(paths, tmp, hours * 60, "memory")
    if joined is None:
        return {}
    wav, vtt, seconds = joined
    out = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(wav), str(vtt)], capture_output=True, text=True,
                         check=True).stdout.split()
    return {"audio_hours": round(seconds / 3600, 2), "wall_seconds": float(out[0]), "words": int(out[1]),
            "aligned_words": int(out[2]), "peak_rss_mib": float(out[3])}


def speed(paths: list[Path], tmp: Path, minutes: float) -> dict:
    """Alignment of one long stereo call made by joining generated calls (and their cues)."""
    from curation.ingest.alignment import align_transcript
    from curation.ingest.formats import read_transcript

    joined = joined_call(paths, tmp, minutes)
    if joined is None:
        return {}
    long_wav, long_vtt, offset = joined
    transcript = read_transcript(long_vtt)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    _, summary = align_transcript(transcript, long_wav)
    children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0 + (children1.ru_utime - children0.ru_utime) + (children1.ru_stime - children0.ru_stime)
    return {"audio_seconds": round(offset, 1), "words": summary.words, "aligned_words": summary.aligned_words,
            "wall_seconds": round(wall, 2), "cpu_seconds": round(cpu, 2), "real_time_factor": round(offset / wall, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[7101, 7102])
    parser.add_argument("--calls", type=int, default=10, help="calls per seed")
    parser.add_argument("--speed-minutes", type=float, default=10.0, help="length of the joined call to time (0: skip)")
    parser.add_argument("--memory-hours", type=float, default=0.0,
                        help="also align a joined call this long in a fresh process and report its peak memory")
    args = parser.parse_args()
    import callcorpus

    from curation.pii import detect

    totals: dict = {}
    calls = []
    with tempfile.TemporaryDirectory(prefix="pii-audio-") as tmp:
        tmp = Path(tmp)
        paths = []
        for seed in args.seeds:
            paths += callcorpus.generate(tmp / f"corpus-{seed}", calls=args.calls, seed=seed)
        for audio in paths:
            result, info = run_call(audio, tmp, lambda text: detect(text, "nl"))
            calls.append({"call": audio.stem, **info})
            for key, r in result.items():
                t = totals.setdefault(f"{key[0]}/{key[1]}", {"mentions": 0, "whole": 0, "other_seconds": 0.0,
                                                             "other_bleeped": 0.0, "blocked": 0, "widened": 0})
                for k in t:
                    t[k] += r[k]
            print(f"{audio.stem}: {info['aligned_words']}/{info['words']} words aligned in "
                  f"{info['align_seconds']:.1f} s ({info['duration']:.0f} s of audio)", flush=True)
        timing = speed(paths, tmp, args.speed_minutes) if args.speed_minutes > 0 else {}
        peak = memory(paths, tmp, args.memory_hours) if args.memory_hours > 0 else {}
    print(f"\n{'spans/transcript':40s} {'mentions wholly bleeped':>24s} {'other speech bleeped':>21s} "
          f"{'blocked':>8s} {'widened':>8s}")
    for name, t in totals.items():
        t["whole_share"] = round(t["whole"] / max(t["mentions"], 1), 4)
        t["other_share"] = round(t["other_bleeped"] / max(t["other_seconds"], 1e-9), 4)
        print(f"{name:40s} {t['whole']:>6d}/{t['mentions']:<6d} {100 * t['whole_share']:6.1f} % "
              f"{100 * t['other_share']:19.1f} % {t['blocked']:8d} {t['widened']:8d}")
    words = sum(c["words"] for c in calls)
    aligned = sum(c["aligned_words"] for c in calls)
    print(f"\nwords placed confidently: {aligned}/{words} ({100 * aligned / max(words, 1):.1f} %)")
    if timing:
        print(f"alignment of a {timing['audio_seconds'] / 60:.1f}-minute stereo call ({timing['words']} words): "
              f"{timing['wall_seconds']} s wall, {timing['cpu_seconds']} s CPU incl. espeak-ng, "
              f"{timing['real_time_factor']}x real time")
    if peak:
        print(f"alignment of a {peak['audio_hours']}-hour joined stereo call in a fresh process: "
              f"{peak['wall_seconds']} s, peak memory (VmHWM) {peak['peak_rss_mib']} MiB")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pii_audio_coverage.json").write_text(json.dumps(
        {"seeds": args.seeds, "calls_per_seed": args.calls, "totals": totals, "speed": timing, "memory": peak,
         "calls": calls},
        indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
