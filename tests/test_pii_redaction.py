"""Redaction of text and transcripts: Dutch placeholders, consistent per-call pseudonyms."""

from __future__ import annotations

import pytest

from curation.model import Speaker, Transcript, Word
from curation.pii import PiiError, PiiSpan, detect, redact_text, redact_transcript
from curation.pii.redaction import PLACEHOLDERS, Pseudonymiser

TEXT = ("Goedemiddag, u spreekt met Jan de Vries uit Utrecht. Mijn nummer is 06-12345678, "
        "nogmaals nul zes een twee drie vier vijf zes zeven acht. Groet, Jan de Vries.")


def test_placeholders_are_dutch_and_typed():
    out = redact_text(TEXT, detect(TEXT))
    assert out == ("Goedemiddag, u spreekt met [NAAM] uit [ADRES]. Mijn nummer is [TELEFOONNUMMER], "
                   "nogmaals [TELEFOONNUMMER]. Groet, [NAAM].")


@pytest.mark.parametrize("entity,placeholder", sorted(PLACEHOLDERS.items()))
def test_every_entity_type_has_its_placeholder(entity, placeholder):
    assert redact_text("abc xyz", [PiiSpan(entity, 4, 7, 0.9)]) == f"abc {placeholder}"


def test_pseudonyms_are_consistent_within_a_call_and_differ_per_original():
    out = redact_text(TEXT, detect(TEXT), mode="pseudonym", key="call-17")
    assert "Jan de Vries" not in out and "06-12345678" not in out and "nul zes" not in out
    assert "[" not in out
    # same key, same result; the same name twice gets the same pseudonym
    assert out == redact_text(TEXT, detect(TEXT), mode="pseudonym", key="call-17")
    name = out.split("spreekt met ")[1].split(" uit")[0]
    assert out.endswith(f"Groet, {name}.")


def test_spoken_and_written_forms_of_one_number_share_a_pseudonym():
    out = redact_text(TEXT, detect(TEXT), mode="pseudonym", key="k")
    first = out.split("nummer is ")[1].split(",")[0]
    second = out.split("nogmaals ")[1].split(".")[0]
    assert first == second


def test_another_key_gives_other_pseudonyms():
    a = redact_text(TEXT, detect(TEXT), mode="pseudonym", key="call-1")
    b = redact_text(TEXT, detect(TEXT), mode="pseudonym", key="call-2")
    assert a != b


def test_a_shared_pseudonymiser_keeps_names_consistent_across_turns():
    p = Pseudonymiser("call-3")
    one = redact_text("Ik ben Jan de Vries.", detect("Ik ben Jan de Vries."), mode="pseudonym", key=p)
    two = redact_text("Dag Jan de Vries!", detect("Dag Jan de Vries!"), mode="pseudonym", key=p)
    assert one.removeprefix("Ik ben ").rstrip(".") == two.removeprefix("Dag ").rstrip("!")


def test_unknown_mode_is_refused():
    with pytest.raises(PiiError, match="unknown redaction mode"):
        redact_text(TEXT, [], mode="blur")


def test_span_outside_the_text_is_refused():
    with pytest.raises(PiiError):
        redact_text("kort", [PiiSpan("PERSON", 0, 10, 0.9)])


def _transcript():
    items = [("agent", "Met"), ("agent", "wie"), ("agent", "spreek"), ("agent", "ik?"), ("customer", "Met"),
             ("customer", "Jan"), ("customer", "de"), ("customer", "Vries,"), ("customer", "postcode"),
             ("customer", "3511"), ("customer", "AB.")]
    words = tuple(Word(t, k * 0.5, k * 0.5 + 0.4, s, 0.9) for k, (s, t) in enumerate(items))
    return Transcript(words=words, speakers=(Speaker("agent", "agent", 0), Speaker("customer", "customer", 1)))


def test_transcript_redaction_replaces_words_and_keeps_times():
    t = _transcript()
    red = redact_transcript(t)
    assert red.text == "Met wie spreek ik? Met [NAAM], postcode [POSTCODE]."
    name = red.words[5]
    assert (name.text, name.start, name.end, name.speaker) == ("[NAAM],", 2.5, 3.9, "customer")
    assert red.words[-1].start == 4.5 and red.words[-1].end == pytest.approx(5.4)
    assert red.duration == t.duration


def test_transcript_pseudonyms_leave_no_original():
    t = _transcript()
    red = redact_transcript(t, mode="pseudonym", key="call-9")
    assert "Jan" not in red.text and "3511" not in red.text and "[" not in red.text
    assert [w.text for w in red.words][:5] == ["Met", "wie", "spreek", "ik?", "Met"]  # the rest is kept
    assert red.words[5].text.endswith(",") and red.words[5].start == 2.5 and len(red.words) == 8


# ---- one fictional-value generator, one redaction rule ---------------------------------------------------

def test_one_generator_for_pseudonyms_and_scripts_consistent_per_key_and_order_free():
    import re
    from datetime import date

    from curation.consent import script
    from curation.pii.fiction import ADULT_AGES, FictionalValues

    assert script.FictionalValues is FictionalValues and Pseudonymiser is FictionalValues
    a, b = FictionalValues("call-1"), FictionalValues("call-1")
    mentions = [("PHONE_NUMBER", "06-12345678"), ("DATE_OF_BIRTH", "12 maart 1984"), ("PERSON", "Jan de Vries")]
    forward = [a.value(t, o) for t, o in mentions]
    backward = [b.value(t, o) for t, o in reversed(mentions)][::-1]
    assert forward == backward  # the same key gives the same values whatever the order of mentions
    assert a.value("PHONE_NUMBER", "nul zes een twee drie vier vijf zes zeven acht") == forward[0]
    assert FictionalValues("call-2").value(*mentions[0]) != forward[0]
    assert re.fullmatch(r"06( \d\d){4}", forward[0])
    day, month, year = forward[1].split()
    assert month in ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                     "oktober", "november", "december")
    assert ADULT_AGES[0] - 1 <= date.today().year - int(year) <= ADULT_AGES[1] + 1
    assert a.value("PERSON", "meneer De Vries", after_title=True) == forward[2].split(" ", 1)[1]  # same surname


def test_redact_transcript_and_the_clips_exported_transcript_follow_one_rule():
    from curation.clips.redaction import redacted_words

    t = _transcript()
    red = redact_transcript(t)
    offsets = t.word_offsets()
    spans = detect(t.text)
    redact = {k: s.entity_type for s in spans for k, (a, b) in enumerate(offsets) if a < s.end and b > s.start}
    exported = redacted_words(t, redact, set(), {"agent": "agent", "customer": "customer"})
    assert [w.text for w in red.words] == [w["text"] for w in exported]
    assert [w["text"] for w in exported if w.get("redacted")] == ["[NAAM],", "[POSTCODE]."]
