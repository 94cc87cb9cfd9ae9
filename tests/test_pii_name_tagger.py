"""The statistical name tagger: its model ships and loads offline, reads text with and without capitals,
never tags a placeholder or a code, and leaves ordinary words alone whatever their neighbours."""

from __future__ import annotations

import json
import pickle

import pytest

from curation.pii import detect
from curation.pii.gazetteer import Gazetteer, _cache_file, gazetteer
from curation.pii.name_tagger import (FeatureExtractor, is_cased, metadata_path, model_path, name_tagger)
from curation.pii.recognizers.name_tagger import NameTaggerRecognizer
from curation.pii.tokens import tokenize


def test_models_and_their_metadata_ship_with_the_package():
    meta = json.loads(metadata_path("nl").read_text(encoding="utf-8"))
    assert set(meta["thresholds"]) == {"cased", "uncased"}
    assert "CoNLL" in meta["sources"]["not_used"]  # research-only data is never trained on
    for kind in ("cased", "uncased"):
        assert model_path("nl", kind).stat().st_size > 10_000


@pytest.mark.parametrize("text,cased", [
    ("Goedemiddag, u spreekt met Jan de Vries uit Utrecht.", True),
    ("goedemiddag u spreekt met jan de vries uit utrecht", False),
    ("ja dat klopt", False),
])
def test_a_transcript_without_capitals_goes_to_the_uncased_model(text, cased):
    assert is_cased(tokenize(text)) is cased


@pytest.mark.parametrize("text,name", [
    ("goedemiddag u spreekt met peter jansen", "peter jansen"),
    ("Goedemiddag, u spreekt met Peter Jansen.", "Peter Jansen"),
    ("ik woon in amersfoort sinds vorig jaar", "amersfoort"),
])
def test_the_tagger_finds_names_with_and_without_capitals(text, name):
    spans = name_tagger("nl").tag_text(text)
    assert any(text[s.start:s.end] == name and s.label in ("PER", "LOC") for s in spans), spans


def test_placeholders_are_never_part_of_a_tagged_name():
    text = "Goedemiddag, met [NAAM] van de klantenservice. [NAAM]-de Vries belde ook."
    for s in detect(text):
        assert "[" not in text[s.start:s.end] and "]" not in text[s.start:s.end]


def test_a_letter_pair_inside_a_postcode_is_not_a_name():
    text = "Het adres is Lange Voorhout 12, 2511 CV Den Haag."
    found = [(s.entity_type, text[s.start:s.end]) for s in detect(text)]
    assert ("NL_POSTCODE", "2511 CV") in found
    assert not any(t == "PERSON" for t, _ in found), found


def test_the_recognizer_respects_the_entities_asked_for():
    r = NameTaggerRecognizer("nl")
    text = "volgens nathalie brys in amersfoort is het klaar"
    assert {x.entity_type for x in r.analyze(text, ["LOCATION"])} == {"LOCATION"}
    assert r.analyze(text, ["PHONE_NUMBER"]) == []


def test_a_language_without_a_model_finds_nothing_and_does_not_fail():
    assert name_tagger("xx") is None
    assert NameTaggerRecognizer("xx").analyze("Jan de Vries", []) == []


def test_features_keep_no_identity_for_rare_words():
    fx = FeatureExtractor("nl")
    features = fx.sequence(tokenize("mevrouw Zwartekrooswijk belde"))[1]
    assert not any(f.startswith("w=") for f in features)
    assert "w=mevrouw" in fx.sequence(tokenize("mevrouw belde"))[0]


def test_a_corrupt_gazetteer_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("CURATION_CACHE_DIR", str(tmp_path))
    path = _cache_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a pickle")
    gazetteer.cache_clear()
    try:
        g = gazetteer()
        assert isinstance(g, Gazetteer) and "utrecht" in g.nl_places
        assert isinstance(pickle.loads(path.read_bytes()), Gazetteer)  # rewritten whole
    finally:
        gazetteer.cache_clear()
