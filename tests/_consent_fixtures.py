"""Builders for consent tests: synthetic calls (crafted Dutch/English turns, tone audio, project JSON)
imported with a manifest into a real workspace. No real personal data."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.fixtures import project_json, tone_audio

MANIFEST = ["call_id", "audio", "transcript", "recorded_at", "agent_id", "customer_ref", "topic", "language",
            "notice_played", "notice_purposes", "customer_objected", "employee_informed", "secret_recording",
            "retention_until", "minor", "special_category", "legal_basis"]
WORD, GAP = 0.3, 0.6


def timed_words(turns, start: float = 0.2) -> list[tuple[str, float, float, str]]:
    """(speaker, start, end, text) for every word of `turns` = [(speaker, text) or (speaker, text, gap)]."""
    out, t = [], start
    for turn in turns:
        speaker, text = turn[0], turn[1]
        t += turn[2] if len(turn) > 2 else 0.0
        for word in text.split():
            out.append((speaker, round(t, 2), round(t + WORD - 0.05, 2), word))
            t += WORD
        t += GAP
    return out


def write_call(folder: Path, stem: str, turns, language: str = "nl", start: float = 0.2) -> tuple[Path, Path]:
    """Audio and transcript of one call; `start` shifts it so every call's audio (and checksum) differs."""
    folder.mkdir(parents=True, exist_ok=True)
    words = timed_words(turns, start)
    duration = words[-1][2] + 0.5
    audio = tone_audio(folder / f"{stem}.wav", words=words, duration=duration)
    transcript = project_json(folder / f"{stem}.json", words=words, language=language)
    return audio, transcript


def import_calls(ws, folder: Path, calls: dict[str, dict], user: str = "tester") -> None:
    """`calls`: call id -> {"turns": [...], "language": ..., manifest column: value}; imports all."""
    from curation.ingest import ingest

    rows = []
    for n, (call_id, spec) in enumerate(calls.items()):
        language = spec.get("language", "nl")
        write_call(folder, call_id, spec["turns"], language, start=0.2 + 0.05 * n)
        row = {k: "" for k in MANIFEST}
        row.update(call_id=call_id, audio=f"{call_id}.wav", transcript=f"{call_id}.json", language=language,
                   recorded_at="2026-01-10T10:00:00", agent_id="agent-1", topic="facturen")
        for key, value in spec.items():
            if key in MANIFEST:
                row[key] = ("true" if value else "false") if isinstance(value, bool) else value
        rows.append(row)
    with open(folder / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, MANIFEST)
        writer.writeheader()
        writer.writerows(rows)
    outcomes = ingest(ws, [folder], actor=user)
    problems = [o for o in outcomes if o.status not in ("imported", "skipped")]
    assert not problems, problems


NOTICE_TRAINING = ("agent", "Dit gesprek kan worden opgenomen voor kwaliteits- en trainingsdoeleinden.")
NOTICE_QUALITY = ("agent", "Welkom. Gesprekken worden opgenomen om onze dienstverlening te verbeteren.")
GREETING = ("agent", "Goedemiddag, u spreekt met Sanne van de klantenservice, waarmee kan ik u helpen?")
QUESTION = ("customer", "Ik heb een vraag over mijn laatste rekening, het bedrag klopt niet.")
ANSWER = ("agent", "Dat ga ik voor u nakijken, een moment alstublieft.")
OBJECTION = ("customer", "Ik wil eigenlijk niet dat dit gesprek voor trainingen wordt gebruikt.")
