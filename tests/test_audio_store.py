"""Originals in a shared S3-compatible bucket (an fsspec URL) instead of the workspace folder.

A real S3 API served by moto on a free local port (`ThreadedMotoServer`): import, clip, anonymise,
review, pack, erasure and retention run against it; the original is an object in the bucket, never
a file of the workspace and never in a pack; a store that is unreachable gives one line naming the
store and leaves the catalogue and the audit trail as they were, and the work runs again once the
store is back."""

from __future__ import annotations

import hashlib
import json
import socket
import zipfile
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("s3fs")
moto_server = pytest.importorskip("moto.server")

from tests._clip_fixtures import USERS, approve_clip, make_call, write_manifest  # noqa: E402

BUCKET = "curation-originals"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class S3Server:
    """moto's S3 on 127.0.0.1; `stop()` and `start()` take it away and bring it back (same port, same objects)."""

    def __init__(self):
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._server = None

    def start(self) -> None:
        self._server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1")

    def keys(self, bucket: str) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=bucket)
        return sorted(o["Key"] for o in listed.get("Contents", []))

    def get(self, bucket: str, key: str) -> bytes:
        return self.client().get_object(Bucket=bucket, Key=key)["Body"].read()


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch, tmp_path):
    """Credentials the way a team gives them: in the environment (never in the workspace settings)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-access-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret-key")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


@pytest.fixture
def s3():
    server = S3Server()
    server.start()
    yield server
    server.stop()


def _bucket(s3: S3Server, tmp_path: Path) -> str:
    """A bucket of its own for each test (moto keeps every server's buckets in one process)."""
    name = f"{BUCKET}-{hashlib.sha1(str(tmp_path).encode()).hexdigest()[:10]}"
    s3.client().create_bucket(Bucket=name)
    return name


def _workspace(tmp_path: Path, s3: S3Server, bucket: str):
    from curation.roles import add_user
    from curation.workspace import Workspace

    ws = Workspace.create(tmp_path / "ws", audio_store=f"s3://{bucket}/team-a",
                          audio_store_options={"endpoint_url": s3.endpoint})
    add_user(ws, "admin", "admin", user="admin")
    for name, role in USERS.items():
        add_user(ws, name, role, user="admin")
    return ws


def _calls(tmp_path: Path, stems=("call1", "call2")) -> Path:
    folder = tmp_path / "calls"
    for stem in stems:
        make_call(folder / stem, stem)
    write_manifest(folder, stems)
    return folder


def _state(ws) -> dict:
    """What a failed operation must leave unchanged: calls, audit events (and the chain intact)."""
    from sqlalchemy import func, select

    from curation import audit
    from curation.store.schema import calls

    with ws.engine.connect() as conn:
        assert audit.verify(conn) == []
        return {"calls": sorted(conn.execute(select(calls.c.id)).scalars()),
                "events": audit.count(conn), "head": audit.head(conn),
                "scores": conn.execute(select(func.count()).select_from(_scores())).scalar()}


def _scores():
    from curation.difficulty.tables import difficulty_scores

    return difficulty_scores


def _workspace_files(ws, folder: str) -> list[Path]:
    return sorted(p for p in (ws.root / folder).rglob("*") if p.is_file())


def _pcm_chunks(path: Path, size: int = 4096) -> list[bytes]:
    """Pieces of the recording's sample data: any of them in a pack means the original leaked."""
    import soundfile as sf

    data, _ = sf.read(path, dtype="int16")
    raw = data.tobytes()
    return [raw[i:i + size] for i in range(0, len(raw) - size, size * 8) if any(raw[i:i + size])]


# ---- settings ---------------------------------------------------------------------------------------

def test_the_settings_name_the_store_and_endpoint_but_no_credentials(tmp_path, s3):
    bucket = _bucket(s3, tmp_path)
    ws = _workspace(tmp_path, s3, bucket)
    settings = json.loads((ws.root / "workspace.json").read_text())
    assert settings["audio_store"] == {"url": f"s3://{bucket}/team-a", "options": {"endpoint_url": s3.endpoint}}
    assert "test-secret-key" not in (ws.root / "workspace.json").read_text()
    assert not ws.audio_store.is_local
    ws.close()


@pytest.mark.parametrize("url, options, message", [
    ("s3://AKIA:geheim@bucket/x", None, "carries credentials"),
    ("s3://bucket/x", {"secret": "geheim"}, "looks like a credential"),
    ("bucket/x", None, "give an fsspec URL"),
])
def test_a_store_given_with_credentials_or_without_a_scheme_is_refused(tmp_path, url, options, message):
    from curation.errors import CurationError
    from curation.workspace import Workspace

    with pytest.raises(CurationError, match=message):
        Workspace.create(tmp_path / "ws", audio_store=url, audio_store_options=options)
    assert not (tmp_path / "ws").exists()


def test_init_refuses_a_store_it_cannot_reach_and_creates_nothing(tmp_path, s3, monkeypatch, capsys):
    from tests._clip_fixtures import run_cli

    s3.stop()
    code, _, err = run_cli(monkeypatch, capsys, "init", "--workspace", tmp_path / "ws", "--audio-store",
                           "s3://nowhere/x", "--audio-store-endpoint", s3.endpoint, user="admin")
    assert code == 6
    assert len(err.strip().splitlines()) == 1 and f"audio store s3://nowhere/x at {s3.endpoint}" in err
    assert not (tmp_path / "ws").exists()


def test_a_bucket_that_keeps_old_versions_is_refused(tmp_path, s3):
    from curation.store.audio_store import AudioStoreError
    from curation.workspace import Workspace

    bucket = _bucket(s3, tmp_path)
    s3.client().put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    with pytest.raises(AudioStoreError, match="keeps old versions of objects .* would stay recoverable"):
        Workspace.create(tmp_path / "ws", audio_store=f"s3://{bucket}/team-a",
                         audio_store_options={"endpoint_url": s3.endpoint})
    assert not (tmp_path / "ws").exists()


def test_any_fsspec_url_holds_the_originals_for_example_a_shared_mount(tmp_path):
    from curation.ingest import ingest
    from curation.roles import add_user
    from curation.subjects import erase_subject
    from curation.workspace import Workspace

    shared = tmp_path / "shared-mount"
    ws = Workspace.create(tmp_path / "ws", audio_store=f"file://{shared}")
    add_user(ws, "admin", "admin", user="admin")
    add_user(ws, "reviewer", "privacy_reviewer", user="admin")
    folder = _calls(tmp_path, ("call1",))
    assert ingest(ws, [folder], actor="admin")[0].status == "imported"
    stored = [p for p in shared.rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in stored] == [(folder / "call1" / "call1.wav").read_bytes()]
    assert stored[0].relative_to(shared).parts[0] == "originals" and _workspace_files(ws, "originals") == []
    erase_subject(ws, "K-call1", user="reviewer")
    assert [p for p in shared.rglob("*") if p.is_file()] == []
    ws.close()


def test_sizes_of_many_originals_come_from_one_listing_and_match_each_lookup(tmp_path, s3):
    from curation.store.audio_store import FsspecAudioStore

    bucket = _bucket(s3, tmp_path)
    keys = [f"originals/{i:02x}/{i:064x}.wav" for i in range(12)]
    for i, key in enumerate(keys):
        s3.client().put_object(Bucket=bucket, Key=f"team-a/{key}", Body=b"x" * (100 + i))
    store = FsspecAudioStore(f"s3://{bucket}/team-a", {"endpoint_url": s3.endpoint}, tmp_path)
    missing = "originals/ff/" + "f" * 64 + ".wav"
    sizes = store.sizes(keys + [missing])
    assert sizes == {**{k: store.size(k) for k in keys}, missing: 0}
    assert sizes[keys[3]] == 103


def test_the_local_default_records_no_store(workspace):
    assert "audio_store" not in json.loads((workspace.root / "workspace.json").read_text())
    assert workspace.audio_store.is_local


# ---- the whole flow on the bucket --------------------------------------------------------------------

def test_originals_live_in_the_bucket_and_never_leave_it_unredacted(tmp_path, s3):
    from curation.clips import anonymise_clip, create_clip
    from curation.clips.audio import export_original
    from curation.ingest import ingest
    from curation.packs import verify_pack
    from curation.packs.build import build_pack
    from curation.retention import run_retention
    from curation.store.audio_store import AudioStoreUnavailable
    from curation.subjects import access_subject, erase_subject
    from datetime import date

    bucket = _bucket(s3, tmp_path)
    ws = _workspace(tmp_path, s3, bucket)
    folder = _calls(tmp_path)
    outcomes = ingest(ws, [folder], actor="admin")
    assert [o.status for o in outcomes] == ["imported", "imported"], [o.message for o in outcomes]

    source = {stem: (folder / stem / f"{stem}.wav").read_bytes() for stem in ("call1", "call2")}
    digest = {stem: hashlib.sha256(b).hexdigest() for stem, b in source.items()}
    keys = {stem: f"team-a/originals/{digest[stem][:2]}/{digest[stem]}.wav" for stem in source}
    assert s3.keys(bucket) == sorted(keys.values())  # no temporary object left behind
    assert s3.get(bucket, keys["call1"]) == source["call1"]
    assert _workspace_files(ws, "originals") == [] and _workspace_files(ws, "tmp") == []

    clip = create_clip(ws, "call1", 0.0, 11.0, title="Boze klant over de rekening", snap="word", user="trainer")
    s3.stop()  # anonymising reads the original: refused with one line, nothing recorded, nothing derived
    before = _state(ws)
    with pytest.raises(AudioStoreUnavailable, match=f"audio store s3://{bucket}/team-a at .*read a recording"):
        anonymise_clip(ws, clip.id, user="trainer")
    assert _state(ws) == before and _workspace_files(ws, "derived") == [] and _workspace_files(ws, "tmp") == []
    s3.start()
    result = anonymise_clip(ws, clip.id, user="trainer")
    assert result.ok, result.blocked_reason
    approve_clip(ws, clip.id)
    s3.stop()  # the build's voice check compares with the original: no check, no pack
    before = _state(ws)
    with pytest.raises(AudioStoreUnavailable):
        build_pack(ws, "week1", [clip.id], user="trainer", title="Lastige gesprekken")
    assert _state(ws) == before and _workspace_files(ws, "packs") == []
    s3.start()
    pack = build_pack(ws, "week1", [clip.id], user="trainer", title="Lastige gesprekken")
    assert verify_pack(pack.path).ok  # bleeps found where the words were redacted, voices as measured
    packed = b"".join(zipfile.ZipFile(pack.path).read(i) for i in zipfile.ZipFile(pack.path).namelist())
    leaked = [c for c in _pcm_chunks(folder / "call1" / "call1.wav") if c in packed]
    assert not leaked and source["call1"][:4096] not in packed
    assert _workspace_files(ws, "tmp") == []  # the private copies read for decoding are gone

    export_original(ws, "call1", tmp_path / "heard.wav", 0.0, 2.0, user="trainer")  # audited, from the bucket
    assert (tmp_path / "heard.wav").stat().st_size > 0

    export = access_subject(ws, "K-call1", user="reviewer")  # the person's own recording, from the bucket
    with zipfile.ZipFile(export.path) as zf:
        assert zf.read("call1/recording.wav") == source["call1"]

    erased = erase_subject(ws, "K-call1", user="reviewer")
    assert erased.calls == ["call1"] and erased.files_deleted == 4  # the original, clip folder, pack, export
    assert s3.keys(bucket) == [keys["call2"]]
    assert not list((ws.root / "tmp").glob("forget-*"))  # the deletion journal is done

    report = run_retention(ws, dry_run=False, today=date(2031, 1, 1), user="admin")
    assert report.deleted == ["call2"] and report.files_deleted == 1
    assert s3.keys(bucket) == []
    ws.close()


def test_a_range_of_a_remote_original_is_read_in_place_with_the_same_samples(tmp_path, s3, monkeypatch):
    """Playing seconds 1-3 of a remote original reads byte ranges of the object (no private copy of
    the whole recording), and gives exactly the samples the whole-file read gives."""
    import io

    import soundfile as sf

    from curation.audio import read
    from curation.clips.audio import original_audio
    from curation.ingest import ingest
    from curation.store.audio_store import FsspecAudioStore

    bucket = _bucket(s3, tmp_path)
    ws = _workspace(tmp_path, s3, bucket)
    folder = _calls(tmp_path, stems=("call1",))
    assert [o.status for o in ingest(ws, [folder], actor="admin")] == ["imported"]
    reads = []
    real_open = ws.audio_store.fs.open

    def counting_open(path, mode="rb", **kwargs):
        f = real_open(path, mode, **kwargs)
        reads.append(f)
        return f

    def no_copy(self, key):
        raise AssertionError(f"{key}: the whole original was copied to play a range of it")

    monkeypatch.setattr(FsspecAudioStore, "local_copy", no_copy)
    monkeypatch.setattr(ws.audio_store.fs, "open", counting_open)
    heard, sr = sf.read(io.BytesIO(original_audio(ws, "call1", 1.0, 3.0, user="trainer")), dtype="float32",
                        always_2d=True)
    expected, expected_sr = read(folder / "call1" / "call1.wav", start=1.0, end=3.0)
    assert sr == expected_sr and heard.shape == expected.shape == (2 * sr, expected.shape[1])
    assert np.abs(heard - expected).max() <= 1 / 32768  # the same samples (WAV, 16 bits, both ways)
    assert len(reads) == 1 and reads[0].blocksize == 1 << 20  # one file, read in 1 MiB ranges
    ws.close()


# ---- a store that is away for a moment ----------------------------------------------------------------

def test_an_import_while_the_store_is_away_stops_with_one_line_and_resumes(tmp_path, s3):
    from curation.ingest import ingest
    from curation.store.audio_store import AudioStoreUnavailable

    bucket = _bucket(s3, tmp_path)
    ws = _workspace(tmp_path, s3, bucket)
    folder = _calls(tmp_path, ("call1",))
    assert ingest(ws, [folder / "call1"], actor="admin")[0].status == "imported"
    before, objects = _state(ws), s3.keys(bucket)

    make_call(folder / "call2", "call2")
    s3.stop()
    with pytest.raises(AudioStoreUnavailable) as caught:
        ingest(ws, [folder / "call1", folder / "call2"], actor="admin")
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"audio store s3://{bucket}/team-a at {s3.endpoint}: ")
    assert "run it again" in message
    assert _state(ws) == before  # no call, no audit event: nothing half-written
    assert _workspace_files(ws, "tmp") == []

    s3.start()
    assert s3.keys(bucket) == objects
    outcomes = ingest(ws, [folder / "call1", folder / "call2"], actor="admin")
    assert [o.status for o in outcomes] == ["skipped", "imported"]
    assert len(s3.keys(bucket)) == 2
    ws.close()


