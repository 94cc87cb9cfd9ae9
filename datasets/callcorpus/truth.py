"""The project transcript and the ground truth of a rendered call, and `load_truth`.

Word indices in the truth are positions in the transcript's `words` list (sorted by time);
`words: [a, b]` is half-open and its `text` is exactly those words joined by spaces."""

from __future__ import annotations

import json
import random
from pathlib import Path

from .asr import heard_words, recognise
from .calls import CallPlan, categories
from .errors import CorpusError
from .render import OUT_RATE, RenderedCall

TRUTH_VERSION = 2
_ASR_CONFIDENCE = (0.78, 0.99)


def build_transcript(plan: CallPlan, call: RenderedCall, stereo: bool, rng: random.Random) -> tuple[dict, dict, object]:
    """Transcript JSON words sorted by time; the map (turn, token) -> transcript indices; and for
    ASR-style calls the recognition (what was misheard), else None.

    `human` transcripts show the script's tokens (cased, punctuated, numbers as written); `asr`
    ones show what a recogniser heard: the said words, lower case, with errors."""
    recognition = None
    if plan.style == "asr":
        base = random.Random(f"callcorpus-asr-rate:{plan.seed}:{plan.index}").uniform(0.04, 0.12)
        rates = {"agent": base, "customer": base + (0.15 if plan.low_confidence else 0.0)}
        recognition = recognise(plan.turns, random.Random(f"callcorpus-asr:{plan.seed}:{plan.index}"), base, rates)
        items = _heard_items(call, recognition)
    else:
        items = [(w.text, w.start, w.end, w.speaker, (w.turn, w.index_in_turn), False) for w in call.words]
    order = sorted(range(len(items)), key=lambda i: (items[i][1], items[i][2], i))
    index_of: dict = {}
    words = []
    for new, old in enumerate(order):
        text, start, end, speaker, key, altered = items[old]
        index_of.setdefault(key, []).append(new)
        if plan.low_confidence and speaker == "customer":
            conf = rng.uniform(0.3, 0.75)
        elif plan.style == "human":
            conf = rng.uniform(0.93, 1.0)
        elif altered:
            conf = rng.uniform(0.3, 0.7)
        else:
            conf = rng.uniform(*_ASR_CONFIDENCE) if rng.random() < 0.9 else rng.uniform(0.5, 0.8)
        words.append({"text": text, "start": start, "end": end, "speaker": speaker, "confidence": round(conf, 3)})
        if altered:
            recognition.altered_words.add(new)
    speakers = [{"label": "agent", "role": "agent", "channel": 0 if stereo else None},
                {"label": "customer", "role": "customer", "channel": 1 if stereo else None}]
    return {"format": "curation-transcript", "version": 1, "language": "nl", "speakers": speakers,
            "words": words}, index_of, recognition


def _heard_items(call: RenderedCall, rec) -> list[tuple]:
    """(text, start, end, speaker, (turn, token), altered) per heard word, timed on the said words."""
    said: dict[int, list[tuple[float, float]]] = {}
    speaker: dict[int, str] = {}
    for w in call.words:
        said.setdefault(w.turn, []).extend(w.parts)
        speaker[w.turn] = w.speaker
    items = []
    for ti, heard in enumerate(rec.turns):
        times = said.get(ti, [])
        for h in heard:
            a0, b0 = times[h.i0]
            a1, b1 = times[h.i1]
            start = round(a0 + h.f0 * (b0 - a0), 3)
            end = max(round(a1 + h.f1 * (b1 - a1), 3), round(start + 0.001, 3))
            items.append((h.text, start, end, speaker[ti], (ti, h.token), h.altered))
    return items


