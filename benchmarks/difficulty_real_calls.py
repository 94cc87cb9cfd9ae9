"""Difficulty ranking on real telephone calls: the CMU GetGoing database (real people calling an
automated bus/transit information line in Pittsburgh; caller audio with Google ASR transcripts).

Run:  .venv/bin/python benchmarks/difficulty_real_calls.py [--mirror DIR] [--limit N] [--json OUT]
(writes benchmarks/results/difficulty_real_calls.json unless --json says otherwise)

Data: github:DialRC/GetGoingData at the pinned commit below, read from a local mirror (a git dir at
MIRROR/DialRC+GetGoingData/repo; MIRROR is --mirror, else $CURATION_BENCH_MIRROR, else /work/.mirror;
`git clone https://github.com/DialRC/GetGoingData MIRROR/DialRC+GetGoingData/repo` makes one). Nothing of it
is committed here; loudness envelopes are cached outside the repository (~/.cache/curation/benchmarks/).

What the source is and is not: real callers on real phone lines (8-16 kHz, noise, hesitations, misrecognised
speech), but the "agent" is an automated dialogue system, not a human agent; the recording holds the
caller only (channel 0; the system's prompts are not in the audio); the log has no times, so turn times
are estimated from the text, as a user importing such logs would have to.

Label (rule-based, from the system's dialogue log only, never from our signals). A breakdown event is
  (a) a system non-understanding prompt ("I am having difficulty understanding ...", "Sorry I can't
      understand ...", "Sorry, I couldn't find anything ..."),
  (b) the system asking again, right after the caller's answer, the question it asked just before it
      (the answer was not taken), or
  (c) the caller rejecting the system's confirmation ("Did you say ...?" answered "no ...").
  difficult  3 or more breakdown events (the dialogue broke down again and again);
  routine    at most 1 breakdown event and the system read out a route or directions (the caller got
             an answer);
  left out   everything in between, calls with fewer than 3 caller turns, and broadcasts (a first caller
             turn of 5+ words that opens another call word for word: robocalls ringing the line).
Our clarification signal reads the same system prompts as (a) and (b): hence the ablation without it.
Split: tuning half / held-out half by the first byte of sha256(call id), stable across runs. The signal
weights are tuned (coordinate search) on the tuning half only; figures are given for the default and the
tuned weights on both halves, plus an ablation without the repeat/clarification cue.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from curation.difficulty import SIGNAL_NAMES, Weights, compute_signals, loudness_envelope  # noqa: E402
from curation.difficulty.acoustics import LoudnessEnvelope  # noqa: E402
from curation.difficulty.evaluate import precision_at, roc_auc  # noqa: E402
from curation.difficulty.scoring import assess, strength_matrix  # noqa: E402
from curation.difficulty.store import ANALYSER_VERSION  # noqa: E402
from curation.language import detect_language  # noqa: E402
from curation.model import Speaker, Transcript, Word  # noqa: E402

REPO = "DialRC/GetGoingData"
COMMIT = "a3e6404ca0428cce9b41bb18fea00ff4677590e0"
LICENCE = ("GetGoing Database, Carnegie Mellon University, Copyright (c) 2019-2020: permission to use, copy, "
           "modify and licence the data for any purpose without fee, provided the copyright notice and "
           "conditions are kept, modifications are marked and the authors' names are not deleted (LICENSE); "
           "users agree to cite it in publications.")
CITATION = ("Mehri, S., Black, A. W., Eskenazi, M. (2019). CMU GetGoing: An Understandable and Memorable Dialog "
            "System for Seniors. arXiv:1909.01322.")
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "curation" / "benchmarks" / "getgoing"
DEFAULT_MIRROR = Path(os.environ.get("CURATION_BENCH_MIRROR") or "/work/.mirror")
RESULTS = Path(__file__).resolve().parent / "results" / "difficulty_real_calls.json"
ROUTE = re.compile(r"available routes|the first thing that you want to do|you will take|walk for about|"
                   r"the final step|next, <break[^>]*> you should|you should (take|get|board|turn|go)", re.I)
TAG = re.compile(r"<[^>]*>|!b\b")
MIN_CALLER_TURNS = 3
WORDS_PER_SECOND = 2.6


@dataclass
class RealCall:
    call_id: str
    turns: list[tuple[str, str]]  # (role, text)
    difficult: bool
    held_out: bool


def git(git_dir: Path, *args: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], capture_output=True, check=True).stdout


def git_dir_of(mirror: Path) -> Path:
    root = mirror / REPO.replace("/", "+") / "repo"
    git_dir = root / ".git" if (root / ".git").is_dir() else root
    if not git_dir.is_dir():
        sys.exit(f"no mirror of {REPO} at {root}: `git clone https://github.com/{REPO} {root}` (or --mirror DIR)")
    try:
        git(git_dir, "cat-file", "-e", f"{COMMIT}^{{commit}}")
    except subprocess.CalledProcessError:
        sys.exit(f"{root} does not hold the pinned commit {COMMIT}: fetch it first")
    return git_dir


def held_out(call_id: str) -> bool:
    return hashlib.sha256(call_id.encode()).digest()[0] % 2 == 1


def read_calls(git_dir: Path) -> tuple[list[RealCall], dict]:
    """Every eligible call with its label; and counts of what was left out and why."""
    files = set(git(git_dir, "ls-tree", "-r", "--name-only", COMMIT, "logs/").decode().split("\n"))
    ids = sorted({f.split("/")[1] for f in files if f.count("/") == 2})
    logs, left_out = {}, {"no log or recording": 0, "recording absent from the mirror": 0,
                          "fewer than 3 caller turns": 0, "broadcast": 0, "between routine and difficult": 0}
    present = _present_recordings(git_dir)
    for cid in ids:
        if f"logs/{cid}/log.json" not in files or f"logs/{cid}/recording.wav" not in files:
            left_out["no log or recording"] += 1
            continue
        if cid not in present:  # a snapshot may list its largest files without holding them
            left_out["recording absent from the mirror"] += 1
            continue
        logs[cid] = json.loads(git(git_dir, "show", f"{COMMIT}:logs/{cid}/log.json"))["history"]
    first_turns: dict[str, int] = {}
    for history in logs.values():
        first = next((h[5:].strip().lower() for h in history if h.startswith("USER")), "")
        if len(first.split()) >= 5:
            first_turns[first] = first_turns.get(first, 0) + 1
    calls = []
    for cid, history in logs.items():
        turns = [("agent" if h.startswith("TTS") else "customer", " ".join(TAG.sub(" ", h[4:]).split()))
                 for h in history if h.startswith(("TTS", "USER"))]
        turns = [(r, t) for r, t in turns if t]
        if sum(r == "customer" for r, _ in turns) < MIN_CALLER_TURNS:
            left_out["fewer than 3 caller turns"] += 1
            continue
        first = next(t.lower() for r, t in turns if r == "customer")
        if first_turns.get(first, 0) >= 2:
            left_out["broadcast"] += 1
            continue
        answered = any(ROUTE.search(h) for h in history if h.startswith("TTS"))
        events = breakdowns(turns)
        if events >= 3:
            calls.append(RealCall(cid, turns, True, held_out(cid)))
        elif events <= 1 and answered:
            calls.append(RealCall(cid, turns, False, held_out(cid)))
        else:
            left_out["between routine and difficult"] += 1
    return calls, left_out


NOT_UNDERSTOOD = re.compile(r"having difficulty understanding|can't understand|couldn't find anything", re.I)
QUESTION = re.compile(r"[^.?!]*\?")


def breakdowns(turns: list[tuple[str, str]]) -> int:
    """Breakdown events in a dialogue (see the module docstring): non-understanding prompts, the same
    question asked again right after the caller's answer, rejected confirmations."""
    def last_question(text: str) -> str | None:
        questions = QUESTION.findall(text)
        return questions[-1].strip().lower() if questions else None

    events = 0
    for k, (role, text) in enumerate(turns):
        if role == "agent":
            events += bool(NOT_UNDERSTOOD.search(text))
            continue
        before, after = turns[k - 1] if k else None, turns[k + 1] if k + 1 < len(turns) else None
        if before is None or after is None or before[0] != "agent" or after[0] != "agent":
            continue
        asked = last_question(before[1])
        if asked and last_question(after[1]) == asked and not NOT_UNDERSTOOD.search(after[1]):
            events += 1  # the same question again: the answer was not taken
        if before[1].lower().startswith("did you say") and text.lower().startswith("no"):
            events += 1  # the caller rejects what the system understood
    return events


