"""Names no list knows, found by their letters (curation/pii/name_shape.py and
curation/pii/recognizers/name_shape.py): the miss class "a foreign surname said without a cue" of the
third-party benchmark ("verscheen gantman in april", "Hrbaty won"), in lower-case and written text,
and the ordinary words that must stay (rare Dutch compounds and derivations, number words, acronyms,
English words, a capitalised word opening a sentence). The names and places below are invented."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from curation.pii.name_shape import NameShape, grams, model_path, name_shape
from curation.pii.normalise import normalise
from curation.pii.gazetteer import is_compound
from curation.pii.recognizers.name_shape import NameShapeRecognizer, candidates
from tests._pii_spans import table_tests

ROOT = Path(__file__).resolve().parent.parent

# (text, entity type, the exact text a span of that type must cover)
FOUND = [
    ("volgens de krant verscheen kazarevic in april bij de rechter", "PERSON", "kazarevic"),
    ("ik had gisteren zubarevski aan de lijn over de factuur", "PERSON", "zubarevski"),
    ("de monteur heeft yilmazer nog niet teruggebeld", "PERSON", "yilmazer"),
    ("we zijn vorig jaar verhuisd naar tsjerkasovka", "LOCATION", "tsjerkasovka"),
    ("Gisteren won Kazarevic de finale in drie sets.", "PERSON", "Kazarevic"),
    ("De klacht kwam van Zubarevski, die al drie keer belde.", "PERSON", "Zubarevski"),
    ("Het pakket ging naar Oleksandrivka en kwam nooit aan.", "LOCATION", "Oleksandrivka"),
]

# (text, words no span may touch)
KEPT = [
    ("de belangenneming van de rusthuisdirecteur werd niet bewezen", "belangenneming"),
    ("de belangenneming van de rusthuisdirecteur werd niet bewezen", "rusthuisdirecteur"),
    ("de wegenbouwbedrijven en schoonmaakploegjes staakten", "schoonmaakploegjes"),
    ("de regularisering van de tafelkleedjes duurde lang", "tafelkleedjes"),
    ("ik heb achthonderdachtenvijftig euro betaald", "achthonderdachtenvijftig"),
    ("we hebben today geen tijd meer", "today"),
    ("De BPA van de gemeente is goedgekeurd.", "BPA"),
    ("uhhm ja de storing is nog niet opgelost", "uhhm"),
    ("hmmm nee daar weet ik niks van", "hmmm"),
    ("jaaa dat klopt helemaal meneer", "jaaa"),
]

test_kept, test_found = table_tests(KEPT, FOUND)


def test_the_recognizer_itself_reports_the_word_and_takes_a_place_word_as_location():
    text = "volgens de krant verscheen kazarevic in april en hij woont nu in tsjerkasovka bij zubarevski"
    norm = normalise(text, "nl")
    found = {norm.tokens[k].key: place for k, place in candidates(norm)}
    assert found == {"kazarevic": False, "tsjerkasovka": True, "zubarevski": False}


def test_in_written_text_a_capitalised_word_opening_a_sentence_is_no_candidate():
    norm = normalise("Kazarevic won gisteren de finale. Daarna belde Zubarevski.", "nl")
    assert [norm.tokens[k].key for k, _ in candidates(norm)] == ["zubarevski"]


def test_the_recognizer_is_dutch_only():
    assert NameShapeRecognizer(supported_language="en").analyze("then kazarevic won", ["PERSON"]) == []


def test_compounds_of_two_common_words_are_recognised_as_words():
    assert is_compound("rusthuisdirecteur") and is_compound("managementsproblemen")
    assert not is_compound("kazarevic") and not is_compound("zubarevski")


def test_the_shipped_model_separates_name_letters_from_dutch_word_letters():
    model = name_shape("nl")
    assert model is not None
    for name in ("kazarevic", "zubarevski", "tsjerkasovka", "oleksandrivka", "yilmazer"):
        assert model.score(name) > 0.3, name
    for word in ("belangenneming", "regularisering", "tafelkleedjes", "wegenbouwbedrijf", "verzekeringen"):
        assert model.score(word) < 0, word
    meta = json.loads(model_path("nl").read_text(encoding="utf-8"))
    held_back = meta["held_back_fifth"]["0.0"]
    assert held_back["names_above"] > 0.6 and held_back["words_above"] < 0.15


def test_grams_mark_the_edges_of_the_word():
    assert {"^k", "^ka", "^kaz", "ic$", "vic$", "c$"} <= grams("kazarevic")
    assert all(2 <= len(g) <= 4 for g in grams("kazarevic"))


def test_a_broken_model_file_is_refused_with_its_name(tmp_path):
    bad = tmp_path / "name_shape_nl.json"
    bad.write_text('{"weights": [1, 2]}', encoding="utf-8")
    with pytest.raises(ValueError, match=r"name_shape_nl\.json: not a name-shape model"):
        NameShape.load(bad)


def test_the_training_script_counts_log_odds_from_the_two_lists():
    spec = importlib.util.spec_from_file_location("train_name_shape", ROOT / "scripts" / "train_name_shape.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    model = script.count(["garzelli", "pantani", "bertolini", "cipollini"],
                         ["verzekering", "betaling", "vergoeding", "regeling"], min_count=1)
    assert model.score("martinelli") > 0 > model.score("verrekening")
    again = script.count(["garzelli", "pantani", "bertolini", "cipollini"],
                         ["verzekering", "betaling", "vergoeding", "regeling"], min_count=1)
    assert again.weights == model.weights and again.default == model.default
