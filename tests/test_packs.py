"""Clip packs: build/verify round trip, refusals, atomicity, reproducibility, registry, bad packs."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import stat
import zipfile

import pytest

from curation import audit
from curation.clips import update_clip
from curation.clips.store import load_anonymisation, load_clip
from curation.errors import NotFound, PermissionDenied
from curation.packs import PackRefused, build_pack, revoke_for_clips, verify_pack
from curation.packs.registry import all_packs
from tests._clip_fixtures import approve_clip, prepared, run_cli

COURSE = dict(title="De-escalatie bij boze klanten", objectives=["Rustig blijven", "Samenvatten wat de klant zegt"],
              notes="Laat de groep eerst luisteren zonder transcript.")


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One workspace with the training clip (c1) and the re-enactment clip (c2) approved, and a pack
    of both built: read-only tests share it."""
    ws, clips = prepared(tmp_path_factory, tmp_path_factory.mktemp("packs-shared"))
    approve_clip(ws, clips["c1"])
    approve_clip(ws, clips["c2"])
    out = ws.root.parent / "week1.zip"
    built = build_pack(ws, "week1", [clips["c1"], clips["c2"]], out, user="trainer", **COURSE)
    yield ws, clips, built
    ws.close()


@pytest.fixture
def ws_clips(tmp_path_factory, tmp_path):
    ws, clips = prepared(tmp_path_factory, tmp_path)
    yield ws, clips
    ws.close()


def members(path):
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def manifest_of(path):
    return json.loads(members(path)["manifest.json"])


# ---- the round trip --------------------------------------------------------------------------------

def test_pack_contents_and_manifest(shared):
    ws, clips, built = shared
    files = members(built.path)
    c1, c2 = clips["c1"], clips["c2"]
    assert {f"clips/{c1}/audio.mp3", f"clips/{c1}/transcript.vtt", f"clips/{c1}/transcript.json",
            f"clips/{c2}/script.md", f"clips/{c2}/script.html", f"clips/{c2}/transcript.json",
            "index.html", "manifest.json", "manifest.schema.json", "notes.md"} <= set(files)
    assert not any(n.startswith(f"clips/{c2}/audio") for n in files)  # re-enactment only: no audio
    m = manifest_of(built.path)
    assert (m["schema"], m["schema_version"], m["pack_id"]) == ("curation-pack-manifest", 1, built.pack_id)
    assert m["course"] == {"title": COURSE["title"], "learning_objectives": COURSE["objectives"]}
    by_id = {c["id"]: c for c in m["clips"]}
    assert [c["id"] for c in m["clips"]] == [c1, c2]
    assert by_id[c1]["media"] == "audio" and by_id[c1]["consent"]["decision"] == "training_allowed"
    assert by_id[c2]["media"] == "reenactment" and by_id[c2]["consent"]["rules"] == ["no_notice"]
    assert abs(by_id[c1]["duration"] - 11.0) < 0.01
    for f in m["files"]:
        assert hashlib.sha256(files[f["path"]]).hexdigest() == f["sha256"]
    everything = b"\n".join(v for k, v in files.items() if not k.endswith(".mp3"))
    for secret in (b"Jan de Vries", b"12345678", b"Sanne", b"call1", b"A17"):
        assert secret not in everything
    assert files["notes.md"].decode() == COURSE["notes"] + "\n"


def test_built_pack_verifies_and_cli_agrees(shared, monkeypatch, capsys):
    ws, clips, built = shared
    result = verify_pack(built.path)
    assert result.ok, result.problems
    assert result.checked["transcripts_rescanned"] == 2
    code, out, err = run_cli(monkeypatch, capsys, "pack", "verify", built.path)
    assert code == 0 and out.startswith(f"{built.path}: ok ({built.pack_id}, 2 clip(s)"), err


def test_build_is_registered_audited_and_clips_are_packed(shared):
    ws, clips, built = shared
    with ws.engine.connect() as conn:
        record = next(p for p in all_packs(conn) if p.id == built.pack_id)
        assert (record.id, record.built_by, record.clip_ids, record.state) == \
            (built.pack_id, "trainer", (clips["c1"], clips["c2"]), "built")
        assert load_clip(conn, clips["c1"]).state == "packed"
        event = audit.events(conn, action="pack.built")[0]
    assert event.actor == "trainer" and event.object_id == built.pack_id
    assert event.details["clips"] == [clips["c1"], clips["c2"]] and event.details["sha256"] == built.sha256


