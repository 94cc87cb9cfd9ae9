"""The audit trail: listing with filters, and verification catching every kind of tampering."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from curation import audit
from curation.roles import add_user, operation
from curation.store.schema import audit_events
from tests._clip_fixtures import run_cli


@pytest.fixture
def trail(workspace):
    """A workspace with a handful of events by different people."""
    add_user(workspace, "rita", "privacy_reviewer", user="admin")
    add_user(workspace, "max", "manager", user="admin")
    for n, (who, action) in enumerate([("tester", "clip.created"), ("tester", "clip.anonymised"),
                                       ("rita", "clip.played"), ("rita", "clip.approved")]):
        with workspace.transaction() as conn:
            audit._append(conn, who, action, "clip", "clip-1" if n < 3 else "clip-2", n=n)
    return workspace


def seqs(ws, **filters):
    with ws.engine.connect() as conn:
        return [e.seq for e in audit.events(conn, **filters)]


def test_events_filters(trail):
    # events 1-4: admin bootstrap, tester role, rita role, max role; then 5-8 as recorded above
    assert seqs(trail, actor="rita") == [7, 8]
    assert seqs(trail, action="clip.") == [5, 6, 7, 8]
    assert seqs(trail, action="user.role_added") == [1, 2, 3, 4]
    assert seqs(trail, object_type="clip", object_id="clip-1") == [5, 6, 7]
    assert seqs(trail, action="clip.*", limit=2, newest_first=True) == [8, 7]
    assert seqs(trail, after_seq=6) == [7, 8]
    assert seqs(trail, since="2000-01-01", until="2999-01-01") == list(range(1, 9))
    assert seqs(trail, since="2999-01-01") == []


def test_untampered_trail_verifies(trail):
    with trail.engine.connect() as conn:
        assert audit.verify(conn) == []


def _problems(ws):
    with ws.engine.connect() as conn:
        return audit.verify(conn)


def test_verify_catches_an_edited_event(trail):
    with trail.transaction() as conn:
        conn.execute(sa.update(audit_events).where(audit_events.c.seq == 6).values(actor="rita"))
    problems = _problems(trail)
    assert [(p.seq, p.problem) for p in problems] == [(6, "content does not match its hash (event edited)")]


def test_verify_catches_edited_details(trail):
    with trail.transaction() as conn:
        conn.execute(sa.update(audit_events).where(audit_events.c.seq == 7).values(details_json='{"n": 99}'))
    assert [p.seq for p in _problems(trail)] == [7]


def test_verify_catches_a_deleted_event(trail):
    with trail.transaction() as conn:
        conn.execute(sa.delete(audit_events).where(audit_events.c.seq == 6))
    problems = _problems(trail)
    assert problems and problems[0].seq == 7 and "sequence gap" in problems[0].problem


def test_verify_catches_reordered_events(trail):
    with trail.transaction() as conn:
        rows = {r.seq: r for r in conn.execute(sa.select(audit_events).where(audit_events.c.seq.in_([6, 7])))}
        conn.execute(sa.delete(audit_events).where(audit_events.c.seq.in_([6, 7])))
        for new_seq, old in ((6, rows[7]), (7, rows[6])):  # swap the two events' places
            values = dict(old._mapping)
            values["seq"] = new_seq
            conn.execute(audit_events.insert().values(**values))
    problems = _problems(trail)
    assert {p.seq for p in problems} >= {6, 7}
    assert any("previous-hash link broken" in p.problem for p in problems)


def test_verify_catches_an_inserted_event(trail):
    with trail.transaction() as conn:
        conn.execute(sa.update(audit_events).where(audit_events.c.seq == 8).values(seq=9))
        conn.execute(audit_events.insert().values(seq=8, at="2026-01-01T00:00:00+00:00", actor="mallory",
                                                  action="clip.approved", object_type="clip", object_id="clip-1",
                                                  details_json="{}", prev_hash="0" * 64, hash="f" * 64))
    assert {p.seq for p in _problems(trail)} >= {8, 9}


def test_operation_records_nothing_when_refused(trail):
    from curation.errors import PermissionDenied

    with trail.engine.connect() as conn:
        before = audit.count(conn)
    with pytest.raises(PermissionDenied):
        with operation(trail, "clips.review", "clip.approved", "clip", "clip-1", user="max"):
            pass
    with trail.engine.connect() as conn:
        assert audit.count(conn) == before


def test_cli_audit_verify_and_log(trail, monkeypatch, capsys):
    code, out, err = run_cli(monkeypatch, capsys, "audit", "verify", "--workspace", trail.root, user="rita")
    assert code == 0 and out.startswith("audit trail intact: 8 events; head 8:"), err
    anchor = out.split("head ")[1].strip()
    code, out, err = run_cli(monkeypatch, capsys, "audit", "verify", "--workspace", trail.root, "--anchor", anchor,
                             user="rita")
    assert code == 0, err
    code, out, _ = run_cli(monkeypatch, capsys, "audit", "log", "--workspace", trail.root, "--actor", "rita",
                           "--format", "json", user="admin")
    import json

    assert [e["action"] for e in json.loads(out)] == ["clip.played", "clip.approved"]
    code, out, _ = run_cli(monkeypatch, capsys, "audit", "log", "--workspace", trail.root, "--action", "clip.",
                           "--object", "clip-2", "--format", "csv", user="admin")
    assert out.splitlines()[0] == "seq,at,actor,action,object_type,object_id,details" and len(out.splitlines()) == 2
    with trail.transaction() as conn:
        conn.execute(sa.update(audit_events).where(audit_events.c.seq == 5).values(action="clip.deleted"))
    code, out, err = run_cli(monkeypatch, capsys, "audit", "verify", "--workspace", trail.root, user="rita")
    assert code == 6 and err.strip().splitlines()[-1].startswith("error: audit trail broken at event 5: content")


@pytest.mark.parametrize("who", ["max", "tester"])
def test_audit_trail_is_for_reviewers_and_admins_only(trail, monkeypatch, capsys, who):
    for command in ("verify", "log"):
        code, _, err = run_cli(monkeypatch, capsys, "audit", command, "--workspace", trail.root, user=who)
        assert code == 3 and "may not read the audit trail" in err


def test_an_anchor_catches_cut_off_newest_events_and_a_rebuilt_trail(trail, monkeypatch, capsys):
    with trail.engine.connect() as conn:
        seq, digest = audit.head(conn)
        assert audit.check_anchor(conn, seq, digest) is None
    with trail.transaction() as conn:  # cut off the newest event: the rest of the chain is still valid
        conn.execute(sa.delete(audit_events).where(audit_events.c.seq == seq))
    with trail.engine.connect() as conn:
        assert audit.verify(conn) == []
        assert "truncated" in audit.check_anchor(conn, seq, digest).problem
    code, _, err = run_cli(monkeypatch, capsys, "audit", "verify", "--workspace", trail.root,
                           "--anchor", f"{seq}:{digest}", user="rita")
    assert code == 6 and "witnessed event is missing (the trail was truncated)" in err
    with trail.transaction() as conn:  # a rebuilt trail: same length, other hashes
        audit._append(conn, "mallory", "clip.approved", "clip", "clip-2")  # a rebuilt trail, written around the library
    with trail.engine.connect() as conn:
        assert "rewritten" in audit.check_anchor(conn, seq, digest).problem
