"""The four-eyes review: the state machine, who may do what, and every approval precondition."""

from __future__ import annotations

import json
import threading

import pytest
import sqlalchemy as sa

from curation import review
from curation.clips import add_redaction, anonymise_clip, update_clip
from curation.clips.store import ClipStateError, ConcurrentChange, lock_clip, load_clip, transition
from curation.clips.tables import clip_anonymisations
from curation.errors import CurationError, PermissionDenied
from curation.review import ApprovalRefused, FourEyesViolation
from curation.roles import add_user
from curation.store.schema import reviews
from tests._clip_fixtures import approve_clip, listen_whole, prepared, run_cli


@pytest.fixture
def ws_clips(tmp_path_factory, tmp_path):
    ws, clips = prepared(tmp_path_factory, tmp_path)
    yield ws, clips
    ws.close()


def load_clip_details(ws, clip_id):
    with ws.engine.connect() as conn:
        return load_clip(conn, clip_id).details


def state(ws, clip_id):
    with ws.engine.connect() as conn:
        return load_clip(conn, clip_id).state


# ---- state machine -----------------------------------------------------------------------------

def test_approval_needs_every_checklist_attestation_and_keeps_them(ws_clips):
    ws, clips = ws_clips
    review.submit(ws, clips["c1"], user="trainer")
    listen_whole(ws, clips["c1"], user="reviewer")
    with pytest.raises(ApprovalRefused, match="did not attest: The redacted transcript names no person"):
        review.approve(ws, clips["c1"], user="reviewer", attestations=["listened", "voices_disguised"])
    assert state(ws, clips["c1"]) == "submitted"
    clip = review.approve(ws, clips["c1"], user="reviewer", attestations=list(review.CHECKLIST))
    assert clip.details["approved_attestations"] == sorted(review.CHECKLIST)
    with ws.engine.connect() as conn:
        [event] = conn.execute(sa.text("SELECT details_json FROM audit_events WHERE action = 'clip.approved'")).all()
    assert json.loads(event.details_json)["attested"] == sorted(review.CHECKLIST)


def test_happy_path_draft_submitted_approved(ws_clips):
    ws, clips = ws_clips
    assert review.submit(ws, clips["c1"], user="trainer").state == "submitted"
    listen_whole(ws, clips["c1"], user="reviewer")
    assert review.approval_problems(ws, clips["c1"], user="reviewer") == []
    clip = review.approve(ws, clips["c1"], user="reviewer", reason="netjes", attestations=review.CHECKLIST)
    assert clip.state == "approved" and clip.details["approved_by"] == "reviewer"
    assert clip.details["approved_consent"]["decision"] == "training_allowed"
    with ws.engine.connect() as conn:
        rows = conn.execute(sa.select(reviews.c.actor, reviews.c.action).order_by(reviews.c.id)).all()
    assert [tuple(r) for r in rows] == [("trainer", "submit"), ("reviewer", "approve")]


def test_changes_requested_goes_back_to_the_trainer_and_can_be_resubmitted(ws_clips):
    ws, clips = ws_clips
    review.submit(ws, clips["c1"], user="trainer")
    assert review.request_changes(ws, clips["c1"], reason="Titel aanpassen", user="reviewer").state == \
        "changes_requested"
    update_clip(ws, clips["c1"], title="Klacht over rekening", user="trainer")
    assert state(ws, clips["c1"]) == "changes_requested"
    assert review.submit(ws, clips["c1"], user="trainer").state == "submitted"


@pytest.mark.parametrize("verb", ["reject", "request_changes"])
def test_reject_and_request_changes_need_a_reason(ws_clips, verb):
    ws, clips = ws_clips
    review.submit(ws, clips["c1"], user="trainer")
    with pytest.raises(CurationError, match="a reason is required"):
        getattr(review, verb)(ws, clips["c1"], reason="  ", user="reviewer")
    assert state(ws, clips["c1"]) == "submitted"


@pytest.mark.parametrize("setup, verb, message", [
    ([], "approve", "is draft; cannot approve"),
    ([], "reject", "is draft; cannot reject"),
    ([], "request_changes", "is draft; cannot request changes"),
    (["submit"], "submit", "is submitted; cannot submit"),
    (["submit", "reject"], "submit", "is rejected; cannot submit"),
    (["submit", "reject"], "approve", "is rejected; cannot approve"),
])
def test_transitions_outside_the_lifecycle_are_refused(ws_clips, setup, verb, message):
    ws, clips = ws_clips
    users = {"submit": "trainer", "reject": "reviewer", "approve": "reviewer", "request_changes": "reviewer"}
    for step in setup:
        getattr(review, step)(ws, clips["c1"], user=users[step], **({"reason": "nee"} if step == "reject" else {}))
    with pytest.raises(ClipStateError, match=message):
        getattr(review, verb)(ws, clips["c1"], user=users[verb],
                              **({"reason": "nee"} if verb in ("reject", "request_changes") else {}))