def _present_recordings(git_dir: Path) -> set[str]:
    tree = git(git_dir, "ls-tree", "-r", COMMIT, "logs/").decode().splitlines()
    blobs = {line.split()[2]: line.split("\t")[1].split("/")[1] for line in tree if line.endswith("/recording.wav")}
    checked = subprocess.run(["git", "--git-dir", str(git_dir), "cat-file", "--batch-check"], input="\n".join(blobs),
                             capture_output=True, text=True).stdout.splitlines()
    return {blobs[line.split()[0]] for line in checked if not line.endswith("missing")}


def estimated_transcript(call: RealCall, duration: float, language: str) -> Transcript:
    """Turns placed over the recording by their length in words (the log has no times): estimated times,
    as a segment file written from such a log would carry."""
    need = [len(t.split()) / WORDS_PER_SECOND + 0.8 for _, t in call.turns]
    scale = duration / max(sum(need), 1e-6)
    words, at = [], 0.0
    for (role, text), span in zip(call.turns, need):
        toks = text.split()
        step = (span - 0.8) * scale / len(toks)
        for k, tok in enumerate(toks):
            words.append(Word(tok, round(at + k * step, 3), round(at + (k + 0.85) * step, 3), role, None, True))
        at += span * scale
    return Transcript.build(words, (Speaker("agent", "agent", None), Speaker("customer", "customer", 0)),
                            language=language)


