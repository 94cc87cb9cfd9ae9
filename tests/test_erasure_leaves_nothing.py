"""Erasure and retention leave nothing: after a customer's erasure (or their originals' retention
expiry) none of their personal words is in any column of any table, in the raw bytes of the
database file and its -wal/-shm, or in any file under the workspace (zips opened, JSON decoded).
The workspace went through every stage first; the words come from the corpus' ground truth."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import func, select, text

from curation.store.schema import words
from tests._erasure_fixtures import OTHER, TARGETS, prepared
from tests._leak_search import customer_words, search_database, search_folder, summary


def _needles(facts, with_reference_hash: bool, ws) -> list[str]:
    background = " ".join(t for cid, t in facts["transcripts"].items() if cid not in TARGETS)
    needles = customer_words([facts["truths"][c] for c in TARGETS], background)
    needles.append(facts["ref"].lower())
    if with_reference_hash:
        needles.append(ws.keyed_hash(facts["ref"]))
    return needles


def _digests(ws, call_ids) -> set[str]:
    """SHA-256 of the originals of `call_ids` and of every derived file made from them."""
    from curation.catalogue import get_call
    from curation.store.schema import clips

    out = {get_call(ws, c, user="admin").source_checksum for c in call_ids}
    with ws.engine.connect() as conn:
        ids = conn.execute(select(clips.c.id).where(clips.c.call_id.in_(list(call_ids)))).scalars().all()
    for clip_id in ids:
        for path in (ws.derived / "clips" / clip_id).rglob("*"):
            if path.is_file():
                out.add(hashlib.sha256(path.read_bytes()).hexdigest())
    return out


def _files_with(ws, digests) -> list[str]:
    return sorted(str(p.relative_to(ws.root)) for p in ws.root.rglob("*")
                  if p.is_file() and hashlib.sha256(p.read_bytes()).hexdigest() in digests)


def _everything(ws, needles):
    return search_database(ws.engine, needles) + search_folder(ws.root, needles)


def _word_count(ws, call_id) -> int:
    with ws.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(words).where(words.c.call_id == call_id)).scalar_one()


@pytest.fixture
def ws_facts(tmp_path_factory, tmp_path):
    ws, facts = prepared(tmp_path_factory, tmp_path)
    yield ws, facts
    ws.close()


def test_the_search_finds_the_customer_everywhere_before_erasure(ws_facts):
    ws, facts = ws_facts
    needles = _needles(facts, True, ws)
    assert len(needles) >= 15, needles
    where = summary(_everything(ws, needles))
    raw = ("catalogue.sqlite",) if ws.engine.dialect.name == "sqlite" else ()  # a server's files are not in W
    for place in ("words.text", "difficulty_scores.top_reasons", "difficulty_evidence.quote", "calls.customer_ref_hash",
                  *raw, facts["export"], facts["pack"]):
        assert any(w == place or w.startswith(place + "!") for w in where), (place, sorted(where))


def test_erasure_leaves_no_personal_word_anywhere_and_a_tombstone(ws_facts):
    from curation.subjects import erase_subject

    ws, facts = ws_facts
    needles = _needles(facts, True, ws)
    digests = _digests(ws, TARGETS)
    other_before = _word_count(ws, OTHER)

    outcome = erase_subject(ws, facts["ref"], user="reviewer")

    assert sorted(outcome.calls) == sorted(TARGETS) and outcome.notes == []
    found = _everything(ws, needles)
    assert found == [], f"{len(needles)} words searched; left after erasure: {summary(found)}"
    assert _files_with(ws, digests) == []
    with ws.engine.connect() as conn:
        ids = {"i": outcome.request_id}
        tombstone = conn.execute(text("SELECT kind FROM subject_requests WHERE id = :i"), ids).one()
        event = conn.execute(text("SELECT action FROM audit_events WHERE object_id = :i"), ids).one()
    assert tombstone.kind == "erasure" and event.action == "subject.erased"
    assert _word_count(ws, OTHER) == other_before > 0  # another customer's data stays
    assert (ws.derived / "clips" / facts["clips"]["other"]).is_dir()


def test_retention_expiry_leaves_no_personal_word_outside_the_kept_anonymised_clips(ws_facts):
    from curation.retention import run_retention

    ws, facts = ws_facts
    needles = _needles(facts, False, ws)  # the reference's keyed hash stays: a later erasure must find the clips
    originals = {hashlib.sha256((ws.root / p).read_bytes()).hexdigest()
                 for p in (ws.root / "originals").rglob("*") if p.is_file()}

    report = run_retention(ws, dry_run=False, today=date(2026, 6, 1), user="reviewer")

    assert sorted(report.deleted) == sorted(TARGETS) and report.notes == []
    kept = {f"derived/clips/{facts['clips']['target']}", f"derived/clips/{facts['clips']['target_draft']}",
            facts["pack"]}
    found = [f for f in _everything(ws, needles) if not any(f.where.startswith(k) for k in kept)]
    assert found == [], f"{len(needles)} words searched; left after retention: {summary(found)}"
    left = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (ws.root / "originals").rglob("*") if p.is_file()}
    assert len(originals - left) == 2 and _word_count(ws, OTHER) > 0


def test_a_reviewer_s_words_quoting_the_customer_go_with_the_erasure_and_never_enter_the_audit_trail(ws_facts):
    """Reasons are typed by people and may quote the call. They live in the review history and the
    consent override, which an erasure reaches; the append-only audit trail keeps only their length."""
    from curation import review
    from curation.consent.decisions import override_decision
    from curation.subjects import erase_subject

    ws, facts = ws_facts
    needles = _needles(facts, False, ws)
    quoted = " ".join(needles[:4])
    draft = facts["clips"]["target_draft"]
    review.submit(ws, draft, user="trainer")
    review.request_changes(ws, draft, f"De klant noemt zich {quoted}; bleep dat ook", user="reviewer")
    override_decision(ws, facts["clips"]["target"], "excluded", f"Klant {quoted} wilde niet meedoen", user="reviewer")
    where = summary(_everything(ws, needles))
    assert any(w.startswith("reviews.reason") for w in where) and any(w.startswith("consent_overrides.reason")
                                                                       for w in where), sorted(where)
    assert not any(w.startswith("audit_events") for w in where), sorted(where)

    erase_subject(ws, facts["ref"], user="reviewer")

    found = _everything(ws, needles)
    assert found == [], f"left after erasure: {summary(found)}"
