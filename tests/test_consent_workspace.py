"""Consent in a workspace: records for every call, a decision per clip, reviewer overrides (reason
mandatory, kept, audited), and policy changes that re-decide open clips but not approved ones."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from curation.clips import create_clip
from curation.consent.analysis import analyse_consent
from curation.consent.decisions import OverrideRefused, decide_clip, override_decision, override_history, set_policy
from curation.consent.policy import PolicyError, default_policy_text
from curation.errors import PermissionDenied
from curation.roles import add_user
from curation.store.schema import audit_events
from tests._consent_fixtures import (ANSWER, GREETING, NOTICE_QUALITY, NOTICE_TRAINING, OBJECTION, QUESTION,
                                     import_calls)

CALLS = {
    "ok": {"turns": [NOTICE_TRAINING, GREETING, QUESTION, ANSWER], "employee_informed": True},
    "objects": {"turns": [NOTICE_TRAINING, GREETING, QUESTION, OBJECTION, ANSWER], "employee_informed": True},
    "quality": {"turns": [NOTICE_QUALITY, GREETING, QUESTION, ANSWER], "employee_informed": True},
    "secret": {"turns": [GREETING, QUESTION, ANSWER], "secret_recording": True, "notice_played": False},
}


@pytest.fixture
def ws(workspace, tmp_path):
    add_user(workspace, "rev", "privacy_reviewer", user="admin")
    add_user(workspace, "mia", "manager", user="admin")
    import_calls(workspace, tmp_path / "in", CALLS)
    return workspace


def clip_of(ws, call_id):
    return create_clip(ws, call_id, 0.0, 3.0, detect=False, user="tester").id


def consent_record(ws, call_id, user="tester"):
    """The call's stored record as `consent show` returns it (an audited read)."""
    from curation.consent.analysis import call_consent

    return call_consent(ws, call_id, user=user)["record"]


def events(ws, action):
    with ws.engine.connect() as conn:
        return [json.loads(r.details_json) | {"actor": r.actor, "object_id": r.object_id}
                for r in conn.execute(select(audit_events).where(audit_events.c.action == action))]


def test_analyse_stores_a_record_per_call_with_evidence_and_one_audit_event(ws):
    summary = analyse_consent(ws, user="tester")
    assert summary.calls == 4 and summary.objections == 1
    assert summary.decisions == {"training_allowed": 1, "reenactment_required": 2, "excluded": 1}
    rec = consent_record(ws, "objects")
    assert rec["customer_objected"] and rec["sources"]["customer_objected"] == "transcript"
    assert rec["evidence"]["objection"]["role"] == "customer" and rec["evidence"]["objection"]["time"] > 0
    assert consent_record(ws, "quality")["notice_purposes"] == ["quality"]
    [event] = events(ws, "consent.analysed")
    assert event["calls"] == 4 and "Ik wil" not in json.dumps(event)  # no transcript text in the audit trail


def test_a_manager_may_not_analyse_or_read_consent(ws):
    from curation.consent.analysis import call_consent

    with pytest.raises(PermissionDenied):
        analyse_consent(ws, user="mia")
    with pytest.raises(PermissionDenied):
        call_consent(ws, "ok", user="mia")


@pytest.mark.parametrize("call_id,decision", [("ok", "training_allowed"), ("objects", "reenactment_required"),
                                              ("quality", "reenactment_required"), ("secret", "excluded")])
def test_each_clip_gets_the_decision_of_its_call(ws, call_id, decision):
    d = decide_clip(ws, clip_of(ws, call_id))
    assert d.decision == decision and d.reasons and not d.overridden


