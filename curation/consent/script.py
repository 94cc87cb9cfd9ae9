"""Actor re-enactment scripts: a clip's redacted transcript turned into a two-actor script
(Medewerker / Klant) with pauses, overlaps and stage directions from the difficulty signals,
every placeholder filled with fictional Dutch data so actors can speak it.

`script_from_words` is pure; `build_script(ws, clip_id)` gathers the clip's words, redactions
and signals from the workspace. Rendering lives in `curation.consent.script_render`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from curation.errors import CurationError
from curation.pii.fiction import TITLES, FictionalValues

ROLE_NAMES = {"agent": "Medewerker", "customer": "Klant"}
PAUSE = 2.0          # seconds of silence shown as a pause
LONG_SILENCE = 5.0   # shown as a long silence
OVERLAP = 0.2        # seconds a line must start before the other ends to count as overlap
CONTINUOUS = 0.3     # a smaller gap between two words of one speaker is one stretch of speech
PLACEHOLDER = re.compile(r"\[[A-ZÀ-Ý_]+\]")
DIRECTIONS = {
    "raised_voice": "verheft de stem",
    "interruptions": "valt de ander in de rede",
    "silences": "lange stilte",
}


class ScriptError(CurationError):
    """A script that cannot be made safe (a placeholder left, an original value in it)."""


@dataclass
class ScriptLine:
    role: str  # Medewerker | Klant
    text: str
    start: float
    end: float
    directions: list[str] = field(default_factory=list)
    pause_before: float = 0.0
    overlaps: bool = False


@dataclass
class ReenactmentScript:
    clip_id: str
    title: str
    lines: list[ScriptLine]
    reasons: list[str] = field(default_factory=list)
    duration: float = 0.0
    seed: int = 0

    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def markdown(self) -> str:
        from curation.consent.script_render import to_markdown
        return to_markdown(self)

    def html(self) -> str:
        from curation.consent.script_render import to_html
        return to_html(self)

    to_markdown = markdown
    to_html = html


@dataclass(frozen=True)
class StageEvent:
    """A moment from the difficulty signals: `signal` at `time` (seconds in the clip) by `role`."""

    signal: str
    time: float
    role: str


def seed_for(clip_id: str, attempt: int = 0) -> int:
    """The script's seed: its fictional values are drawn with this clip id and attempt as the key."""
    return int.from_bytes(hashlib.sha256(f"{clip_id}:{attempt}".encode()).digest()[:8], "big")


def _line_text(words: list[dict], fiction: FictionalValues) -> str:
    out = []
    for w in words:
        if w.get("redacted"):
            tail = re.sub(r"^.*?([.,?!;:]*)$", r"\1", w["text"])
            after_title = bool(out) and out[-1].lower().strip(".,") in TITLES
            out.append(fiction.value(w["redacted"], w.get("original", ""), after_title) + tail)
        else:
            out.append(w["text"])
    return " ".join(out)


def _group(words: list[dict]) -> list[list[dict]]:
    """Lines: words of one speaker until they pause long or the other speaker takes a regular turn.
    Words of an overlap (the other speaker starts before this line ends) do not break the line."""
    lines: list[list[dict]] = []
    open_line: dict[str, list[dict]] = {}
    for w in sorted(words, key=lambda w: (w["start"], w["end"])):
        line = open_line.get(w["speaker"])
        if line is not None:
            end = max(x["end"] for x in line)
            taken_over = any(other[0]["start"] > line[0]["start"] and other[0]["start"] >= end - 0.05
                             for other in lines if other[0]["speaker"] != w["speaker"])
            gap = w["start"] - end
            if gap < CONTINUOUS or (gap < PAUSE and not taken_over):
                line.append(w)
                continue
        line = [w]
        lines.append(line)
        open_line[w["speaker"]] = line
    return sorted(lines, key=lambda ln: ln[0]["start"])


