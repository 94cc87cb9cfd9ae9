#!/usr/bin/env bash
# Creates (or reuses) the virtualenv named by $1 and installs the workbench into it.
# Dependencies are reinstalled only when pyproject.toml changed; the package itself
# is always (re)linked in editable mode, which takes a few seconds.
set -euo pipefail
VENV=${1:-.venv}
PYTHON=${PYTHON:-python3}
HASH=$(sha1sum pyproject.toml | cut -c1-12)
STAMP="$VENV/.deps-$HASH"
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
if [ ! -f "$STAMP" ]; then
    echo "installing Python dependencies into $VENV"
    "$VENV/bin/pip" install -q --upgrade pip
    # torch-free: the CPU-only torch needed by the optional 'eval' extra is installed by benchmarks only.
    "$VENV/bin/pip" install -q -e ".[dev]"
    rm -f "$VENV"/.deps-*
    touch "$STAMP"
else
    "$VENV/bin/pip" install -q --no-deps -e . 2>&1 | grep -v "^$" || true
fi
# One-time heavy caches (kept inside the virtualenv, never in the source tree).
"$VENV/bin/python" -m curation.warmup
