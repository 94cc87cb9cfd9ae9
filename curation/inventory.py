"""The personal-data inventory: whose personal data every column and every kind of workspace file
can hold, and what an erasure request and a retention expiry do with it. Declared once (in
`curation.store.personal_data`); erasure, retention, subject-access exports, the manager-safe
aggregates and `curation doctor` all read it, so nothing depends on a list kept by hand.

API:
    personal_columns(subject=None) -> [ColumnDeclaration]   columns that can hold personal data
                                                            (of `subject`: customer, agent, user)
    is_personal(table, column, subject=None) -> bool        an undeclared column counts as personal
    declaration(table, column) -> ColumnDeclaration         KeyError when undeclared
    table_declaration(table) -> TableDeclaration;  declared_tables() -> {name: TableDeclaration}
    file_kinds() -> [FileKind];  file_kind_of(relative_path) -> FileKind | None
    all_tables() -> {name: sqlalchemy.Table}                every table of every stage's metadata
    undeclared() -> ["table.column", ...]                   columns nobody declared (must be empty)

A column's treatment for a purpose ("erasure" of a customer, "retention" expiry of an original):
`keep`, `delete_row` (its table deletes that call's rows), `overwrite` (with `replacement`) or
`scrub` (a named function removes the personal part of a structured value:
`curation.store.forget.SCRUBBERS`). A table says how its rows belong to a call (`belongs_to`
"call" or "clip", through its `link` column); a file kind says what each purpose does with it.
"""

from __future__ import annotations

from curation.store.metadata import all_tables, table_modules, undeclared
from curation.store.personal_data import (FILE_KINDS, PURPOSES, SUBJECTS, TABLES, TREATMENTS, ColumnDeclaration,
                                          FileKind, TableDeclaration, file_kind_of)

__all__ = ["PURPOSES", "SUBJECTS", "TREATMENTS", "ColumnDeclaration", "FileKind", "TableDeclaration", "all_tables",
           "declaration", "declared_tables", "file_kind_of", "file_kinds", "is_personal", "personal_columns",
           "table_declaration", "table_modules", "undeclared"]


def declared_tables() -> dict[str, TableDeclaration]:
    return TABLES


def table_declaration(table: str) -> TableDeclaration:
    return TABLES[table]


def declaration(table: str, column: str) -> ColumnDeclaration:
    return TABLES[table].columns[column]


def is_personal(table: str, column: str, subject: str | None = None) -> bool:
    """Can `table.column` hold personal data (of `subject`)? An undeclared column counts as personal."""
    try:
        decl = declaration(table, column)
    except KeyError:
        return True
    return decl.personal if subject is None else subject in decl.subjects


def personal_columns(subject: str | None = None) -> list[ColumnDeclaration]:
    if subject is not None and subject not in SUBJECTS:
        raise ValueError(f"unknown subject {subject!r}; one of {', '.join(SUBJECTS)}")
    return [c for t in TABLES.values() for c in t.columns.values()
            if c.personal and (subject is None or subject in c.subjects)]


def file_kinds() -> list[FileKind]:
    return list(FILE_KINDS)