def envelope_of(git_dir: Path, cid: str) -> LoudnessEnvelope:
    cached = CACHE / f"{COMMIT[:12]}-v{ANALYSER_VERSION}" / f"{cid}.npz"
    if cached.exists():
        z = np.load(cached)
        return LoudnessEnvelope(z["levels"], float(z["hop"]), z["voicing"], z["pitch"])
    with tempfile.NamedTemporaryFile(suffix=".mp3") as tmp:  # the files are MP3 despite their name
        tmp.write(git(git_dir, "show", f"{COMMIT}:logs/{cid}/recording.wav"))
        tmp.flush()
        env = loudness_envelope(tmp.name)
    cached.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(cached, levels=env.levels, hop=env.hop, voicing=env.voicing, pitch=env.pitch)
    return env


def tune(strengths: np.ndarray, labels: np.ndarray, start: Weights, rounds: int = 2) -> Weights:
    """Coordinate search over the signal weights (0, .25, .5, .75, 1) for the best ROC AUC; ties keep the
    current weight. Only the rows given (the tuning half) are seen."""
    weights = dict(start.signals)
    best = roc_auc(list(assess(strengths, start).scores), list(labels))
    for _ in range(rounds):
        for name in SIGNAL_NAMES:
            for value in (0.0, 0.25, 0.5, 0.75, 1.0):
                trial = start.merged({**weights, name: value})
                auc = roc_auc(list(assess(strengths, trial).scores), list(labels))
                if auc > best + 1e-9:
                    best, weights[name] = auc, value
    return start.merged(weights)


