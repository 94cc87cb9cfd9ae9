"""Approval reuses the re-scan stored at anonymisation when it is of the same transcript by the same
detector (its fingerprint), and scans again otherwise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from curation import review
from curation.clips import play_clip
from curation.clips.store import load_anonymisation
from curation.clips.tables import clip_anonymisations
from curation.pii.fingerprint import fingerprint
from curation.review import ApprovalRefused
from tests._clip_fixtures import prepared

REPO = Path(__file__).resolve().parent.parent
FAKE_FINDING = {"entity_type": "PERSON", "start": 1.0, "end": 1.5, "speaker": "customer", "status": "unresolved"}


@pytest.fixture
def ws_clips(tmp_path_factory, tmp_path):
    ws, clips = prepared(tmp_path_factory, tmp_path)
    yield ws, clips
    ws.close()


def _store_rescan(ws, clip_id, **changes):
    with ws.transaction() as conn:
        row = conn.execute(sa.select(clip_anonymisations.c.rescan_json)
                           .where(clip_anonymisations.c.clip_id == clip_id)).first()
        stored = {**json.loads(row.rescan_json), **changes}
        conn.execute(sa.update(clip_anonymisations).where(clip_anonymisations.c.clip_id == clip_id)
                     .values(rescan_json=json.dumps(stored)))


def _ready(ws, clip_id):
    review.submit(ws, clip_id, user="trainer")
    play_clip(ws, clip_id, user="reviewer")


def test_anonymisation_stores_the_rescan_with_its_detector_and_transcript(ws_clips):
    ws, clips = ws_clips
    with ws.engine.connect() as conn:
        anon = load_anonymisation(conn, clips["c1"])
    assert anon["rescan_detector"] == fingerprint() and anon["rescan_detector"].startswith("pii-")
    assert anon["rescan_transcript_sha256"] == anon["files"]["transcript_json"]["sha256"]


def test_a_stored_rescan_of_the_same_transcript_and_detector_is_what_approval_judges(ws_clips):
    ws, clips = ws_clips
    _store_rescan(ws, clips["c1"], findings=[FAKE_FINDING])  # same detector, same transcript: reused
    _ready(ws, clips["c1"])
    with pytest.raises(ApprovalRefused, match="re-scan of the anonymised transcript finds 1 unresolved PII span"):
        review.approve(ws, clips["c1"], user="reviewer", attestations=review.CHECKLIST)


@pytest.mark.parametrize("stale", [{"detector": "pii-0000000000000000"}, {"transcript_sha256": "0" * 64},
                                   {"detector": None}])
def test_a_rescan_by_another_detector_or_of_another_transcript_is_done_again(ws_clips, stale):
    ws, clips = ws_clips
    _store_rescan(ws, clips["c1"], findings=[FAKE_FINDING], **stale)  # stale: scanned afresh, and clean
    _ready(ws, clips["c1"])
    assert review.approve(ws, clips["c1"], user="reviewer", attestations=review.CHECKLIST).state == "approved"


def test_approve_from_a_cold_process_does_not_load_presidio(ws_clips):
    ws, clips = ws_clips
    _ready(ws, clips["c1"])
    script = ("import sys; from curation import review; from curation.workspace import Workspace; "
              f"ws = Workspace.open({str(ws.root)!r}); "
              f"print(review.approve(ws, {clips['c1']!r}, user='reviewer', attestations=review.CHECKLIST).state); "
              "print(sorted(m for m in ('presidio_analyzer', 'spacy', 'jsonschema') if m in sys.modules))")
    env = {**os.environ, "PYTHONPATH": f"{REPO}:{REPO / 'datasets'}"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split("\n")[:2] == ["approved", "[]"]