def test_a_failed_commit_leaves_no_object_in_the_bucket(tmp_path, s3):
    from curation.ingest import ingest
    from tests.pg import allow, refuse

    bucket = _bucket(s3, tmp_path)
    ws = _workspace(tmp_path, s3, bucket)
    folder = _calls(tmp_path, ("call1",))
    with ws.transaction() as conn:
        refuse(conn, "no_audit", "BEFORE INSERT", "audit_events", "audit refused")
    with pytest.raises(Exception, match="audit refused"):
        ingest(ws, [folder / "call1"], actor="admin")
    assert s3.keys(bucket) == []  # neither the staged nor the final object
    with ws.transaction() as conn:
        allow(conn, "no_audit", "audit_events")
    assert ingest(ws, [folder / "call1"], actor="admin")[0].status == "imported"
    assert len(s3.keys(bucket)) == 1
    ws.close()


def test_an_erasure_while_the_store_is_away_changes_nothing_and_runs_again(tmp_path, s3):
    from curation.ingest import ingest
    from curation.store.audio_store import AudioStoreUnavailable
    from curation.subjects import erase_subject

    bucket = _bucket(s3, tmp_path)
    ws = _workspace(tmp_path, s3, bucket)
    folder = _calls(tmp_path, ("call1",))
    ingest(ws, [folder], actor="admin")
    before = _state(ws)

    s3.stop()
    with pytest.raises(AudioStoreUnavailable, match=f"audio store s3://{bucket}/team-a at "):
        erase_subject(ws, "K-call1", user="reviewer")
    assert _state(ws) == before and not list((ws.root / "tmp").glob("forget-*"))

    s3.start()
    assert erase_subject(ws, "K-call1", user="reviewer").calls == ["call1"]
    assert s3.keys(bucket) == []
    ws.close()


