"""Consent detection scored against the synthetic corpus' ground truth (`<stem>.truth.json`).

Per detector: precision and recall over calls; purposes per purpose and as an exact set; whether
the quote's time falls inside the true word span; and look-alike sentences wrongly taken for an
objection. Tune on seeds 1-5; report on seeds never looked at while tuning.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from curation.consent.detect import detect
from curation.consent.lexicon import PURPOSES


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, truth: bool, found: bool) -> None:
        if truth and found:
            self.tp += 1
        elif found:
            self.fp += 1
        elif truth:
            self.fn += 1
        else:
            self.tn += 1

    def scores(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return {"precision": round(p, 3), "recall": round(r, 3), "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "tn": self.tn}


@dataclass
class Evaluation:
    calls: int = 0
    detectors: dict = field(default_factory=lambda: {k: Counts() for k in
                                                     ("notice", "objection", "special_category", "minor")})
    purposes: dict = field(default_factory=lambda: {p: Counts() for p in PURPOSES})
    purpose_sets_exact: int = 0
    notices_true: int = 0
    timed_right: dict = field(default_factory=lambda: {"notice": [0, 0], "objection": [0, 0]})
    lookalike_calls: int = 0
    lookalike_false_objections: int = 0
    misses: list = field(default_factory=list)

    def to_json(self) -> dict:
        return {"calls": self.calls, "detectors": {k: c.scores() for k, c in self.detectors.items()},
                "purposes": {k: c.scores() for k, c in self.purposes.items() if c.tp + c.fn + c.fp},
                "purpose_set_exact": round(self.purpose_sets_exact / self.notices_true, 3) if self.notices_true else None,
                "quote_time_in_true_span": {k: round(a / b, 3) if b else None for k, (a, b) in self.timed_right.items()},
                "lookalike_calls": self.lookalike_calls, "lookalike_false_objections": self.lookalike_false_objections,
                "misses": self.misses}


def _span_times(transcript, span) -> tuple[float, float] | None:
    if not span:
        return None
    a, b = span
    ws = transcript.words[a:b]
    return (ws[0].start, ws[-1].end) if ws else None


def evaluate(folders) -> Evaluation:
    """Score detection on every call with a truth file in `folders`."""
    from curation.ingest import read_transcript

    ev = Evaluation()
    for folder in folders:
        for truth_path in sorted(Path(folder).glob("*.truth.json")):
            stem = truth_path.name[: -len(".truth.json")]
            transcript_path = truth_path.with_name(f"{stem}.json")
            if not transcript_path.exists():
                continue
            truth = json.loads(truth_path.read_text(encoding="utf-8"))
            consent = truth["consent"]
            transcript = read_transcript(transcript_path, "json")
            found = detect(transcript, truth.get("language", "nl"))
            ev.calls += 1
            notice_true = bool(consent.get("notice_words"))
            checks = {"notice": (notice_true, found.notice is not None),
                      "objection": (bool(consent["customer_objects"]), found.objection is not None),
                      "special_category": (bool(consent.get("special_category")), bool(found.special_category)),
                      "minor": (bool(consent.get("minor")), found.minor is not None)}
            for name, (t, f) in checks.items():
                ev.detectors[name].add(t, f)
                if t != f:
                    ev.misses.append({"call_id": truth["call_id"], "detector": name,
                                      "kind": "missed" if t else "false alarm"})
            if notice_true:
                ev.notices_true += 1
                for p in PURPOSES:
                    ev.purposes[p].add(p in consent["notice_purposes"], p in found.purposes)
                if set(found.purposes) == set(consent["notice_purposes"]):
                    ev.purpose_sets_exact += 1
                else:
                    ev.misses.append({"call_id": truth["call_id"], "detector": "purposes",
                                      "kind": f"true {sorted(consent['notice_purposes'])}, found {sorted(found.purposes)}"})
            for name, key, quote in (("notice", "notice_words", found.notice), ("objection", "objection_words",
                                                                                found.objection)):
                span = _span_times(transcript, consent.get(key))
                if span and quote is not None and quote.time is not None:
                    ev.timed_right[name][1] += 1
                    ev.timed_right[name][0] += span[0] - 0.05 <= quote.time <= span[1]
            if consent.get("lookalike_words"):
                ev.lookalike_calls += 1
                ev.lookalike_false_objections += (found.objection is not None and not consent["customer_objects"])
    return ev
