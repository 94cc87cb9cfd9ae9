"""Clip packs for a course: build (atomic, reproducible, registered), verify, revoke.

- `build_pack(ws, name, clip_ids, out, title, objectives, notes, user)` -> `BuiltPack`
- `verify_pack(path)` -> `PackVerification` (`ok`, `problems`)
- `revoke_for_clips(conn, clip_ids, reason)` -> pack ids (for erasure requests)
"""

from curation.packs.build import BuiltPack, PackRefused, build_pack
from curation.packs.manifest import manifest_frame, manifest_rows
from curation.packs.registry import PackRecord, all_packs, revoke_for_clips
from curation.packs.verify import PackInvalid, PackVerification, verify_pack

__all__ = ["BuiltPack", "PackInvalid", "PackRecord", "PackRefused", "PackVerification", "all_packs", "build_pack",
           "manifest_frame", "manifest_rows", "revoke_for_clips", "verify_pack"]
