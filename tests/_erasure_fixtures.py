"""A workspace that went through every stage with one customer's two calls in it: built from the
synthetic corpus (difficulty scored, consent analysed, clips cut and anonymised, one reviewed and
packed, a subject-access export made). Built once per test session, copied for every test."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from tests.pg import copy_workspace

SEED, CALLS = 3, 8
TARGETS = ("c0006-s3", "c0007-s3")  # one customer's two calls (the manifest gives both the same reference)
OTHER = "c0002-s3"                  # another customer, packed together with the target's clip
EXPIRED, KEPT = "2026-01-31", "2030-01-01"
USERS = {"trainer": "trainer", "reviewer": "privacy_reviewer", "manager": "manager"}

_TEMPLATE: dict = {}


def _rewrite_manifest(corpus: Path) -> str:
    """Both target calls belong to the first target's customer; consent allows training everywhere;
    the target calls are past retention on 2026-06-01, the others are not. Returns the reference."""
    path = corpus / "manifest.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ref = next(r["customer_ref"] for r in rows if r["call_id"] == TARGETS[0])
    for row in rows:
        target = row["call_id"] in TARGETS
        row.update(notice_played="true", notice_purposes="quality;training", customer_objected="false",
                   employee_informed="true", secret_recording="false", retention_until=EXPIRED if target else KEPT)
        if target:
            row["customer_ref"] = ref
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return ref


def _approve(ws, clip_id: str) -> None:
    from curation import review
    from tests._clip_fixtures import listen_whole

    review.submit(ws, clip_id, user="trainer")
    listen_whole(ws, clip_id, user="reviewer")
    problems = review.approval_problems(ws, clip_id, user="reviewer")
    assert not problems, problems
    review.approve(ws, clip_id, user="reviewer", attestations=review.CHECKLIST)


def template(tmp_path_factory) -> dict:
    if "root" in _TEMPLATE:
        return dict(_TEMPLATE)
    import callcorpus

    from curation.clips import anonymise_clip, create_clip
    from curation.consent.analysis import analyse_consent
    from curation.difficulty.store import analyse_workspace
    from curation.ingest import ingest
    from curation.packs.build import build_pack
    from curation.roles import seed_demo_users
    from curation.subjects import access_subject
    from curation.workspace import Workspace

    base = tmp_path_factory.mktemp("erasure-template")
    corpus = base / "corpus"
    callcorpus.generate(corpus, calls=CALLS, seed=SEED)
    ref = _rewrite_manifest(corpus)
    ws = Workspace.create(base / "ws")
    seed_demo_users(ws, USERS)
    outcomes = ingest(ws, [corpus], actor="admin")
    assert all(o.status == "imported" for o in outcomes), [o.message for o in outcomes]
    analyse_workspace(ws, user="admin")
    analyse_consent(ws, user="trainer")
    clips = {}
    for key, call_id, end in (("target", TARGETS[0], 75.0), ("target_draft", TARGETS[1], 75.0),
                              ("other", OTHER, 40.0)):
        clip = create_clip(ws, call_id, 0.0, end, title="Lastig gesprek over de factuur", snap="word", user="trainer")
        result = anonymise_clip(ws, clip.id, user="trainer")
        assert result.ok, result.blocked_reason
        clips[key] = clip.id
    _approve(ws, clips["target"])
    _approve(ws, clips["other"])
    pack = build_pack(ws, "week1", [clips["target"], clips["other"]], ws.packs / "week1.zip",
                      title="Lastige gesprekken", objectives=["De-escalatie"], user="trainer")
    export = access_subject(ws, ref, user="reviewer")
    ws.close()
    truths = {p.name.split(".")[0]: json.loads(p.read_text("utf-8")) for p in corpus.glob("*.truth.json")}
    transcripts = {p.stem: " ".join(w["text"] for w in json.loads(p.read_text("utf-8"))["words"])
                   for p in corpus.glob("*.json") if not p.name.endswith(".truth.json")}
    _TEMPLATE.update(root=base / "ws", ref=ref, clips=clips, truths=truths, transcripts=transcripts,
                     pack=str(pack.path.relative_to(base / "ws")), export=str(export.path.relative_to(base / "ws")))
    return dict(_TEMPLATE)


def prepared(tmp_path_factory, tmp_path):
    """A fresh copy of the template: (workspace, template facts)."""
    from curation.workspace import Workspace

    from sqlalchemy import text

    facts = template(tmp_path_factory)
    copy_workspace(facts["root"], tmp_path / "ws")
    ws = Workspace.open(tmp_path / "ws")
    with ws.transaction() as conn:  # the pack register holds absolute paths: point them at the copy
        conn.execute(text("UPDATE packs SET path = replace(path, :old, :new)"),
                     {"old": str(facts["root"]), "new": str(ws.root)})
    return ws, facts