def test_submit_needs_a_current_anonymisation(ws_clips):
    ws, clips = ws_clips
    add_redaction(ws, clips["c1"], (22, 24), "ACCOUNT_ID", user="trainer")  # makes the anonymisation stale
    with pytest.raises(ClipStateError, match="no current anonymisation \\(stale\\)"):
        review.submit(ws, clips["c1"], user="trainer")


def test_revoke_from_any_state_and_only_by_reviewer_or_admin(ws_clips):
    ws, clips = ws_clips
    approve_clip(ws, clips["c1"])
    with pytest.raises(PermissionDenied):
        review.revoke(ws, clips["c1"], reason="verzoek", user="trainer")
    assert review.revoke(ws, clips["c1"], reason="verwijderverzoek V-7", user="admin") == []
    assert state(ws, clips["c1"]) == "revoked"
    review.revoke(ws, clips["c2"], reason="verwijderverzoek V-8", user="reviewer")
    assert state(ws, clips["c2"]) == "revoked"


# ---- permissions ---------------------------------------------------------------------------------

@pytest.mark.parametrize("verb, user", [("submit", "reviewer"), ("submit", "manager"), ("approve", "trainer"),
                                        ("approve", "manager"), ("approve", "admin"), ("reject", "trainer"),
                                        ("request_changes", "manager")])
def test_roles_without_the_permission_are_refused(ws_clips, verb, user):
    ws, clips = ws_clips
    if verb != "submit":
        review.submit(ws, clips["c1"], user="trainer")
    before = state(ws, clips["c1"])
    with pytest.raises(PermissionDenied):
        getattr(review, verb)(ws, clips["c1"], user=user,
                              **({"reason": "x y z"} if verb in ("reject", "request_changes") else {}))
    assert state(ws, clips["c1"]) == before


def test_four_eyes_creator_with_reviewer_role_may_not_approve(ws_clips):
    ws, clips = ws_clips
    add_user(ws, "trainer", "privacy_reviewer", user="admin")  # one person, both roles
    approve_args = dict(user="trainer", attestations=review.CHECKLIST)
    review.submit(ws, clips["c1"], user="trainer")
    listen_whole(ws, clips["c1"], user="trainer")
    with pytest.raises(FourEyesViolation, match="created or edited it and may not approve it"):
        review.approve(ws, clips["c1"], **approve_args)
    assert state(ws, clips["c1"]) == "submitted"


def test_four_eyes_an_editor_may_not_approve(ws_clips):
    ws, clips = ws_clips
    add_user(ws, "trainer2", "privacy_reviewer", user="admin")
    update_clip(ws, clips["c1"], title="Andere titel", user="trainer2")  # trainer2 edits
    review.submit(ws, clips["c1"], user="trainer")
    listen_whole(ws, clips["c1"], user="trainer2")
    with pytest.raises(FourEyesViolation):
        review.approve(ws, clips["c1"], user="trainer2", attestations=review.CHECKLIST)
    listen_whole(ws, clips["c1"], user="reviewer")
    assert review.approve(ws, clips["c1"], user="reviewer", attestations=review.CHECKLIST).state == "approved"


# ---- approval preconditions ----------------------------------------------------------------------

def test_reviewer_must_have_played_the_clip(ws_clips):
    ws, clips = ws_clips
    review.submit(ws, clips["c1"], user="trainer")
    listen_whole(ws, clips["c1"], user="reviewer2")  # someone else listening does not count
    with pytest.raises(ApprovalRefused, match="reviewer has not played the anonymised clip"):
        review.approve(ws, clips["c1"], user="reviewer", attestations=review.CHECKLIST)


def test_playing_before_the_last_edit_does_not_count(ws_clips):
    ws, clips = ws_clips
    listen_whole(ws, clips["c1"], user="reviewer")
    update_clip(ws, clips["c1"], title="Nieuwe titel", user="trainer")
    review.submit(ws, clips["c1"], user="trainer")
    with pytest.raises(ApprovalRefused, match="has not played the anonymised clip since its last edit"):
        review.approve(ws, clips["c1"], user="reviewer", attestations=review.CHECKLIST)


def test_excluded_consent_refuses_approval(ws_clips):
    ws, clips = ws_clips
    review.submit(ws, clips["c3"], user="trainer")
    listen_whole(ws, clips["c3"], user="reviewer")
    with pytest.raises(ApprovalRefused, match="consent decision is excluded"):
        review.approve(ws, clips["c3"], user="reviewer", attestations=review.CHECKLIST)


