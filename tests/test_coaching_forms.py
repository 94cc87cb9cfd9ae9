"""Evaluation forms are data: the shipped defaults parse, every question has Dutch and English text
and a scale, and a broken definition is refused with one line naming the form and the problem."""

from __future__ import annotations

import pytest

from curation.coaching.forms import DEFAULT_FORMS, PREFILL_MEASURES, InvalidForm, default_form, parse_form

GOOD = """
name = "mini"
title = "Mini"
title_en = "Mini"
[[sections]]
key = "s"
title = "S"
title_en = "S"
weight = 2
[[sections.questions]]
key = "q1"
text = "Vraag"
text_en = "Question"
scale = "1-5"
weight = 1
[[sections.questions]]
key = "q2"
text = "Ja of nee"
text_en = "Yes or no"
scale = "yes_no"
weight = 3
prefill = "summarising"
"""


@pytest.mark.parametrize("name", DEFAULT_FORMS)
def test_the_default_forms_are_complete_in_both_languages(name):
    form = default_form(name)
    assert form.name == name and form.sections
    for q in form.questions:
        assert q.text and q.text_en and q.guidance and q.guidance_en, q.key
        assert q.prefill is None or q.prefill in PREFILL_MEASURES
    assert {s.key for s in form.sections} >= {"structuur", "vraagtechniek", "balans", "houding"}
    assert sum(q.prefill is not None for q in form.questions) >= 6  # most of the form is pre-filled


def test_the_total_weighs_sections_and_questions_over_the_answered_ones():
    form = parse_form(GOOD)
    assert form.total({"q1": 5, "q2": 0}) == 25.0  # (1×1.0 + 3×0.0) / 4
    assert form.total({"q1": 3}) == 50.0
    assert form.total({}) is None


@pytest.mark.parametrize("change, message", [
    (lambda t: t.replace('scale = "1-5"', 'scale = "1-10"'), "mini: section 1, question 1 \\(q1\\): scale '1-10'"),
    (lambda t: t.replace('key = "q2"', 'key = "q1"'), "question key 'q1' is used twice"),
    (lambda t: t.replace('prefill = "summarising"', 'prefill = "charisma"'), "prefill 'charisma' is not one of"),
    (lambda t: t.replace("weight = 3", "weight = -1"), "`weight` must be a positive number"),
    (lambda t: t.replace('text_en = "Question"\n', ""), "`text_en` must be a non-empty text"),
    (lambda t: t + "\n[[", "not valid TOML"),
    (lambda t: t.split("[[sections]]")[0], "mini: has no sections"),
])
def test_a_broken_form_is_refused_naming_the_problem(change, message):
    with pytest.raises(InvalidForm, match=message):
        parse_form(change(GOOD))


def test_an_answer_must_fit_the_questions_scale():
    form = parse_form(GOOD)
    assert form.question("q1").check_answer(4) == 4.0
    for q, bad in (("q1", 0), ("q1", 2.5), ("q2", 0.5)):
        with pytest.raises(Exception, match="is not"):
            form.question(q).check_answer(bad)