def test_a_store_lost_right_after_an_erasure_committed_keeps_the_deletion_pending_until_doctor_fix(
        tmp_path, s3, monkeypatch, capsys):
    from sqlalchemy import event

    from curation.ingest import ingest
    from curation.store.forget import pending_journals
    from curation.subjects import erase_subject
    from tests._clip_fixtures import run_cli

    bucket = _bucket(s3, tmp_path)
    ws = _workspace(tmp_path, s3, bucket)
    ingest(ws, [_calls(tmp_path, ("call1",))], actor="admin")
    objects = s3.keys(bucket)

    def store_goes_away(conn):  # the erasure's commit, the moment its deletion journal is written
        if pending_journals(ws.root):
            s3.stop()

    event.listen(ws.engine, "commit", store_goes_away)
    outcome = erase_subject(ws, "K-call1", user="reviewer")
    event.remove(ws.engine, "commit", store_goes_away)
    assert outcome.calls == ["call1"] and any("doctor --fix" in n for n in outcome.notes)
    assert len(pending_journals(ws.root)) == 1  # committed: the object is owed a deletion

    s3.start()
    assert s3.keys(bucket) == objects
    code, out, err = run_cli(monkeypatch, capsys, "doctor", "-w", ws.root, "--fix", user="admin")
    assert s3.keys(bucket) == [] and pending_journals(ws.root) == [], (code, out, err)
    ws.close()


