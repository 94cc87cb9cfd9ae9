"""Transcript redaction with presidio-anonymizer operators: typed Dutch placeholders ("[NAAM]")
or pseudonyms that stay consistent within one call (same original -> same fake value)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import replace

from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

from curation.pii.errors import PiiError
from curation.pii.spans import ENTITY_TYPES, PiiSpan, resolve_overlaps
from curation.pii.timing import words_of_span
from curation.pii.tokens import lookup_key

PLACEHOLDERS = {
    "PERSON": "[NAAM]", "LOCATION": "[ADRES]", "NL_POSTCODE": "[POSTCODE]", "PHONE_NUMBER": "[TELEFOONNUMMER]",
    "EMAIL_ADDRESS": "[E-MAILADRES]", "IBAN_CODE": "[IBAN]", "NL_BSN": "[BSN]", "DATE_OF_BIRTH": "[GEBOORTEDATUM]",
    "NL_LICENSE_PLATE": "[KENTEKEN]", "ACCOUNT_ID": "[KLANTNUMMER]",
}
MODES = ("placeholder", "pseudonym")
MONTHS_NL = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
             "november", "december"]
_CODE_TYPES = frozenset({"NL_POSTCODE", "PHONE_NUMBER", "IBAN_CODE", "NL_BSN", "NL_LICENSE_PLATE", "ACCOUNT_ID",
                         "DATE_OF_BIRTH"})


class Pseudonymiser:
    """Fake Dutch values (Faker nl_NL) derived from a per-call secret `key`: within one
    Pseudonymiser the same original always gets the same pseudonym, and no two originals share one.
    Use one key per call so that people cannot be linked across calls."""

    def __init__(self, key: bytes | str | None = None):
        if key is None:
            key = secrets.token_bytes(16)
        self._key = key.encode("utf-8") if isinstance(key, str) else bytes(key)
        self._values: dict[tuple[str, str], str] = {}
        self._used: set[str] = set()
        self._faker = None

    @property
    def pseudonyms(self) -> frozenset[str]:
        """Every value written so far: pass as `detect(..., neutral=...)` to re-scan the output."""
        return frozenset(self._used)

    def __call__(self, entity_type: str, original: str) -> str:
        ident = (entity_type, _identity(entity_type, original))
        value = self._values.get(ident)
        if value is None:
            for attempt in range(20):
                value = self._generate(entity_type, original, ident, attempt)
                if value not in self._used:
                    break
            self._values[ident] = value
            self._used.add(value)
        return value

    def _generate(self, entity_type: str, original: str, ident, attempt: int) -> str:
        if self._faker is None:
            from faker import Faker

            self._faker = Faker("nl_NL")
        digest = hmac.new(self._key, f"{ident[0]}\x1f{ident[1]}\x1f{attempt}".encode(), hashlib.sha256).digest()
        fake = self._faker
        fake.seed_instance(int.from_bytes(digest[:8], "big"))
        words = original.split()
        if entity_type == "PERSON":
            if len(words) == 1 or words[0][:1].islower() or lookup_key(words[0]) in ("van", "de", "den", "ter", "ten"):
                return fake.last_name()
            return f"{fake.first_name()} {fake.last_name()}"
        if entity_type == "LOCATION":
            if lookup_key(words[0]) == "postbus":
                return f"Postbus {fake.random_int(10, 9999)}"
            if len(words) > 1:
                return fake.street_address()
            return fake.city()
        if entity_type == "NL_POSTCODE":
            return fake.postcode()
        if entity_type == "PHONE_NUMBER":
            return "06-" + "".join(str(fake.random_digit()) for _ in range(8))
        if entity_type == "EMAIL_ADDRESS":
            return f"{lookup_key(fake.first_name())}.{lookup_key(fake.last_name()).replace(' ', '')}@voorbeeld.nl"
        if entity_type == "IBAN_CODE":
            return fake.iban()
        if entity_type == "NL_BSN":
            return fake.ssn()
        if entity_type == "DATE_OF_BIRTH":
            d = fake.date_of_birth(minimum_age=18, maximum_age=90)
            return f"{d.day} {MONTHS_NL[d.month - 1]} {d.year}"
        if entity_type == "NL_LICENSE_PLATE":
            return fake.license_plate()
        if entity_type == "ACCOUNT_ID":
            n = max(6, sum(c.isdigit() for c in ident[1]) or 8)
            return str(fake.random_int(1, 9)) + "".join(str(fake.random_digit()) for _ in range(n - 1))
        raise PiiError(f"no pseudonym for entity type {entity_type!r}")


def _identity(entity_type: str, original: str) -> str:
    """What makes two mentions the same value: "06-12345678" == "nul zes twaalf ..."."""
    if entity_type in _CODE_TYPES:
        from curation.pii.normalise import normalise

        canon = "".join(r.canon for r in normalise(original).runs)
        if canon:
            return canon
    return " ".join(lookup_key(original).split())


def _operators(mode: str, pseudonymiser: Pseudonymiser | None, placeholders: dict) -> dict:
    if mode == "placeholder":
        return {t: OperatorConfig("replace", {"new_value": placeholders.get(t, f"[{t}]")}) for t in ENTITY_TYPES}
    return {t: OperatorConfig("custom", {"lambda": (lambda s, _t=t: pseudonymiser(_t, s))}) for t in ENTITY_TYPES}


_engine: AnonymizerEngine | None = None


def redact_text(text: str, spans, mode: str = "placeholder", key: bytes | str | Pseudonymiser | None = None,
                placeholders: dict | None = None) -> str:
    """`text` with every span replaced: by its Dutch placeholder, or (mode="pseudonym") by a fake
    value that is the same for the same original within one `key` (pass a `Pseudonymiser` to
    share the mapping over several texts of one call)."""
    global _engine
    if mode not in MODES:
        raise PiiError(f"unknown redaction mode {mode!r}; use one of {', '.join(MODES)}")
    if not isinstance(text, str):
        raise PiiError(f"redact_text() needs text as str, got {type(text).__name__}")
    spans = [s for s in spans]
    for s in spans:
        if not isinstance(s, PiiSpan) or s.end > len(text):
            raise PiiError(f"span {s!r} does not fit a text of {len(text)} characters")
    if not spans:
        return text
    spans = resolve_overlaps(spans, text)
    pseudonymiser = key if isinstance(key, Pseudonymiser) else (Pseudonymiser(key) if mode == "pseudonym" else None)
    if _engine is None:
        _engine = AnonymizerEngine()
    results = [RecognizerResult(s.entity_type, s.start, s.end, s.score) for s in spans]
    return _engine.anonymize(text=text, analyzer_results=results,
                             operators=_operators(mode, pseudonymiser, {**PLACEHOLDERS, **(placeholders or {})})).text


def redact_transcript(transcript, spans=None, mode: str = "placeholder", key=None, language: str | None = None,
                      placeholders: dict | None = None):
    """A new Transcript whose PII words are replaced word-wise: the words one span covers (per
    speaker) become one word carrying the placeholder or pseudonym, timed from the first word's
    start to the last word's end. Punctuation outside the span stays on the word."""
    from curation.model import Transcript, Word

    text = transcript.text
    if spans is None:
        from curation.pii.detection import LANGUAGES, detect

        lang = language or transcript.language
        spans = detect(text, lang if lang in LANGUAGES else "nl")
    spans = resolve_overlaps(list(spans), text) if spans else []
    if mode == "pseudonym" and not isinstance(key, Pseudonymiser):
        key = Pseudonymiser(key)
    offsets = transcript.word_offsets()
    starts = [a for a, _ in offsets]
    words = transcript.words
    # tie together the words each span covers (same speaker only)
    group_of = list(range(len(words)))
    touched: dict[int, list[PiiSpan]] = {}
    for s in spans:
        idx = words_of_span(offsets, starts, s.start, s.end)
        for a, b in zip(idx, idx[1:]):
            if words[a].speaker == words[b].speaker:
                group_of[b] = group_of[a]
        for k in idx:
            touched.setdefault(k, []).append(s)
    out: list = []
    k = 0
    while k < len(words):
        if k not in touched:
            out.append(words[k])
            k += 1
            continue
        last = k
        while last + 1 < len(words) and group_of[last + 1] == group_of[k]:
            last += 1
        lo, hi = offsets[k][0], offsets[last][1]
        local = []
        for s in {id(s): s for i in range(k, last + 1) for s in touched.get(i, [])}.values():
            a, b = max(s.start, lo) - lo, min(s.end, hi) - lo
            if b > a:
                local.append(replace(s, start=a, end=b))
        new_text = redact_text(text[lo:hi], local, mode=mode, key=key, placeholders=placeholders).strip()
        group = words[k:last + 1]
        out.append(Word(new_text or "[…]", group[0].start, group[-1].end, group[0].speaker, None,
                        any(w.estimated for w in group)))
        k = last + 1
    return Transcript(words=tuple(out), speakers=transcript.speakers, language=transcript.language)
