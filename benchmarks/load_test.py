"""Load test: several processes working on one workspace at once for a fixed time — two reviewers
(each also editing as a trainer) on the same clips, an importer, and an exporter that builds packs,
answers access requests and imports the same recordings as the importer at the same moments.

Counts, per process, the operations acknowledged, the clear refusals ("changed by someone else",
a state that moved on, a pack refused because a clip changed) and the errors (anything else); then
checks that nothing acknowledged was lost: every acknowledged operation has its audit event, every
imported call is there exactly once, the hash chain verifies. Writes benchmarks/results/load_test.json.

    .venv/bin/python benchmarks/load_test.py [--database postgresql|sqlite] [--seconds 60] [--workers 4]
    .venv/bin/python benchmarks/load_test.py --database-server postgresql+psycopg://user@host:5432/postgres

`--database postgresql` starts a throw-away PostgreSQL server (Debian's `postgresql`, as the test
suite does); `--database-server` uses an existing one (a new database is created on it).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "datasets")]

CLIPS = 6
SLOT = 0.25  # seconds: in each slot the importer and the exporter both import the same new recording
ACTIONS = {"submit": "clip.submitted", "approve": "clip.approved", "request_changes": "clip.changes_requested",
           "edit": "clip.updated", "pack": "pack.built", "access": "subject.access_exported"}


def prepare(root: Path, database_server: str | None) -> dict:
    """A workspace with users, CLIPS anonymised draft clips (training allowed) and recordings to import."""
    from curation.clips import anonymise_clip, create_clip
    from curation.roles import add_user
    from curation.workspace import Workspace
    from tests._clip_fixtures import populate

    ws = Workspace.create(root / "ws", database_server=database_server)
    add_user(ws, "admin", "admin", user="admin")
    stems = ["call1"] + [f"call{i}" for i in range(4, CLIPS + 3)]  # all with training allowed (call2/3 are not)
    populate(ws, root, stems=stems)
    clips = []
    for stem in stems:
        clip = create_clip(ws, stem, 0.0, 11.0, title="Boze klant", snap="word", user="trainer")
        result = anonymise_clip(ws, clip.id, user="trainer")
        assert result.ok, result.blocked_reason
        clips.append(clip.id)
    ws.close()
    return {"clips": clips}


def recording(root: Path, who: str, stem: str) -> Path:
    """A one-call folder (recording, transcript, manifest; training allowed) written for `who`: the
    same stem gives the same bytes, so two processes importing it import the same recording."""
    import zlib

    from tests._clip_fixtures import make_call, write_manifest

    folder = root / who / stem
    make_call(folder / stem, stem, seed=zlib.crc32(stem.encode()))  # the letters' sum repeats across stems
    write_manifest(folder, [stem])
    return folder


def worker(role: str, root: str, seconds: float, seed: int, clips: list[str], out: str) -> None:
    from curation import review
    from curation.clips import get_clip, update_clip
    from curation.clips.listening import record_listening
    from curation.clips.store import ClipStateError
    from curation.errors import CurationError
    from curation.ingest import ingest
    from curation.packs import PackRefused, build_pack
    from curation.subjects import access_subject
    from curation.workspace import Workspace

    rng = random.Random(seed)
    ws = Workspace.open(Path(root) / "ws")
    log = []
    trainer, reviewer = {"reviewer-a": ("trainer", "reviewer"), "reviewer-b": ("trainer2", "reviewer2")}.get(
        role, ("trainer2", "reviewer2"))
    end, n, last_slot = time.monotonic() + seconds, 0, None

    def note(op, obj, outcome, detail=""):
        log.append({"role": role, "op": op, "object": obj, "outcome": outcome, "detail": detail[:300]})

    def attempt(op, obj, fn):
        try:
            fn()
            note(op, obj, "ok")
        except _AlreadyThere:  # the other process imported this recording first
            note(op, obj, "present")
        except (ClipStateError, PackRefused, review.ApprovalRefused) as exc:  # clear refusals a concurrent change gives
            note(op, obj, "refused", str(exc).splitlines()[0])
        except CurationError as exc:
            note(op, obj, "refused" if "someone else" in str(exc) else "error", f"{type(exc).__name__}: {exc}")
        except Exception as exc:
            note(op, obj, "error", f"{type(exc).__name__}: {exc} | " + traceback.format_exc(limit=3)[-600:])

    while time.monotonic() < end:
        if role.startswith("reviewer"):
            cid = rng.choice(clips)
            state = get_clip(ws, cid, user=reviewer).state
            if state == "changes_requested":  # the trainer fixes it, then submits it again
                attempt("edit", cid, lambda: update_clip(ws, cid, title=f"Boze klant, korter {n}", user=trainer))
                attempt("submit", cid, lambda: review.submit(ws, cid, user=trainer))
            elif state == "draft":
                attempt("submit", cid, lambda: review.submit(ws, cid, user=trainer))
            elif state == "submitted" and rng.random() < 0.7:
                def approve():
                    clip = get_clip(ws, cid, user=reviewer)  # the reviewer hears the whole clip
                    record_listening(ws, cid, [(0.0, clip.duration)], user=reviewer, source="load test")
                    review.approve(ws, cid, user=reviewer, attestations=review.CHECKLIST)
                attempt("approve", cid, approve)
            elif state == "submitted":
                attempt("request_changes", cid, lambda: review.request_changes(ws, cid, "Graag korter", user=reviewer))
            elif state in ("approved", "packed") and rng.random() < 0.05:
                attempt("edit", cid, lambda: update_clip(ws, cid, title=f"Boze klant {n}", user=trainer))
        else:
            slot = int(time.time() / SLOT)
            if slot != last_slot:  # both processes race to import this slot's recording
                folder, last_slot = recording(Path(root), role, f"dup{slot}"), slot
                attempt("import", folder.name, lambda: _expect_import(ingest(ws, [folder], actor="admin")))
            if role == "importer":
                folder = recording(Path(root), role, f"new{n:05d}")
                attempt("import", folder.name, lambda: _expect_import(ingest(ws, [folder], actor="admin")))
            else:  # exporter: a pack of what is approved, an access request
                approved = [c for c in clips if get_clip(ws, c, user="trainer2").state == "approved"]
                if approved:
                    attempt("pack", f"load-{n}", lambda: build_pack(ws, f"load-{n}", approved[:3], None, "Belasting",
                                                                     user="trainer2"))
                attempt("access", "K-call1", lambda: access_subject(ws, "K-call1", user="reviewer2"))
        n += 1
    ws.close()
    Path(out).write_text("\n".join(json.dumps(r) for r in log) + "\n", encoding="utf-8")


def _expect_import(outcomes) -> None:
    """An import counts as acknowledged when its one recording was imported or skipped as present."""
    from curation.errors import CurationError

    (outcome,) = outcomes
    if outcome.status == "failed":
        raise CurationError(f"import failed: {outcome.message}")
    if outcome.status == "skipped":
        raise _AlreadyThere(outcome.message)


class _AlreadyThere(Exception):
    pass


def check(root: Path, logs: list[dict]) -> dict:
    """Nothing acknowledged lost: audit events cover the acknowledged operations; each recording once."""
    from sqlalchemy import text

    from curation import audit
    from curation.workspace import Workspace

    ws = Workspace.open(root / "ws")
    with ws.engine.connect() as conn:
        chain = audit.verify(conn)
        events = Counter(conn.execute(text("SELECT action FROM audit_events")).scalars())
        calls = list(conn.execute(text("SELECT id FROM calls")).scalars())
        per_checksum = conn.execute(text("SELECT source_checksum, count(*) FROM calls GROUP BY source_checksum "
                                         "HAVING count(*) > 1")).all()
    ws.close()
    acked = Counter(r["op"] for r in logs if r["outcome"] == "ok")
    lost = {op: max(0, acked[op] - events.get(action, 0)) for op, action in ACTIONS.items()}
    imported = Counter(r["object"] for r in logs if r["op"] == "import" and r["outcome"] == "ok")
    missing_calls = sorted(set(imported) - set(calls))
    return {"audit_chain_problems": len(chain), "lost_writes": sum(lost.values()) + len(missing_calls),
            "lost_by_operation": lost, "imported_calls_missing": missing_calls[:10],
            "imports_acknowledged_twice": sum(1 for c in imported.values() if c > 1),
            "recordings_imported_twice": len(per_checksum), "audit_events": dict(events)}


def _shape(message: str) -> str:
    """A refusal's message without its ids, so the same kind counts once."""
    import re

    return re.sub(r"\b(clip|pack|build)-[0-9a-f]+", r"\1-…", message)[:160]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--database-server", default=None, help="an existing PostgreSQL server (overrides --database)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=4, help="4: two reviewers, an importer, an exporter")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "load_test.json"))
    args = parser.parse_args(argv)
    from contextlib import nullcontext

    from tests.pg import postgres_cluster

    server = (nullcontext(args.database_server) if args.database_server else
              postgres_cluster() if args.database == "postgresql" else nullcontext(None))
    roles = ["reviewer-a", "reviewer-b", "importer", "exporter"][:args.workers]
    with server as url, tempfile.TemporaryDirectory(prefix="curation-load-") as tmp:
        root = Path(tmp)
        t0 = time.monotonic()
        facts = prepare(root, url)
        print(f"prepared in {time.monotonic() - t0:.0f} s; {len(roles)} processes for {args.seconds:.0f} s",
              file=sys.stderr)
        ctx = mp.get_context("spawn")
        procs = [ctx.Process(target=worker, args=(r, str(root), args.seconds, i, facts["clips"], str(root / f"{r}.jsonl")))
                 for i, r in enumerate(roles)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        logs = [json.loads(line) for r in roles if (root / f"{r}.jsonl").exists()
                for line in (root / f"{r}.jsonl").read_text().splitlines() if line]
        crashed = [r for r, p in zip(roles, procs) if p.exitcode != 0]
        result = check(root, logs)
    outcomes = Counter((r["op"], r["outcome"]) for r in logs)
    errors = [r for r in logs if r["outcome"] == "error"]
    report = {"database": "postgresql" if (args.database_server or args.database == "postgresql") else "sqlite",
              "processes": roles, "seconds": args.seconds, "crashed_processes": crashed,
              "operations": {f"{op} {o}": c for (op, o), c in sorted(outcomes.items())},
              "acknowledged": sum(1 for r in logs if r["outcome"] == "ok"),
              "refused_clearly": sum(1 for r in logs if r["outcome"] == "refused"),
              "errors": len(errors), "first_errors": [e["detail"] for e in errors[:5]],
              "refusals": dict(Counter(f'{r["op"]}: {_shape(r["detail"])}' for r in logs if r["outcome"] == "refused")),
              **result}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: report[k] for k in ("database", "acknowledged", "refused_clearly", "errors", "lost_writes",
                                             "recordings_imported_twice", "imports_acknowledged_twice",
                                             "audit_chain_problems", "crashed_processes")}))
    for e in errors[:5]:
        print("error:", e["detail"].splitlines()[0], file=sys.stderr)
    bad = (errors or result["lost_writes"] or result["audit_chain_problems"] or result["recordings_imported_twice"]
           or result["imports_acknowledged_twice"] or crashed)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
