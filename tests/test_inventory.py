"""The personal-data inventory is complete and consistent: every column of every table and every
kind of workspace file is declared, and a column added later fails here until it is declared."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, MetaData, Table, Text, inspect

from curation import inventory
from curation.store import personal_data
from curation.store.forget import SCRUBBERS


def test_every_column_of_every_table_is_declared_and_no_declaration_is_stale():
    assert inventory.undeclared() == []
    assert set(inventory.declared_tables()) == set(inventory.all_tables())


def test_a_column_added_later_fails_until_it_is_declared():
    tables = dict(inventory.all_tables())
    words = tables["words"]
    grown = Table("words", MetaData(), *(Column(c.name, c.type) for c in words.columns), Column("customer_note", Text))
    tables["words"] = grown
    assert inventory.undeclared(tables) == ["words.customer_note"]
    tables["call_notes"] = Table("call_notes", MetaData(), Column("call_id", Text), Column("text", Text))
    assert inventory.undeclared(tables) == ["call_notes.call_id", "call_notes.text", "words.customer_note"]


def test_every_table_a_migration_creates_is_in_the_metadata(workspace):
    with workspace.engine.connect() as conn:
        created = set(inspect(conn).get_table_names())
    assert created - personal_data.TECHNICAL_TABLES == set(inventory.all_tables())


def test_erasure_reaches_every_column_that_can_hold_a_customers_data():
    for column in inventory.personal_columns("customer"):
        table = inventory.table_declaration(column.table)
        assert table.belongs_to in ("call", "clip"), f"{column.table}: erasure cannot tell whose rows these are"
        assert column.erasure != "keep", f"{column.table}.{column.column} is kept on erasure"


def test_declarations_are_well_formed():
    tables = inventory.all_tables()
    for name, table in inventory.declared_tables().items():
        assert table.erasure in ("delete_rows", "keep_rows") and table.retention in ("delete_rows", "keep_rows")
        if table.belongs_to:
            assert table.link in tables[name].columns, name
        for column in table.columns.values():
            assert column.subjects <= set(inventory.SUBJECTS), (name, column.column)
            for purpose in inventory.PURPOSES:
                assert column.treatment(purpose) in inventory.TREATMENTS, (name, column.column)
                if column.treatment(purpose) == "scrub":
                    assert column.scrubber in SCRUBBERS, (name, column.column)
                if column.treatment(purpose) in ("overwrite", "scrub"):
                    assert column.personal, f"{name}.{column.column}: changed although it holds nothing personal"
            if column.treatment("erasure") == "overwrite" and not tables[name].c[column.column].nullable:
                assert column.replacement is not None, f"{name}.{column.column} is NOT NULL"


def test_every_file_kind_that_purposes_delete_can_be_found_and_every_folder_has_a_kind():
    from curation.retention import LOCATORS
    from curation.workspace import DATABASE_FILES, FOLDERS, WORKSPACE_FILE

    for kind in inventory.file_kinds():
        if "delete" in (kind.erasure, kind.retention):
            assert kind.name in LOCATORS, kind.name
    for rel in (*FOLDERS, *DATABASE_FILES, WORKSPACE_FILE, "originals/ab/abcd.wav", "keys/secret.key",
                "derived/clips/clip-1/v-1/audio.mp3", "packs/week1.zip", "exports/req-1.zip", "tmp/forget-x.json"):
        assert inventory.file_kind_of(rel) is not None, rel
    assert inventory.file_kind_of("originals/ab/abcd.wav").name == "original recording"
    assert inventory.file_kind_of("catalogue.sqlite-wal").private
    assert inventory.file_kind_of("notes.txt") is None


def test_the_api_the_aggregates_read():
    customer = {(c.table, c.column) for c in inventory.personal_columns("customer")}
    assert {("difficulty_scores", "top_reasons"), ("words", "text"), ("difficulty_evidence", "quote"),
            ("consent_records", "details_json"), ("calls", "customer_ref_hash")} <= customer
    assert ("calls", "agent_id") not in customer
    assert inventory.is_personal("calls", "agent_id") and inventory.is_personal("calls", "agent_id", "agent")
    assert not inventory.is_personal("calls", "agent_id", "customer")
    assert not inventory.is_personal("calls", "duration") and not inventory.is_personal("difficulty_scores", "score")
    assert inventory.is_personal("calls", "a_column_nobody_declared")  # unknown counts as personal
    assert inventory.declaration("words", "text").subjects == {"customer", "agent"}
    with pytest.raises(ValueError):
        inventory.personal_columns("manager")