def test_rebuild_is_byte_identical(shared, tmp_path):
    ws, clips, built = shared
    again = build_pack(ws, "week1", [clips["c1"], clips["c2"]], tmp_path / "again.zip", user="trainer", **COURSE)
    assert again.pack_id == built.pack_id
    assert (tmp_path / "again.zip").read_bytes() == built.path.read_bytes()
    with ws.engine.connect() as conn:
        assert next(p for p in all_packs(conn) if p.id == built.pack_id).builds >= 2
    other = build_pack(ws, "week1", [clips["c2"], clips["c1"]], tmp_path / "other.zip", user="trainer", **COURSE)
    assert other.pack_id != built.pack_id  # another order is another pack


def test_zip_entries_are_normalised(shared):
    ws, clips, built = shared
    with zipfile.ZipFile(built.path) as zf:
        infos = zf.infolist()
    assert infos[0].filename == "manifest.json"
    assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {stat.S_IMODE(i.external_attr >> 16) for i in infos} == {0o644}


def test_manifest_csv_export_neutralises_formulas(ws_clips, tmp_path, monkeypatch, capsys):
    ws, clips = ws_clips
    update_clip(ws, clips["c1"], title="=HYPERLINK(\"http://x.invalid\",\"klik\")", user="trainer")
    approve_clip(ws, clips["c1"])
    out = tmp_path / "p.zip"
    build_pack(ws, "+week", [clips["c1"]], out, "-Cursus", ["@leerdoel"], user="trainer")
    code, text, err = run_cli(monkeypatch, capsys, "pack", "show", out, "--format", "csv")
    assert code == 0, err
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["title"].startswith("'=HYPERLINK") and row["pack_name"] == "'+week"
    assert row["course_title"] == "'-Cursus" and row["learning_objectives"] == "'@leerdoel"
    assert manifest_of(out)["clips"][0]["title"].startswith("=HYPERLINK")  # the manifest itself keeps the text


# ---- refusals ------------------------------------------------------------------------------------

def _nothing_written(tmp_path):
    return [p.name for p in tmp_path.iterdir() if p.name.endswith((".zip", ".part"))] == []


def test_unapproved_clip_is_refused(ws_clips, tmp_path):
    ws, clips = ws_clips
    approve_clip(ws, clips["c1"])
    with pytest.raises(PackRefused, match=f"clip {clips['c2']} is draft: only approved clips go into a pack"):
        build_pack(ws, "p", [clips["c1"], clips["c2"]], tmp_path / "p.zip", "T", user="trainer")
    assert _nothing_written(tmp_path)
    with ws.engine.connect() as conn:
        assert load_clip(conn, clips["c1"]).state == "approved" and all_packs(conn) == []


def test_revoked_and_unknown_clips_are_refused(ws_clips, tmp_path):
    ws, clips = ws_clips
    from curation.review import revoke

    approve_clip(ws, clips["c1"])
    revoke(ws, clips["c1"], reason="verwijderverzoek V-1", user="reviewer")
    with pytest.raises(PackRefused, match="is revoked"):
        build_pack(ws, "p", [clips["c1"]], tmp_path / "p.zip", "T", user="trainer")
    with pytest.raises(NotFound, match="clip 'clip-nope' not found"):
        build_pack(ws, "p", ["clip-nope"], tmp_path / "p.zip", "T", user="trainer")
    assert _nothing_written(tmp_path)


@pytest.mark.parametrize("who", ["reviewer", "manager", "admin"])
def test_only_trainers_build_packs(shared, tmp_path, who):
    ws, clips, _ = shared
    with pytest.raises(PermissionDenied, match="may not build packs"):
        build_pack(ws, "p", [clips["c1"]], tmp_path / "p.zip", "T", user=who)
    assert _nothing_written(tmp_path)


def test_cli_build_refusal_is_one_line(ws_clips, tmp_path, monkeypatch, capsys):
    ws, clips = ws_clips
    code, out, err = run_cli(monkeypatch, capsys, "pack", "build", "--workspace", ws.root, "--name", "p",
                             "--clip", clips["c1"], "--out", tmp_path / "p.zip")
    assert code == 5 and err.count("\n") == 1 and "only approved clips" in err
    approve_clip(ws, clips["c1"])
    code, out, err = run_cli(monkeypatch, capsys, "pack", "build", "--workspace", ws.root, "--name", "p",
                             "--clip", clips["c1"], "--out", tmp_path / "p.zip", "--wav", "--objective", "Luisteren")
    assert code == 0, err
    assert f"clips/{clips['c1']}/audio.wav" in members(tmp_path / "p.zip")


