"""Re-scanning redacted text: placeholders and pseudonyms are neutral, so a redacted transcript
re-scans clean (no false alarm blocks approval) while PII left beside them is still found."""

from __future__ import annotations

import json

import pytest

import callcorpus

from curation.pii import detect, redact_transcript
from curation.pii.detection import mask_neutral
from curation.pii.evaluation import read_corpus_transcript
from curation.pii.redaction import PLACEHOLDERS, Pseudonymiser

HELD_OUT_SEEDS = (611, 612)  # not used while tuning
CALLS_PER_SEED = 20


def found(text: str, language: str = "nl", **kwargs) -> list[tuple[str, str]]:
    return [(s.entity_type, text[s.start:s.end]) for s in detect(text, language, **kwargs)]


# redacted sentences in which nothing is personal data any more
CLEAN = [
    "met [NAAM]. Mijn telefoonnummer",
    "Goedemiddag, met [NAAM]. Mijn telefoonnummer is [TELEFOONNUMMER].",
    "Ik heb het, meneer [NAAM] Neemt u het gesprek maar op, geen probleem.",
    "Goedendag, u spreekt met [NAAM] van Bank Oranje, waarmee kan ik u helpen?",
    "Goedemiddag, u spreekt met [NAAM] van Huis en Haard, waarmee kan ik u helpen?",
    "Mijn naam is [NAAM] Kijk, het pakket was beschadigd.",
    "Dank u wel mevrouw [NAAM] Prima, dat noteer ik.",
    "Ja, dag, met [NAAM] Mag ik iets vragen?",
    "Ik woon op [ADRES] in [ADRES] Dat klopt.",
    "Mijn postcode is [POSTCODE] Dank u wel.",
    "Mijn e-mailadres is [E-MAILADRES] Dat klopt.",
    "Het iban is [IBAN] dank u, dat heb ik genoteerd.",
    "Mijn bsn is [BSN] Prima mevrouw [NAAM] dat klopt.",
    "Ik ben geboren op [GEBOORTEDATUM] Mag ik uw bsn?",
    "Het kenteken is [KENTEKEN] Dank u wel.",
    "Mijn klantnummer is [KLANTNUMMER] Ja, dat klopt.",
    "[NAAM]: Goedemorgen. [NAAM], Welkom bij Noordzee Assurantie.",
    "(\"[NAAM]\") Zegt u het maar.",
    "Met [NAAM] Dan schakel ik u door naar [NAAM] Die weet er meer van.",
    # a placeholder is no context word: the date is an appointment, the amount a price
    "[GEBOORTEDATUM] De monteur komt op 12 maart om tien uur.",
    "[TELEFOONNUMMER] Het kost €110 per maand.",
    # product and insurance names, months and weekdays on their own
    "Met Tandarts Plus krijgt u €89 per jaar vergoed.",
    "Met Basisverzekering Budget krijgt u dertig euro per jaar vergoed.",
    "Met Aanvullend Top bent u beter verzekerd.",
    "Met Zorgzaam Plus krijgt u meer vergoed.",
    "Ik bel u Maandag terug, of anders Dinsdag.",
    "In Mei gaat het nieuwe pakket in, per Juni betaalt u minder.",
    "Op Vrijdag 12 mei komt de monteur.",
    "Prima, Maandag kom ik langs.",
]


@pytest.mark.parametrize("text", CLEAN)
def test_redacted_text_re_scans_clean(text):
    assert found(text) == []


@pytest.mark.parametrize("placeholder", sorted(set(PLACEHOLDERS.values())))
def test_no_placeholder_is_pii_or_makes_the_next_common_word_a_name(placeholder):
    for text in (f"Dat is {placeholder} Neemt u even contact op.", f"meneer {placeholder} Kijk, dat klopt.",
                 f"mijn naam is {placeholder} Prima.", f"met {placeholder}. Mijn vraag gaat over de factuur."):
        assert found(text) == [], text


# PII beside a placeholder is still found (the placeholder is neutral, not a blindfold)
STILL_FOUND = [
    ("[NAAM], mijn telefoonnummer is 06-12345678.", ("PHONE_NUMBER", "06-12345678")),
    ("Meneer [NAAM] en mevrouw Jansen, goedemiddag.", ("PERSON", "Jansen")),
    ("Ik woon op [ADRES] in Utrecht.", ("LOCATION", "Utrecht")),
    ("[NAAM] Mijn postcode is 1234 AB.", ("NL_POSTCODE", "1234 AB")),
    ("Mijn naam is [NAAM] en mijn e-mail is jan.devries@example.nl.", ("EMAIL_ADDRESS", "jan.devries@example.nl")),
    ("Mijn bsn is [BSN] en mijn geboortedatum is 12 maart 1984.", ("DATE_OF_BIRTH", "12 maart 1984")),
]


@pytest.mark.parametrize("text,expected", STILL_FOUND)
def test_pii_next_to_a_placeholder_is_still_found(text, expected):
    assert expected in found(text)


NAMES_FROM_CALENDAR_WORDS = [
    ("Dank u wel, meneer Maandag.", ("PERSON", "Maandag")),
    ("Dat heeft mevrouw Zondag al gevraagd.", ("PERSON", "Zondag")),
    ("Ja, met Jan Mei, goedemiddag.", ("PERSON", "Jan Mei")),
    ("Het contract staat op naam van J. Vrijdag.", ("PERSON", "J. Vrijdag")),
]


@pytest.mark.parametrize("text,expected", NAMES_FROM_CALENDAR_WORDS)
def test_a_month_or_weekday_after_a_title_or_first_name_is_a_surname(text, expected):
    assert expected in found(text)


