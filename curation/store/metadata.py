"""Every table of every stage, as SQLAlchemy declares them, and which columns lack a personal-data
declaration. Stage table modules are found by name (`curation/<stage>/tables.py`), so a stage
added later is covered without being listed here."""

from __future__ import annotations

import importlib
from pathlib import Path

from curation.store.personal_data import TABLES


def table_modules() -> list[str]:
    """Every module defining tables: the catalogue schema and each stage's `tables.py`."""
    root = Path(__file__).resolve().parent.parent
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
    tables = all_tables() if tables is None else tables
    missing = [f"{t}.{c.name}" for t, table in sorted(tables.items()) for c in table.columns
               if c.name not in getattr(TABLES.get(t), "columns", {})]
    stale = [f"{t}.{c} (stale)" for t, decl in sorted(TABLES.items()) for c in decl.columns
             if t not in tables or c not in tables[t].columns]
    return missing + stale