def test_override_needs_the_privacy_reviewer_role_and_a_reason_and_is_kept(ws):
    clip = clip_of(ws, "objects")
    with pytest.raises(PermissionDenied):
        override_decision(ws, clip, "training_allowed", "De klant heeft later schriftelijk ingestemd.", user="tester")
    with pytest.raises(OverrideRefused, match="reason"):
        override_decision(ws, clip, "training_allowed", "  ok ", user="rev")
    d = override_decision(ws, clip, "training_allowed", "De klant heeft later schriftelijk ingestemd.", user="rev")
    assert d.decision == "training_allowed" and d.policy_decision == "reenactment_required" and d.overridden
    assert "schriftelijk ingestemd" in d.explain("nl")[0]
    assert decide_clip(ws, clip).decision == "training_allowed"
    [event] = events(ws, "consent.overridden")
    assert event["actor"] == "rev" and event["object_id"] == clip
    # the trail keeps the reason's length only: the words stay in consent_overrides, where an erasure reaches them
    assert "reason" not in event and event["reason_chars"] == len("De klant heeft later schriftelijk ingestemd.")
    back = override_decision(ws, clip, "policy", "Toestemming bleek toch niet rond.", user="rev")
    assert back.decision == "reenactment_required" and not back.overridden
    assert [h["decision"] for h in override_history(ws, clip)] == ["training_allowed", "policy"]


def test_a_secret_recording_cannot_be_overridden_into_training(ws):
    clip = clip_of(ws, "secret")
    with pytest.raises(OverrideRefused, match="secret_recording"):
        override_decision(ws, clip, "training_allowed", "Het onderzoek is afgerond, dus het mag.", user="rev")
    assert decide_clip(ws, clip).decision == "excluded"


def test_changing_the_policy_redecides_open_clips_but_not_approved_ones(ws):
    from curation.clips.store import transition
    from curation.consent.decisions import store_decision
    from curation.roles import operation

    open_clip, approved_clip = clip_of(ws, "objects"), clip_of(ws, "objects")
    with operation(ws, "clips.review", "test.approved", user="rev") as op:  # what approval does: keep, then change
        store_decision(op.conn, decide_clip(ws, approved_clip, conn=op.conn), "rev")
        transition(op.conn, approved_clip, {"draft"}, "approved", "approve it")
    strict = default_policy_text().replace(
        'when = { customer_objected = true }\ndecision = "reenactment_required"',
        'when = { customer_objected = true }\ndecision = "excluded"')
    result = set_policy(ws, strict, user="rev")
    assert result["changed"] == {open_clip: ("reenactment_required", "excluded")}
    assert decide_clip(ws, open_clip).decision == "excluded"
    kept = decide_clip(ws, approved_clip)
    assert kept.decision == "reenactment_required" and kept.frozen
    assert (ws.root / "policy.toml").read_text(encoding="utf-8") == strict
    [event] = events(ws, "consent.policy_changed")
    assert event["clips_changed"] == [open_clip] and event["old"] != event["new"]


def test_a_bad_policy_changes_nothing(ws):
    clip = clip_of(ws, "objects")
    before = decide_clip(ws, clip)
    with pytest.raises(PolicyError, match="mine.toml"):
        set_policy(ws, '[[rule]]\nid = "x"\nwhen = { mood = "bad" }\ndecision = "excluded"\nnl = "x"\nen = "x"\n',
                   source="mine.toml", user="rev")
    assert not (ws.root / "policy.toml").exists()
    assert decide_clip(ws, clip) == before


def test_an_override_lapses_when_the_policy_decision_changes(ws):
    clip = clip_of(ws, "objects")
    override_decision(ws, clip, "training_allowed", "Schriftelijke toestemming ontvangen.", user="rev")
    strict = default_policy_text().replace(
        'when = { customer_objected = true }\ndecision = "reenactment_required"',
        'when = { customer_objected = true }\ndecision = "excluded"')
    set_policy(ws, strict, user="rev")
    d = decide_clip(ws, clip)
    assert d.decision == "excluded" and not d.overridden and d.lapsed_override["reason"].startswith("Schriftelijke")
    assert len(override_history(ws, clip)) == 1


