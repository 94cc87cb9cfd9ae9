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
    assert b.last_pack.verification.ok and "OK" in b.result.value
    assert str(ws.root) not in b.result.value and ".zip" not in b.result.value  # no server path to type
    assert (b.progress.bar.value, b.progress.bar.bar_style) == (b.progress.bar.max, "success")
    source = inspect.getsource(inspect.getmodule(type(b)))
    assert "verify_pack" not in source and "ws.packs" not in source  # no second verification, no path rule


def test_a_built_pack_is_downloaded_to_the_browser_and_audited(builder):
    import zipfile
    from io import BytesIO

    from curation import audit

    b, ws, c1 = builder
    b.add([c1])
    b.name.value, b.course_title.value = "Week 3", "Klachten"
    b.export_button.click()
    assert b.builds.value == b.last_pack.build.id and not b.download_button.disabled
    b.download_button.click()
    assert b.feedback.level == "ok", b.feedback.text
    assert b.downloader.filename == "week-3.zip" and b.downloader.nonce == 1
    assert b.downloader.data == b.last_pack.path.read_bytes()
    assert "manifest.json" in zipfile.ZipFile(BytesIO(b.downloader.data)).namelist()
    with ws.engine.connect() as conn:
        taken = audit.events(conn, action="pack.downloaded")
    assert [(e.actor, e.object_id, e.details["sha256"]) for e in taken] == [
        ("trainer", b.last_pack.build.id, b.last_pack.sha256)]


def test_only_trainers_take_packs_and_a_changed_or_revoked_pack_is_refused(builder):
    from curation.errors import PermissionDenied
    from curation.packs import revoke_packs
    from curation.packs.download import DownloadRefused, download_pack, downloadable_builds

    b, ws, c1 = builder
    b.add([c1])
    b.name.value, b.course_title.value = "Week 3", "Klachten"
    b.export_button.click()
    build_id = b.last_pack.build.id
    for user in ("reviewer", "manager", "admin"):
        with pytest.raises(PermissionDenied, match="may not take packs"):
            download_pack(ws, build_id, user=user)
    original = b.last_pack.path.read_bytes()
    b.last_pack.path.write_bytes(original + b"x")
    with pytest.raises(DownloadRefused, match="missing or changed"):
        download_pack(ws, build_id, user="trainer")
    b.last_pack.path.write_bytes(original)
    assert download_pack(ws, build_id, user="trainer").data == original
    revoke_packs(ws, [c1], "verzoek V-9", user="reviewer")
    with pytest.raises(DownloadRefused):
        download_pack(ws, build_id, user="trainer")
    assert downloadable_builds(ws, user="trainer") == []
