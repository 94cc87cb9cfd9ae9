"""The one redaction path: runs of PII words become one typed Dutch placeholder ("[NAAM]") or one
fictional value (`curation.pii.fiction`, consistent within a call), punctuation after the run kept.

`redacted_runs` is the core the clips use (`curation.clips.redaction` builds the exported
transcript on it); `redact_transcript` and `redact_text` are the same rule for a whole transcript
and for plain text.
"""

from __future__ import annotations

from dataclasses import dataclass

from curation.pii.errors import PiiError
from curation.pii.fiction import FictionalValues
from curation.pii.spans import PiiSpan, resolve_overlaps
from curation.pii.timing import words_of_span

PLACEHOLDERS = {
    "PERSON": "[NAAM]", "LOCATION": "[ADRES]", "NL_POSTCODE": "[POSTCODE]", "PHONE_NUMBER": "[TELEFOONNUMMER]",
    "EMAIL_ADDRESS": "[E-MAILADRES]", "IBAN_CODE": "[IBAN]", "NL_BSN": "[BSN]", "DATE_OF_BIRTH": "[GEBOORTEDATUM]",
    "NL_LICENSE_PLATE": "[KENTEKEN]", "ACCOUNT_ID": "[KLANTNUMMER]",
}
FALLBACK_PLACEHOLDER = "[PERSOONSGEGEVEN]"
MODES = ("placeholder", "pseudonym")
SENTENCE_PUNCTUATION = ".,?!;:"

# the fictional-value generator under the name the redaction API has always used
Pseudonymiser = FictionalValues


class Replacement:
    """What a redacted run becomes: its placeholder, or (mode "pseudonym") a fictional value."""

    def __init__(self, mode: str = "placeholder", key: bytes | str | FictionalValues | None = None,
                 placeholders: dict | None = None):
        if mode not in MODES:
            raise PiiError(f"unknown redaction mode {mode!r}; use one of {', '.join(MODES)}")
        self.mode = mode
        self.placeholders = {**PLACEHOLDERS, **(placeholders or {})}
        self.values = key if isinstance(key, FictionalValues) else (FictionalValues(key) if mode == "pseudonym"
                                                                    else None)

    def __call__(self, entity_type: str, original: str) -> str:
        if self.mode == "pseudonym":
            return self.values.value(entity_type, original)
        return self.placeholders.get(entity_type, FALLBACK_PLACEHOLDER)


def trailing_punctuation(text: str) -> str:
    """Sentence punctuation at the end of a word: it stays after a redacted run, so the sentence still reads."""
    n = len(text)
    while n and text[n - 1] in SENTENCE_PUNCTUATION:
        n -= 1
    return text[n:] if n else ""


@dataclass(frozen=True)
class Run:
    """Words [first, last) of a transcript and what they read as after redaction (`entity_type`
    None: one word kept as it is)."""

    first: int
    last: int
    text: str
    entity_type: str | None = None


def redacted_runs(words, redact: dict[int, str], replace: Replacement | None = None) -> list[Run]:
    """The words with every run of redacted ones (consecutive, same speaker, same entity type;
    `redact`: word index -> entity type) replaced by one value and its trailing punctuation."""
    replace = replace or Replacement()
    out: list[Run] = []
    i = 0
    while i < len(words):
        if i not in redact:
            out.append(Run(i, i + 1, words[i].text))
            i += 1
            continue
        etype, j = redact[i], i + 1
        while j < len(words) and redact.get(j) == etype and words[j].speaker == words[i].speaker:
            j += 1
        tail = trailing_punctuation(words[j - 1].text)
        original = " ".join(w.text for w in words[i:j])
        original = original[: len(original) - len(tail)] if tail else original
        out.append(Run(i, j, replace(etype, original) + tail, etype))
        i = j
    return out


def redact_text(text: str, spans, mode: str = "placeholder", key: bytes | str | FictionalValues | None = None,
                placeholders: dict | None = None) -> str:
    """`text` with every span replaced: by its Dutch placeholder, or (mode="pseudonym") by a fictional
    value that is the same for the same original within one `key` (pass a `Pseudonymiser` to share
    the values over several texts of one call)."""
    replace = Replacement(mode, key, placeholders)
    if not isinstance(text, str):
        raise PiiError(f"redact_text() needs text as str, got {type(text).__name__}")
    spans = list(spans)
    for s in spans:
        if not isinstance(s, PiiSpan) or s.end > len(text):
            raise PiiError(f"span {s!r} does not fit a text of {len(text)} characters")
    out = text
    for s in sorted(resolve_overlaps(spans, text) if spans else [], key=lambda s: s.start, reverse=True):
        out = out[: s.start] + replace(s.entity_type, text[s.start:s.end]) + out[s.end:]
    return out


def redact_transcript(transcript, spans=None, mode: str = "placeholder", key=None, language: str | None = None,
                      placeholders: dict | None = None):
    """A new Transcript whose PII words are replaced run by run (`redacted_runs`): the words a span
    covers (per speaker) become one word carrying the placeholder or fictional value, timed from the
    first word's start to the last word's end, punctuation after it kept."""
    from curation.model import Transcript, Word

    text = transcript.text
    if spans is None:
        from curation.pii.detection import LANGUAGES, detect

        lang = language or transcript.language
        spans = detect(text, lang if lang in LANGUAGES else "nl")
    spans = resolve_overlaps(list(spans), text) if spans else []
    offsets = transcript.word_offsets()
    starts = [a for a, _ in offsets]
    redact: dict[int, str] = {}
    for s in spans:
        for k in words_of_span(offsets, starts, s.start, s.end):
            redact.setdefault(k, s.entity_type)
    words = transcript.words
    out = []
    for run in redacted_runs(words, redact, Replacement(mode, key, placeholders)):
        group = words[run.first:run.last]
        if run.entity_type is None:
            out.append(group[0])
        else:
            out.append(Word(run.text, group[0].start, group[-1].end, group[0].speaker, None,
                            any(w.estimated for w in group)))
    return Transcript(words=tuple(out), speakers=transcript.speakers, language=transcript.language)