def test_doctor_finds_a_temporary_upload_a_failed_import_left_and_fix_deletes_it(tmp_path, s3, monkeypatch, capsys):
    from curation.store import audio_store
    from tests._clip_fixtures import run_cli

    bucket = _bucket(s3, tmp_path)
    ws = _workspace(tmp_path, s3, bucket)
    ws.close()
    left = "team-a/tmp/" + "ab" * 32 + ".wav.0123abcd.part"  # what an import whose clean-up failed leaves
    s3.client().put_object(Bucket=bucket, Key=left, Body=b"RIFF original bytes")
    code, out, err = run_cli(monkeypatch, capsys, "doctor", "-w", ws.root, user="admin")
    assert code == 0  # younger than an hour: perhaps an import still running

    monkeypatch.setattr(audio_store, "STALE_UPLOAD_SECONDS", 0)
    code, out, err = run_cli(monkeypatch, capsys, "doctor", "-w", ws.root, user="admin")
    assert code == 8 and "temporary upload of a failed import left behind" in err and left[len("team-a/"):] in err
    code, out, err = run_cli(monkeypatch, capsys, "doctor", "-w", ws.root, "--fix", user="admin")
    assert code == 0 and "temporary upload deleted" in out
    assert s3.keys(bucket) == []


def test_scoring_while_the_store_is_away_fails_those_calls_and_resumes_in_worker_processes(tmp_path, s3):
    from curation.batch import Plan
    from curation.difficulty.store import analyse_workspace
    from curation.ingest import ingest

    bucket = _bucket(s3, tmp_path)
    ws = _workspace(tmp_path, s3, bucket)
    ingest(ws, [_calls(tmp_path)], actor="admin")

    s3.stop()
    summary = analyse_workspace(ws, user="admin", plan=Plan(workers=1))
    assert summary.analysed == 0 and sorted(c for c, _ in summary.failed) == ["call1", "call2"]
    assert "audio store s3://" in summary.failed[0][1]
    assert _state(ws)["scores"] == 0  # not scored without their audio

    s3.start()  # two worker processes, each opening the workspace and reading its originals from the bucket
    summary = analyse_workspace(ws, user="admin", plan=Plan(workers=2, chunk_size=1))
    assert summary.workers == 2 and summary.analysed == 2 and not summary.failed
    assert not any("audio" in note for notes in summary.notes.values() for note in notes)
    ws.close()


