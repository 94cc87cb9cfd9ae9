"""Actor re-enactment scripts: two roles, pauses, overlaps and stage directions, every placeholder
filled with fictional Dutch data (consistent within the script), no original PII, Markdown and HTML."""

from __future__ import annotations

import re

import pytest

from curation.consent.script import PLACEHOLDER, ScriptError, StageEvent, check_script, safe_script


def w(text, start, speaker, redacted=None, original=None, dur=0.3):
    word = {"text": text, "start": start, "end": start + dur, "speaker": speaker}
    if redacted:
        word.update(redacted=redacted, original=original)
    return word


WORDS = [
    w("Goedemiddag,", 0.1, "agent"), w("met", 0.5, "agent"), w("[NAAM].", 0.9, "agent", "PERSON", "Anouk Jansen"),
    w("Ik", 2.0, "customer"), w("ben", 2.3, "customer"), w("meneer", 2.6, "customer"),
    w("[NAAM],", 2.9, "customer", "PERSON", "De Vries"), w("ik", 3.3, "customer"), w("woon", 3.6, "customer"),
    w("op", 3.9, "customer"), w("[ADRES]", 4.2, "customer", "LOCATION", "Dorpsstraat 12"),
    w("in", 4.6, "customer"), w("[ADRES].", 4.9, "customer", "LOCATION", "Zwolle"),
    w("Mijn", 5.4, "customer"), w("nummer", 5.7, "customer"), w("is", 6.0, "customer"),
    w("[TELEFOONNUMMER].", 6.3, "customer", "PHONE_NUMBER", "06 12345678"),
    w("Dank", 13.0, "agent"), w("u", 13.3, "agent"), w("meneer", 13.6, "agent"),
    w("[NAAM].", 13.9, "agent", "PERSON", "De Vries"),
    w("Maar", 14.0, "customer"), w("WAAROM", 14.3, "customer"), w("NOU!", 14.6, "customer"),
]
ORIGINALS = ["Anouk Jansen", "De Vries", "Dorpsstraat 12", "Zwolle", "06 12345678"]


def test_every_placeholder_is_filled_and_no_original_value_is_left():
    script = safe_script("clip-1", WORDS)
    text = script.text()
    assert not PLACEHOLDER.search(text)
    for original in ORIGINALS:
        assert original.lower() not in text.lower()
    assert {ln.role for ln in script.lines} == {"Medewerker", "Klant"}


def test_the_same_person_gets_the_same_fictional_name():
    script = safe_script("clip-1", WORDS)
    customer_name = re.search(r"meneer (\S+?),", script.lines[1].text).group(1)
    assert script.lines[2].text.endswith(f"meneer {customer_name}.")


def test_fictional_data_is_seeded_per_clip_and_looks_dutch():
    one, again, other = safe_script("clip-1", WORDS), safe_script("clip-1", WORDS), safe_script("clip-2", WORDS)
    assert one.text() == again.text() and one.text() != other.text()
    assert re.search(r"\b06 \d\d \d\d \d\d \d\d\b", one.text())


def test_pauses_overlaps_and_signal_events_become_stage_directions():
    events = [StageEvent("raised_voice", 14.4, "customer")]
    script = safe_script("clip-1", WORDS, events)
    by_start = {ln.start: ln for ln in script.lines}
    assert any("lange stilte van 6 seconden" in d for d in by_start[13.0].directions)
    assert by_start[14.0].overlaps and any("in de rede" in d for d in by_start[14.0].directions)
    assert "verheft de stem" in by_start[14.0].directions


def test_markdown_and_printable_html():
    script = safe_script("clip-1", WORDS, reasons=["De klant maakte bezwaar: alleen naspelen door acteurs."])
    md, html = script.markdown(), script.html()
    assert md.startswith("# ") and "**Medewerker**" in md and "**Klant**" in md and "Waarom naspelen" in md
    assert html.startswith("<!DOCTYPE html>") and "@media print" in html and "<script" not in html
    assert "http://" not in html and "https://" not in html  # prints offline, nothing fetched


def test_html_escapes_transcript_text():
    words = [w("<b>hallo</b>", 0.0, "agent"), w("&", 0.4, "customer")]
    html = safe_script("clip-x", words).html()
    assert "&lt;b&gt;hallo&lt;/b&gt;" in html and "<b>hallo" not in html


def test_a_script_with_a_placeholder_left_or_an_introduced_original_is_refused():
    script = safe_script("clip-1", WORDS)
    script.lines[0].text += " [IBAN]"
    with pytest.raises(ScriptError, match="placeholder"):
        check_script(script, ORIGINALS)
    script = safe_script("clip-1", WORDS)
    script.lines[0].text += " Anouk Jansen"
    with pytest.raises(ScriptError, match="original"):
        check_script(script, ORIGINALS)


def test_a_clip_script_from_the_workspace_has_no_original_pii(workspace, tmp_path):
    """End to end with the real PII detection: names, address, postcode and phone number replaced."""
    from curation.clips import create_clip
    from curation.consent.reenactment import build_script, export_script
    from tests._consent_fixtures import NOTICE_QUALITY, import_calls

    turns = [NOTICE_QUALITY, ("agent", "Goedemiddag, u spreekt met Sanne Jansen, waarmee kan ik u helpen?"),
             ("customer", "Ja, met Pieter de Vries. Ik woon op de Kerkweg 14 in Zwolle en mijn postcode is 8011 AB."),
             ("agent", "Dank u meneer De Vries. Wat is uw telefoonnummer?"),
             ("customer", "Dat is 06 12345678. Maar waarom moet ik nou 110 euro betalen!", 6.0),
             ("agent", "Ik begrijp het, meneer De Vries.", -1.0)]
    import_calls(workspace, tmp_path / "in", {"c1": {"turns": turns, "employee_informed": True}})
    clip = create_clip(workspace, "c1", 0.0, 60.0, user="tester")
    script = build_script(workspace, clip.id, user="tester")
    text = script.text()
    # as words: a fictional surname may hold an original's letters ("Pieters" for "De Vries" beside "Pieter")
    for original in ("Sanne", "Jansen", "Pieter", "Vries", "Kerkweg", "Zwolle", "8011", "12345678"):
        assert not re.search(rf"(?<!\w){original}(?!\w)", text), original
    assert not PLACEHOLDER.search(text) and "110 euro" in text
    assert any("lange stilte" in d for ln in script.lines for d in ln.directions)
    assert any(ln.overlaps for ln in script.lines)
    assert "training niet als doel" in script.markdown()
    paths = export_script(workspace, clip.id, tmp_path / "scripts", user="tester")
    assert sorted(p.suffix for p in paths) == [".html", ".md"] and all(p.stat().st_size > 500 for p in paths)
