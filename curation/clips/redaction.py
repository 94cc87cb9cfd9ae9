"""Redaction of a clip's transcript: detected PII as word spans, the redacted transcript
(role labels only, typed placeholders, by the one redaction rule `curation.pii.redaction`), its
WebVTT captions, and the re-scan for leftover PII.

Pure functions over `Transcript` values; no database, no files.
"""

from __future__ import annotations

from dataclasses import dataclass

from curation.errors import CurationError
from curation.model import Transcript

REDACTED_FORMAT = "curation-redacted-transcript"


class PiiUnavailable(CurationError):
    """PII detection is not installed or failed: nothing may be declared free of PII."""


def detect(text: str, language: str) -> list:
    """`curation.pii.detect`, failing closed with a one-line reason."""
    try:
        from curation.pii import detect as pii_detect
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise PiiUnavailable(f"PII detection is not available ({exc}); nothing can be anonymised") from None
    lang = language if language in ("nl", "en") else "nl"
    return pii_detect(text, lang)


@dataclass(frozen=True)
class DetectedSpan:
    """Words [first, last) of a transcript slice, one speaker, one entity type."""

    first: int
    last: int
    entity_type: str
    score: float


def detect_word_spans(transcript: Transcript, language: str) -> list[DetectedSpan]:
    """PII in the transcript, as runs of words per speaker (a span across two speakers splits)."""
    from curation.pii import redaction_intervals

    spans = detect(transcript.text, language)
    by_span = {(s.start, s.end): s for s in spans}
    out = []
    for interval in redaction_intervals(transcript, spans=spans, padding=0.0, estimated_padding=0.0):
        idx = interval.word_indices
        score = by_span.get((interval.span_start, interval.span_end))
        out.append(DetectedSpan(min(idx), max(idx) + 1, interval.entity_type, score.score if score else 1.0))
    return out


def redacted_words(transcript: Transcript, redact: dict[int, str], reviewed: set[int],
                   roles: dict[str, str], with_originals: bool = False) -> list[dict]:
    """The clip's words with every run of redacted words (same speaker, same type) replaced by one
    placeholder (`curation.pii.redaction.redacted_runs`). `redact`: word index -> entity type;
    `reviewed`: words a person decided are not PII. `with_originals` adds each run's original words
    (`original`, in memory only: the re-enactment script's consistency key)."""
    from curation.pii.redaction import SENTENCE_PUNCTUATION, redacted_runs

    out: list[dict] = []
    for run in redacted_runs(transcript.words, redact):
        group = transcript.words[run.first:run.last]
        w = group[0]
        entry = {"text": run.text, "start": round(w.start, 3), "end": round(max(x.end for x in group), 3),
                 "speaker": roles.get(w.speaker, "unknown")}
        if run.entity_type is not None:
            entry["redacted"] = run.entity_type
            if with_originals:
                entry["original"] = " ".join(x.text.strip(SENTENCE_PUNCTUATION) for x in group)
        elif run.first in reviewed:
            entry["reviewed"] = True
        out.append(entry)
    return out


def redacted_document(clip_id: str, language: str, duration: float, words: list[dict]) -> dict:
    """The redacted transcript as exported (JSON): role labels only, no original speaker labels."""
    speakers = sorted({w["speaker"] for w in words})
    return {"format": REDACTED_FORMAT, "version": 1, "clip_id": clip_id, "language": language,
            "duration": round(duration, 3), "speakers": speakers, "words": words}


def cues(words: list[dict], max_gap: float = 1.5, max_words: int = 14) -> list[dict]:
    """Caption cues: consecutive words of one speaker, split at pauses and after `max_words`."""
    out: list[dict] = []
    for w in words:
        last = out[-1] if out else None
        if (last and last["speaker"] == w["speaker"] and w["start"] - last["end"] <= max_gap
                and last["n"] < max_words):
            last["text"] += " " + w["text"]
            last["end"] = max(last["end"], w["end"])
            last["n"] += 1
        else:
            out.append({"start": w["start"], "end": w["end"], "speaker": w["speaker"], "text": w["text"], "n": 1})
    for c in out:
        c.pop("n")
        if c["end"] <= c["start"]:
            c["end"] = c["start"] + 0.5
    return out


def vtt_timestamp(t: float) -> str:
    """Seconds as a WebVTT timestamp ("00:01:02.345")."""
    ms = int(round(t * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(words: list[dict]) -> str:
    """WebVTT captions with `<v role>` voice tags."""
    lines = ["WEBVTT", ""]
    for n, c in enumerate(cues(words), 1):
        lines += [str(n), f"{vtt_timestamp(c['start'])} --> {vtt_timestamp(c['end'])}",
                  f"<v {_vtt_escape(c['speaker'])}>{_vtt_escape(c['text'])}", ""]
    return "\n".join(lines)


def rescan(document: dict) -> list[dict]:
    """Detect PII again in a redacted transcript. Every finding not inside a placeholder is
    returned: `reviewed` when a person already judged all its words not to be PII, else
    `unresolved`. Findings hold times, role and type, never the text."""
    words = document.get("words") or []
    text = " ".join(w["text"] for w in words)
    offsets, pos = [], 0
    for w in words:
        offsets.append((pos, pos + len(w["text"])))
        pos += len(w["text"]) + 1
    findings = []
    for span in detect(text, document.get("language", "nl")):
        hit = [k for k, (a, b) in enumerate(offsets) if a < span.end and b > span.start]
        plain = [k for k in hit if not words[k].get("redacted")]
        if not plain:
            continue
        status = "reviewed" if all(words[k].get("reviewed") for k in plain) else "unresolved"
        findings.append({"entity_type": span.entity_type, "start": words[plain[0]]["start"],
                         "end": words[plain[-1]]["end"], "speaker": words[plain[0]]["speaker"], "status": status})
    return findings


def unresolved(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f.get("status") != "reviewed"]
