"""Document consistency (curation/pii/consistency.py): a name found once with evidence is redacted
where it is said again without a cue, in written and in lower-case (ASR) text; an ordinary word that
is also a name is not taken again in lower case or at the start of a sentence, and a particle never.
Invented sentences in the shape of the misses on the tune split of third-party Dutch text (a surname
repeated bare after a full first mention)."""

from __future__ import annotations

import pytest

from curation.pii import detect

# (text, the words whose LAST occurrence must be covered by a span of this type)
REPEATS = [
    ("Goedemiddag, u spreekt met Ann Vandenbussche. Ik bel omdat Vandenbussche op de factuur verkeerd "
     "gespeld staat.", "Vandenbussche", "PERSON"),
    ("goedemiddag u spreekt met ann vandenbussche ik bel omdat vandenbussche op de factuur verkeerd "
     "gespeld staat", "vandenbussche", "PERSON"),
    ("Dit is mevrouw Bakker. Ik heb met Bakker afgesproken dat ze terugbelt.", "Bakker", "PERSON"),
    ("Mijn naam is Jeroen Strupar. Heeft Strupar al betaald?", "Strupar", "PERSON"),
]

# (text, the words whose LAST occurrence no span may touch)
NOT_REPEATED = [
    ("u spreekt met jan bos ik liep net door het bos toen u belde", "bos"),
    ("Ik ben Anna van Dijk en ik kom net van mijn werk.", "van"),
    ("u spreekt met piet de winter ik zei al de winter was streng dit jaar", "winter was"),
]


def _last(text: str, words: str) -> tuple[int, int]:
    start = text.rindex(words)
    return start, start + len(words)


@pytest.mark.parametrize("text,words,entity", REPEATS, ids=[w for _, w, _ in REPEATS])
def test_a_name_said_again_is_redacted_again(text, words, entity):
    start, end = _last(text, words)
    assert text.index(words) < start  # the table names a repeat
    assert any(s.entity_type == entity and s.start <= start and s.end >= end for s in detect(text))


@pytest.mark.parametrize("text,words", NOT_REPEATED, ids=[w for _, w in NOT_REPEATED])
def test_an_ordinary_word_or_particle_is_not_taken_again(text, words):
    start, end = _last(text, words)
    assert [text[s.start:s.end] for s in detect(text) if s.start < end and start < s.end] == []


def test_a_repeat_comes_only_from_a_found_span_and_only_of_wanted_types():
    text = "Ik heb Vandenbussche gesproken. Vandenbussche belt terug."
    # without any first finding nothing is propagated: the repeats come from spans, not from a list
    assert all(s.recognizer != "DocumentConsistency" for s in detect("Het Vandenbussche-plein is mooi."))
    only_places = detect("Goedemiddag, u spreekt met Ann Vandenbussche. Vandenbussche belt terug.",
                         entities=["LOCATION"])
    assert all(s.entity_type == "LOCATION" for s in only_places)
    assert detect(text) == detect(text)  # deterministic
