"""The pack builder holds no rules: the library picks the file and verifies it; the widget shows that,
and a pack that was not built shows as nothing built (an empty, neutral bar and the reason)."""

from __future__ import annotations

import inspect

import pytest

from tests._clip_fixtures import approve_clip, prepared


@pytest.fixture
def builder(tmp_path_factory, tmp_path):
    from widgets.pack_builder import PackBuilder

    ws, clips = prepared(tmp_path_factory, tmp_path)
    approve_clip(ws, clips["c1"])
    yield PackBuilder(ws, user="trainer"), ws, clips["c1"]
    ws.close()


def test_without_a_name_nothing_is_built_and_the_bar_says_so_neutrally(builder):
    b, ws, c1 = builder
    b.add([c1])
    b.course_title.value = "Klachten"
    b.export_button.click()
    assert b.feedback.level == "error" and b.feedback.text == "a pack needs a name"
    assert (b.progress.bar.value, b.progress.bar.bar_style, b.progress.label.value) == (0, "", "not built")
    assert b.result.value == "" and list(ws.packs.iterdir()) == []


def test_placeholders_read_as_hints_not_as_values(builder):
    b, _ws, _c1 = builder
    assert b.name.value == "" and b.name.placeholder.startswith("required:")
    assert b.course_title.placeholder.startswith("required:")


def test_the_library_picks_the_path_and_its_verification_is_shown(builder):
    b, ws, c1 = builder
    b.add([c1])
    b.name.value, b.course_title.value = "Week 3: boze klanten", "Klachten"
    b.export_button.click()
    assert b.feedback.level == "ok", b.feedback.text
    assert b.last_pack.path == (ws.packs / "week-3-boze-klanten.zip").resolve()
    assert b.last_pack.verification.ok and "OK" in b.result.value and str(b.last_pack.path) in b.result.value
    assert (b.progress.bar.value, b.progress.bar.bar_style) == (b.progress.bar.max, "success")
    source = inspect.getsource(inspect.getmodule(type(b)))
    assert "verify_pack" not in source and "ws.packs" not in source  # no second verification, no path rule
