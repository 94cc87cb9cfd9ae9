"""The build register's tables (migration 0007): one row per pack zip ever written, and its clips.

`location` is `workspace` (under W/packs/, the workspace deletes it on revocation) or `external`
(anywhere else: the register can only flag it). `state` is `present` or `external` while the copy
stands, `deleted` once the workspace removed it (revoked, replaced or found missing), `revoked`
for an external copy the workspace could not delete.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, Text

metadata = MetaData()

pack_builds = Table(
    "pack_builds", metadata,
    Column("id", String(32), primary_key=True),  # build-<hex>: one file written
    Column("pack_id", String(64), nullable=False),  # content id (packs.id)
    Column("name", String(256), nullable=False),
    Column("path", Text, nullable=False),  # absolute, symlinks resolved
    Column("location", String(16), nullable=False),  # workspace | external
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("clip_ids_json", Text, nullable=False),
    Column("built_by", String(128), nullable=False),
    Column("built_at", String(32), nullable=False),
    Column("state", String(16), nullable=False),  # present | external | deleted | revoked
    Column("state_at", String(32)),
    Column("state_reason", Text),
)

pack_build_clips = Table(
    "pack_build_clips", metadata,
    Column("build_id", String(32), primary_key=True),
    Column("clip_id", String(64), primary_key=True),
)

STANDING = ("present", "external")  # states of a copy that still exists as far as the register knows
