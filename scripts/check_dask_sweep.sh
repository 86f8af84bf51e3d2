#!/usr/bin/env bash
# The hand-started check of docs/sweep.md: a Dask scheduler and two workers started with the
# `dask` command on 127.0.0.1 only, the example grid (200 variants) run on them and on two local
# processes, and the two tables compared byte for byte. Stops what it started.
#   usage: scripts/check_dask_sweep.sh [PRICES_DIR] [GRID]
set -euo pipefail
cd "$(dirname "$0")/.."
PRICES="${1:-../shared/data/prices}"
GRID="${2:-docs/sweep_grid.yaml}"
BIN=.venv/bin
WORK="$(mktemp -d)"
PORT=$($BIN/python -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
stop() {  # SIGTERM, then SIGKILL after 10 s: a worker may wait for its nannies
  [ -n "${1:-}" ] || return 0
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 20); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.5; done
  kill -9 "$1" 2>/dev/null || true
}
cleanup() { stop "${WPID:-}"; stop "${SPID:-}"; pkill -f "dask worker tcp://127.0.0.1:$PORT" || true; rm -rf "$WORK"; }
trap cleanup EXIT
$BIN/dask scheduler --host 127.0.0.1 --port "$PORT" --no-dashboard \
  --dashboard-address 127.0.0.1:0 >"$WORK/scheduler.log" 2>&1 &
SPID=$!
sleep 3
$BIN/dask worker "tcp://127.0.0.1:$PORT" --nworkers 2 --nthreads 1 --host 127.0.0.1 \
  --no-dashboard --dashboard-address 127.0.0.1:0 >"$WORK/worker.log" 2>&1 &
WPID=$!
run() { $BIN/aiinfra --home "$WORK/home" --prices "$PRICES" sweep "$GRID" "$@" 2>&1 >/dev/null | grep "variants in"; }
run --scheduler "tcp://127.0.0.1:$PORT" --out "$WORK/dask.csv" --format json
run --workers 2 --out "$WORK/local.csv" --format json
sha256sum "$WORK/dask.csv" "$WORK/local.csv"
cmp "$WORK/dask.csv" "$WORK/local.csv" && echo "identical: $(($(wc -l <"$WORK/local.csv") - 1)) variants"
