"""Clip anonymisation on the batch layer (issue #18 item 5): many clips on worker processes, each
recorded through the same audited path as one clip, the same files as in-process, resumable.
Real worker processes and real audio, no mocks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from curation.batch import Plan
from tests._clip_fixtures import prepared
from tests.test_batch import analysed_events

ROOT = Path(__file__).resolve().parent.parent
RANGES = ((0.0, 6.0), (3.0, 9.0), (5.0, 12.0), (1.0, 13.0))


@pytest.fixture
def drafts(tmp_path_factory, tmp_path):
    """The prepared workspace (three clips already anonymised) with four new draft clips of call1."""
    from curation.clips import create_clip

    ws, _ = prepared(tmp_path_factory, tmp_path)
    ids = [create_clip(ws, "call1", a, b, title="Batch", snap="word", user="trainer").id for a, b in RANGES]
    return ws, ids


def anonymisations(ws) -> dict:
    from curation.clips.tables import clip_anonymisations

    with ws.engine.connect() as conn:
        return {r.clip_id: (r.status, {k: v["sha256"] for k, v in json.loads(r.files_json).items()})
                for r in conn.execute(select(clip_anonymisations))}


def test_two_processes_write_the_files_one_process_writes_and_audit_each_clip(drafts):
    from curation.clips.anonymise import anonymise_clips

    ws, ids = drafts
    serial = anonymise_clips(ws, user="trainer", plan=Plan(workers=1))
    assert sorted(serial.anonymised) == sorted(ids) and not serial.failed and not serial.blocked
    assert serial.skipped == 3  # the template's three drafts are anonymised already: not pending
    expected = {c: v for c, v in anonymisations(ws).items() if c in ids}
    parallel = anonymise_clips(ws, ids, user="trainer", plan=Plan(workers=2))
    assert sorted(parallel.anonymised) == sorted(ids) and parallel.workers == 2
    assert parallel.where == "2 local processes"
    assert {c: v for c, v in anonymisations(ws).items() if c in ids} == expected  # bit-identical files
    events = analysed_events(ws, "clip.anonymised")
    assert len(events) == 3 + 2 * len(ids) and all(e["status"] == "ok" for e in events)
    for clip in ids:  # one version folder per clip, the old one removed, nothing left in tmp
        assert len([p for p in (ws.derived / "clips" / clip).iterdir() if p.name.startswith("v-")]) == 1
    assert not [p for p in ws.tmp.iterdir() if p.name.startswith("anon-")]


def test_a_rerun_does_only_what_is_pending_and_redo_does_every_draft(drafts):
    from curation.clips.anonymise import anonymise_clips, _pending_clips

    ws, ids = drafts
    assert sorted(_pending_clips(ws)[0]) == sorted(ids)
    first = anonymise_clips(ws, ids[:2], user="trainer", plan=Plan(workers=1))  # a batch that stopped half-way
    assert sorted(first.anonymised) == sorted(ids[:2])
    rest = anonymise_clips(ws, user="trainer", plan=Plan(workers=1))
    assert sorted(rest.anonymised) == sorted(ids[2:]) and rest.skipped == 3 + 2
    again = anonymise_clips(ws, user="trainer", plan=Plan(workers=1))
    assert again.anonymised == [] and again.skipped == 3 + len(ids)
    assert len(anonymise_clips(ws, user="trainer", redo=True, plan=Plan(workers=1)).anonymised) == 3 + len(ids)


def test_a_clip_that_cannot_be_anonymised_fails_alone_and_a_manager_may_not_start_a_batch(drafts):
    from curation.clips.anonymise import anonymise_clips
    from curation.errors import PermissionDenied

    ws, ids = drafts
    with pytest.raises(PermissionDenied):
        anonymise_clips(ws, user="manager")
    summary = anonymise_clips(ws, [*ids[:2], "clip-does-not-exist"], user="trainer", plan=Plan(workers=2))
    assert sorted(summary.anonymised) == sorted(ids[:2])
    [(clip, problem)] = summary.failed
    assert clip == "clip-does-not-exist" and "\n" not in problem and "clip-does-not-exist" in problem


def test_cli_batch_and_its_rerun(drafts):
    ws, ids = drafts

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "curation.cli", "clips", "anonymise", "-w", str(ws.root), *args],
                              capture_output=True, text=True, cwd=ROOT, timeout=600,
                              env={**os.environ, "CURATION_USER": "trainer"})

    first = cli("--workers", "2")
    assert first.returncode == 0, first.stderr
    assert f"anonymised {len(ids)} clips, 0 blocked, 0 failed, 3 already anonymised" in first.stdout
    second = cli("--workers", "2")
    assert second.returncode == 0 and f"anonymised 0 clips, 0 blocked, 0 failed, {3 + len(ids)} already" in second.stdout
