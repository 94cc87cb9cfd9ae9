"""The personal-data inventory: whose personal data every column and every kind of workspace file
can hold, and what an erasure request and a retention expiry do with it. Declared once (the data
lives in `curation.store.personal_data`); erasure, retention, subject-access exports, the
manager-safe aggregates and `curation doctor` all read it, so nothing depends on a list kept by hand.

API:
    personal_columns(subject=None) -> [ColumnDeclaration]   columns that can hold personal data
                                                            (of `subject`: customer, agent, user)
    is_personal(table, column, subject=None) -> bool
    declaration(table, column) -> ColumnDeclaration         KeyError when undeclared
    table_declaration(table) -> TableDeclaration
    declared_tables() -> {name: TableDeclaration}
    file_kinds() -> [FileKind];  file_kind_of(relative_path) -> FileKind | None
    all_tables() -> {name: sqlalchemy.Table}                every table of every stage's metadata
    undeclared() -> ["table.column", ...]                   columns nobody declared (must be empty)

Treatments of a column for a purpose ("erasure" of a customer, "retention" expiry of an original):
`keep`, `delete_row` (the table deletes that call's rows), `overwrite` (with `replacement`) or
`scrub` (a named function removes the personal part of a structured value, in `curation.store.forget`).
"""

from __future__ import annotations

import fnmatch
import importlib
from dataclasses import dataclass, field
from pathlib import Path

SUBJECTS = ("customer", "agent", "user")
PURPOSES = ("erasure", "retention")
TREATMENTS = ("keep", "delete_row", "overwrite", "scrub")


@dataclass(frozen=True)
class ColumnDeclaration:
    """One column: whose personal data it can hold and what each purpose does with it."""

    table: str
    column: str
    subjects: frozenset[str]
    erasure: str = "keep"
    retention: str = "keep"
    replacement: object = None   # the value `overwrite` writes
    scrubber: str | None = None  # the function `scrub` applies (curation.store.forget.SCRUBBERS)
    why: str = ""

    @property
    def personal(self) -> bool:
        return bool(self.subjects)

    def treatment(self, purpose: str) -> str:
        return {"erasure": self.erasure, "retention": self.retention}[purpose]


@dataclass(frozen=True)
class TableDeclaration:
    """A table: how its rows belong to a call (hence to a customer) and whether a purpose deletes them."""

    name: str
    belongs_to: str | None        # "call" | "clip" | None (not tied to one call)
    link: str | None              # the column holding that call's or clip's id
    erasure: str                  # "delete_rows" | "keep_rows"
    retention: str
    columns: dict[str, ColumnDeclaration] = field(default_factory=dict)
    why: str = ""

    def deletes_rows(self, purpose: str) -> bool:
        return {"erasure": self.erasure, "retention": self.retention}[purpose] == "delete_rows"


@dataclass(frozen=True)
class FileKind:
    """A kind of file in the workspace folder, found by glob patterns relative to its root."""

    name: str
    patterns: tuple[str, ...]
    subjects: frozenset[str]
    erasure: str                  # "delete" | "keep" | "revoke_packs" | "rows" (the database: per table)
    retention: str
    private: bool                 # its files must be owner-only (curation doctor checks each one)
    exported: bool = False        # goes into a subject-access export
    why: str = ""

    def matches(self, relative: str) -> bool:
        return any(fnmatch.fnmatchcase(relative, p) or relative == p.rstrip("/*") for p in self.patterns)


def _data():
    from curation.store import personal_data

    return personal_data


def declared_tables() -> dict[str, TableDeclaration]:
    return _data().TABLES


def table_declaration(table: str) -> TableDeclaration:
    return declared_tables()[table]


def declaration(table: str, column: str) -> ColumnDeclaration:
    return declared_tables()[table].columns[column]


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
    return [c for t in declared_tables().values() for c in t.columns.values()
            if c.personal and (subject is None or subject in c.subjects)]


def file_kinds() -> list[FileKind]:
    return list(_data().FILE_KINDS)


def file_kind_of(relative_path: str) -> FileKind | None:
    """The declared kind of a file given by its path relative to the workspace root (first match)."""
    rel = Path(relative_path).as_posix().lstrip("./")
    return next((k for k in file_kinds() if k.matches(rel)), None)


def table_modules() -> list[str]:
    """Every module defining tables: the catalogue schema and each stage's `tables.py`."""
    root = Path(__file__).resolve().parent
    stages = sorted(p.parent.name for p in root.glob("*/tables.py"))
    return ["curation.store.schema"] + [f"curation.{s}.tables" for s in stages]


def all_tables() -> dict:
    """name -> sqlalchemy.Table for every table any stage declares in SQLAlchemy metadata."""
    from sqlalchemy import MetaData

    found = {}
    for name in table_modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, MetaData):
                found.update(value.tables)
    return found


def undeclared(tables: dict | None = None) -> list[str]:
    """`table.column` of every column in the metadata (or in `tables`) without a declaration, and
    every declaration naming a column that no longer exists (`table.column (stale)`)."""
    tables, declared = (all_tables() if tables is None else tables), declared_tables()
    missing = [f"{t}.{c.name}" for t, table in sorted(tables.items()) for c in table.columns
               if c.name not in getattr(declared.get(t), "columns", {})]
    stale = [f"{t}.{c} (stale)" for t, decl in sorted(declared.items()) for c in decl.columns
             if t not in tables or c not in tables[t].columns]
    return missing + stale
