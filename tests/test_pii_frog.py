"""The optional Frog recognizer (CURATION_PII_FROG=1; Debian's frog + frogdata): off by default,
a Presidio recognizer in the registry when on, names Frog knows that our rules and tagger miss in
written text, and odd input without a crash. Real Frog, no mocks."""

from __future__ import annotations

import os

import pytest

from curation.pii import detect
from curation.pii.engine import build_analyzer, build_registry
from curation.pii.errors import PiiError
from curation.pii.frog import FROG_ENV


@pytest.fixture(scope="module")
def frog_analyzer():
    mp = pytest.MonkeyPatch()
    mp.setenv(FROG_ENV, "1")
    try:
        analyzer = build_analyzer()
    finally:
        mp.undo()  # only this analyzer has Frog; the process's shared one stays as configured
    return analyzer


def found(analyzer, text):
    return [(s.entity_type, text[s.start:s.end], s.recognizer) for s in detect(text, analyzer=analyzer)]


def test_frog_is_off_unless_asked(monkeypatch):
    monkeypatch.delenv(FROG_ENV, raising=False)
    assert not [r for r in build_registry().recognizers if r.name.startswith("Frog")]
    monkeypatch.setenv(FROG_ENV, "1")
    assert [r.name for r in build_registry().recognizers if r.name.startswith("Frog")] == ["FrogNerRecognizer_nl"]


@pytest.mark.parametrize("text,entity,value", [
    ("Gisteren sprak Dewael met de pers.", "PERSON", "Dewael"),
    ("Peeters is het daar niet mee eens.", "PERSON", "Peeters"),
])
def test_frog_finds_written_names_our_default_detector_misses(frog_analyzer, text, entity, value):
    assert not [v for _, v, _ in found(None, text) if value in v]  # the default detector leaks it
    assert (entity, value, "FrogNerRecognizer_nl") in found(frog_analyzer, text), found(frog_analyzer, text)


@pytest.mark.parametrize("text,not_pii", [
    ("Hij werkt al jaren bij Philips.", "Philips"),  # an organisation: Frog says ORG, we report nothing
    ("Het bedrag was honderd euro en niet honderdtien.", "honderd"),
])
def test_organisations_and_ordinary_words_stay(frog_analyzer, text, not_pii):
    assert not [v for _, v, _ in found(frog_analyzer, text) if not_pii in v]


@pytest.mark.parametrize("text", ["DAT IS MEVROUW DE BOER UIT ZWOLLE", "eh uhm ja ik bel over 2511CV", "EOT",
                                  "Eerste regel\nEOT\nderde regel met Jan Jansen", "", "Énorme café-crème €100,-"])
def test_odd_input_gives_valid_offsets(frog_analyzer, text):
    for span in detect(text, analyzer=frog_analyzer):
        assert 0 <= span.start < span.end <= len(text)


def test_the_detector_fingerprint_says_whether_frog_is_on(monkeypatch):
    from curation.pii.fingerprint import fingerprint

    monkeypatch.delenv(FROG_ENV, raising=False)
    fingerprint.cache_clear()
    off = fingerprint()
    monkeypatch.setenv(FROG_ENV, "1")
    fingerprint.cache_clear()
    try:
        assert fingerprint() != off
    finally:
        fingerprint.cache_clear()


def test_asked_for_but_not_installed_is_one_clear_line(monkeypatch, tmp_path):
    from curation.pii.frog import FrogServer

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PiiError, match="apt-get install frog frogdata"):
        FrogServer()


def test_frog_leaves_no_files_in_the_working_folder(tmp_path, monkeypatch):
    """Frog writes a debug file where it runs: the server runs in a private folder removed on close."""
    from curation.pii.frog import FrogServer

    monkeypatch.chdir(tmp_path)
    server = FrogServer()
    folder = server.folder
    try:
        assert list(tmp_path.iterdir()) == []
    finally:
        server.close()
    assert not os.path.exists(folder)
