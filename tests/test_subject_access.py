"""A subject-access export is complete and holds nobody else's data: driven by the personal-data
inventory, it carries every row tied to the person's calls and clips with each column declared
personal for the customer (or nobody's), their recordings and anonymised clips, and no other
customer's call, no agent id and no workbench user's name."""

from __future__ import annotations

import io
import json
import os
import stat
import zipfile

import pytest
from sqlalchemy import select

from curation import inventory
from curation.errors import CurationError
from curation.store.schema import clips
from tests._erasure_fixtures import OTHER, TARGETS, USERS, prepared
from tests._leak_search import customer_words, search_bytes


@pytest.fixture
def ws_facts(tmp_path_factory, tmp_path):
    ws, facts = prepared(tmp_path_factory, tmp_path)
    yield ws, facts
    ws.close()


def _expected(ws, call_id) -> dict[str, list[dict]]:
    """What the inventory says the export holds for one call, read straight from the database."""
    tables = inventory.all_tables()
    with ws.engine.connect() as conn:
        clip_ids = list(conn.execute(select(clips.c.id).where(clips.c.call_id == call_id)).scalars())
        out = {}
        for name, decl in inventory.declared_tables().items():
            if not decl.belongs_to:
                continue
            ids = [call_id] if decl.belongs_to == "call" else clip_ids
            table = tables[name]
            rows = conn.execute(select(table).where(table.c[decl.link].in_(ids))).mappings().all() if ids else []
            if rows:
                keep = [c for c, d in decl.columns.items() if not d.subjects or "customer" in d.subjects]
                out[name] = [{c: row[c] for c in keep} for row in rows]
    return out


def test_the_export_holds_every_declared_column_of_the_persons_rows(ws_facts):
    ws, facts = ws_facts
    path = ws.root / facts["export"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        assert {n.split("/")[0] for n in names} == {*TARGETS, "README.txt"}
        for call_id in TARGETS:
            data = json.loads(zf.read(f"{call_id}/data.json"))
            expected = _expected(ws, call_id)
            assert set(data) == set(expected), call_id
            for table, rows in expected.items():
                assert len(data[table]) == len(rows), (call_id, table)
                personal = {c.column for c in inventory.personal_columns("customer") if c.table == table}
                for column in personal:
                    got = sorted(json.dumps(r[column], sort_keys=True, default=str) for r in data[table])
                    want = sorted(json.dumps(json.loads(v) if column.endswith("_json") and v else v,
                                             sort_keys=True, default=str) for v in (r[column] for r in rows))
                    assert got == want, (call_id, table, column)
            assert "difficulty_evidence" in data and "words" in data and "consent_records" in data
            audio = next(n for n in names if n.startswith(f"{call_id}/recording."))
            with ws.engine.connect() as conn:
                stored = conn.execute(select(inventory.all_tables()["calls"].c.audio_path)
                                      .where(inventory.all_tables()["calls"].c.id == call_id)).scalar_one()
            assert zf.read(audio) == (ws.root / stored).read_bytes()
        clip = facts["clips"]["target"]
        assert {f"{TARGETS[0]}/clips/{clip}/transcript.json", f"{TARGETS[0]}/clips/{clip}/audio.mp3"} <= names


def test_the_export_holds_no_other_customer_no_agent_id_and_no_user_name(ws_facts):
    ws, facts = ws_facts
    data = (ws.root / facts["export"]).read_bytes()
    background = " ".join(t for c, t in facts["transcripts"].items() if c != OTHER)
    others = customer_words([facts["truths"][OTHER]], background)
    found = []
    search_bytes("export", data, others, found)
    assert others and found == []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        text = "\n".join(zf.read(n).decode("utf-8", "ignore") for n in zf.namelist() if n.endswith(".json"))
    for column in ("agent_id", "created_by", "actor", "decided_by", "evaluated_by", "imported_by", "handled_by"):
        assert f'"{column}"' not in text, column
    for name in (*USERS, "admin"):
        assert f'"{name}"' not in text, name
    assert "agent-" not in text


def test_an_export_inside_the_workspace_goes_to_its_exports_folder_only(ws_facts, tmp_path):
    from curation.subjects import access_subject

    ws, facts = ws_facts
    for inside in (ws.root / "packs" / "x.zip", ws.root / "catalogue.sqlite", ws.root / "exports" / "mine.zip"):
        with pytest.raises(CurationError, match="inside the workspace"):
            access_subject(ws, facts["ref"], inside, user="reviewer")
    outside = access_subject(ws, facts["ref"], tmp_path / "out" / "inzage", user="reviewer")
    assert sorted(p.name for p in outside.path.iterdir()) == sorted([*TARGETS, "README.txt"])
