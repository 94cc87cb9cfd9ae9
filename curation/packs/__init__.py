"""Clip packs for a course: build (atomic, reproducible, registered), verify, revoke.

- `build_pack(ws, name, clip_ids, out=None, title, objectives, notes, user, force)` -> `BuiltPack`
  (with `.verification` of the bytes written; `out=None` writes W/packs/<name>.zip)
- `verify_pack(path, ws=None)` -> `PackVerification` (`ok`, `problems`)
- `revoke_packs(ws, clip_ids, reason, user)` (audited) or, inside an audited operation,
  `revoke_builds(conn, clip_ids, reason)` -> `PackRevocation`; `revoke_for_clips` returns pack ids
- `reconcile(ws)`: clean what killed builds left; `all_builds(conn)`: every zip ever built
"""

from curation.packs.build import BuiltPack, PackRefused, build_pack
from curation.packs.manifest import manifest_frame, manifest_rows
from curation.packs.paths import PackPathRefused, default_path
from curation.packs.reconcile import Reconciliation, reconcile
from curation.packs.registry import BuildRecord, PackRecord, all_builds, all_packs
from curation.packs.revocation import PackRevocation, revoke_builds, revoke_for_clips, revoke_packs
from curation.packs.verify import PackInvalid, PackVerification, verify_pack

__all__ = ["BuildRecord", "BuiltPack", "PackInvalid", "PackPathRefused", "PackRecord", "PackRefused",
           "PackRevocation", "PackVerification", "Reconciliation", "all_builds", "all_packs", "build_pack",
           "default_path", "manifest_frame", "manifest_rows", "reconcile", "revoke_builds", "revoke_for_clips",
           "revoke_packs", "verify_pack"]