def test_cli_show_prints_the_record_and_the_decision_with_reasons(ws, monkeypatch):
    from curation.cli.main import cli

    clip = clip_of(ws, "objects")
    monkeypatch.setenv("CURATION_USER", "tester")
    runner = CliRunner()
    out = runner.invoke(cli, ["consent", "show", "--workspace", str(ws.root), "--call", "objects", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["record"]["customer_objected"] is True
    assert data["decision"]["decision"] == "reenactment_required"
    assert [c["clip_id"] for c in data["clips"]] == [clip]
    table = runner.invoke(cli, ["consent", "show", "--workspace", str(ws.root), "--call", "objects"])
    assert "Ik wil eigenlijk niet" in table.output and "customer_objected" in table.output
    monkeypatch.setenv("CURATION_USER", "mia")
    refused = runner.invoke(cli, ["consent", "show", "--workspace", str(ws.root), "--call", "objects"])
    assert refused.exit_code != 0


def test_cli_override_without_reason_is_a_usage_error_and_with_reason_works(ws, monkeypatch):
    from curation.cli.main import cli

    clip = clip_of(ws, "quality")
    monkeypatch.setenv("CURATION_USER", "rev")
    runner = CliRunner()
    missing = runner.invoke(cli, ["consent", "override", "-w", str(ws.root), "--clip", clip,
                                  "--decision", "training_allowed"])
    assert missing.exit_code != 0 and "--reason" in missing.output
    ok = runner.invoke(cli, ["consent", "override", "-w", str(ws.root), "--clip", clip, "--decision",
                             "training_allowed", "--reason", "Training stond in de schriftelijke voorwaarden."])
    assert ok.exit_code == 0, ok.output
    assert "overridden by rev" in ok.output


def test_a_reviewer_corrects_a_record_and_its_open_clips_are_redecided(ws):
    from curation.consent.analysis import correct_record

    clip = clip_of(ws, "quality")
    assert decide_clip(ws, clip).decision == "reenactment_required"
    with pytest.raises(PermissionDenied):
        correct_record(ws, "quality", {"notice_purposes": "quality;training"}, "Melding bevatte ook training.",
                       user="tester")
    with pytest.raises(Exception, match="legal_basis"):
        correct_record(ws, "quality", {"legal_basis": "whim"}, "Zo hebben we het afgesproken.", user="rev")
    record = correct_record(ws, "quality", {"notice_purposes": "quality;training"},
                            "De IVR-melding noemde ook training, zie script van de IVR.", user="rev")
    assert record.notice_purposes == ("quality", "training") and record.sources["notice_purposes"] == "correction"
    assert decide_clip(ws, clip).decision == "training_allowed"
    analyse_consent(ws, user="tester")  # a new analysis keeps the correction
    assert consent_record(ws, "quality")["notice_purposes"] == ["quality", "training"]
    [event] = events(ws, "consent.corrected")
    assert event["clips_changed"] == [clip] and "reason" not in event and event["reason_chars"] > 20


def test_cli_analyse_and_policy_commands(ws, monkeypatch, tmp_path):
    from curation.cli.main import cli

    runner = CliRunner()
    monkeypatch.setenv("CURATION_USER", "tester")
    out = runner.invoke(cli, ["consent", "analyse", "-w", str(ws.root)])
    assert out.exit_code == 0 and "analysed 4 calls" in out.output and "1 with an objection" in out.output
    default = runner.invoke(cli, ["consent", "policy", "default"]).output
    assert default == default_policy_text()
    edited = tmp_path / "mine.toml"
    edited.write_text(default.replace('default_days = 180', 'default_days = 30'), encoding="utf-8")
    assert "ok:" in runner.invoke(cli, ["consent", "policy", "check", str(edited)]).output
    monkeypatch.setenv("CURATION_USER", "rev")
    out = runner.invoke(cli, ["consent", "policy", "set", "-w", str(ws.root), str(edited)])
    assert out.exit_code == 0, out.output
    assert "default_days = 30" in runner.invoke(cli, ["consent", "policy", "show", "-w", str(ws.root)]).output
    bad = tmp_path / "bad.toml"
    bad.write_text("[[rule]]\nid = 'x'\n", encoding="utf-8")
    out = runner.invoke(cli, ["consent", "policy", "check", str(bad)])
    assert out.exit_code != 0 and isinstance(out.exception, PolicyError) and "bad.toml" in str(out.exception)
