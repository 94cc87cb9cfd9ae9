"""Consent analysis on the batch layer (issue #18 item 5): the same records from one process and
from two, one audited write per chunk, and a second run that skips what is up to date until a
correction or a new policy changes a record's inputs. Real worker processes, no mocks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from curation.batch import Plan
from curation.consent.analysis import analyse_consent, correct_record
from curation.consent.policy import default_policy_text
from tests._clip_fixtures import make_call
from tests.test_batch import analysed_events as batch_events

ROOT = Path(__file__).resolve().parent.parent
CALLS = 8


@pytest.fixture
def calls_ws(workspace, tmp_path):
    """The conftest workspace (admin; tester = trainer) with a privacy reviewer and eight synthetic calls."""
    from curation.ingest import ingest
    from curation.roles import add_user

    add_user(workspace, "rev", "privacy_reviewer", user="admin")
    for i in range(CALLS):
        make_call(tmp_path / "calls" / f"c{i}", f"c{i}")
    assert [o.status for o in ingest(workspace, [tmp_path / "calls"], "tester")] == ["imported"] * CALLS
    return workspace


def stored_records(ws) -> dict:
    """Every stored record without the moment it was stored."""
    from curation.store.schema import consent_records

    with ws.engine.connect() as conn:
        out = {}
        for r in conn.execute(select(consent_records)).mappings():
            row = dict(r)
            details = json.loads(row.pop("details_json") or "{}")
            details.pop("analysed_at", None)
            out[row.pop("call_id")] = {**row, "details": details}
    return out


def analysed_events(ws) -> list[dict]:
    return batch_events(ws, "consent.analysed")


def test_two_processes_store_exactly_the_records_one_process_stores(calls_ws):
    serial = analyse_consent(calls_ws, user="tester", plan=Plan(workers=1))
    assert serial.calls == CALLS and serial.where == "in-process" and not serial.failed
    expected = stored_records(calls_ws)
    assert all(r["details"]["input_digest"] for r in expected.values())
    parallel = analyse_consent(calls_ws, user="tester", redo=True, plan=Plan(workers=2, chunk_size=3))
    assert parallel.calls == CALLS and parallel.workers == 2 and parallel.where == "2 local processes"
    assert parallel.decisions == serial.decisions and not parallel.failed
    assert stored_records(calls_ws) == expected
    assert [e["calls"] for e in analysed_events(calls_ws)] == [CALLS, 3, 3, 2]  # one audited write per chunk
    assert all("call_ids" in e and "Goedemiddag" not in json.dumps(e) for e in analysed_events(calls_ws))


def test_a_second_run_skips_up_to_date_records_until_a_correction_or_a_new_policy(calls_ws):
    from curation.catalogue import call_ids
    from curation.consent.decisions import set_policy

    assert analyse_consent(calls_ws, user="tester", plan=Plan(workers=1)).calls == CALLS
    again = analyse_consent(calls_ws, user="tester", plan=Plan(workers=1))
    assert again.calls == 0 and again.skipped == CALLS
    assert len(analysed_events(calls_ws)) == 1  # nothing to store: no write at all

    corrected = call_ids(calls_ws)[2]
    correct_record(calls_ws, corrected, {"notice_purposes": "quality;training"},
                   "De IVR-melding noemde ook training, zie het script.", user="rev")
    after = analyse_consent(calls_ws, user="tester", plan=Plan(workers=1))
    assert after.calls == 1 and after.skipped == CALLS - 1
    assert analysed_events(calls_ws)[-1]["call_ids"] == [corrected]
    assert stored_records(calls_ws)[corrected]["notice_purposes"] == "quality;training"  # the correction stays

    set_policy(calls_ws, default_policy_text().replace("default_days = 180", "default_days = 90"), user="rev")
    assert analyse_consent(calls_ws, user="tester", plan=Plan(workers=1)).calls == CALLS  # new policy: all again


def test_cli_runs_on_two_workers_and_says_what_it_skipped(calls_ws):
    def cli(*args):
        return subprocess.run([sys.executable, "-m", "curation.cli", "consent", "analyse", "-w", str(calls_ws.root),
                               *args], capture_output=True, text=True, cwd=ROOT, timeout=300,
                              env={**os.environ, "CURATION_USER": "tester"})

    first = cli("--workers", "2", "--chunk-size", "4")
    assert first.returncode == 0, first.stderr
    assert f"analysed {CALLS} calls" in first.stdout and "[2 local processes" in first.stdout
    second = cli("--workers", "2")
    assert second.returncode == 0 and "analysed 0 calls" in second.stdout
    assert f"{CALLS} already up to date" in second.stdout