def test_undisguised_voice_refused_unless_reenactment_only(ws_clips):
    ws, clips = ws_clips
    assert anonymise_clip(ws, clips["c2"], user="trainer", voice="none").ok  # re-enactment only: allowed
    _tamper_anonymisation(ws, clips["c1"], lambda ws, files, report: report["voice"].update(method="none"))
    for key in ("c1", "c2"):
        review.submit(ws, clips[key], user="trainer")
        listen_whole(ws, clips[key], user="reviewer")
    with pytest.raises(ApprovalRefused, match="voices were not disguised"):
        review.approve(ws, clips["c1"], user="reviewer", attestations=review.CHECKLIST)
    clip = review.approve(ws, clips["c2"], user="reviewer", attestations=review.CHECKLIST)
    assert clip.state == "approved" and clip.details["approved_consent"]["decision"] == "reenactment_required"


def _tamper_anonymisation(ws, clip_id, change):
    """Change the stored anonymisation (as a buggy stage might have left it) and keep its checksums."""
    from curation.checksums import sha256_file

    with ws.transaction() as conn:
        row = conn.execute(sa.select(clip_anonymisations).where(clip_anonymisations.c.clip_id == clip_id)).first()
        files, report = json.loads(row.files_json), json.loads(row.report_json)
        change(ws, files, report)
        for entry in files.values():
            entry["sha256"] = sha256_file(ws.root / entry["path"])
        conn.execute(sa.update(clip_anonymisations).where(clip_anonymisations.c.clip_id == clip_id)
                     .values(files_json=json.dumps(files), report_json=json.dumps(report)))


def test_unresolved_pii_in_the_anonymised_transcript_refuses_approval(ws_clips):
    ws, clips = ws_clips

    def leak(ws, files, report):
        path = ws.root / files["transcript_json"]["path"]
        doc = json.loads(path.read_text())
        for w in doc["words"]:
            if w.get("redacted") == "PHONE_NUMBER":
                w["text"] = "0612345678."
                w.pop("redacted")
        path.write_text(json.dumps(doc))

    _tamper_anonymisation(ws, clips["c1"], leak)
    review.submit(ws, clips["c1"], user="trainer")
    listen_whole(ws, clips["c1"], user="reviewer")
    with pytest.raises(ApprovalRefused, match="re-scan of the anonymised transcript finds 1 unresolved PII span"):
        review.approve(ws, clips["c1"], user="reviewer", attestations=review.CHECKLIST)


def test_an_unverified_bleep_refuses_approval(ws_clips):
    ws, clips = ws_clips
    _tamper_anonymisation(ws, clips["c1"], lambda ws, files, report: report["redactions"][0].update(verified=False))
    review.submit(ws, clips["c1"], user="trainer")
    listen_whole(ws, clips["c1"], user="reviewer")
    with pytest.raises(ApprovalRefused, match="1 of 3 bleep interval\\(s\\) not verified"):
        review.approve(ws, clips["c1"], user="reviewer", attestations=review.CHECKLIST)


def test_a_changed_anonymised_file_refuses_approval(ws_clips):
    ws, clips = ws_clips
    review.submit(ws, clips["c1"], user="trainer")
    listen_whole(ws, clips["c1"], user="reviewer")
    with ws.engine.connect() as conn:
        from curation.clips.store import load_anonymisation
        vtt = ws.root / load_anonymisation(conn, clips["c1"])["files"]["transcript_vtt"]["path"]
    vtt.write_text(vtt.read_text().replace("[NAAM]", "Jan de Vries"))
    with pytest.raises(ApprovalRefused, match="transcript_vtt is missing or changed"):
        review.approve(ws, clips["c1"], user="reviewer", attestations=review.CHECKLIST)


# ---- two reviewers at once ----------------------------------------------------------------------

def test_compare_and_set_refuses_the_second_of_two_decisions(ws_clips):
    ws, clips = ws_clips
    from curation.roles import operation

    review.submit(ws, clips["c1"], user="trainer")
    with operation(ws, "clips.review", "test.decided", user="reviewer") as op:  # reviewer A decides...
        lock_clip(op.conn, clips["c1"])
        transition(op.conn, clips["c1"], {"submitted"}, "approved", "approve it")
    with pytest.raises(ClipStateError, match="is approved; cannot reject"):  # ...reviewer B read it as submitted
        with operation(ws, "clips.review", "test.decided", user="reviewer2") as op:
            transition(op.conn, clips["c1"], {"submitted"}, "rejected", "reject it")