def script_from_words(clip_id: str, words: list[dict], events: list[StageEvent] = (), title: str | None = None,
                      reasons: list[str] = (), attempt: int = 0) -> ReenactmentScript:
    """A script from redacted words (`text`, `start`, `end`, `speaker` role, and `redacted`: entity
    type for placeholders, with the `original` text used only as a consistency key)."""
    fiction = FictionalValues(key=f"script:{seed_for(clip_id, attempt)}")
    lines: list[ScriptLine] = []
    for group in _group(sorted(words, key=lambda w: (w["start"], w["end"]))):
        role = ROLE_NAMES.get(group[0]["speaker"], "Klant" if group[0]["speaker"] != "agent" else "Medewerker")
        line = ScriptLine(role, _line_text(group, fiction), group[0]["start"], max(w["end"] for w in group))
        if lines:
            prev = lines[-1]
            line.pause_before = max(0.0, line.start - max(p.end for p in lines[-3:]))
            line.overlaps = prev.role != role and line.start < prev.end - OVERLAP
        lines.append(line)
    for line in lines:
        if line.overlaps:
            line.directions.append("valt de ander in de rede, begint al voordat die klaar is")
        if line.pause_before >= LONG_SILENCE:
            line.directions.insert(0, f"lange stilte van {line.pause_before:.0f} seconden")
        elif line.pause_before >= PAUSE:
            line.directions.insert(0, f"pauze van {line.pause_before:.0f} seconden")
    for event in events:
        target = _line_for(lines, event)
        if target is None or (event.signal == "silences" and target.pause_before >= PAUSE) or (
                event.signal == "interruptions" and target.overlaps):
            continue  # already shown from the timing itself
        text = DIRECTIONS.get(event.signal)
        if text and text not in target.directions:
            target.directions.append(text)
    for line in lines:
        if line.text.count("!") >= 1 or sum(w.isupper() and len(w) > 2 for w in line.text.split()) >= 2:
            if "verheft de stem" not in line.directions:
                line.directions.append("met nadruk")
    duration = max((w["end"] for w in words), default=0.0)
    return ReenactmentScript(clip_id, title or f"Naspeelscript {clip_id}", lines, list(reasons), round(duration, 1),
                             seed_for(clip_id, attempt))


def _line_for(lines: list[ScriptLine], event: StageEvent) -> ScriptLine | None:
    """The line of `event.role` closest to the event's time (a silence: the first line after it)."""
    if event.signal == "silences":
        return next((ln for ln in lines if ln.start >= event.time - 0.3), None)
    role = ROLE_NAMES.get(event.role)
    candidates = [ln for ln in lines if role is None or ln.role == role] or lines
    if not candidates:
        return None
    return min(candidates, key=lambda ln: 0.0 if ln.start - 0.3 <= event.time <= ln.end + 0.3
               else min(abs(ln.start - event.time), abs(ln.end - event.time)))


def check_script(script: ReenactmentScript, originals: list[str], baseline: str = "") -> None:
    """Refuse a script with a placeholder left, or with an original PII value that the script put in
    (`baseline` is the unredacted rest of the transcript: what was already there is not introduced here)."""
    text = "\n".join([script.title] + [ln.text for ln in script.lines])
    left = PLACEHOLDER.findall(text)
    if left:
        raise ScriptError(f"script for clip {script.clip_id}: placeholder(s) left unfilled: {', '.join(sorted(set(left)))}")
    folded, base = _fold(text), _fold(baseline)
    for original in originals:
        o = _fold(original)
        pattern = r"(?<!\w)" + re.escape(o) + r"(?!\w)"
        if len(o) >= 2 and re.search(pattern, folded) and not re.search(pattern, base):
            raise ScriptError(f"script for clip {script.clip_id}: contains an original personal data value")


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w@.]+", " ", text.lower())).strip()


def safe_script(clip_id: str, words: list[dict], events=(), title=None, reasons=()) -> ReenactmentScript:
    """`script_from_words`, re-drawn with another seed in the rare case a fictional value equals an original."""
    originals = [w["original"] for w in words if w.get("redacted") and w.get("original")]
    baseline = " ".join(w["text"] for w in words if not w.get("redacted"))
    for attempt in range(5):
        script = script_from_words(clip_id, words, events, title, reasons, attempt)
        try:
            check_script(script, originals, baseline)
            return script
        except ScriptError as exc:
            if "placeholder" in str(exc):
                raise
            problem = exc
    raise problem
