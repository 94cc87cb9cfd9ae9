"""The real-call benchmark's instrument (benchmarks/difficulty_real_calls.py): the rule-based label
and the stable split, on crafted dialogues (the GetGoing data itself is never needed by a test)."""

from __future__ import annotations

from benchmarks.difficulty_real_calls import RealCall, breakdowns, estimated_transcript, held_out

ASK = "How would you like to travel today? I can give you transit or driving directions."


def test_the_same_question_right_after_the_answer_is_a_breakdown():
    turns = [("agent", ASK), ("customer", "Hello, Ma."), ("agent", ASK), ("customer", "darragh"), ("agent", ASK)]
    assert breakdowns(turns) == 2


def test_a_procedure_asking_its_question_after_each_step_is_not():
    turns = [("agent", "Start at the arena. Shall I go on?"), ("customer", "yes"),
             ("agent", "Next, turn left on Ross Street."), ("agent", "Shall I go on?"), ("customer", "yes")]
    assert breakdowns(turns) == 0


def test_non_understanding_prompts_and_rejected_confirmations_count():
    turns = [("agent", "What is your destination?"), ("customer", "airport"),
             ("agent", "I am having difficulty understanding. Please try a street corner. What is your destination?"),
             ("customer", "Laurel Hill"), ("agent", "Did you say that you wanted to go to laurel st?"),
             ("customer", "No."), ("agent", "Where do you want to go?")]
    assert breakdowns(turns) == 2


def test_the_split_is_stable_and_about_half():
    ids = [f"{i:032x}" for i in range(400)]
    assert [held_out(i) for i in ids] == [held_out(i) for i in ids]
    assert 150 < sum(held_out(i) for i in ids) < 250


def test_estimated_times_fill_the_recording_and_are_marked_estimated():
    call = RealCall("x", [("agent", ASK), ("customer", "public transit please")], False, False)
    tr = estimated_transcript(call, 20.0, "en")
    assert tr.timings_estimated and 15.0 < tr.duration <= 20.0
    assert {s.label: s.channel for s in tr.speakers} == {"agent": None, "customer": 0}