def test_doctor_finds_an_original_no_call_refers_to_and_fix_deletes_only_that(tmp_path, s3, monkeypatch, capsys):
    """An import killed between placing the original and committing its call leaves an object that no
    erasure or retention run would find; doctor reports it (once it is older than an hour) and --fix
    deletes it, never an original a call refers to."""
    from curation.ingest import ingest
    from curation.store import doctor
    from tests._clip_fixtures import run_cli

    bucket = _bucket(s3, tmp_path)
    ws = _workspace(tmp_path, s3, bucket)
    ingest(ws, [_calls(tmp_path, ("call1",))], actor="admin")
    ws.close()
    [kept] = s3.keys(bucket)
    orphan = "team-a/originals/cd/" + "cd" * 32 + ".wav"
    s3.client().put_object(Bucket=bucket, Key=orphan, Body=b"RIFF original bytes of a call never catalogued")
    code, out, err = run_cli(monkeypatch, capsys, "doctor", "-w", ws.root, user="admin")
    assert code == 0, err  # younger than an hour: perhaps an import still running

    monkeypatch.setattr(doctor, "ORPHAN_SECONDS", 0)
    code, out, err = run_cli(monkeypatch, capsys, "doctor", "-w", ws.root, user="admin")
    assert code == 8 and "original that no call refers to" in err and orphan[len("team-a/"):] in err, err
    assert kept[len("team-a/"):] not in err
    code, out, err = run_cli(monkeypatch, capsys, "doctor", "-w", ws.root, "--fix", user="admin")
    assert code == 0 and "original that no call refers to deleted" in out, err
    assert s3.keys(bucket) == [kept]