def test_spans_never_cover_a_placeholder():
    text = "Meneer [NAAM] Jansen en [NAAM]-de Vries"
    for s in detect(text):
        assert "[" not in text[s.start:s.end] and "]" not in text[s.start:s.end]


def test_pseudonyms_are_neutral_when_the_rescan_knows_them():
    pseudonymiser = Pseudonymiser(b"call-key")
    name = pseudonymiser("PERSON", "Jan de Vries")
    phone = pseudonymiser("PHONE_NUMBER", "06-12345678")
    text = f"Goedemiddag, met {name}. Mijn nummer is {phone}. Kijk, het gaat om de factuur van mevrouw Bakker."
    # without the mapping a pseudonym looks like any name
    assert any(t == "PERSON" and x in name for t, x in found(text))
    rescan = found(text, neutral=pseudonymiser.pseudonyms)
    assert rescan == [("PERSON", "Bakker")]  # the real name left behind is still found


def test_masking_keeps_every_offset():
    text = "met Jan Jansen, bel 06-11122233 of Jan Jansen"
    masked = mask_neutral(text, ["Jan Jansen", "06-11122233", "x"])
    assert len(masked) == len(text)
    assert masked == "met [________], bel [_________] of [________]"


# ---- the synthetic corpus: redact, then re-scan (held-out seeds) --------------------------------------
# The corpus does not mirror the recognizers: the first pass misses some names and misheard numbers,
# and a re-scan may then find what is left of them (a true finding: the approval gate is right to
# block). These tests are about false alarms: a finding on words that are no personal data at all.

@pytest.fixture(scope="module")
def held_out_calls(tmp_path_factory):
    calls = []
    for seed in HELD_OUT_SEEDS:
        out = tmp_path_factory.mktemp(f"rescan{seed}")
        callcorpus.generate(out, calls=CALLS_PER_SEED, seed=seed, audio=False)
        for truth_path in sorted(out.glob("*.truth.json")):
            truth = json.loads(truth_path.read_text(encoding="utf-8"))
            transcript = read_corpus_transcript(truth_path.with_name(truth_path.name[:-len(".truth.json")] + ".json"))
            pii_words = {i for p in truth["pii"] for i in range(*p["words"])}
            calls.append((truth["call_id"], transcript, pii_words))
    assert len(calls) >= 40
    return calls


def _report(alarms: list) -> str:
    return "; ".join(f"{call_id}: {etype} {text!r}" for call_id, etype, text in alarms[:10])


def _on_pii(original, pii_words: set, speaker: str, start: float, end: float) -> bool:
    """Does a stretch of a redacted transcript lie on a ground-truth PII word of the original?"""
    return any(i in pii_words for i, w in enumerate(original.words)
               if w.speaker == speaker and w.start < end and w.end > start)


def _false_alarms(call_id: str, original, pii_words: set, redacted, **kwargs) -> list:
    from curation.pii.timing import words_of_span

    text = redacted.text
    offsets = redacted.word_offsets()
    starts = [a for a, _ in offsets]
    alarms = []
    for s in detect(text, "nl", **kwargs):
        hit = [redacted.words[i] for i in words_of_span(offsets, starts, s.start, s.end)]
        if not any(_on_pii(original, pii_words, w.speaker, w.start, w.end) for w in hit):
            alarms.append((call_id, s.entity_type, text[s.start:s.end]))
    return alarms


def test_placeholder_redacted_corpus_calls_re_scan_without_false_alarms(held_out_calls):
    alarms, named = [], 0
    for call_id, transcript, pii_words in held_out_calls:
        redacted = redact_transcript(transcript)
        named += "[NAAM]" in redacted.text
        alarms += _false_alarms(call_id, transcript, pii_words, redacted)
    assert named >= 0.9 * len(held_out_calls)  # 39 of 40 calls when measured (a misheard name can be all there is)
    assert alarms == [], _report(alarms)


def test_pseudonymised_corpus_calls_re_scan_without_false_alarms_with_their_pseudonyms(held_out_calls):
    alarms = []
    for call_id, transcript, pii_words in held_out_calls:
        pseudonymiser = Pseudonymiser(call_id)
        redacted = redact_transcript(transcript, mode="pseudonym", key=pseudonymiser)
        assert pseudonymiser.pseudonyms, call_id
        alarms += _false_alarms(call_id, transcript, pii_words, redacted, neutral=pseudonymiser.pseudonyms)
    assert alarms == [], _report(alarms)


def test_clip_style_redaction_leaves_no_false_rescan_finding(held_out_calls):
    """The approval gate: `curation.clips.redaction.rescan` on the redacted document of a whole call."""
    from curation.clips.redaction import detect_word_spans, redacted_document, redacted_words, rescan

    findings = []
    for call_id, transcript, pii_words in held_out_calls:
        redact = {i: d.entity_type for d in detect_word_spans(transcript, "nl") for i in range(d.first, d.last)}
        roles = {s.label: s.role for s in transcript.speakers}
        words = redacted_words(transcript, redact, set(), roles)
        document = redacted_document(call_id, "nl", transcript.words[-1].end, words)
        findings += [(call_id, f["entity_type"], f"{f['start']:.2f}s") for f in rescan(document)
                     if not _on_pii(transcript, pii_words, _speaker_label(transcript, f["speaker"]), f["start"], f["end"])]
    assert findings == [], _report(findings)


def _speaker_label(transcript, speaker: str) -> str:
    """A rescan finding names the speaker by role; the transcript's words by label."""
    return next((s.label for s in transcript.speakers if speaker in (s.label, s.role)), speaker)
