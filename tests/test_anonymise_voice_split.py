"""The voice-privacy benchmark's held-out speaker split (benchmarks/voice_attacks.py): design choices are made
on the `choose` half, the `scored` half is only scored. The half of a speaker must follow from its id alone
(SHA-256), so that it never changes when the speaker list is reordered, grown or cut."""

from __future__ import annotations

import hashlib

import pytest

from benchmarks.voice_attacks import HALVES, folds, select_speakers, speaker_half, split_record

SPEAKERS = [f"speaker-{i:03d}" for i in range(400)]


def test_split_is_deterministic_and_independent_of_order_and_company():
    first = select_speakers(SPEAKERS, "choose")
    assert select_speakers(list(reversed(SPEAKERS)), "choose") == first
    assert select_speakers(SPEAKERS + SPEAKERS[:5], "choose") == first  # duplicates do not matter
    few = SPEAKERS[::7]
    assert select_speakers(few, "choose") == [s for s in first if s in few]  # a subset keeps its halves
    assert all(speaker_half(s) == speaker_half(s) for s in SPEAKERS)


def test_halves_are_disjoint_cover_everything_and_about_half():
    choose, scored = set(select_speakers(SPEAKERS, "choose")), set(select_speakers(SPEAKERS, "scored"))
    assert not choose & scored
    assert choose | scored == set(SPEAKERS) == set(select_speakers(SPEAKERS, "all"))
    assert 0.4 < len(choose) / len(SPEAKERS) < 0.6


def test_half_follows_the_sha256_of_the_id():
    for s in SPEAKERS[:50]:
        assert speaker_half(s) == ("choose" if hashlib.sha256(s.encode()).digest()[0] < 128 else "scored")


def test_record_names_both_halves_and_unknown_halves_are_refused():
    rec = split_record(SPEAKERS, "scored")
    assert rec["half"] == "scored" and "SHA-256" in rec["rule"]
    assert sorted(rec["choose"] + rec["scored"]) == sorted(SPEAKERS)
    assert set(HALVES) == {"choose", "scored", "all"}
    with pytest.raises(ValueError):
        select_speakers(SPEAKERS, "first")


def test_attacker_folds_stay_inside_the_selected_half():
    """The trained attackers' folds are built from the selected speakers only, so the map and WCCN learn on
    other speakers of the same half."""
    chosen = select_speakers(SPEAKERS, "choose")
    parts = folds(chosen, 3)
    assert set().union(*parts) == set(chosen)
    assert all(speaker_half(s) == "choose" for p in parts for s in p)