# ---- atomicity -------------------------------------------------------------------------------------

def test_audio_disappearing_mid_build_leaves_nothing(ws_clips, tmp_path):
    ws, clips = ws_clips
    approve_clip(ws, clips["c1"])
    with ws.engine.connect() as conn:
        mp3 = ws.root / load_anonymisation(conn, clips["c1"])["files"]["audio_mp3"]["path"]

    def vanish(stage, fraction):
        if stage.startswith("adding") and mp3.exists():
            mp3.unlink()  # gone after the first entry was written, before the audio is read

    with pytest.raises(PackRefused, match="cannot read clips/.*/audio.mp3"):
        build_pack(ws, "p", [clips["c1"]], tmp_path / "p.zip", "T", user="trainer", progress=vanish)
    assert _nothing_written(tmp_path)
    with ws.engine.connect() as conn:
        assert load_clip(conn, clips["c1"]).state == "approved" and all_packs(conn) == []
        assert audit.events(conn, action="pack.built") == []


def test_interrupt_mid_build_leaves_nothing(ws_clips, tmp_path):
    ws, clips = ws_clips
    approve_clip(ws, clips["c1"])
    out = tmp_path / "p.zip"
    out.write_bytes(b"the previous pack")  # not a build of this workspace: replaced only with force

    def interrupt(stage, fraction):
        if fraction > 0.5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_pack(ws, "p", [clips["c1"]], out, "T", user="trainer", progress=interrupt, force=True)
    assert out.read_bytes() == b"the previous pack"  # an existing file is only replaced by a finished pack
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "ws") == ["p.zip"]
    with ws.engine.connect() as conn:
        assert all_packs(conn) == [] and load_clip(conn, clips["c1"]).state == "approved"


# ---- registry and revocation ----------------------------------------------------------------------

def test_revoke_for_clips_marks_the_packs_containing_them(shared):
    ws, clips, built = shared
    with ws.transaction() as conn:
        assert revoke_for_clips(conn, ["clip-unrelated"], "verzoek V-2", root=ws.root) == []
        conn.rollback()
    with ws.transaction() as conn:
        containing = {p.id for p in all_packs(conn) if clips["c2"] in p.clip_ids}
        revoked = revoke_for_clips(conn, [clips["c2"]], "verzoek V-3", root=ws.root)
        assert built.pack_id in revoked and set(revoked) == containing
        assert revoke_for_clips(conn, [clips["c2"]], "verzoek V-3", root=ws.root) == []  # already revoked
        record = next(p for p in all_packs(conn) if p.id == built.pack_id)
        assert (record.state, record.revoked_reason) == ("revoked", "verzoek V-3")
        conn.rollback()  # keep the shared workspace as it was


def test_review_revoke_cascades_to_packs(ws_clips, tmp_path):
    ws, clips = ws_clips
    from curation.review import revoke

    approve_clip(ws, clips["c1"])
    built = build_pack(ws, "p", [clips["c1"]], tmp_path / "p.zip", "T", user="trainer")
    assert revoke(ws, clips["c1"], reason="verwijderverzoek V-9", user="reviewer") == [built.pack_id]
    with ws.engine.connect() as conn:
        assert all_packs(conn)[0].state == "revoked"
        (event,) = audit.events(conn, action="clip.revoked")
    assert event.details["packs"] == [built.pack_id]


# ---- verify on bad packs ----------------------------------------------------------------------------

def _rewrite(src, dst, change=None, extra=(), fix_checksums=False):
    """Copy the pack with `change(name, data) -> data | None` applied and `extra` (ZipInfo, data) added."""
    files = members(src)
    out = {}
    for name, data in files.items():
        new = change(name, data) if change else data
        if new is not None:
            out[name] = new
    if fix_checksums:
        m = json.loads(out["manifest.json"])
        for f in m["files"]:
            f["sha256"] = hashlib.sha256(out[f["path"]]).hexdigest()
            f["bytes"] = len(out[f["path"]])
        out["manifest.json"] = json.dumps(m).encode()
    with zipfile.ZipFile(dst, "w") as zf:
        for name, data in out.items():
            zf.writestr(name, data)
        for info, data in extra:
            zf.writestr(info, data)
    return dst


def _fails(path, fragment, monkeypatch=None, capsys=None):
    result = verify_pack(path)
    assert not result.ok and any(fragment in p for p in result.problems), result.problems
    return result


