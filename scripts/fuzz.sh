#!/usr/bin/env bash
# A long fuzz run (outside CI): Tests/interop/test_fuzz.py against its own `graphsync serve`, with many more cases.
#
#   scripts/fuzz.sh                 100000 cases, seed 20251125
#   scripts/fuzz.sh 500000 42       cases, seed
#   GRAPHSYNC_BIN=/path/graphsync scripts/fuzz.sh
#
# Prints cases/s and the count of answers by status; on failure, every failing request (to reproduce it) is also
# written to /tmp/graphsync-fuzz-failures-<seed>.txt. Exit code is pytest's. Needs a built binary (swift build).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export GRAPHSYNC_FUZZ_CASES="${1:-${GRAPHSYNC_FUZZ_CASES:-100000}}"
export GRAPHSYNC_FUZZ_SEED="${2:-${GRAPHSYNC_FUZZ_SEED:-20251125}}"
export GRAPHSYNC_BIN="${GRAPHSYNC_BIN:-$REPO/.build/debug/graphsync}"
echo "fuzz: $GRAPHSYNC_FUZZ_CASES cases, seed $GRAPHSYNC_FUZZ_SEED, binary $GRAPHSYNC_BIN" >&2

start=$SECONDS
status=0
"$REPO/Tests/interop/run.sh" -k test_fuzz_every_route -s || status=$?
echo "fuzz: finished in $((SECONDS - start)) s with exit code $status" >&2
exit "$status"
