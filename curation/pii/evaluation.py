"""Scores PII detection against the synthetic corpus' ground truth, token level (presidio-research
style): every transcript word gets a truth label and a predicted label (entity type or "O").

Per entity: precision, recall and F2 (type must match). Overall: any-PII precision and recall
(a word redacted under another type is still redacted). Plus the misses, mention by mention.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from curation.pii.errors import PiiError
from curation.pii.spans import ENTITY_TYPES

log = logging.getLogger(__name__)
O = "O"


@dataclass
class Miss:
    call_id: str
    entity_type: str
    form: str
    text: str
    predicted: list[str]  # predicted label per word of the mention


@dataclass
class FalseAlarm:
    call_id: str
    entity_type: str
    text: str


@dataclass
class Report:
    """Token counts per entity type and overall; `misses` and `false_alarms` for inspection."""

    calls: int = 0
    words: int = 0
    counts: dict = field(default_factory=lambda: {t: Counter() for t in ENTITY_TYPES})
    overall: Counter = field(default_factory=Counter)
    misses: list[Miss] = field(default_factory=list)
    false_alarms: list[FalseAlarm] = field(default_factory=list)

    def add(self, call_id: str, words: list[str], truth: list[str], predicted: list[str], mentions, spans_text):
        self.calls += 1
        self.words += len(words)
        for t, p in zip(truth, predicted):
            if t != O and t == p:
                self.counts[t]["tp"] += 1
            else:
                if p != O:
                    self.counts[p]["fp"] += 1
                if t != O:
                    self.counts[t]["fn"] += 1
            if t != O and p != O:
                self.overall["tp"] += 1
            elif p != O:
                self.overall["fp"] += 1
            elif t != O:
                self.overall["fn"] += 1
        for m in mentions:
            a, b = m["words"]
            labels = predicted[a:b]
            if any(lbl != m["entity_type"] for lbl in labels):
                self.misses.append(Miss(call_id, m["entity_type"], m.get("form", ""), " ".join(words[a:b]), labels))
        for entity, text in spans_text:
            self.false_alarms.append(FalseAlarm(call_id, entity, text))

    @staticmethod
    def _prf(c) -> dict:
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f2 = 5 * p * r / (4 * p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f2": round(f2, 4), "tp": tp, "fp": fp, "fn": fn,
                "support": tp + fn}

    def metrics(self) -> dict:
        return {"calls": self.calls, "words": self.words, "overall": self._prf(self.overall),
                "per_entity": {t: self._prf(c) for t, c in self.counts.items()}}


def label_words(transcript, spans) -> list[str]:
    """Predicted label per word: the type of the span overlapping it most."""
    from curation.pii.timing import words_of_span

    offsets = transcript.word_offsets()
    starts = [a for a, _ in offsets]
    labels, best = [O] * len(offsets), [0] * len(offsets)
    for s in spans:
        for i in words_of_span(offsets, starts, s.start, s.end):
            overlap = min(s.end, offsets[i][1]) - max(s.start, offsets[i][0])
            if overlap > best[i]:
                labels[i], best[i] = s.entity_type, overlap
    return labels


def read_corpus_transcript(path: Path):
    """A project transcript JSON read in file order (truth word indices refer to that order)."""
    from curation.model import Speaker, Transcript, Word

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        speakers = tuple(Speaker(s["label"], s.get("role", "unknown"), s.get("channel")) for s in data["speakers"])
        words = tuple(Word(w["text"], float(w["start"]), float(w["end"]), w["speaker"], w.get("confidence"))
                      for w in data["words"])
        return Transcript(words=words, speakers=speakers, language=data.get("language", "nl"))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PiiError(f"{path}: not a readable curation transcript ({exc})") from None


def evaluate_call(report: Report, transcript, truth: dict, detect_fn) -> None:
    text = transcript.text
    language = truth.get("language") or transcript.language
    spans = detect_fn(text, language if language in ("nl", "en") else "nl")
    predicted = label_words(transcript, spans)
    truth_labels = [O] * len(transcript.words)
    for m in truth.get("pii", []):
        a, b = m["words"]
        if not (0 <= a < b <= len(truth_labels)):
            raise PiiError(f"call {truth.get('call_id')}: PII word range {a}..{b} outside the transcript")
        for i in range(a, b):
            truth_labels[i] = m["entity_type"]
    from curation.pii.timing import words_of_span

    offsets = transcript.word_offsets()
    starts = [a for a, _ in offsets]
    alarms = []
    for s in spans:
        covered = words_of_span(offsets, starts, s.start, s.end)
        if covered and all(truth_labels[i] == O for i in covered):
            alarms.append((s.entity_type, text[s.start:s.end]))
    report.add(truth.get("call_id", "?"), [w.text for w in transcript.words], truth_labels, predicted,
               truth.get("pii", []), alarms)


def evaluate_corpus(folder, detect_fn=None) -> Report:
    """Evaluate every `<stem>.truth.json` in `folder` against its transcript `<stem>.json`."""
    from curation.pii.detection import detect

    folder = Path(folder)
    truths = sorted(folder.rglob("*.truth.json"))
    if not truths:
        raise PiiError(f"{folder}: no *.truth.json ground-truth files found")
    report = Report()
    for path in truths:
        stem = path.name[: -len(".truth.json")]
        transcript_path = path.with_name(stem + ".json")
        if not transcript_path.exists():
            raise PiiError(f"{path}: transcript {transcript_path.name} is missing")
        truth = json.loads(path.read_text(encoding="utf-8"))
        evaluate_call(report, read_corpus_transcript(transcript_path), truth, detect_fn or detect)
    log.debug("evaluated %d calls, %d words", report.calls, report.words)
    return report


def evaluate_seeds(seeds, calls: int, workdir=None, detect_fn=None) -> Report:
    """Generate `calls` calls per seed with `callcorpus.generate` (text only when it allows) and evaluate."""
    import inspect
    import tempfile

    try:
        import callcorpus
        generate = callcorpus.generate
    except (ImportError, AttributeError):
        raise PiiError("the corpus generator (callcorpus.generate) is not installed; use --corpus DIR") from None
    report = Report()
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        for seed in seeds:
            out = Path(tmp) / f"seed{seed}"
            kwargs = {}
            params = inspect.signature(generate).parameters
            for name, value in (("audio", False), ("render_audio", False), ("with_audio", False)):
                if name in params:
                    kwargs[name] = value
            generate(out, calls=calls, seed=seed, **kwargs)
            part = evaluate_corpus(out, detect_fn)
            _merge(report, part)
    return report


def _merge(into: Report, part: Report) -> None:
    into.calls += part.calls
    into.words += part.words
    for t in ENTITY_TYPES:
        into.counts[t].update(part.counts[t])
    into.overall.update(part.overall)
    into.misses.extend(part.misses)
    into.false_alarms.extend(part.false_alarms)
