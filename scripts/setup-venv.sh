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
# pip with a short progress report on the terminal (packages resolved, then installing, then done) and
# its whole output, warnings included, in $VENV/pip-install.log; on failure the end of that log.
pip_with_progress() {
    local log="$VENV/pip-install.log" rc
    set +e
    "$VENV/bin/pip" install --progress-bar off --disable-pip-version-check "$@" 2>&1 | tee "$log" | awk '
        /^Collecting / { n++; printf "\r  %d packages resolved (latest: %s)                    ", n, $2; fflush() }
        /^Installing collected packages/ { if (n) print ""; print "  installing them (a minute or two, no output meanwhile)..."; fflush() }
        /^Successfully installed/ { print "  installed " NF - 2 " packages"; fflush() }
        /^ERROR/ { print; fflush() }'
    rc=${PIPESTATUS[0]}
    set -e
    if [ "$rc" != 0 ]; then
        echo "pip install failed; the end of its log ($log):" >&2
        tail -n 30 "$log" >&2
        exit 1
    fi
}
if [ ! -f "$STAMP" ]; then
    echo "installing Python dependencies into $VENV (about 1 GB; the first time takes a few minutes)"
    pip_with_progress --upgrade pip
    # torch-free: the CPU-only torch of the optional 'eval' extra is installed for benchmarks only.
    pip_with_progress -e ".[dev]"
    "$VENV/bin/python" -c "import curation, callcorpus, widgets, presidio_analyzer, parselmouth" \
        || { echo "installing the Python dependencies failed (see above)" >&2; exit 1; }
    rm -f "$VENV"/.deps-*
    touch "$STAMP"
else
    "$VENV/bin/pip" install -q --no-deps -e . >/dev/null 2>&1 \
        || { echo "re-linking the package into $VENV failed" >&2; exit 1; }
fi
# One-time heavy caches (kept inside the virtualenv, never in the source tree).
if [ ! -f "$VENV/.warm-$HASH" ]; then
    echo "building the PII word-list caches (once, about half a minute)"
fi
"$VENV/bin/python" -W ignore -m curation.warmup
touch "$VENV/.warm-$HASH"
