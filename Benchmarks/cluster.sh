#!/usr/bin/env bash
# Cluster benchmark: JOBS jobs (default 4), each provisioning N users (SyncAll) into its own fast SCIM target, all in
# one PostgreSQL database; first one node runs them, then (on a fresh database) two nodes share them. Prints each
# run's span (earliest cycle start to latest cycle end), the users/s over that span, and the two-node speed-up.
#
# This machine has 2 cores: with one node it is pinned to CPU 0; with two, the second is pinned to CPU 1. The targets
# and PostgreSQL float over both cores in both runs, so the second node competes with them for CPU 1 — a real
# deployment gives each node its own machine.
#
# Usage: Benchmarks/cluster.sh [N per job, default 5000] [jobs, default 4]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N="${1:-5000}"
JOBS="${2:-4}"
source Benchmarks/common.sh

PG_SERVER=$(POSTGRES_SETTINGS="-c synchronous_commit=off" scripts/postgres.sh start "$PG_DIR")
export GRAPHSYNC_SECRET_KEY; GRAPHSYNC_SECRET_KEY=$(head -c 32 /dev/urandom | base64)

run() { # nodes; sets SPAN and RATE (users/s); not in a subshell, so the cleanup trap knows every pid
    local nodes=$1 name="cluster_${1}_$RANDOM"
    psql "$PG_SERVER" -qc "CREATE DATABASE $name" >/dev/null
    local url="${PG_SERVER%/postgres*}/$name?sslmode=disable"
    local bases=() port
    for _ in $(seq "$JOBS"); do
        port=$(free_port)
        "$BIN/graphsync-bench" scim-target --port "$port" >/dev/null 2>&1 &
        PIDS+=($!)
        until curl -s -o /dev/null "http://127.0.0.1:$port/scim/v2/Users" 2>/dev/null; do sleep 0.1; done
        bases+=(--base "http://127.0.0.1:$port/scim/v2")
    done
    # The nodes first, so every scheduler has reported in when the seeded jobs fall due.
    local servers=()
    for node in $(seq "$nodes"); do
        port=$(free_port)
        GRAPHSYNC_DATABASE_URL="$url" taskset -c $((node - 1)) "$BIN/graphsync" serve --data-dir "$WORK/node$node-$name" --http \
            --port "$port" --allow-token-urls-to loopback --scheduler-tick 0.1 --max-concurrent-jobs "$JOBS" --log-level error >"$WORK/serve-$name-$node.log" 2>&1 &
        servers+=($!); PIDS+=($!)
        until curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1; do sleep 0.05; done
    done
    sleep 0.5
    local jobs; jobs=$("$BIN/graphsync-bench" seed --data-dir "$WORK/seed-$name" --database "$url" --count "$N" "${bases[@]}" 2>/dev/null)
    local wait_args=(); for job in $jobs; do wait_args+=(--job "$job"); done
    local before; before=$(head -1 /proc/stat)
    local result; result=$("$BIN/graphsync-bench" wait-job --data-dir "$WORK/seed-$name" --database "$url" "${wait_args[@]}" --timeout 1800 2>/dev/null)
    BUSY=$(python3 -c "
a, b = [list(map(int, line.split()[1:])) for line in ('$before', '$(head -1 /proc/stat)')]
d = [y - x for x, y in zip(a, b)]
print(f'{1 - (d[3] + d[4]) / sum(d):.0%}')")
    kill "${servers[@]}"
    echo "$result" | sed 's/^/    /' >&2
    read -r SPAN RATE < <(python3 - "$result" "$N" "$JOBS" <<'PY'
import re, sys
result, n, jobs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if "Failed" in result or result.count("cycle Succeeded") != jobs:
    sys.exit(f"bench: a job did not succeed:\n{result}")
spans = re.findall(r"all \d+ jobs in ([\d.]+) s", result) or re.findall(r"in ([\d.]+) s", result)
span = float(spans[-1])
print(f"{span:.2f} {n * jobs / span:.0f}")
PY
)
    kill "${PIDS[@]}" 2>/dev/null || true; PIDS=()
}

echo "Cluster benchmark — $(nproc) cores; $JOBS jobs × $N users on one PostgreSQL"
run 1; one_rate=$RATE
echo "1 node : $JOBS jobs × $N users in $SPAN s = $RATE users/s (both cores $BUSY busy while waiting)"
run 2; two_rate=$RATE
echo "2 nodes: $JOBS jobs × $N users in $SPAN s = $RATE users/s (both cores $BUSY busy while waiting)"
python3 -c "print(f'speed-up with two nodes: {$two_rate / $one_rate:.2f}x (target >= 1.6x)')"