@pytest.mark.parametrize("name", ["../../etc/x", "/etc/passwd", "clips/../../x", "C:/x", "a\\..\\b"])
def test_verify_refuses_paths_escaping_the_pack(shared, tmp_path, name):
    bad = _rewrite(shared[2].path, tmp_path / "bad.zip", extra=[(zipfile.ZipInfo(name), b"x")])
    result = verify_pack(bad)
    assert not result.ok and repr(name) in result.problems[0]


def test_verify_refuses_symlinks(shared, tmp_path):
    link = zipfile.ZipInfo("clips/link")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    _fails(_rewrite(shared[2].path, tmp_path / "bad.zip", extra=[(link, b"/etc/passwd")]), "symbolic link")


def test_verify_refuses_a_tampered_file(shared, tmp_path, monkeypatch, capsys):
    c1 = shared[1]["c1"]
    bad = _rewrite(shared[2].path, tmp_path / "bad.zip",
                   change=lambda n, d: d.replace(b"[NAAM]", b"Jan") if n == f"clips/{c1}/transcript.vtt" else d)
    _fails(bad, f"clips/{c1}/transcript.vtt: checksum mismatch")
    code, out, err = run_cli(monkeypatch, capsys, "pack", "verify", bad)
    assert code == 7 and err.strip().splitlines()[-1].startswith(f"error: {bad}: clips/{c1}/transcript.vtt: checksum")


def test_verify_refuses_unlisted_and_missing_files(shared, tmp_path):
    path = shared[2].path
    _fails(_rewrite(path, tmp_path / "a.zip", extra=[(zipfile.ZipInfo("extra.txt"), b"hi")]), "not listed")
    _fails(_rewrite(path, tmp_path / "b.zip", change=lambda n, d: None if n == "notes.md" else d),
           "notes.md: listed in the manifest but missing")
    _fails(_rewrite(path, tmp_path / "c.zip", change=lambda n, d: None if n == "manifest.json" else d),
           "no manifest.json")


def test_verify_refuses_a_manifest_against_the_schema(shared, tmp_path):
    def drop_course(name, data):
        if name != "manifest.json":
            return data
        m = json.loads(data)
        del m["course"]
        m["clips"][0]["consent"]["decision"] = "excluded"
        return json.dumps(m).encode()

    result = _fails(_rewrite(shared[2].path, tmp_path / "bad.zip", change=drop_course), "'course' is a required")
    assert any("'excluded' is not one of" in p for p in result.problems)


def test_verify_rescans_transcripts_for_pii(shared, tmp_path):
    def leak(name, data):
        if not name.endswith("transcript.json"):
            return data
        doc = json.loads(data)
        for w in doc["words"]:
            if w.get("redacted") == "PHONE_NUMBER":
                w["text"] = "0612345678"
                del w["redacted"]
        return json.dumps(doc).encode()

    from tests._pack_fixtures import forge

    def leak_all(d):
        for name in list(d):
            d[name] = leak(name, d[name])

    bad = forge(shared[2].path, tmp_path / "bad.zip", files=leak_all)  # captions and page redone to match
    result = verify_pack(bad)
    assert any("transcript holds 1 span(s) of personal data (PHONE_NUMBER)" in p
               for p in result.problems), result.problems
    tampered = _rewrite(shared[2].path, tmp_path / "tampered.zip", change=leak, fix_checksums=True)
    assert any("captions (VTT) do not match the transcript JSON" in p for p in verify_pack(tampered).problems)


def test_verify_refuses_audio_in_a_reenactment_clip(shared, tmp_path):
    c1 = shared[1]["c1"]

    def add_audio_ref(name, data):
        if name != "manifest.json":
            return data
        m = json.loads(data)
        m["clips"][1]["files"]["audio_mp3"] = f"clips/{c1}/audio.mp3"
        return json.dumps(m).encode()

    _fails(_rewrite(shared[2].path, tmp_path / "bad.zip", change=add_audio_ref), "manifest.json clips/1/files")


def test_verify_refuses_what_is_not_a_zip(tmp_path):
    path = tmp_path / "x.zip"
    path.write_bytes(b"PK\x03\x04 nope")
    _fails(path, "not a zip file")


def test_a_title_naming_someone_stops_the_build(ws_clips, tmp_path):
    ws, clips = ws_clips
    update_clip(ws, clips["c1"], title="Gesprek met Jan de Vries", user="trainer")
    approve_clip(ws, clips["c1"])
    with pytest.raises(PackRefused, match="title: contains personal data \\(PERSON\\)"):
        build_pack(ws, "p", [clips["c1"]], tmp_path / "p.zip", "T", user="trainer")
    assert _nothing_written(tmp_path)
