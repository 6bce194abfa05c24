#!/usr/bin/env bash
# Provisioning benchmark: N users (SyncAll) provisioned by one job into a SCIM target, next to a plain concurrent
# client (graphsync-bench scim-load) sending the same requests as Entra's pattern — a `userName eq` filter query, then
# the POST, per new user — at the same concurrency as a job (8 in flight), measured in the same run.
# GraphSync and the load client are pinned to CPU 0 (one after the other), the target (and PostgreSQL) to CPU 1.
# GraphSync's users/s is N over its cycle's own duration (the job's lastExecution timeBegan → timeEnded); the wall
# time from process start is printed too.
#
# Usage: Benchmarks/provisioning.sh [N=10000] [target: fast|scim2|both, default both] [match batch size, default 1]
# A match batch size of 1 is Entra's one lookup query per new user; 50 looks new users up 50 at a time.
# BACKENDS="sqlite postgres" (the default: sqlite) runs each case on each backend, PostgreSQL from scripts/postgres.sh
# (fsync on, synchronous_commit off, pinned with the target).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N="${1:-10000}"
TARGETS="${2:-both}"
MATCH_BATCH="${3:-1}"
BACKENDS="${BACKENDS:-sqlite}"
source Benchmarks/common.sh
SCIM_PYTHON="$(Tests/scim/setup.sh)"


start_target() { # kind port; sets TARGET_BASE (not a subshell, so the cleanup trap knows the pid)
    local kind=$1 port=$2
    if [ "$kind" = fast ]; then
        taskset -c 1 "$BIN/graphsync-bench" scim-target --port "$port" >/dev/null 2>&1 &
    else
        taskset -c 1 "$SCIM_PYTHON" Tests/scim/scim_app.py --port "$port" --token bench-token --entra --quiet >/dev/null 2>&1 &
    fi
    PIDS+=($!)
    until curl -s -o /dev/null "http://127.0.0.1:$port/scim/v2/Users" 2>/dev/null; do sleep 0.1; done
    TARGET_BASE="http://127.0.0.1:$port/scim/v2"
}

# A fresh database per case: a new PostgreSQL database on the one server, or the data dir's own SQLite file.
database_for() { # backend name; prints a URL or nothing
    [ "$1" = postgres ] || return 0
    if [ ! -d "$PG_DIR" ]; then
        PG_SERVER=$(POSTGRES_CPUS=1 POSTGRES_SETTINGS="-c synchronous_commit=off" scripts/postgres.sh start "$PG_DIR")
    fi
    psql "$PG_SERVER" -qc "CREATE DATABASE bench_$2" >/dev/null
    echo "${PG_SERVER%/postgres*}/bench_$2?sslmode=disable"
}

run_one() { # kind backend
    local kind=$1 backend=$2
    # The baseline: a plain client sending Entra's requests for N new users to a separate, empty instance.
    start_target "$kind" "$(free_port)"
    local limit; limit=$(taskset -c 0 "$BIN/graphsync-bench" scim-load --base "$TARGET_BASE" --count "$N" --concurrency 8 --pattern entra)
    start_target "$kind" "$(free_port)"
    local base=$TARGET_BASE
    local data="$WORK/data-$kind-$backend"
    local url; url=$(database_for "$backend" "${kind}_$RANDOM")
    local store=(--data-dir "$data"); [ -n "$url" ] && store+=(--database "$url")
    local job; job=$("$BIN/graphsync-bench" seed "${store[@]}" --count "$N" --base "$base" 2>/dev/null)
    local port; port=$(free_port)
    local start_ns; start_ns=$(date +%s%N)
    GRAPHSYNC_DATABASE_URL="$url" taskset -c 0 "$BIN/graphsync" serve --data-dir "$data" --http --port "$port" --allow-token-urls-to loopback \
        --scheduler-tick 0.1 --match-batch-size "$MATCH_BATCH" --log-level error >"$WORK/serve-$kind.log" 2>&1 &
    local server=$!
    PIDS+=($server)
    local result; result=$(taskset -c 1 "$BIN/graphsync-bench" wait-job "${store[@]}" --job "$job" --timeout 1800 2>/dev/null)
    local elapsed_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
    local peak_kb; peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
    kill "$server"
    python3 - "$kind" "$N" "$elapsed_ms" "$peak_kb" "$limit" "$result" "$MATCH_BATCH" "$backend" <<'PY'
import re, sys
kind, n, ms, peak, limit, result, batch, backend = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7], sys.argv[8]
cycle = float(re.search(r"in ([\d.]+) s", result).group(1))
rate = n / cycle
target = float(re.search(r"([\d.]+) users/s", limit).group(1))
print(f"{kind:6} {backend:8} N={n:>7,} match×{batch:<3} GraphSync {rate:8,.0f} users/s (cycle {cycle:6.1f} s; {ms/1000:6.1f} s from process start)  peak RSS {peak/1024:5.0f} MiB  |  "
      f"baseline client {target:8,.0f} users/s  ratio {rate/target:5.0%}  |  {result}")
PY
}

echo "Provisioning benchmark — $(nproc) cores; GraphSync, then the load client, on CPU 0; the target on CPU 1"
for backend in $BACKENDS; do
    [ "$TARGETS" = scim2 ] || run_one fast "$backend"
    [ "$TARGETS" = fast ] || run_one scim2 "$backend"
done
