"""The project transcript and the ground truth of a rendered call, and `load_truth`.

Word indices in the truth are positions in the transcript's `words` list (sorted by time);
`words: [a, b]` is half-open and its `text` is exactly those words joined by spaces."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from .calls import CallPlan, categories
from .errors import CorpusError
from .render import OUT_RATE, RenderedCall

_EDGE_PUNCT = re.compile(r"^[.,!?;:]+|[.,!?;:]+$")


def styled(text: str, style: str) -> str:
    """Human transcripts keep case and punctuation; ASR-style ones are lower case without it."""
    if style == "human":
        return text
    out = _EDGE_PUNCT.sub("", text.lower())
    return out or text.lower()


def build_transcript(plan: CallPlan, call: RenderedCall, stereo: bool, rng: random.Random) -> tuple[dict, dict]:
    """Transcript JSON words sorted by time; also the map (turn, word in turn) -> transcript index."""
    order = sorted(range(len(call.words)), key=lambda i: (call.words[i].start, call.words[i].end, i))
    index_of = {}
    words = []
    for new, old in enumerate(order):
        w = call.words[old]
        index_of[(w.turn, w.index_in_turn)] = new
        if plan.low_confidence and w.speaker == "customer":
            conf = rng.uniform(0.3, 0.75)
        elif plan.style == "human":
            conf = rng.uniform(0.93, 1.0)
        else:
            conf = rng.uniform(0.78, 0.99) if rng.random() < 0.9 else rng.uniform(0.5, 0.8)
        words.append({"text": styled(w.text, plan.style), "start": w.start, "end": w.end,
                      "speaker": w.speaker, "confidence": round(conf, 3)})
    speakers = [{"label": "agent", "role": "agent", "channel": 0 if stereo else None},
                {"label": "customer", "role": "customer", "channel": 1 if stereo else None}]
    return {"format": "curation-transcript", "version": 1, "language": "nl", "speakers": speakers,
            "words": words}, index_of


def build_truth(plan: CallPlan, call: RenderedCall, transcript: dict, index_of: dict, stereo: bool) -> dict:
    words = transcript["words"]
    spans: dict[str, list[dict]] = {}
    for ti, turn in enumerate(plan.turns):
        for s in turn.spans:
            if s.end <= s.start:
                continue
            idx = [index_of[(ti, k)] for k in range(s.start, s.end)]
            a, b = idx[0], idx[-1] + 1
            if idx != list(range(a, b)):
                raise CorpusError(f"{plan.call_id}: span {s.label} is not contiguous in the transcript")
            spans.setdefault(s.kind, []).append({"label": s.label, "form": s.form, "words": [a, b],
                                                 "speaker": turn.speaker,
                                                 "text": " ".join(w["text"] for w in words[a:b])})
    pii = []
    for s in spans.get("pii", []):
        form = s["form"]
        if form == "written" and plan.style == "asr" and s["label"] in ("PERSON", "LOCATION") and \
                not any(ch.isdigit() for ch in s["text"]):
            form = "spoken"  # a lower-cased name is what speech recognition gives
        pii.append({"entity_type": s["label"], "words": s["words"], "text": s["text"], "form": form,
                    "speaker": s["speaker"]})
    c = plan.consent
    first = lambda kind: spans[kind][0]["words"] if spans.get(kind) else None  # noqa: E731
    evidence = [{"trait": s["label"], "words": s["words"], "speaker": s["speaker"], "text": s["text"]}
                for s in spans.get("evidence", [])]
    return {
        "format": "curation-truth", "version": 1, "call_id": plan.call_id, "seed": plan.seed, "language": "nl",
        "scenario": plan.scenario, "topic": plan.topic, "transcript_style": plan.style,
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
        "non_pii": [{"kind": s["label"], "words": s["words"], "text": s["text"]} for s in spans.get("nonpii", [])],
        "audio": {"sample_rate": OUT_RATE, "channels": 2 if stereo else 1, "duration": call.duration},
    }


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
    if data.get("version") != 1:
        raise CorpusError(f"{p}: unsupported truth version {data.get('version')!r}")
    return data
