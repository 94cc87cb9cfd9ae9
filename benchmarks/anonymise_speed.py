"""Speed and memory of audio anonymisation, side by side with `sox IN OUT pitch -300`.

    .venv/bin/python benchmarks/anonymise_speed.py [--minutes 10] [--long-minutes 120]

A 10-minute stereo 8 kHz call (espeak-ng, synthetic): PII detection on its transcript,
then bleeping + voice disguise + verification + MP3 encode, against sox's pitch shift of
the same file in the same run. CPU seconds (own process + ffmpeg/sox children) are the
fair measure on a shared machine; wall time is printed too. Then the peak memory of
anonymising a 2-hour call, measured in a child process. Writes a JSON summary to
benchmarks/results/anonymise_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the target says
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

KEY = bytes(range(32))
RESULTS = Path(__file__).resolve().parent / "results"


def cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn):
    w, c = time.perf_counter(), cpu()
    result = fn()
    return result, time.perf_counter() - w, cpu() - c


def pii_intervals(transcript):
    try:
        from curation.pii import redaction_intervals
    except ImportError:
        return None
    return redaction_intervals(transcript, language="nl", padding=0.0, estimated_padding=0.0)


def memory_child(path: str, transcript_pickle: str, out: str) -> None:
    """Run in a fresh process: anonymise the long call and print peak RSS (MiB) of self and children."""
    import pickle

    from curation.anonymise import anonymise_audio

    with open(transcript_pickle, "rb") as fh:
        transcript, intervals = pickle.load(fh)
    report = anonymise_audio(path, transcript, intervals, KEY, out=out)
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across fork+exec, so it would count the parent's memory.
    hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
    print(json.dumps({"status": report.status, "reason": report.blocked_reason, "peak_rss_mib": round(hwm / 1024, 1),
                      "redactions": len(report.redactions)}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--long-minutes", type=float, default=120.0, help="0 skips the memory run")
    parser.add_argument("--memory-child", nargs=3, metavar=("AUDIO", "PICKLE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(*args.memory_child)
        return 0

    from anonymise_data import repeat_to, synthetic_call

    from curation.anonymise import anonymise_audio

    results: dict = {"minutes": args.minutes, "sample_rate": 8000, "channels": 2}
    with tempfile.TemporaryDirectory(prefix="anon-bench-") as tmp:
        tmp = Path(tmp)
        call, transcript = synthetic_call(tmp, args.minutes)
        audio_seconds = args.minutes * 60
        print(f"call: {call.name}, {len(transcript.words)} words, {audio_seconds:.0f} s")

        _, w_engine, _ = timed(lambda: pii_intervals(transcript.slice(0, 20)))  # engine load + warm-up
        intervals, w_pii, c_pii = timed(lambda: pii_intervals(transcript))
        if intervals is None:
            print("curation.pii not available: using every 15th word as a PII interval")
            intervals = [{"start": w.start, "end": w.end, "speaker": w.speaker, "entity_type": "PII"}
                         for w in transcript.words[::15]]
            w_pii = c_pii = 0.0
        results["pii"] = {"intervals": len(intervals), "wall_s": round(w_pii, 3), "cpu_s": round(c_pii, 3),
                          "engine_load_wall_s": round(w_engine, 2)}
        print(f"PII detection: {len(intervals)} intervals, {c_pii:.2f} s CPU (engine load {w_engine:.1f} s)")

        for voice in ("default", "warp", "pitch", "none"):
            rep, w, c = timed(lambda: anonymise_audio(call, transcript, intervals, KEY, voice=voice,
                                                      out=tmp / f"anon_{voice}.mp3"))
            assert rep.ok, rep.blocked_reason
            results[f"anonymise_{voice}"] = {"wall_s": round(w, 3), "cpu_s": round(c, 3),
                                             "verified": sum(r.verified for r in rep.redactions),
                                             "redactions": len(rep.redactions)}
            print(f"anonymise voice={voice}: {c:.2f} s CPU ({w:.2f} s wall), "
                  f"{results[f'anonymise_{voice}']['verified']}/{len(rep.redactions)} intervals verified")

        _, w_sox, c_sox = timed(lambda: subprocess.run(["sox", str(call), str(tmp / "sox.mp3"), "pitch", "-300"],
                                                       check=True, capture_output=True))
        results["sox_pitch"] = {"wall_s": round(w_sox, 3), "cpu_s": round(c_sox, 3)}
        total_cpu = c_pii + results["anonymise_default"]["cpu_s"]
        results["total_default_cpu_s"] = round(total_cpu, 3)
        results["realtime_factor"] = round(audio_seconds / total_cpu, 1)
        results["ratio_to_sox"] = round(total_cpu / c_sox, 2)
        print(f"sox pitch -300: {c_sox:.2f} s CPU ({w_sox:.2f} s wall)")
        print(f"whole default anonymisation: {total_cpu:.2f} s CPU = {audio_seconds / total_cpu:.0f}x real time, "
              f"{total_cpu / c_sox:.1f}x the time of sox pitch")

        if args.long_minutes:
            import pickle

            long_call = repeat_to(call, tmp / "long.wav", args.long_minutes)
            reps = int(round(args.long_minutes / args.minutes))
            long_words, long_ivs = [], []
            from dataclasses import replace

            from curation.model import Transcript
            for k in range(reps):
                off = k * audio_seconds
                long_words += [replace(w, start=w.start + off, end=w.end + off) for w in transcript.words]
                long_ivs += [{"start": _get(i, "start") + off, "end": _get(i, "end") + off,
                              "speaker": _get(i, "speaker"), "entity_type": _get(i, "entity_type")} for i in intervals]
            long_tr = Transcript.build(long_words, transcript.speakers)
            with open(tmp / "long.pkl", "wb") as fh:
                pickle.dump((long_tr, long_ivs), fh)
            w0 = time.perf_counter()
            proc = subprocess.run([sys.executable, __file__, "--memory-child", str(long_call), str(tmp / "long.pkl"),
                                   str(tmp / "long.mp3")], capture_output=True, text=True)
            if proc.returncode != 0:
                print(proc.stderr[-2000:])
                return 1
            mem = json.loads(proc.stdout.strip().splitlines()[-1])
            mem["minutes"] = args.long_minutes
            mem["wall_s"] = round(time.perf_counter() - w0, 1)
            results["long_call"] = mem
            print(f"{args.long_minutes:.0f}-minute call: peak RSS {mem['peak_rss_mib']} MiB (the Python process; "
                  f"ffmpeg streams beside it), {mem['wall_s']} s wall, status {mem['status']}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "anonymise_speed.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


def _get(item, key):
    return item[key] if isinstance(item, dict) else getattr(item, key)


if __name__ == "__main__":
    sys.exit(main())
