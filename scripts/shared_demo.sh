#!/usr/bin/env bash
# A shared deployment on one machine: a throwaway PostgreSQL, two app instances on
# two ports, and the demo loaded through the CLI while both serve. Ctrl-C stops and
# removes everything. Usage: scripts/shared_demo.sh [PORT1 PORT2]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
PORT1=${1:-8601}
PORT2=${2:-8602}
workdir=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$workdir"
}
trap cleanup EXIT INT TERM

"$PY" -m scripts.pg_cluster > "$workdir/url" &   # prints the URL, removes the cluster on exit
pids+=($!)
for _ in $(seq 120); do [ -s "$workdir/url" ] && break; sleep 0.5; done
[ -s "$workdir/url" ] || { echo "PostgreSQL did not start" >&2; exit 2; }
export OBOROT_STORE
OBOROT_STORE=$(head -1 "$workdir/url")
echo "store: $OBOROT_STORE"

for port in "$PORT1" "$PORT2"; do
    "$PY" -m streamlit run app.py --server.port "$port" --server.headless true \
        --browser.gatherUsageStats false > "$workdir/app-$port.log" 2>&1 &
    pids+=($!)
done
for port in "$PORT1" "$PORT2"; do
    for _ in $(seq 120); do
        "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
            "http://127.0.0.1:$port/_stcore/health" >/dev/null 2>&1 && break
        sleep 0.5
    done
done
echo "two instances serve http://localhost:$PORT1 and http://localhost:$PORT2"

"$PY" -m dashboard ingest data/demo/DATTSVT.csv   # while both serve
echo "the demo is loaded: both instances show it on their next page view. Ctrl-C stops."
wait
