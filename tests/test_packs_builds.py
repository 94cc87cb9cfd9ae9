"""Every pack zip ever built is registered, written only where it may be (owner-only), cleaned up
after a SIGKILL at any point, and revoked everywhere when one of its clips is revoked."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from curation.packs import (PackRefused, all_builds, build_pack, reconcile, revoke_packs, verify_pack)
from curation.workspace import Workspace
from tests._clip_fixtures import approve_clip, prepared, run_cli
from tests.pg import copy_workspace

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def approved(tmp_path_factory):
    """A workspace whose training clip (c1) is approved: copied for every test that changes it."""
    base = tmp_path_factory.mktemp("builds-base")
    ws, clips = prepared(tmp_path_factory, base)
    approve_clip(ws, clips["c1"])
    ws.close()
    return base / "ws", clips


@pytest.fixture
def ws_c1(approved, tmp_path):
    root, clips = approved
    copy_workspace(root, tmp_path / "ws")
    ws = Workspace.open(tmp_path / "ws")
    yield ws, clips["c1"]
    ws.close()


def sha(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def builds(ws):
    with ws.engine.connect() as conn:
        return all_builds(conn)


# ---- where a pack may be written ---------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["catalogue.sqlite", "keys/secret.key", "workspace.json", "originals/x.zip",
                                    "derived/x.zip", "x.zip", "tmp/x.zip", "keys/x.zip"])
def test_out_inside_the_workspace_but_not_under_packs_is_refused(ws_c1, monkeypatch, capsys, target):
    ws, c1 = ws_c1
    path = ws.root / target
    before = {p: sha(p) for p in ws.root.rglob("*") if p.is_file()}
    with pytest.raises(PackRefused):
        build_pack(ws, "p", [c1], path, "T", user="trainer")
    code, out, err = run_cli(monkeypatch, capsys, "pack", "build", "--workspace", ws.root, "--name", "p",
                             "--clip", c1, "--out", path, "--force")
    assert code == 5 and err.count("\n") == 1 and err.startswith("error: "), err
    after = {p: sha(p) for p in ws.root.rglob("*") if p.is_file() and "-wal" not in p.name and "-shm" not in p.name}
    assert {p: h for p, h in before.items() if p in after} == {p: after[p] for p in before if p in after}
    assert not path.exists() or path.suffix != ".zip"
    assert builds(ws) == []


def test_symlinks_into_the_workspace_are_resolved_and_refused(ws_c1, tmp_path):
    ws, c1 = ws_c1
    outside = tmp_path / "looks-harmless.zip"
    outside.symlink_to(ws.root / "catalogue.sqlite")
    inside = ws.packs / "week.zip"
    inside.symlink_to(ws.key_path)
    key = sha(ws.key_path)
    for link in (outside, inside):
        with pytest.raises(PackRefused, match="catalogue database|only .*packs takes packs"):
            build_pack(ws, "p", [c1], link, "T", user="trainer", force=True)
    assert sha(ws.key_path) == key and ws.schema_revision()  # key intact, database still opens


def test_a_pack_is_owner_only_in_owner_only_folders(ws_c1, tmp_path):
    ws, c1 = ws_c1
    out = tmp_path / "new" / "deeper" / "p.zip"
    built = build_pack(ws, "p", [c1], out, "T", user="trainer")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "new" / "deeper").stat().st_mode) == 0o700
    assert built.verification.ok and built.build.location == "external"
    assert built.verification.path == str(out)  # the file that was verified and moved here, not its .part


def test_a_file_the_workspace_did_not_build_is_replaced_only_with_force(ws_c1, tmp_path):
    ws, c1 = ws_c1
    out = tmp_path / "slides.zip"
    out.write_bytes(b"someone's slides")
    with pytest.raises(PackRefused, match="did not build.*--force"):
        build_pack(ws, "p", [c1], out, "T", user="trainer")
    assert out.read_bytes() == b"someone's slides"
    first = build_pack(ws, "p", [c1], out, "T", user="trainer", force=True)
    second = build_pack(ws, "p", [c1], out, "T2", user="trainer")  # its own build: replaced without force
    states = {b.id: (b.state, b.state_reason) for b in builds(ws)}
    assert states[first.build.id] == ("deleted", f"replaced by {second.build.id}")
    assert states[second.build.id] == ("external", None)


# ---- every build registered; revocation reaches all of them ---------------------------------------------

def test_every_build_is_registered_and_revocation_deletes_or_flags_each(ws_c1, tmp_path, monkeypatch, capsys):
    ws, c1 = ws_c1
    in_ws = build_pack(ws, "week 1", [c1], None, "Cursus", user="trainer")  # the library picks W/packs/
    assert in_ws.path == (ws.packs / "week-1.zip").resolve() and in_ws.build.location == "workspace"
    copy = build_pack(ws, "week 1", [c1], tmp_path / "usb" / "week1.zip", "Cursus", user="trainer")
    assert copy.pack_id == in_ws.pack_id and copy.build.id != in_ws.build.id
    assert [(b.id, b.state) for b in builds(ws)] == [(in_ws.build.id, "present"), (copy.build.id, "external")]
    code, out, err = run_cli(monkeypatch, capsys, "pack", "list", "--workspace", ws.root, "--builds",
                             "--format", "json")
    assert code == 0 and out.count('"build_id"') == 2, err

    outcome = revoke_packs(ws, [c1], "verwijderverzoek V-7", user="reviewer")
    assert outcome.pack_ids == [in_ws.pack_id] and outcome.deleted == [in_ws.build.id]
    assert outcome.external == [{"build_id": copy.build.id, "path": str(copy.path)}]
    assert not in_ws.path.exists() and copy.path.exists()  # the copy elsewhere is flagged, not reachable
    assert {b.id: b.state for b in builds(ws)} == {in_ws.build.id: "deleted", copy.build.id: "revoked"}
    from curation import audit
    with ws.engine.connect() as conn:
        (event,) = audit.events(conn, action="packs.revoked")
    assert event.actor == "reviewer" and event.details["external_copies"][0]["path"] == str(copy.path)
    result = verify_pack(copy.path, ws=ws)
    assert not result.ok and f"pack build {copy.build.id} was revoked" in result.problems[0]


def test_a_reviewer_revoking_a_clip_deletes_its_packs_from_the_workspace(ws_c1):
    from curation.review import revoke

    ws, c1 = ws_c1
    built = build_pack(ws, "p", [c1], None, "T", user="trainer")
    assert revoke(ws, c1, reason="verwijderverzoek V-8", user="reviewer") == [built.pack_id]
    assert not built.path.exists() and builds(ws)[0].state == "deleted"


def test_verify_with_the_workspace_knows_its_own_builds(ws_c1, tmp_path):
    ws, c1 = ws_c1
    built = build_pack(ws, "p", [c1], None, "T", user="trainer")
    assert verify_pack(built.path, ws=ws).ok
    stranger = tmp_path / "stranger.zip"
    from tests._pack_fixtures import forge
    forge(built.path, stranger, manifest=lambda m: m.update(name="p2"))
    result = verify_pack(stranger, ws=ws)
    assert result.problems[:1] == ["not a pack this workspace built (no registered build has this SHA-256)"]


def test_a_pack_found_under_packs_is_adopted_so_revocation_reaches_it(ws_c1, tmp_path):
    ws, c1 = ws_c1
    built = build_pack(ws, "p", [c1], tmp_path / "p.zip", "T", user="trainer")
    dropped = ws.packs / "copied-by-hand.zip"
    shutil.copyfile(built.path, dropped)
    done = reconcile(ws, user="trainer")
    assert len(done.adopted) == 1
    revoke_packs(ws, [c1], "verzoek", user="reviewer")
    assert not dropped.exists()


# ---- killed builds ---------------------------------------------------------------------------------------

def _start_build(ws, c1, out, fault):
    env = dict(os.environ, CURATION_USER="trainer", CURATION_PACK_FAULT=fault,
               PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "datasets"), os.environ.get("PYTHONPATH", "")]))
    return subprocess.Popen([sys.executable, "-m", "curation.cli", "pack", "build", "--workspace", str(ws.root),
                             "--name", "p", "--clip", c1, "--out", str(out)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_for(condition, proc, seconds=120):
    deadline = time.monotonic() + seconds
    while not condition():
        if proc.poll() is not None:
            raise AssertionError(f"build ended first: {proc.stderr.read().decode()[-500:]}")
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _kill(proc):
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    proc.stderr.close()


def test_sigkill_mid_write_leaves_a_part_that_the_next_list_removes(ws_c1, monkeypatch, capsys):
    ws, c1 = ws_c1
    out = ws.packs / "p.zip"
    proc = _start_build(ws, c1, out, "mid-write")
    _wait_for(lambda: any(ws.packs.glob(".p.zip.*.part")) and any((ws.tmp / "pack-builds").glob("*.json")), proc)
    time.sleep(0.2)
    _kill(proc)
    assert [p.name for p in ws.packs.iterdir()][0].endswith(".part") and not out.exists()
    code, text, err = run_cli(monkeypatch, capsys, "pack", "list", "--workspace", ws.root)
    assert code == 0, err
    assert list(ws.packs.iterdir()) == [] and list((ws.tmp / "pack-builds").iterdir()) == []
    assert builds(ws) == []
    built = build_pack(ws, "p", [c1], out, "p", user="trainer")  # and the clip can be packed after all
    assert built.verification.ok


def test_sigkill_after_the_rename_before_the_commit_leaves_no_unknown_zip(ws_c1, tmp_path, monkeypatch, capsys):
    ws, c1 = ws_c1
    out = tmp_path / "elsewhere" / "p.zip"
    proc = _start_build(ws, c1, out, "after-rename")
    _wait_for(out.exists, proc)
    assert verify_pack(out, check_audio=False, rescan_pii=False).ok  # a valid zip the register does not know
    _kill(proc)
    assert builds(ws) == []
    code, text, err = run_cli(monkeypatch, capsys, "pack", "list", "--workspace", ws.root)
    assert code == 0, err
    assert not out.exists() and list(out.parent.iterdir()) == []
    from curation import audit
    with ws.engine.connect() as conn:
        assert audit.events(conn, action="pack.built") == [] and len(audit.events(conn, action="pack.reconciled")) == 1


def test_a_failed_build_leaves_no_part_and_no_intent(ws_c1, tmp_path):
    from curation.clips import update_clip

    ws, c1 = ws_c1
    update_clip(ws, c1, title="Gesprek met Wilhelmina Dekker-Bos", user="trainer")
    approve_clip(ws, c1)
    with pytest.raises(PackRefused, match="contains personal data"):
        build_pack(ws, "p", [c1], tmp_path / "p.zip", "T", user="trainer")
    assert [p.name for p in tmp_path.iterdir()] == ["ws"]
    assert list((ws.tmp / "pack-builds").iterdir()) == [] and builds(ws) == []


def test_packs_registered_before_migration_0007_become_builds_that_revocation_reaches(tmp_path):
    """A workspace at 0006 knew only each pack's last path; upgrading turns that into a build, and
    the next reconcile sees it lives under W/packs/, so revoking its clip deletes it."""
    from alembic import command
    from sqlalchemy import text

    from curation.store import _config

    ws = Workspace.create(tmp_path / "ws")
    with ws.engine.begin() as conn:
        cfg = _config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006")
    zpath = (ws.packs / "old.zip").resolve()
    zpath.write_bytes(b"an old pack")
    with ws.engine.begin() as conn:
        conn.execute(text("PRAGMA foreign_keys=OFF" if conn.dialect.name == "sqlite"
                          else "SET session_replication_role = replica"))  # the clip is long gone
        conn.execute(text("INSERT INTO packs (id, name, path, sha256, built_by, built_at, builds, state) VALUES "
                          "('pack-00000000000000aa', 'old', :p, :s, 'trainer', '2026-01-01', 1, 'built')"),
                     {"p": str(zpath), "s": sha(zpath)})
        conn.execute(text("INSERT INTO pack_clips VALUES ('pack-00000000000000aa', 'clip-00000000aa', 0)"))
    ws.close()
    ws = Workspace.open(tmp_path / "ws")
    from curation.roles import add_user
    for name, role in (("admin", "admin"), ("reviewer", "privacy_reviewer")):
        add_user(ws, name, role, user="admin")
    (legacy,) = builds(ws)
    assert (legacy.path, legacy.location, legacy.clip_ids) == (str(zpath), "external", ("clip-00000000aa",))
    reconcile(ws, user="admin")
    assert builds(ws)[0].location == "workspace"
    assert revoke_packs(ws, ["clip-00000000aa"], "verzoek", user="reviewer").deleted == [legacy.id]
    assert not zpath.exists()
    ws.close()
