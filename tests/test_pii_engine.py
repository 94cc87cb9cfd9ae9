"""The Presidio engine: offline Dutch set-up, recognizers in Presidio's registry (add/remove with
Presidio's API), and the spoken-form normaliser under the recognizers."""

from __future__ import annotations

import pytest
from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer

from curation.pii import ENTITY_TYPES, PiiSpan, build_analyzer, detect, warm
from curation.pii.normalise import normalise
from curation.pii.numbers import nl_number, nl_ordinal


@pytest.fixture(scope="module")
def engine() -> AnalyzerEngine:
    return build_analyzer()


def test_registry_holds_dutch_and_english_recognizers_for_every_entity(engine):
    for language in ("nl", "en"):
        assert set(ENTITY_TYPES) <= set(engine.get_supported_entities(language))


def test_nlp_engine_is_a_blank_pipeline(engine):
    nlp = engine.nlp_engine.get_nlp("nl")
    assert nlp.lang == "nl" and nlp.pipe_names == []


def test_removing_a_recognizer_with_presidios_api_stops_its_entity(engine):
    text = "Mijn kenteken is GV-446-N."
    assert [s.entity_type for s in detect(text, analyzer=engine)] == ["NL_LICENSE_PLATE"]
    engine.registry.remove_recognizer("NlLicensePlateRecognizer_nl")
    try:
        assert detect(text, analyzer=engine) == []
    finally:
        from curation.pii.recognizers import NlLicensePlateRecognizer

        engine.registry.add_recognizer(NlLicensePlateRecognizer("nl"))


def test_a_recognizer_added_with_presidios_api_is_used(engine):
    text = "Uw dossier staat onder KLNT-4471."
    assert detect(text, analyzer=engine) == []
    custom = PatternRecognizer(supported_entity="ACCOUNT_ID", supported_language="nl", name="klnt",
                               patterns=[Pattern("klnt", r"\bKLNT-\d{4}\b", 0.8)])
    engine.registry.add_recognizer(custom)
    try:
        (span,) = detect(text, analyzer=engine)
        assert (span.entity_type, span.text(text), span.recognizer) == ("ACCOUNT_ID", "KLNT-4471", "klnt")
    finally:
        engine.registry.remove_recognizer("klnt")


def test_spans_never_overlap_even_when_recognizers_disagree():
    text = "Klantnummer 123456782, BSN 123456782, bel 0612345678 of mail jan@x.nl."
    spans = detect(text)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))


def test_pii_span_refuses_an_invalid_span():
    with pytest.raises(ValueError):
        PiiSpan("PERSON", 5, 5, 0.9)
    with pytest.raises(ValueError):
        PiiSpan("NAME", 0, 3, 0.9)


def test_warm_builds_the_shared_engine_and_the_gazetteer_cache(tmp_path, monkeypatch):
    """After `warm()` the process-wide engine exists with our Dutch recognizers, the gazetteer's
    cache file is written (the next process loads it), and detection needs no further set-up."""
    from curation.pii import engine, gazetteer

    monkeypatch.setenv("CURATION_CACHE_DIR", str(tmp_path / "cache"))
    gazetteer.gazetteer.cache_clear()  # build it now, into this test's cache folder
    monkeypatch.setattr(engine, "_shared", None)
    warm()
    shared = engine.analyzer()
    assert engine._shared is shared and engine.analyzer() is shared
    dutch = {e for r in shared.registry.get_recognizers("nl", all_fields=True) for e in r.supported_entities}
    assert {"NL_BSN", "NL_POSTCODE", "PERSON", "PHONE_NUMBER"} <= dutch
    assert gazetteer._cache_file().parent == tmp_path / "cache" and gazetteer._cache_file().is_file()
    found = {s.entity_type for s in detect("Met Jan de Vries, mijn nummer is 06-12345678.", analyzer=shared)}
    assert {"PERSON", "PHONE_NUMBER"} <= found


@pytest.mark.parametrize("word,value", [("nul", 0), ("twaalf", 12), ("vierendertig", 34), ("drieentwintig", 23),
                                        ("negentienhonderdvierentachtig", 1984), ("tweeduizendvijf", 2005),
                                        ("honderdtien", 110), ("vierhonderdzesenveertig", 446), ("mens", None),
                                        ("even", None), ("negentienzeventig", 1970),
                                        ("negentienvierenzestig", 1964), ("twintigtwintig", 2020),
                                        ("negentienacht", None), ("tientwintig", None)])
def test_dutch_number_words(word, value):
    assert nl_number(word) == value


@pytest.mark.parametrize("word,value", [("twaalfde", 12), ("eerste", 1), ("derde", 3), ("achtste", 8),
                                        ("eenendertigste", 31), ("beste", None)])
def test_dutch_ordinals(word, value):
    assert nl_ordinal(word) == value


@pytest.mark.parametrize("text,canon,covered", [
    ("nul zes, twaalf vierendertig zesenvijftig achtenzeventig", "0612345678",
     "nul zes, twaalf vierendertig zesenvijftig achtenzeventig"),
    ("postcode twaalf vierendertig A van Anton B", "1234AB", "twaalf vierendertig A van Anton B"),
    ("N L negen een A B N A nul vier", "NL91ABNA04", "N L negen een A B N A nul vier"),
    ("geboren negentienhonderd vierentachtig", "1984", "negentienhonderd vierentachtig"),
    ("kenteken GV-446-N", "GV446N", "GV-446-N"),
])
def test_runs_map_canonical_codes_back_to_the_original(text, canon, covered):
    norm = normalise(text)
    (run,) = [r for r in norm.runs if r.canon == canon]
    start, end = run.span(0, len(run.canon))
    assert text[start:end] == covered


def test_een_is_a_digit_only_among_numbers():
    assert [r.canon for r in normalise("ik heb een vraag over een 06 nummer").runs] == ["06"]
    assert [r.canon for r in normalise("een twee drie").runs] == ["123"]
    # "... acht. Een moment": the article of the next sentence, not a trailing 1
    assert [r.canon for r in normalise("vier vijf acht Een moment").runs] == ["458"]


def test_prices_and_times_do_not_join_codes():
    assert normalise("Dat kost €12,50 en om 14:30 uur").runs == ()


def test_presidio_context_words_work_for_added_recognizers(engine):
    """Our blank pipeline gives lower-cased tokens as lemmas, so Presidio's own context boosting works."""
    custom = PatternRecognizer(supported_entity="ACCOUNT_ID", supported_language="nl", name="zaak",
                               patterns=[Pattern("zaak", r"\bZK\d{5}\b", 0.2)], context=["zaak"])
    engine.registry.add_recognizer(custom)
    try:
        assert detect("Het gaat om ZK12345.", analyzer=engine) == []
        (span,) = detect("Het gaat om zaak ZK12345.", analyzer=engine)
        assert span.recognizer == "zaak" and span.score > 0.4
    finally:
        engine.registry.remove_recognizer("zaak")
