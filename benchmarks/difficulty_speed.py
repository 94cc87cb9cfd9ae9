"""Difficulty speed: signals + score for 10,000 crafted calls, and filter + sort of a 1,000,000-row
catalogue frame. Run: .venv/bin/python benchmarks/difficulty_speed.py [--calls N] [--rows N]"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from curation.difficulty import CATEGORIES, compute_signals, score_signals  # noqa: E402
from curation.difficulty.browse import filter_difficult  # noqa: E402
from curation.model import Speaker, Transcript, Word  # noqa: E402

AGENT = ["Goedemiddag, u spreekt met de klantenservice, waarmee kan ik u helpen?",
         "Dat kan ik voor u nakijken, een momentje alstublieft.", "Ik zie het hier staan, het bedrag is honderdtien euro.",
         "Kunt u dat nog eens herhalen?", "Ik verbind u door met de juiste afdeling.",
         "Dan vertel ik u nog even alles over onze nieuwe voorwaarden en tarieven.", "Graag gedaan, nog een fijne dag."]
CUSTOMER = ["Goedemiddag, ik heb een vraag over mijn rekening van deze maand.", "Op de website stond honderd euro.",
            "Dit is belachelijk, ik wil een klacht indienen.", "Eh, ik begrijp het niet, wat moet ik nu doen?",
            "Oke, dank u wel, fijn dat het geregeld is.", "Verdomme, ik ben het zat, geef me uw leidinggevende.",
            "Ik wil graag mijn adres wijzigen want ik ga verhuizen."]


def crafted_call(rng: random.Random, turns: int = 24) -> Transcript:
    words, t = [], 0.0
    for k in range(turns):
        role = "agent" if k % 2 == 0 else "customer"
        text = rng.choice(AGENT if role == "agent" else CUSTOMER)
        t += rng.uniform(0.2, 1.5) if rng.random() > 0.1 else -0.8  # sometimes an overlap
        t = max(t, 0.0)
        for tok in text.split():
            dur = rng.uniform(0.2, 0.45)
            words.append(Word(tok, round(t, 3), round(t + dur, 3), role, round(rng.uniform(0.5, 1.0), 2)))
            t += dur + 0.05
    return Transcript.build(words, [Speaker("agent", "agent", 0), Speaker("customer", "customer", 1)])


def bench_signals(n: int, seed: int = 1) -> dict:
    rng = random.Random(seed)
    calls = [crafted_call(rng) for _ in range(min(n, 500))]
    words = sum(len(c.words) for c in calls) / len(calls)
    start = time.perf_counter()
    for i in range(n):
        score_signals(compute_signals(calls[i % len(calls)]))
    elapsed = time.perf_counter() - start
    return {"calls": n, "words_per_call": round(words), "seconds": round(elapsed, 2), "calls_per_second": round(n / elapsed)}


def catalogue_frame(rows: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    score = np.round(rng.beta(1.2, 4.0, rows) * 100, 2)
    frame = pd.DataFrame({"call_id": [f"c{i:07d}" for i in range(rows)], "score": score})
    any_cat = np.zeros(rows, dtype=bool)
    for c in CATEGORIES:
        member = (score > 40) & (rng.random(rows) < 0.2)
        frame[f"is_{c}"] = member
        any_cat |= member
    frame["difficult"] = (score >= 40) | any_cat
    frame["topic"] = rng.choice(["factuur", "verhuizing", "storing", "opzegging"], rows)
    return frame


def bench_filter(rows: int, repeats: int = 7) -> dict:
    frame = catalogue_frame(rows)
    out = {"rows": rows}
    for label, kwargs in (("difficult_sorted", {}), ("category_min_score", {"category": "escalation", "min_score": 50}),
                          ("min_score_only", {"min_score": 20})):
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            picked = filter_difficult(frame, **kwargs)
            times.append(time.perf_counter() - t0)
        out[label] = {"median_ms": round(1000 * statistics.median(times), 1), "rows_out": len(picked)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--calls", type=int, default=10_000)
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args()
    import os
    result = {"signals": bench_signals(args.calls), "filter_sort": bench_filter(args.rows),
              "load_average_1min": round(os.getloadavg()[0], 2), "cpus": os.cpu_count()}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