def figures(strengths: np.ndarray, labels: np.ndarray, weights: Weights) -> dict:
    scores = assess(strengths, weights).scores
    return {"auc": round(roc_auc(list(scores), list(labels)), 3), "p_at_10": round(precision_at(list(scores), list(labels), 10), 2),
            "calls": int(len(labels)), "difficult": int(labels.sum())}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mirror", type=Path, default=DEFAULT_MIRROR)
    ap.add_argument("--limit", type=int, default=None, help="at most this many calls (by call id), for a quick run")
    ap.add_argument("--json", type=Path, default=RESULTS, help="write the summary here as JSON")
    args = ap.parse_args(argv)
    git_dir = git_dir_of(args.mirror)
    calls, left_out = read_calls(git_dir)
    calls = calls[: args.limit] if args.limit else calls
    rows, notes, languages, timing_off = [], [], {}, 0
    for k, call in enumerate(calls):
        env = envelope_of(git_dir, call.call_id)
        language = detect_language(" ".join(t for _, t in call.turns)).language
        languages[language] = languages.get(language, 0) + 1
        tr = estimated_transcript(call, env.duration, language if language != "unsure" else "nl")
        sig = compute_signals(tr, env, duration=env.duration)
        timing_off += not sig["speech_rate"].available and any("turn timings" in n for n in sig.notes)
        rows.append(sig.strengths())
        if (k + 1) % 50 == 0:
            print(f"  {k + 1}/{len(calls)} calls", file=sys.stderr)
    strengths = strength_matrix(rows)
    labels = np.array([c.difficult for c in calls])
    hold = np.array([c.held_out for c in calls])
    default = Weights.default()
    tuned = tune(strengths[~hold], labels[~hold], default)
    ablation = tuned.merged({"clarification_requests": 0.0})
    raised = strengths[:, SIGNAL_NAMES.index("raised_voice")] > 0
    flagged = assess(strengths, tuned).difficult
    summary = {
        "source": {"repo": REPO, "commit": COMMIT, "licence": LICENCE, "citation": CITATION},
        "analyser_version": ANALYSER_VERSION,
        "label": "difficult = 3+ breakdown events (non-understanding prompt, question asked again, rejected "
                 "confirmation); routine = at most 1 and a route read out; eligible = 3+ caller turns, not a broadcast",
        "calls": len(calls), "left_out": left_out, "languages_detected": languages,
        "timing_signals_unavailable": int(timing_off),
        "default_weights": {"tuning": figures(strengths[~hold], labels[~hold], default),
                            "held_out": figures(strengths[hold], labels[hold], default)},
        "tuned_weights": {"tuning": figures(strengths[~hold], labels[~hold], tuned),
                          "held_out": figures(strengths[hold], labels[hold], tuned), "changed": tuned.diff()},
        "ablation_no_clarification": {"tuning": figures(strengths[~hold], labels[~hold], ablation),
                                      "held_out": figures(strengths[hold], labels[hold], ablation)},
        "routine_flagged_raised_voice": int((raised & ~labels).sum()),
        "routine_flagged_difficult_tuned": int((flagged & ~labels).sum()),
        "difficult_flagged_tuned": int((flagged & labels).sum()),
    }
    print(f"GetGoing {COMMIT[:10]}: {len(calls)} calls ({int(labels.sum())} difficult), left out {left_out}")
    print(f"languages detected: {languages}; timing signals unavailable (turns do not fit the audio): {timing_off}")
    for name in ("default_weights", "tuned_weights", "ablation_no_clarification"):
        t, h = summary[name]["tuning"], summary[name]["held_out"]
        print(f"{name:<27} tuning AUC {t['auc']:.3f} p@10 {t['p_at_10']:.2f} ({t['calls']} calls) | "
              f"held-out AUC {h['auc']:.3f} p@10 {h['p_at_10']:.2f} ({h['calls']} calls)")
    print(f"tuned weights (changed from the defaults): {tuned.diff()}")
    print(f"routine calls with raised voice > 0: {summary['routine_flagged_raised_voice']}; routine calls flagged "
          f"difficult (tuned): {summary['routine_flagged_difficult_tuned']} of {int((~labels).sum())}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=2))
    return summary


if __name__ == "__main__":
    main()