def build_truth(plan: CallPlan, call: RenderedCall, transcript: dict, index_of: dict, stereo: bool,
                recognition=None) -> dict:
    words = transcript["words"]
    altered_words = recognition.altered_words if recognition else set()
    spans: dict[str, list[dict]] = {}
    for ti, turn in enumerate(plan.turns):
        for s in turn.spans:
            if s.end <= s.start:
                continue
            idx = sorted(i for k in range(s.start, s.end) for i in index_of.get((ti, k), []))
            if not idx:
                raise CorpusError(f"{plan.call_id}: span {s.label} has no transcript words")
            a, b = idx[0], idx[-1] + 1
            if idx != list(range(a, b)):
                raise CorpusError(f"{plan.call_id}: span {s.label} is not contiguous in the transcript")
            item = {"label": s.label, "form": s.form, "words": [a, b], "speaker": turn.speaker,
                    "text": " ".join(w["text"] for w in words[a:b]), "sources": list(s.sources), "detail": s.detail}
            if s.kind == "pii":
                item["said"] = " ".join(w for t in turn.toks[s.start:s.end] for w in heard_words(t))
                changed = any(i in altered_words for i in range(a, b)) or any(
                    (ti, k) in recognition.deleted_tokens for k in range(s.start, s.end)) if recognition else False
                item["heard"] = "altered" if changed else "exact"
            spans.setdefault(s.kind, []).append(item)
    pii = []
    for s in spans.get("pii", []):
        form = s["form"]
        if plan.style == "asr" and form == "written":
            form = "spoken"  # a recogniser writes what was said: number words, lower-case names
        pii.append({"entity_type": s["label"], "words": s["words"], "text": s["text"], "form": form,
                    "speaker": s["speaker"], "sources": s["sources"], "said": s["said"], "heard": s["heard"]})
    negatives = [{"type": s["label"], "words": s["words"], "text": s["text"], "speaker": s["speaker"],
                  **({"looks_like": s["detail"]} if s["detail"] else {})} for s in spans.get("negative", [])]
    for s in spans.get("evidence", []):  # the amounts and dates of a misunderstanding are negatives too
        if s["label"].startswith(("amount_", "date_")):
            negatives.append({"type": "amount" if s["label"].startswith("amount_") else "date", "words": s["words"],
                              "text": s["text"], "speaker": s["speaker"]})
    negatives.sort(key=lambda n: n["words"])
    c = plan.consent
    first = lambda kind: spans[kind][0]["words"] if spans.get(kind) else None  # noqa: E731
    evidence = [{"trait": s["label"], "words": s["words"], "speaker": s["speaker"], "text": s["text"]}
                for s in spans.get("evidence", [])]
    asr = None
    if recognition:
        asr = {"word_error_rate": recognition.word_error_rate, "said_words": recognition.said,
               "substitutions": recognition.substitutions, "deletions": recognition.deletions,
               "insertions": recognition.insertions}
    return {
        "format": "curation-truth", "version": TRUTH_VERSION, "call_id": plan.call_id, "seed": plan.seed,
        "language": "nl", "scenario": plan.scenario, "topic": plan.topic, "transcript_style": plan.style,
        "caller": {"origin": plan.caller_origin, "variety": "nl-BE" if plan.caller_origin == "be" else "nl-NL",
                   "name_lists": plan.names},
        "phrasing": {"part": plan.phrasing, "templates": plan.templates},
        "asr": asr,
        "difficulty": {"difficult": plan.scenario != "routine", "categories": categories(plan),
                       "traits": list(plan.traits), "evidence": evidence},
        "consent": {"notice_played": c.notice_played, "notice_purposes": list(c.purposes),
                    "notice_words": first("notice"), "customer_objects": c.customer_objects,
                    "objection_words": first("objection"), "employee_informed": c.employee_informed,
                    "secret_recording": c.secret_recording, "special_category": c.special_category,
                    "minor": c.minor, "legal_basis": c.legal_basis,
                    "lookalike_words": [s["words"] for s in spans.get("lookalike", [])],
                    "special_category_words": first("special"), "minor_words": first("minor")},
        "pii": pii,
        "negatives": negatives,
        "phases": phases(plan, call, index_of),
        "audio": {"sample_rate": OUT_RATE, "channels": 2 if stereo else 1, "duration": call.duration},
    }


def phases(plan: CallPlan, call: RenderedCall, index_of: dict) -> list[dict]:
    """The call's phases with their times and transcript word ranges, from the turns the plan
    marked: greeting, identification, handling, closing (a phase without turns is left out)."""
    starts: dict[int, float] = {}
    ends: dict[int, float] = {}
    for w in call.words:
        starts[w.turn] = min(starts.get(w.turn, w.start), w.start)
        ends[w.turn] = max(ends.get(w.turn, w.end), w.end)
    marks = plan.phase_turns
    bounds = [("greeting", 0), ("identification", marks.get("identification", 0)),
              ("handling", marks.get("handling", 0)), ("closing", marks.get("closing", len(plan.turns)))]
    out = []
    for k, (name, first) in enumerate(bounds):
        last = bounds[k + 1][1] if k + 1 < len(bounds) else len(plan.turns)
        spoken = [t for t in range(first, last) if t in starts]
        if not spoken:
            continue
        nxt = next((t for t in range(last, len(plan.turns)) if t in starts), None)
        words = sorted(i for (t, _), idx in index_of.items() if first <= t < last for i in idx)
        out.append({"name": name, "start": round(starts[spoken[0]], 3),
                    "end": round(starts[nxt] if nxt is not None else call.duration, 3),
                    "turns": [words[0], words[-1] + 1] if words else [0, 0]})
    return out


def load_truth(path) -> dict:
    """Read a `<call>.truth.json`; a clear one-line error names the file when it is not one."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CorpusError(f"{p}: no such truth file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorpusError(f"{p}: not valid JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != "curation-truth":
        raise CorpusError(f"{p}: not a curation-truth file")
    if data.get("version") not in (1, TRUTH_VERSION):
        raise CorpusError(f"{p}: unsupported truth version {data.get('version')!r}")
    return data