def test_two_reviewers_acting_at_once_one_wins(ws_clips):
    ws, clips = ws_clips
    from curation.workspace import Workspace

    review.submit(ws, clips["c1"], user="trainer")
    listen_whole(ws, clips["c1"], user="reviewer")
    results: dict[str, object] = {}
    barrier = threading.Barrier(2)

    def act(name, fn):
        mine = Workspace.open(ws.root)
        try:
            barrier.wait()
            results[name] = fn(mine).state
        except CurationError as exc:
            results[name] = exc
        finally:
            mine.close()

    threads = [threading.Thread(target=act, args=("approve", lambda w: review.approve(w, clips["c1"], user="reviewer", attestations=review.CHECKLIST))),
               threading.Thread(target=act, args=("reject", lambda w: review.reject(w, clips["c1"], reason="Niet geschikt",
                                                                                   user="reviewer2")))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    won = [k for k, v in results.items() if isinstance(v, str)]
    lost = [v for v in results.values() if isinstance(v, CurationError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert isinstance(lost[0], (ClipStateError, ConcurrentChange))
    assert state(ws, clips["c1"]) == {"approve": "approved", "reject": "rejected"}[won[0]]


# ---- the command line -----------------------------------------------------------------------------

def test_cli_review_flow_and_one_line_refusals(ws_clips, monkeypatch, capsys, tmp_path):
    ws, clips = ws_clips
    w = ["--workspace", ws.root, "--clip", clips["c1"]]
    assert run_cli(monkeypatch, capsys, "review", "submit", *w)[:2] == (0, f"clip {clips['c1']}: submitted\n")
    code, out, err = run_cli(monkeypatch, capsys, "review", "approve", *w, user="reviewer")
    assert code == 5 and err.count("\n") == 1 and "has not played the anonymised clip" in err
    code, out, err = run_cli(monkeypatch, capsys, "review", "approve", *w, user="trainer")
    assert code == 3 and err.count("\n") == 1 and "may not approve clips" in err
    run_cli(monkeypatch, capsys, "clips", "audio", *w, "--out", tmp_path / "x.mp3", user="reviewer")
    code, out, err = run_cli(monkeypatch, capsys, "review", "approve", *w, "--attest-all", user="reviewer")
    assert code == 5 and "has not played the anonymised clip" in err  # a file written is not a listen
    listen_whole(ws, clips["c1"], user="reviewer")
    code, out, err = run_cli(monkeypatch, capsys, "review", "approve", *w, "--attest", "listened", user="reviewer")
    assert code == 5 and err.count("\n") == 1 and "did not attest" in err and "Voices are disguised" in err
    assert "I listened" not in err  # the attested item is not asked for again
    code, out, err = run_cli(monkeypatch, capsys, "review", "approve", *w, "--attest", "nonsense", user="reviewer")
    assert code == 1 and "unknown checklist item(s) nonsense" in err and "listened" in err
    code, out, err = run_cli(monkeypatch, capsys, "review", "approve", *w, "--attest-all", user="reviewer")
    assert code == 0 and out.endswith(f"clip {clips['c1']}: approved\n"), err
    assert "[x] transcript_clean: The redacted transcript names no person" in out
    assert load_clip_details(ws, clips["c1"])["approved_attestations"] == sorted(review.CHECKLIST)
    code, out, err = run_cli(monkeypatch, capsys, "review", "reject", *w, "--reason", "te laat", user="reviewer2")
    assert code == 5 and "is approved; cannot reject" in err


def test_cli_reject_and_request_changes_require_reason(ws_clips, monkeypatch, capsys):
    ws, clips = ws_clips
    w = ["--workspace", ws.root, "--clip", clips["c1"]]
    run_cli(monkeypatch, capsys, "review", "submit", *w)
    code, _, err = run_cli(monkeypatch, capsys, "review", "request-changes", *w, user="reviewer")
    assert code == 2 and "--reason" in err
    code, out, _ = run_cli(monkeypatch, capsys, "review", "request-changes", *w, "--reason", "Kortere clip",
                           user="reviewer")
    assert (code, out) == (0, f"clip {clips['c1']}: changes_requested\n")


def test_cli_check_and_revoke(ws_clips, monkeypatch, capsys, tmp_path):
    ws, clips = ws_clips
    w = ["--workspace", ws.root, "--clip", clips["c3"]]
    run_cli(monkeypatch, capsys, "review", "submit", *w)
    code, out, _ = run_cli(monkeypatch, capsys, "review", "check", *w, user="reviewer")
    assert code == 5 and "- reviewer has not played the anonymised clip since its last edit" in out
    assert "consent decision is excluded" in out
    code, out, err = run_cli(monkeypatch, capsys, "review", "revoke", *w, "--reason", "verzoek V-4", user="reviewer")
    assert (code, out) == (0, f"clip {clips['c3']}: revoked; packs revoked: none\n"), err
    assert state(ws, clips["c3"]) == "revoked"
