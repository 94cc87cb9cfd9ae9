#!/usr/bin/env bash
# Starts JupyterLab on the role notebooks for the workspace in $CURATION_WORKSPACE and prints its
# URL (with the token) last and alone; the server's own log goes to $LOG, not to the terminal.
# Ctrl-C stops the server. Usage: scripts/start-lab.sh VENV NOTEBOOK_DIR PORT
set -uo pipefail
VENV=${1:-.venv}
ROOT=${2:-notebooks}
PORT=${3:-8888}
HERE=$(cd "$(dirname "$0")/.." && pwd)
LOG=${LOG:-$HERE/.jupyter-lab.log}
# our lab settings (the announcements pop-up off) come first; the user's own config dirs still count
export JUPYTER_CONFIG_PATH="$HERE/jupyter-config${JUPYTER_CONFIG_PATH:+:$JUPYTER_CONFIG_PATH}"
ROOT_FLAG=()
[ "$(id -u)" = 0 ] && ROOT_FLAG=(--allow-root)
: > "$LOG"
"$VENV/bin/jupyter" lab --no-browser --ip=127.0.0.1 --port="$PORT" --ServerApp.root_dir="$ROOT" \
    --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
    "${ROOT_FLAG[@]}" >>"$LOG" 2>&1 &
LAB=$!
trap 'kill "$LAB" 2>/dev/null; wait "$LAB" 2>/dev/null; exit 0' INT TERM
URL=""
for _ in $(seq 1 600); do  # up to 60 s for the server to say where it listens
    URL=$(grep -oE "http://127\.0\.0\.1:[0-9]+/lab\?token=[0-9a-f]+" "$LOG" | head -n 1)
    [ -n "$URL" ] && break
    if ! kill -0 "$LAB" 2>/dev/null; then
        echo "JupyterLab did not start; the end of its log ($LOG):" >&2
        tail -n 20 "$LOG" >&2
        exit 1
    fi
    sleep 0.1
done
if [ -z "$URL" ]; then
    echo "JupyterLab printed no URL within 60 s; see $LOG" >&2
    kill "$LAB" 2>/dev/null
    exit 1
fi
echo "(server log: $LOG; Ctrl-C stops the server)"
echo
echo "$URL"
wait "$LAB"
