"""Builds the slow one-time caches during set-up, so no test or notebook click waits on them.

Run by `make setup` (scripts/setup-venv.sh) as `python -m curation.warmup`.
"""

from __future__ import annotations

import sys


def main() -> int:
    # Each stage that has a heavy cache registers its builder here.
    builders: list = []
    try:
        from curation.pii import warm as warm_pii  # noqa: F401  (present once PII detection exists)
        builders.append(warm_pii)
    except ImportError:
        pass
    for build in builders:
        build()
    return 0


if __name__ == "__main__":
    sys.exit(main())
