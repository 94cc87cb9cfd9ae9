"""The difficulty score, categories and trainer weights; odd input never breaks a batch."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from curation.difficulty import CATEGORIES, SIGNAL_NAMES, Weights, WeightsError, analyse_call, compute_signals, score_signals
from curation.difficulty.acoustics import LoudnessEnvelope
from curation.difficulty.scoring import assess
from curation.model import Speaker, Transcript, Word
from tests.test_difficulty_support import ROUTINE, Line, say

ABUSIVE = [*ROUTINE[:3], Line("customer", "Wat een onzin, klootzak, rot op.")]
UNBALANCED = [ROUTINE[0], Line("customer", "Ja."),
              Line("agent", " ".join(["Dan vertel ik u nog even alles over onze nieuwe voorwaarden."] * 8)),
              Line("customer", "Oke.")]
MISUNDERSTANDING = [ROUTINE[0], Line("customer", "Op de website stond honderd euro."),
                    Line("agent", "Nee, het is honderdtien euro."),
                    Line("customer", "Dat klopt niet, u zei toch honderd euro?")]


def test_routine_call_scores_low_and_has_no_category():
    r = analyse_call(say(*ROUTINE))
    assert r.score < 10 and not r.difficult and r.categories == ()


@pytest.mark.parametrize("lines, category", [(ABUSIVE, "abusive"), (UNBALANCED, "unbalanced_conversation"),
                                             (MISUNDERSTANDING, "misunderstanding")])
def test_difficult_calls_get_their_category_and_timed_reasons(lines, category):
    r = analyse_call(say(*lines))
    assert r.difficult and category in r.categories and r.score >= 40
    top = r.reasons[0]
    assert top.evidence and top.evidence[0].time >= 0 and top.evidence[0].quote
    assert "s)" in r.top_reasons()


def test_score_is_a_noisy_or_of_weighted_strengths():
    signals = compute_signals(say(*ABUSIVE))
    w = Weights.default()
    expected = 100 * (1 - np.prod([1 - w.signals[s.name] * s.strength for s in signals.signals]))
    assert score_signals(signals, w).score == pytest.approx(expected, abs=0.01)


def test_weights_change_the_ranking():
    abusive, unbalanced = compute_signals(say(*ABUSIVE)), compute_signals(say(*UNBALANCED))
    default = Weights.default()
    assert score_signals(abusive, default).score > score_signals(unbalanced, default).score
    trainer = default.merged({"abusive_language": 0.1, "talk_balance": 1.0})
    assert score_signals(abusive, trainer).score < score_signals(unbalanced, trainer).score


def test_vectorised_scores_match_the_single_call_scores():
    sigs = [compute_signals(say(*lines)) for lines in (ROUTINE, ABUSIVE, UNBALANCED, MISUNDERSTANDING)]
    matrix = np.array([[s[n].strength for n in SIGNAL_NAMES] for s in sigs])
    w = Weights.default()
    a = assess(matrix, w)
    singles = [score_signals(s, w) for s in sigs]
    assert list(a.scores) == pytest.approx([r.score for r in singles], abs=0.01)
    assert set(a.category_scores) == set(CATEGORIES)
    assert [a.categories(i) for i in range(len(sigs))] == [r.categories for r in singles]
    assert list(a.difficult) == [r.difficult for r in singles]
    assert [r.categories for r in singles][1] != ()  # the abusive call is in a category: the check can fail


def test_weights_from_toml_and_json_files_and_flat_overrides(tmp_path):
    (tmp_path / "w.toml").write_text("difficult_threshold = 55\n[signals]\ntalk_balance = 0.2\n"
                                     "[categories.abusive]\nthreshold = 0.9\n")
    (tmp_path / "w.json").write_text(json.dumps({"talk_balance": 0.3, "escalation.raised_voice": 0.9}))
    t = Weights.load(tmp_path / "w.toml")
    assert (t.difficult_threshold, t.signals["talk_balance"], t.categories["abusive"].threshold) == (55, 0.2, 0.9)
    j = Weights.load(tmp_path / "w.json", overrides={"call_length": 0})
    assert j.signals["talk_balance"] == 0.3 and j.categories["escalation"].signals["raised_voice"] == 0.9
    assert j.signals["call_length"] == 0 and j.diff() == {"talk_balance": 0.3, "escalation.raised_voice": 0.9,
                                                         "call_length": 0.0}


@pytest.mark.parametrize("overrides, problem", [({"shouting": 0.5}, "unknown weight"),
                                                ({"talk_balance": 1.5}, "outside 0..1"),
                                                ({"talk_balance": "veel"}, "not a number"),
                                                ({"difficult_threshold": 150}, "outside 0..100")])
def test_bad_weights_are_refused_with_the_reason(overrides, problem):
    with pytest.raises(WeightsError, match=problem):
        Weights.default().merged(overrides)


def test_unreadable_weights_file_names_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("this is = = not toml")
    with pytest.raises(WeightsError, match="bad.toml"):
        Weights.load(bad)


# ---- bad input: a score with what applies, a note for the rest, never an exception ----

def test_audio_only_call_is_scored_from_the_audio_with_a_note():
    levels = np.full((2, 600), -90.0, dtype=np.float32)
    levels[0, 20:200] = -20.0
    levels[1, 150:400] = -20.0  # customer starts while agent speaks
    r = analyse_call(None, LoudnessEnvelope(levels), duration=30.0)
    assert any("no transcript" in n for n in r.notes)
    sig = r.signals
    assert sig["interruptions"].available and sig["talk_balance"].available
    assert not sig["complaint_language"].available and sig["complaint_language"].note == "no transcript"


def test_nothing_at_all_still_gives_a_score():
    r = analyse_call(None, None, duration=0)
    assert r.score == 0 and not r.difficult and r.notes


def test_one_speaker_transcript():
    words = [Word(t, i * 0.4, i * 0.4 + 0.3, "customer", 0.9) for i, t in
             enumerate("Hallo? Hallo? Is daar iemand? Ik wil een klacht indienen, dit is schandalig.".split())]
    r = analyse_call(Transcript.build(words, [Speaker("customer", "customer", 1)]))
    assert any("one speaker" in n for n in r.notes)
    assert not r.signals["interruptions"].available and not r.signals["talk_balance"].available
    assert r.signals["complaint_language"].strength > 0


def test_few_second_call():
    r = analyse_call(say(Line("agent", "Goedemiddag?"), Line("customer", "Oh sorry, verkeerd verbonden.")))
    assert any("only" in n and "s:" in n for n in r.notes)
    assert not r.signals["interruptions"].available


def test_an_english_call_gets_the_english_lexicons():
    english = [Line("agent", "Good afternoon, how can I help you today?"),
               Line("customer", "Hi, I would like to change my address because I am moving to a new house."),
               Line("agent", "Of course, what is the new address please?"),
               Line("customer", "It is twelve Main Street, thank you so much for the help.")]
    r = analyse_call(say(*english, language="en"))
    assert r.signals.language == "en" and r.signals["complaint_language"].available and r.score < 20
    stored_dutch = analyse_call(say(*english, language="nl"))  # a WebVTT import said nothing: the words decide
    assert stored_dutch.signals.language == "en" and any("reads as en" in n for n in stored_dutch.notes)


def test_a_language_without_lexicons_skips_them_with_a_note():
    german = [Line("agent", "Guten Tag, wie kann ich Ihnen heute helfen?"),
              Line("customer", "Ich möchte meine Adresse ändern, weil ich in ein neues Haus umziehe."),
              Line("agent", "Natürlich, wie lautet die neue Adresse bitte?")]
    r = analyse_call(say(*german, language="de"))
    assert r.signals.language == "" and any("no lexicons" in n for n in r.notes)
    assert not r.signals["complaint_language"].available and r.signals["talk_balance"].available


def test_unknown_roles_take_the_first_speaker_as_agent():
    tr = say(*ABUSIVE, speakers=(Speaker("agent", "unknown"), Speaker("customer", "unknown")))
    r = analyse_call(tr)
    assert any("roles unknown" in n for n in r.notes) and "abusive" in r.categories
    assert r.reasons[0].evidence[0].role == "customer"


def test_empty_transcript_and_a_silent_envelope():
    empty = Transcript.build([], [Speaker("agent", "agent"), Speaker("customer", "customer")])
    r = analyse_call(empty, LoudnessEnvelope(np.full((1, 10), -100.0, dtype=np.float32)))
    assert r.score == 0 and r.notes



def test_roc_auc_and_precision_at_k():
    from curation.difficulty.evaluate import precision_at, roc_auc

    assert roc_auc([0.9, 0.8, 0.3, 0.1], [True, True, False, False]) == 1.0
    assert roc_auc([0.1, 0.2, 0.8, 0.9], [True, True, False, False]) == 0.0
    assert roc_auc([0.5, 0.5, 0.5, 0.5], [True, False, True, False]) == 0.5
    assert roc_auc([0.9, 0.4, 0.6, 0.1], [True, True, False, False]) == 0.75
    assert precision_at([0.9, 0.8, 0.7, 0.1], [True, False, True, True], k=2) == 0.5


def test_filter_difficult_sorts_by_score_keeping_ties_in_order():
    import pandas as pd

    from curation.difficulty.browse import filter_difficult

    frame = pd.DataFrame({"call_id": list("abcdef"), "score": [10.0, 55.5, 55.5, 99.99, 0.0, 40.0],
                          "difficult": [False, True, True, True, False, True]})
    for c in CATEGORIES:
        frame[f"is_{c}"] = [False, c == "abusive", False, c == "abusive", False, False]
    assert list(filter_difficult(frame)["call_id"]) == ["d", "b", "c", "f"]
    assert list(filter_difficult(frame, category="abusive")["call_id"]) == ["d", "b"]
    assert list(filter_difficult(frame, min_score=5)["call_id"]) == ["d", "b", "c", "f", "a"]
    with pytest.raises(ValueError, match="unknown category"):
        filter_difficult(frame, category="rude")
