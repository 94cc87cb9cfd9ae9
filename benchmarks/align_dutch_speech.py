"""Can either aligner tell a right Dutch transcript from a wrong one on real Dutch speech?

    .venv/bin/python benchmarks/align_dutch_speech.py                # 120 utterances, 16 and 8 kHz
    .venv/bin/python benchmarks/align_dutch_speech.py --limit 40 --rates 16000

Real Dutch speech with its text: the Dutch voice acting of the game Fish Fillets NG in Debian
(fillets-ng-data-nl 1.0.1-1.1: 1,616 recorded lines of two main speakers and others; the lines' text in
fillets-ng-data 1.0.1-1.1, `script/*/dialogs_nl.lua`). `apt-get download` (no install) fetches both
packages into ~/.cache/curation/benchmarks/debs and `dpkg-deb -x` unpacks them; nothing is committed.
The lines have no word times, so this measures the gate, and placement only where the truth is known:
each line (at least four words) is aligned once with its own words and once with another line's words
(repeated to the same length), by the acoustic model (`curation.audio.phone_align`, its path cost; "no
path" counts as rejected) and by the espeak-ng aligner (`curation.audio.align`, its match rank).
Reported: the share of right and of wrong transcripts each gate accepts, the AUC of the score (1.0
separates perfectly, 0.5 is chance), and the share of words the acoustic model vouches for; the same
for the pipeline's fallback where neither aligner is confident, the words both place alike
(`curation.ingest.alignment.agreeing`; the acoustic model there on its own decoder with the pipeline's
wide beams, `phone_align.WIDE_BEAM`, as `_phone_aligner("second")` runs it). Then placement at known edges: three of the drawn lines joined
with 0.4 s of silence are aligned as one segment, and the first word's start and last word's end of
each line are compared with where that line's sound starts and ends (RMS above 5 % of its peak; a
rough truth, good to some 20 ms). Lines are drawn with fixed seeds; the script tunes nothing. The
agreement's tolerance and share were chosen on other lines of the same packages (not the 120 drawn
here with the default seed).
Writes --out (default benchmarks/results/align_dutch_speech.json, git-ignored).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
RESULTS = HERE / "results" / "align_dutch_speech.json"
DEBS = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "curation" / "benchmarks" / "debs"
PACKAGES = ("fillets-ng-data", "fillets-ng-data-nl")
GAME = "usr/share/games/fillets-ng"
DIALOG = re.compile(r'dialogId\("([^"]+)".*?\)\s*dialogStr\("((?:[^"\\]|\\.)*)"\)', re.S)
MIN_WORDS = 4
SEED = 1


def fetch() -> dict[str, Path]:
    """apt-get download + dpkg-deb -x each package once (needs apt's package lists)."""
    DEBS.mkdir(parents=True, exist_ok=True)
    out = {}
    for pkg in PACKAGES:
        target = DEBS / pkg
        if not target.is_dir():
            debs = list(DEBS.glob(f"{pkg}_*.deb"))
            if not debs:
                subprocess.run(["apt-get", "download", pkg], cwd=DEBS, check=True, capture_output=True)
                debs = list(DEBS.glob(f"{pkg}_*.deb"))
            subprocess.run(["dpkg-deb", "-x", str(debs[0]), str(target)], check=True)
        out[pkg] = target
    return out


def lines(folders: dict[str, Path]) -> list[tuple[str, str, Path]]:
    """(dialog id, Dutch text, recording) of every line that has a Dutch recording."""
    scripts = folders["fillets-ng-data"] / GAME / "script"
    sounds = folders["fillets-ng-data-nl"] / GAME / "sound"
    out = []
    for lua in sorted(scripts.glob("*/dialogs_nl.lua")):
        for dialog, text in DIALOG.findall(lua.read_text(encoding="utf-8", errors="replace")):
            ogg = sounds / lua.parent.name / "nl" / f"{dialog}.ogg"
            if ogg.exists():
                out.append((dialog, text.replace('\\"', '"'), ogg))
    return out


def auc(right: list[float], wrong: list[float]) -> float | None:
    """P(a right transcript scores better, i.e. lower, than a wrong one); ties count half."""
    if not right or not wrong:
        return None
    return round(float(np.mean([(r < w) + 0.5 * (r == w) for r in right for w in wrong])), 3)


JOINS, JOIN_GAP, JOIN_SEED = 25, 0.4, 7


def _sound_edges(y: np.ndarray, sr: int) -> tuple[float, float]:
    import librosa

    hop = 128
    rms = librosa.feature.rms(y=y, frame_length=512, hop_length=hop)[0]
    on = np.flatnonzero(rms > 0.05 * rms.max())
    return on[0] * hop / sr, (on[-1] + 1) * hop / sr


def joins(phones, second, lines, rate: int, synth) -> dict:
    """Three lines joined with silence, aligned as one segment: errors at the lines' outer word edges, for
    the acoustic model alone (its own gate and word costs) and for the words it and espeak-ng + DTW place
    alike (`curation.ingest.alignment.agreeing`, the pipeline's fallback where neither is confident)."""
    import librosa

    from curation.audio.align import AlignmentFailed, align_segment
    from curation.audio.phone_align import CONFIDENT
    from curation.ingest.alignment import AGREE_SHARE, agreeing

    rng = random.Random(JOIN_SEED)
    from curation.anonymise.bleep import PAD_ALIGNED_SECONDS

    errors = {"phones": [], "agreement": []}
    vouched = {"phones": 0, "agreement": 0}
    missed = {"phones": 0, "agreement": 0}  # line edges outside the bleep a word placed there would get
    accepted = {"phones": 0, "agreement": 0}
    edges = segments = 0
    for _ in range(JOINS):
        parts, words, truth, t = [], [], [], 0.0
        for _, text, ogg in rng.sample(lines, 3):
            y, sr = librosa.load(str(ogg), sr=rate, mono=True)
            a, b = _sound_edges(y, sr)
            truth.append((t + a, t + b, len(text.split())))
            parts += [y, np.zeros(int(JOIN_GAP * sr), np.float32)]
            t += len(y) / sr + JOIN_GAP
            words += text.split()
        segments += 1
        edges += 2 * len(truth)
        x = np.concatenate(parts)
        try:
            res = phones.align(x, rate, words, "nl")
        except ValueError:
            res = None
        try:
            dtw = align_segment(x, rate, words, "nl", synthesiser=synth)
        except AlignmentFailed:
            dtw = None
        try:  # the pipeline's second opinion: its own decoder, wide beams
            opinion = second.align(x, rate, words, "nl")
        except ValueError:
            opinion = None
        if res is None and opinion is None:
            continue
        agree = (agreeing([(w.start, w.end) for w in opinion.words], [(w.start, w.end) for w in dtw.words])
                 if dtw is not None and opinion is not None else [False] * len(words))
        agreed = sum(agree) >= AGREE_SHARE * len(agree)
        ok = res is not None and res.confidence >= CONFIDENT
        accepted["phones"] += ok
        accepted["agreement"] += agreed
        k = 0
        for a, b, n in truth:
            for j, ref, end in ((k, a, False), (k + n - 1, b, True)):
                if ok and (w := res.words[j]).placed:
                    vouched["phones"] += 1
                    errors["phones"].append(abs((w.end if end else w.start) - ref))
                    missed["phones"] += (ref > w.end + PAD_ALIGNED_SECONDS) if end else (ref < w.start - PAD_ALIGNED_SECONDS)
                if agreed and agree[j]:  # the pipeline's time: both placements' span
                    w, d = opinion.words[j], dtw.words[j]
                    t0, t1 = min(w.start, d.start), max(w.end, d.end)
                    vouched["agreement"] += 1
                    errors["agreement"].append(abs((t1 if end else t0) - ref))
                    missed["agreement"] += (ref > t1 + PAD_ALIGNED_SECONDS) if end else (ref < t0 - PAD_ALIGNED_SECONDS)
            k += n
    out = {"segments": segments, "edges": edges}
    for name, errs in errors.items():
        e = np.array(errs)
        out[name] = {"accepted": accepted[name], "edges_vouched": vouched[name], "outside_bleep": int(missed[name]),
                     "error_p50_ms": round(float(np.median(e)) * 1000) if len(e) else None,
                     "error_p90_ms": round(float(np.percentile(e, 90)) * 1000) if len(e) else None,
                     "error_max_ms": round(float(e.max()) * 1000) if len(e) else None,
                     "within_100ms": round(float(np.mean(e <= 0.1)), 3) if len(e) else 0.0}
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=120, help="lines drawn (default: %(default)s)")
    parser.add_argument("--rates", type=int, nargs="+", default=[16000, 8000], help="sample rates to test")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    import librosa

    from curation.audio.align import CONFIDENT as DTW_CONFIDENT
    from curation.audio.align import AlignmentFailed, align_segment
    from curation.audio.espeak import Synthesiser
    from curation.audio.phone_align import CONFIDENT, WIDE_BEAM, PhoneAligner
    from curation.ingest.alignment import AGREE_SHARE, agreeing

    began = time.perf_counter()
    folders = fetch()
    every = lines(folders)
    usable = [x for x in every if len(x[1].split()) >= MIN_WORDS]
    rng = random.Random(SEED)
    drawn = rng.sample(usable, min(args.limit, len(usable)))
    wrong_of = {d: rng.choice([t for e, t, _ in usable if e != d]).split() for d, _, _ in drawn}
    phones = PhoneAligner()  # the acoustic model placing alone, with the beams it was calibrated with
    second = PhoneAligner(beam=WIDE_BEAM, word_beam=WIDE_BEAM)  # the pipeline's second opinion beside DTW
    results = {}
    with Synthesiser() as synth:
        for rate in args.rates:
            rows = []
            for dialog, text, ogg in drawn:
                y, sr = librosa.load(str(ogg), sr=rate, mono=True)
                words = text.split()
                wrong = (wrong_of[dialog] * (len(words) // len(wrong_of[dialog]) + 1))[:len(words)]
                row = {"id": dialog, "words": len(words), "seconds": round(len(y) / sr, 2)}
                for kind, ws in (("right", words), ("wrong", wrong)):
                    try:
                        res = phones.align(y, sr, ws, "nl")
                        row[f"phones_{kind}_cost"], row[f"phones_{kind}_confidence"] = res.cost, res.confidence
                        # words vouched for one by one, in segments the gate accepts
                        row[f"phones_{kind}_vouched"] = (sum(w.placed for w in res.words)
                                                         if res.confidence >= CONFIDENT else 0)
                    except ValueError:
                        row[f"phones_{kind}_cost"], row[f"phones_{kind}_confidence"] = None, 0.0
                        row[f"phones_{kind}_vouched"] = 0
                    try:
                        seg = align_segment(y, sr, ws, "nl", synthesiser=synth)
                        row[f"dtw_{kind}_rank"], row[f"dtw_{kind}_confidence"] = seg.rank, seg.confidence
                    except AlignmentFailed:
                        seg = None
                        row[f"dtw_{kind}_rank"], row[f"dtw_{kind}_confidence"] = None, 0.0
                    # the pipeline's fallback: words the second opinion and DTW place alike (0 when either
                    # found no path)
                    try:
                        opinion = second.align(y, sr, ws, "nl")
                    except ValueError:
                        opinion = None
                    agree = [] if seg is None or opinion is None else agreeing(
                        [(w.start, w.end) for w in opinion.words], [(w.start, w.end) for w in seg.words])
                    row[f"agree_{kind}"] = sum(agree) if sum(agree) >= AGREE_SHARE * max(len(agree), 1) else 0
                    row[f"agree_{kind}_accepted"] = bool(agree) and sum(agree) >= AGREE_SHARE * len(agree)
                rows.append(row)
            big = 1e9  # no path: worse than any cost

            def share(key, gate):
                return round(float(np.mean([r[key] >= gate for r in rows])), 3)

            summary = {
                "lines": len(rows),
                "phones": {"right_accepted": share("phones_right_confidence", CONFIDENT),
                           "wrong_accepted": share("phones_wrong_confidence", CONFIDENT),
                           "right_no_path": round(float(np.mean([r["phones_right_cost"] is None for r in rows])), 3),
                           "wrong_no_path": round(float(np.mean([r["phones_wrong_cost"] is None for r in rows])), 3),
                           "auc": auc([big if r["phones_right_cost"] is None else r["phones_right_cost"] for r in rows],
                                      [big if r["phones_wrong_cost"] is None else r["phones_wrong_cost"] for r in rows]),
                           "right_cost_p10_p50_p90": [round(float(q), 1) for q in np.percentile(
                               [r["phones_right_cost"] for r in rows if r["phones_right_cost"] is not None], (10, 50, 90))]},
                "dtw": {"right_accepted": share("dtw_right_confidence", DTW_CONFIDENT),
                        "wrong_accepted": share("dtw_wrong_confidence", DTW_CONFIDENT),
                        "auc": auc([big if r["dtw_right_rank"] is None else r["dtw_right_rank"] for r in rows],
                                   [big if r["dtw_wrong_rank"] is None else r["dtw_wrong_rank"] for r in rows])}}
            words_total = max(sum(r["words"] for r in rows), 1)
            summary["agreement"] = {f"{kind}_accepted": share(f"agree_{kind}_accepted", True)
                                    for kind in ("right", "wrong")}
            for kind in ("right", "wrong"):  # both transcripts of a line have its number of words
                summary["phones"][f"words_vouched_{kind}"] = round(
                    sum(r[f"phones_{kind}_vouched"] for r in rows) / words_total, 3)
                summary["agreement"][f"words_vouched_{kind}"] = round(sum(r[f"agree_{kind}"] for r in rows) / words_total, 3)
            summary["joins"] = joins(phones, second, drawn, rate, synth)
            results[str(rate)] = {"summary": summary, "lines": rows}
            p, d, g = summary["phones"], summary["dtw"], summary["agreement"]
            for name, v in (("acoustic model alone", p), ("both aligners agreeing", g)):
                j = summary["joins"]["phones" if v is p else "agreement"]
                print(f"{rate} Hz, {name}: joined lines {j['edges_vouched']}/{summary['joins']['edges']} line edges "
                      f"vouched for, error p50/p90/max {j['error_p50_ms']}/{j['error_p90_ms']}/{j['error_max_ms']} ms, "
                      f"within 100 ms {j['within_100ms']:.0%}, outside its word's bleep {j['outside_bleep']}; "
                      f"lines accepted: right {v['right_accepted']:.0%}, "
                      f"wrong {v['wrong_accepted']:.0%}; words vouched for: right {v['words_vouched_right']:.0%}, "
                      f"wrong {v['words_vouched_wrong']:.0%}")
            print(f"{rate} Hz, {len(rows)} lines | acoustic model: right accepted {p['right_accepted']:.0%}, wrong "
                  f"accepted {p['wrong_accepted']:.0%} (no path: right {p['right_no_path']:.0%}, wrong "
                  f"{p['wrong_no_path']:.0%}), AUC {p['auc']}, right cost p10/50/90 {p['right_cost_p10_p50_p90']} | "
                  f"espeak-ng aligner: right accepted {d['right_accepted']:.0%}, wrong accepted {d['wrong_accepted']:.0%}, "
                  f"AUC {d['auc']}", flush=True)
    seconds = round(time.perf_counter() - began, 1)
    sources = {pkg: sorted(p.name for p in DEBS.glob(f"{pkg}_*.deb")) for pkg in PACKAGES}
    digests = {name: hashlib.sha256((DEBS / name).read_bytes()).hexdigest() for names in sources.values()
               for name in names}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"seconds": seconds, "lines_available": len(every), "lines_usable": len(usable),
                                    "seed": SEED, "debs_sha256": digests, "rates": results}, indent=1) + "\n")
    print(f"{len(drawn)} of {len(usable)} lines, {seconds} s; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
