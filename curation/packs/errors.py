"""Why a pack is not built: one error type, exit code 5, nothing written."""

from __future__ import annotations

from curation.errors import CurationError


class PackRefused(CurationError):
    """The pack cannot be built from these inputs or at that place (nothing was written)."""

    exit_code = 5
