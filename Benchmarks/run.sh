#!/usr/bin/env bash
# GraphSync HTTP benchmark: starts a release graphsync pinned to CPU 0 and a local token endpoint, drives five routes
# with wrk (32 keep-alive connections, pinned to CPU 1) on loopback, and prints requests/s and p50/p99 latency:
#   (a) GET /health                                         unauthenticated trivial route (the framework's ceiling here)
#   (b) GET /v1.0/roleManagement/directory/roleDefinitions  authenticated trivial Graph GET (no database)
#   (e) GET /v1.0/servicePrincipals/{id}                    authenticated GET of one object (a database read)
#   (c) POST /{tenant}/oauth2/v2.0/token                    built-in token endpoint, client_credentials
#   (d) POST /v1.0/servicePrincipals/{id}/synchronization/acquireAccessToken   end to end, with a real exchange
# plus start-up time to the first answered request on an existing data dir, and resident memory after the run.
# It runs once per backend: SQLite (the data dir's file) and PostgreSQL (a throwaway server from scripts/postgres.sh,
# pinned to CPU 1 with wrk, fsync on and synchronous_commit off — SQLite's WAL with synchronous=NORMAL likewise
# does not flush on every commit).
#
# Usage: [SERVE_FLAGS="--metrics"] Benchmarks/run.sh [seconds-per-route, default 10] [backends, default "sqlite postgres"]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DURATION="${1:-10}"
BACKENDS="${2:-sqlite postgres}"
CONNECTIONS=32
command -v wrk >/dev/null || { echo "bench: installing wrk" >&2; (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null; }
source Benchmarks/common.sh
PORT=18080
TOKEN_PORT=18090

taskset -c 1 "$BIN/graphsync-bench" token-endpoint --port "$TOKEN_PORT" &
PIDS+=($!)

bench_backend() { # sqlite|postgres
local backend=$1
unset GRAPHSYNC_DATABASE_URL
if [ "$backend" = postgres ]; then
    export GRAPHSYNC_DATABASE_URL
    GRAPHSYNC_DATABASE_URL=$(POSTGRES_CPUS=1 POSTGRES_SETTINGS="-c synchronous_commit=off" scripts/postgres.sh start "$PG_DIR")
fi
DATA="$WORK/data-$backend"
"$GRAPHSYNC" init --data-dir "$DATA" --http --port "$PORT" --json >"$WORK/facts.json"
fact() { python3 -c "import json,sys;print(json.load(open('$WORK/facts.json'))['$1'])"; }
TENANT=$(fact tenantId); CLIENT_ID=$(fact clientId); CLIENT_SECRET=$(fact clientSecret)
SP_JSON=$("$GRAPHSYNC" app create --data-dir "$DATA" --http --port "$PORT" --name "bench SaaS app")
SP_ID=$(echo "$SP_JSON" | awk '/service principal id/ {print $4}')

# Start-up: time from exec to the first answered request, on the existing data dir.
START_NS=$(date +%s%N)
# shellcheck disable=SC2086  # SERVE_FLAGS: extra serve flags, word-split on purpose (e.g. SERVE_FLAGS=--metrics)
taskset -c 0 "$GRAPHSYNC" serve --data-dir "$DATA" --http --port "$PORT" --allow-token-urls-to loopback --log-level error ${SERVE_FLAGS:-} \
    >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
PIDS+=($SERVER_PID)
until curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; do sleep 0.002; done
STARTUP_MS=$(( ($(date +%s%N) - START_NS) / 1000000 ))

BASE="http://127.0.0.1:$PORT"
ACCESS_TOKEN=$(curl -sf "$BASE/$TENANT/oauth2/v2.0/token" -d grant_type=client_credentials -d "client_id=$CLIENT_ID" \
    --data-urlencode "client_secret=$CLIENT_SECRET" -d scope=https://graph.microsoft.com/.default |
    python3 -c 'import json,sys;print(json.load(sys.stdin)["access_token"])')

cat >"$WORK/get.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $ACCESS_TOKEN"
LUA
cat >"$WORK/token.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=client_credentials&client_id=$CLIENT_ID&client_secret=$(python3 -c "import urllib.parse;print(urllib.parse.quote('$CLIENT_SECRET', safe=''))")&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"
LUA
cat >"$WORK/acquire.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $ACCESS_TOKEN"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"credentials":[{"key":"Oauth2AuthorizationCode","value":"code-1"},{"key":"Oauth2RedirectUri","value":"https://app.example/cb"},{"key":"Oauth2TokenExchangeUri","value":"http://127.0.0.1:$TOKEN_PORT/token"},{"key":"Oauth2ClientId","value":"bench-client"},{"key":"Oauth2ClientSecret","value":"bench-secret"}]}'
LUA

# Warm up once so every route is compiled into caches, then measure.
run_wrk() { # name url script
    local name=$1 url=$2 script=${3:-}
    local args=(-t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency)
    [ -n "$script" ] && args+=(-s "$script")
    taskset -c 1 wrk -t2 -c"$CONNECTIONS" -d2s ${script:+-s "$script"} "$url" >/dev/null
    taskset -c 1 wrk "${args[@]}" "$url" >"$WORK/$name.txt"
    local rps p50 p99 non2xx errors
    rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/$name.txt")
    p50=$(awk '$1=="50%" {print $2}' "$WORK/$name.txt")
    p99=$(awk '$1=="99%" {print $2}' "$WORK/$name.txt")
    non2xx=$(awk '/Non-2xx/ {print $5}' "$WORK/$name.txt"); non2xx=${non2xx:-0}
    errors=$(awk '/Socket errors/ {gsub(",","",$0); print $4+$6+$8+$10}' "$WORK/$name.txt"); errors=${errors:-0}
    printf "%-28s %10s req/s   p50 %8s   p99 %8s   non-2xx %s   socket errors %s\n" "$name" "$rps" "$p50" "$p99" "$non2xx" "$errors"
    echo "$name $rps $p99" >>"$WORK/rps-$backend.txt"
}

echo
echo "== $backend — $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), server on CPU 0, wrk on CPU 1"
echo "wrk: $CONNECTIONS keep-alive connections, ${DURATION}s per route, plain http on loopback"
run_wrk "(a) health" "$BASE/health"
run_wrk "(b) authenticated GET" "$BASE/v1.0/roleManagement/directory/roleDefinitions" "$WORK/get.lua"
run_wrk "(e) GET one object" "$BASE/v1.0/servicePrincipals/$SP_ID" "$WORK/get.lua"
run_wrk "(c) token endpoint" "$BASE/$TENANT/oauth2/v2.0/token" "$WORK/token.lua"
run_wrk "(d) acquireAccessToken" "$BASE/v1.0/servicePrincipals/$SP_ID/synchronization/acquireAccessToken" "$WORK/acquire.lua"

RSS_KB=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
python3 - "$WORK/rps-$backend.txt" "$STARTUP_MS" "$RSS_KB" "$backend" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]).read().splitlines():
    name, rps, p99 = line.rsplit(" ", 2)
    rows[name] = float(rps)
a = rows["(a) health"]
b, e, c, d = rows["(b) authenticated GET"], rows["(e) GET one object"], rows["(c) token endpoint"], rows["(d) acquireAccessToken"]
one = "50%" if sys.argv[4] == "sqlite" else "35%"
print(f"(b)/(a) = {b/a:.0%}   (e)/(a) = {e/a:.0%} (target >= {one})   (d)/(a) = {d/a:.0%} (target >= 15%, p99 < 20 ms)   (c) = {c:,.0f} tokens/s")
print(f"start-up to first answered request: {sys.argv[2]} ms (target < 500 ms)   resident memory after the run: {int(sys.argv[3])/1024:.0f} MiB")
PY
}

for backend in $BACKENDS; do bench_backend "$backend"; done
