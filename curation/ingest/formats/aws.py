"""AWS Transcribe JSON: word items with times and confidences, speaker or channel labels."""

from __future__ import annotations

from bisect import bisect_right
from pathlib import Path

from curation.errors import ImportProblem
from curation.ingest.formats._common import infer_speakers, invalid, ordered_unique, read_json
from curation.model import InvalidTranscript, Speaker, Transcript, Word


def looks_like(data: object) -> bool:
    return isinstance(data, dict) and isinstance(data.get("results"), dict) and "items" in data["results"]


def _speaker_lookup(results: dict):
    """Map an item's start time to its speaker from speaker_labels segments or channel_labels."""
    spans: list[tuple[float, float, str]] = []
    channels: dict[str, int] = {}
    for seg in (results.get("speaker_labels") or {}).get("segments", []):
        for item in seg.get("items", []):
            spans.append((float(item["start_time"]), float(item["end_time"]), item.get("speaker_label", seg.get("speaker_label"))))
    for ch in (results.get("channel_labels") or {}).get("channels", []):
        label = ch.get("channel_label", "ch_0")
        channels[label] = int(label.rsplit("_", 1)[-1]) if label.rsplit("_", 1)[-1].isdigit() else len(channels)
        for item in ch.get("items", []):
            if "start_time" in item:
                spans.append((float(item["start_time"]), float(item["end_time"]), label))
    spans.sort()
    starts = [s for s, _, _ in spans]

    def speaker_at(start: float) -> str | None:
        i = bisect_right(starts, start + 1e-6) - 1
        return spans[i][2] if i >= 0 and spans[i][0] <= start + 1e-6 <= spans[i][1] + 1e-6 else None

    return speaker_at, channels


def read(path: Path) -> Transcript:
    return parse(read_json(path), path)


def parse(data: dict, path: Path) -> Transcript:
    if not looks_like(data):
        raise ImportProblem(path, "not an AWS Transcribe result (no results.items)")
    results = data["results"]
    speaker_at, channels = _speaker_lookup(results)
    words: list[Word] = []
    try:
        for n, item in enumerate(results["items"]):
            alt = (item.get("alternatives") or [{}])[0]
            content = (alt.get("content") or "").strip()
            if not content:
                continue
            if item.get("type") == "punctuation":
                if words:
                    w = words[-1]
                    words[-1] = Word(w.text + content, w.start, w.end, w.speaker, w.confidence, w.estimated)
                continue
            if "start_time" not in item or "end_time" not in item:
                raise ImportProblem(path, f"item {n} ({item.get('type')}) has no start_time/end_time")
            start, end = float(item["start_time"]), float(item["end_time"])
            speaker = item.get("speaker_label") or (
                item.get("channel_label")) or speaker_at(start) or "spk_0"
            conf = alt.get("confidence")
            words.append(Word(content, start, end, speaker, float(conf) if conf not in (None, "") else None))
        labels = ordered_unique(w.speaker for w in words)
        if channels:  # channel identification: ch_0 is the agent, ch_1 the customer
            speakers = tuple(Speaker(l, ("agent", "customer")[channels[l]] if channels.get(l) in (0, 1) else "unknown",
                                     channels.get(l)) for l in labels)
        else:
            speakers = infer_speakers(labels)
        return Transcript.build(words, speakers, language=(results.get("language_code") or data.get("language_code") or "nl")[:2])
    except InvalidTranscript as exc:
        raise invalid(path, exc) from None
    except (KeyError, TypeError, ValueError) as exc:
        raise ImportProblem(path, f"malformed AWS Transcribe item ({type(exc).__name__}: {exc})") from None
