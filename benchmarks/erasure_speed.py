"""Benchmark: how long one erasure request takes on a large catalogue, now that it vacuums the
database file (VACUUM rewrites the whole file, so the time grows with the catalogue, not with the
person). Seeds calls with word-level transcripts straight into a fresh workspace (no audio), erases
one customer, and writes benchmarks/results/erasure_speed.json.

    .venv/bin/python benchmarks/erasure_speed.py [--calls 2000] [--words 600]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

VOCABULARY = "goedemiddag ik heb een vraag over mijn rekening het bedrag klopt niet dank u wel".split()


def seed(ws, n_calls: int, n_words: int, rng: random.Random) -> None:
    from curation.store.schema import calls, speakers, words

    for start in range(0, n_calls, 200):
        call_rows, speaker_rows, word_rows = [], [], []
        for i in range(start, min(n_calls, start + 200)):
            cid = f"bench-{i:06d}"
            call_rows.append(dict(id=cid, duration=n_words * 0.4, sample_rate=8000, channels=2,
                                  channel_layout="stereo", language="nl", customer_ref_hash=ws.keyed_hash(f"KL-{i}"),
                                  source_checksum=f"{i:064x}", audio_path=f"originals/{cid}.wav", audio_format="wav",
                                  imported_at="2026-01-05T10:00:00+00:00", metadata_json="{}"))
            speaker_rows += [dict(call_id=cid, label="agent", role="agent"),
                             dict(call_id=cid, label="customer", role="customer")]
            word_rows += [dict(call_id=cid, idx=k, text=rng.choice(VOCABULARY), start=k * 0.4, end=k * 0.4 + 0.3,
                               speaker="customer" if k % 2 else "agent") for k in range(n_words)]
        with ws.transaction() as conn:
            conn.execute(calls.insert(), call_rows)
            conn.execute(speakers.insert(), speaker_rows)
            conn.execute(words.insert(), word_rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--words", type=int, default=600, help="words per call")
    args = parser.parse_args()
    from curation.roles import add_user
    from curation.subjects import erase_subject
    from curation.workspace import Workspace

    with tempfile.TemporaryDirectory(prefix="erasure-bench-") as tmp:
        ws = Workspace.create(Path(tmp) / "ws")
        add_user(ws, "admin", "admin", user="admin")
        add_user(ws, "rev", "privacy_reviewer", user="admin")
        seed(ws, args.calls, args.words, random.Random(1))
        size = (ws.root / "catalogue.sqlite").stat().st_size
        started = time.perf_counter()
        outcome = erase_subject(ws, "KL-17", user="rev")
        seconds = time.perf_counter() - started
        ws.close()
    result = {"calls": args.calls, "words_per_call": args.words, "database_mb": round(size / 1e6, 1),
              "erasure_seconds": round(seconds, 2), "rows": outcome.rows}
    print(f"{args.calls} calls x {args.words} words, catalogue {result['database_mb']} MB: "
          f"one erasure (rows, checkpoint, VACUUM) {result['erasure_seconds']} s")
    out = REPO / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "erasure_speed.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
