"""Are spoken mentions bleeped whole in REAL Dutch speech when the transcript has only cue times?

    .venv/bin/python benchmarks/pii_audio_dutch.py                       # scored half, 16 and 8 kHz
    .venv/bin/python benchmarks/pii_audio_dutch.py --split tune --rates 8000

`pii_audio_coverage.py` answers this on synthetic calls (espeak-ng speech, exact word times); this one
uses real Dutch voices, so the aligners meet speech they were not made from. The speech is the Dutch
voice acting of the game Fish Fillets NG in Debian (as `align_dutch_speech.py`: fillets-ng-data-nl
1.0.1-1.1 for the recordings, fillets-ng-data for their text; `apt-get download`, nothing committed).

A test call is one mono recording of `--cues` cues. Each cue joins three recorded lines with pauses of
0.1-0.3 s (drawn), like a turn of several sentences; one of the three is a short line (one to three
words) that plays the personal-data mention, at a drawn position. The cue's WebVTT times are its
outer sound edges moved by up to 0.2 s (real cue times are rarely exact). Truth is known per line
only: where its sound starts and ends (RMS above 5 % of the line's peak; good to some 20 ms), so the
mention is a whole line. The WebVTT is imported as the workbench does (`read_transcript`, then
`curation.ingest.alignment.align_transcript`), the mention's words become one PII span,
`redaction_intervals` and `anonymise_audio` (voice untouched, tone bleeps, verified) bleep it. A
mention counts as bleeped when its line's sound lies wholly inside verified bleeps (of a missed one, the
part left out and how much of that Praat calls voiced); "other speech bleeped" is the share of the other lines' sound inside bleeps (the issue's target: >= 90 % of mentions
with at most 25 % of other speech). Run at 16 kHz and at 8 kHz (the recordings resampled, as a
telephone line would carry them; no codec).

`--transcript wrong` gives every cue other lines' text (what alignment accepts of a transcript that
does not belong to its audio); `--transcript mixed` gives one drawn cue per call other lines' text and
leaves the rest right (what a vouching call accepts of the one cue that is not what is said there).

Lines are split by sha256 of their dialog id: even = `tune` (anything chosen from this benchmark is
chosen there), odd = `scored` (only scored). Pauses between lines make placing them easier than placing
a name inside a sentence; the figure is an upper bound for that, and a real measurement for mentions
said as their own phrase. Writes --out (default benchmarks/results/pii_audio_dutch.json, git-ignored).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
import align_dutch_speech as dutch  # noqa: E402  (fetching and reading the game's Dutch lines)
from pii_audio_coverage import covered, merged  # noqa: E402

RESULTS = HERE / "results" / "pii_audio_dutch.json"
KEY = bytes(range(32))
SEED = 11
GAP = (0.1, 0.3)  # pause between the lines of a cue, seconds
CUE_SLOP = 0.2  # cue times off the sound edges by up to this much
WORD = re.compile(r"\w", re.UNICODE)


def split_of(dialog: str) -> str:
    return "tune" if hashlib.sha256(dialog.encode()).digest()[0] % 2 == 0 else "scored"


def usable(text: str) -> bool:
    words = text.split()
    return bool(words) and all(WORD.search(w) for w in words)


def misrecognised(rng: random.Random, words: list[str], wer: float, vocabulary: list[str]) -> list[str]:
    """The words as a recogniser with word error rate `wer` might give them: substitutions, deletions and
    insertions in the proportion 3 : 1 : 1; at least one word is kept."""
    out = []
    for w in words:
        r = rng.random()
        if r >= wer:
            out.append(w)
        elif r < 0.6 * wer:
            out.append(rng.choice(vocabulary))
        elif r < 0.8 * wer:
            continue
        else:
            out += [w, rng.choice(vocabulary)]
    return out or [rng.choice(vocabulary)]


def load(path: Path, rate: int) -> np.ndarray:
    """Mono float32 samples at `rate` (soundfile reads the game's Ogg Vorbis; polyphase resampling)."""
    from math import gcd

    import soundfile as sf
    from scipy.signal import resample_poly

    y, sr = sf.read(str(path), dtype="float32", always_2d=True)
    y = y.mean(axis=1)
    if sr != rate:
        g = gcd(sr, rate)
        y = resample_poly(y, rate // g, sr // g).astype(np.float32)
    return y


def sound_edges(y: np.ndarray, sr: int) -> tuple[float, float] | None:
    """Where a line's sound starts and ends: RMS over 512-sample frames every 128 samples (centred, zero
    padded) above 5 % of its peak, as align_dutch_speech.py measures it; None for a silent recording."""
    frame, hop = 512, 128
    padded = np.pad(y, frame // 2)
    n = 1 + (len(padded) - frame) // hop
    if n < 1:
        return None
    idx = np.arange(frame)[None, :] + hop * np.arange(n)[:, None]
    rms = np.sqrt(np.mean(padded[idx] ** 2, axis=1))
    if not rms.max() > 0:
        return None
    on = np.flatnonzero(rms > 0.05 * rms.max())
    return on[0] * hop / sr, (on[-1] + 1) * hop / sr


def build_call(rng: random.Random, longs, shorts, cues: int, rate: int, tmp: Path, name: str,
               wer: float = 0.0, vocabulary: list[str] | None = None, wrong: bool = False,
               wrong_cue: int | None = None):
    """Write `name`.wav and `name`.vtt; return the lines' truth [(start, end, first word, words, mention)].
    `wrong`: the WebVTT holds the text of other lines (drawn from the same lists), not what is said;
    `wrong_cue`: only that cue does (a transcript right everywhere else)."""
    import soundfile as sf

    from curation.clips.redaction import vtt_timestamp

    parts, truth, vtt = [], [], ["WEBVTT", ""]
    t, word = 0.5, 0
    parts.append(np.zeros(int(0.5 * rate), np.float32))
    for cue in range(cues):
        chosen = rng.sample(longs, 2)
        at = rng.randrange(3)
        chosen.insert(at, rng.choice(shorts))
        cue_start, texts = None, []
        for k, (_, text, ogg) in enumerate(chosen):
            y = load(ogg, rate)
            edges = sound_edges(y, rate)
            if edges is None:  # a few of the game's recordings are silent
                chosen[k] = (_, text, ogg) = rng.choice(shorts if k == at else longs)
                y = load(ogg, rate)
                edges = sound_edges(y, rate)
                if edges is None:
                    raise RuntimeError(f"{ogg}: silent recording drawn twice")
            a, b = edges
            y = y[int(a * rate):int(b * rate)]  # the line's sound only; pauses are ours
            if k != at and wer > 0:  # recognition errors around the mention, never in it
                text = " ".join(misrecognised(rng, text.split(), wer, vocabulary))
            if wrong or cue == wrong_cue:
                text = rng.choice([x for x in (shorts if k == at else longs) if x[2] != ogg])[1]
            n = len(text.split())
            truth.append((t, t + len(y) / rate, word, n, k == at))
            cue_start = t if cue_start is None else cue_start
            parts.append(y)
            t += len(y) / rate
            word += n
            texts.append(text)
            gap = rng.uniform(*GAP) if k < 2 else rng.uniform(0.6, 1.2)
            parts.append(np.zeros(int(gap * rate), np.float32))
            cue_end = t
            t += len(parts[-1]) / rate
        a = max(0.0, cue_start + rng.uniform(-CUE_SLOP, CUE_SLOP))
        b = cue_end + rng.uniform(-CUE_SLOP, CUE_SLOP)
        vtt += [f"{vtt_timestamp(a)} --> {vtt_timestamp(b)}", "<v Beller>" + " ".join(texts), ""]
    x = np.concatenate(parts)
    peak = float(np.max(np.abs(x))) or 1.0
    sf.write(str(tmp / f"{name}.wav"), (0.7 * x / peak).astype(np.float32), rate, subtype="PCM_16")
    (tmp / f"{name}.vtt").write_text("\n".join(vtt), encoding="utf-8")
    return truth


def voiced_outside(wav: Path, a: float, b: float, bleeps) -> float:
    """Seconds of [a, b] outside the bleeps that Praat's pitch tracker calls voiced (10 ms frames): the part
    of a missed mention a listener hears as speech rather than a breath, click or faint consonant (the RMS
    sound edges catch those too)."""
    import parselmouth
    import soundfile as sf

    info = sf.info(str(wav))
    y, sr = sf.read(str(wav), start=int(a * info.samplerate), stop=int(b * info.samplerate), dtype="float64")
    if len(y) < sr // 20:
        return 0.0
    pitch = parselmouth.Sound(y, sampling_frequency=sr).to_pitch(time_step=0.01, pitch_floor=60, pitch_ceiling=500)
    f0 = pitch.selected_array["frequency"]
    times = a + pitch.xs()
    return float(sum(0.01 for t, f in zip(times, f0) if f > 0 and covered(t - 0.005, t + 0.005, bleeps) < 0.005))


def gate_of_wrong(tmp: Path, name: str) -> dict:
    """A call whose WebVTT holds other lines' text: what alignment accepted of it (any word it calls
    placed or bounds narrower than its stretch would bleep the wrong place)."""
    from curation.ingest.alignment import align_transcript
    from curation.ingest.formats import read_transcript

    aligned, summary = align_transcript(read_transcript(tmp / f"{name}.vtt"), tmp / f"{name}.wav")
    return {"segments": summary.segments, "confident_segments": summary.confident_segments,
            "agreed_segments": summary.agreed_segments, "vouched_segments": summary.vouched_segments,
            "words": summary.words, "accepted_words": sum(w.aligned for w in aligned.words),
            "calls_with_accepted_words": int(any(w.aligned for w in aligned.words)),
            "call_agree_share": [summary.call_agree_share]}


def gate_of_mixed(tmp: Path, name: str, truth, cue: int) -> dict:
    """A right transcript but for cue `cue`, whose text is other lines': what alignment accepted of that
    cue's words (placed or bounded: bleeps narrower than its stretch, which could fall where its text is
    not said), and whether the call vouched."""
    from curation.ingest.alignment import align_transcript
    from curation.ingest.formats import read_transcript

    aligned, summary = align_transcript(read_transcript(tmp / f"{name}.vtt"), tmp / f"{name}.wav")
    lines = truth[3 * cue:3 * cue + 3]
    first, last = lines[0][2], lines[-1][2] + lines[-1][3]
    accepted = sum(w.aligned for w in aligned.words[first:last])
    return {"calls": 1, "wrong_cue_words": last - first, "wrong_cue_accepted_words": accepted,
            "calls_with_wrong_cue_accepted": int(accepted > 0),
            "wrong_cue_placed_words": sum(w.aligned and not w.estimated for w in aligned.words[first:last]),
            "call_agree_share": [summary.call_agree_share]}


def gate_line(transcript: str, total: dict, calls: int) -> str:
    """What `gate_of_wrong` or `gate_of_mixed` found over all calls of one rate, in words."""
    if transcript == "mixed":
        return (f"one wrong cue per call: {total['calls_with_wrong_cue_accepted']} of {calls} calls had words of it "
                f"accepted ({total['wrong_cue_accepted_words']} of {total['wrong_cue_words']} words, "
                f"{total['wrong_cue_placed_words']} placed, the rest bounded)")
    return (f"wrong transcripts: {total['calls_with_accepted_words']} of {calls} calls had words accepted "
            f"({total['accepted_words']} of {total['words']} words; segments agreed {total['agreed_segments']}, "
            f"of them vouched by the call {total['vouched_segments']})")


def score_call(tmp: Path, name: str, truth) -> dict:
    from curation.anonymise import anonymise_audio
    from curation.ingest.alignment import align_transcript
    from curation.ingest.formats import read_transcript
    from curation.pii import PiiSpan, redaction_intervals

    estimated = read_transcript(tmp / f"{name}.vtt")
    if len(estimated.words) != sum(n for *_, n, _ in truth):
        raise RuntimeError(f"{name}: the WebVTT reader split the lines into other words")
    aligned, summary = align_transcript(estimated, tmp / f"{name}.wav")
    offsets = aligned.word_offsets()
    spans = [PiiSpan("PERSON", offsets[first][0], offsets[first + n - 1][1], 1.0)
             for _, _, first, n, mention in truth if mention]
    intervals = redaction_intervals(aligned, spans, padding=0.0, estimated_padding=0.0)
    report = anonymise_audio(tmp / f"{name}.wav", aligned, intervals, KEY, voice="none",
                             out=tmp / f"{name}.out.wav")
    if not report.ok:
        return {"mentions": len(spans), "whole": 0, "other_seconds": 0.0, "other_bleeped": 0.0, "blocked": True,
                "widened": 0, "placed_mentions": 0, "bounded_mentions": 0, "missed_ms": [], "missed_voiced_ms": []}
    bleeps = merged([(r.start, r.end) for r in report.redactions if r.verified])
    whole = other = bleeped = 0.0
    placed = bounded = 0
    misses = []  # ms of each partly audible mention's sound left outside the bleeps
    voiced_misses = []  # of that, ms Praat calls voiced (a vowel or voiced consonant, not a breath or click)
    for a, b, first, n, mention in truth:
        inside = covered(a, b, bleeps)
        if mention:
            whole += inside >= (b - a) - 1e-3
            if inside < (b - a) - 1e-3:
                misses.append(round((b - a - inside) * 1000))
                voiced_misses.append(round(voiced_outside(tmp / f"{name}.wav", a, b, bleeps) * 1000))
            mention_words = aligned.words[first:first + n]
            placed += all(w.aligned and not w.estimated for w in mention_words)
            bounded += all(w.aligned for w in mention_words) and any(w.bounded for w in mention_words)
        else:
            other += b - a
            bleeped += inside
    return {"mentions": len(spans), "whole": int(whole), "other_seconds": other, "other_bleeped": bleeped,
            "blocked": False, "widened": sum(r.alignment_uncertain for r in report.redactions),
            "placed_mentions": placed, "bounded_mentions": bounded, "segments": summary.segments, "missed_ms": misses,
            "missed_voiced_ms": voiced_misses,
            "confident_segments": summary.confident_segments,
            "agreed_segments": getattr(summary, "agreed_segments", 0),
            "vouched_segments": getattr(summary, "vouched_segments", 0),
            "call_agree_share": [getattr(summary, "call_agree_share", None)]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("tune", "scored"), default="scored")
    parser.add_argument("--rates", type=int, nargs="+", default=[16000, 8000])
    parser.add_argument("--calls", type=int, default=12, help="test calls per rate (default: %(default)s)")
    parser.add_argument("--cues", type=int, default=10, help="cues per call (default: %(default)s)")
    parser.add_argument("--wer", type=float, default=0.0,
                        help="recognition errors in the words around each mention (0.2: one word in five "
                             "substituted, dropped or with a word inserted; default: %(default)s)")
    parser.add_argument("--transcript", choices=("right", "wrong", "mixed"), default="right",
                        help="mixed: one drawn cue per call holds other lines' text, the rest is right; "
                             "wrong: each cue's WebVTT text is other lines', to see what alignment accepts of a "
                             "transcript that does not belong to its audio (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    began = time.perf_counter()
    every = [x for x in dutch.lines(dutch.fetch()) if usable(x[1]) and split_of(x[0]) == args.split]
    longs = [x for x in every if 4 <= len(x[1].split()) <= 14]
    shorts = [x for x in every if 1 <= len(x[1].split()) <= 3]
    vocabulary = sorted({w for _, text, _ in every for w in text.split()})
    results = {}
    for rate in args.rates:
        rng = random.Random(f"{SEED}:{args.split}")  # the same lines at every rate
        total = {"mentions": 0, "whole": 0, "other_seconds": 0.0, "other_bleeped": 0.0, "blocked": 0, "widened": 0,
                 "placed_mentions": 0, "bounded_mentions": 0, "segments": 0, "confident_segments": 0, "agreed_segments": 0,
                 "missed_ms": [], "missed_voiced_ms": []}
        with tempfile.TemporaryDirectory(prefix="pii-audio-dutch-") as d:
            for c in range(args.calls):
                wrong_cue = rng.randrange(args.cues) if args.transcript == "mixed" else None
                truth = build_call(rng, longs, shorts, args.cues, rate, Path(d), f"call{c}", args.wer, vocabulary,
                                   wrong=args.transcript == "wrong", wrong_cue=wrong_cue)
                if wrong_cue is not None:
                    got = gate_of_mixed(Path(d), f"call{c}", truth, wrong_cue)
                elif args.transcript == "wrong":
                    got = gate_of_wrong(Path(d), f"call{c}")
                else:
                    got = score_call(Path(d), f"call{c}", truth)
                for k in got:
                    total[k] = total.get(k, 0 if not isinstance(got[k], list) else []) + got[k]
        if args.transcript != "right":  # a gate measurement: what alignment accepted of text not said there
            results[str(rate)] = total
            print(f"{rate} Hz, {args.split} lines, {gate_line(args.transcript, total, args.calls)}; call agreement "
                  f"shares {total['call_agree_share']}", flush=True)
            continue
        m = max(total["mentions"], 1)
        summary = {"mentions": total["mentions"], "wholly_bleeped": round(total["whole"] / m, 3),
                   "other_speech_bleeped": round(total["other_bleeped"] / max(total["other_seconds"], 1e-9), 3),
                   "mentions_placed_by_alignment": round(total["placed_mentions"] / m, 3),
                   "mentions_within_alignment_bounds": round(total["bounded_mentions"] / m, 3),
                   "widened_intervals": total["widened"], "blocked_calls": total["blocked"],
                   "segments": total["segments"], "confident_segments": total["confident_segments"],
                   "agreed_segments": total["agreed_segments"], "vouched_segments": total.get("vouched_segments", 0),
                   "call_agree_shares": total.get("call_agree_share", []),
                   "missed_ms": total["missed_ms"], "missed_voiced_ms": total["missed_voiced_ms"]}
        results[str(rate)] = summary
        print(f"{rate} Hz, {args.split} lines, WER {args.wer:.0%}: {summary['wholly_bleeped']:.1%} of {summary['mentions']} mentions "
              f"wholly bleeped, other speech bleeped {summary['other_speech_bleeped']:.1%}; mentions placed by "
              f"alignment {summary['mentions_placed_by_alignment']:.0%}, within its bounds "
              f"{summary['mentions_within_alignment_bounds']:.0%}; segments confident {total['confident_segments']}"
              f" / agreed {total['agreed_segments']} (vouched by the call {total.get('vouched_segments', 0)}) of "
              f"{total['segments']}; blocked calls {total['blocked']}; audible parts of "
              f"missed mentions {summary['missed_ms']} ms (voiced {summary['missed_voiced_ms']} ms)",
              flush=True)
    seconds = round(time.perf_counter() - began, 1)
    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
               for pkg in dutch.PACKAGES for p in sorted(dutch.DEBS.glob(f"{pkg}_*.deb"))}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"split": args.split, "transcript": args.transcript, "wer": args.wer, "seed": SEED, "calls": args.calls, "cues": args.cues,
                                    "seconds": seconds, "debs_sha256": digests, "rates": results}, indent=1) + "\n")
    print(f"{seconds} s; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
