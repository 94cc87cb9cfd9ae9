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
    if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2
        exit 1
    fi
    if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
        echo "the venv module is missing: apt-get install -y python3-venv (or set PYTHON to another python3)" >&2
        exit 1
    fi
    "$PYTHON" -m venv "$VENV"
fi
if [ ! -f "$STAMP" ]; then
    echo "installing Python dependencies into $VENV"
    "$VENV/bin/pip" install -q --upgrade pip 2>&1 | grep -v "is ignored: it is neither" || true
    # torch-free: the CPU-only torch of the optional 'eval' extra is installed for benchmarks only.
    "$VENV/bin/pip" install -q -e ".[dev]" 2>&1 | grep -v "is ignored: it is neither" || true
    "$VENV/bin/python" -c "import curation, callcorpus, widgets, presidio_analyzer, parselmouth" \
        || { echo "installing the Python dependencies failed (see above)" >&2; exit 1; }
    rm -f "$VENV"/.deps-*
    touch "$STAMP"
else
    "$VENV/bin/pip" install -q --no-deps -e . >/dev/null 2>&1 \
        || { echo "re-linking the package into $VENV failed" >&2; exit 1; }
fi
# One-time heavy caches (kept inside the virtualenv, never in the source tree).
"$VENV/bin/python" -m curation.warmup
