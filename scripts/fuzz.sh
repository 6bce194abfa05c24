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
HERE="$REPO/Tests/interop"
VENV="$REPO/.venv-interop"
REQ="$HERE/requirements.txt"

if [ ! -x "$VENV/bin/python" ]; then
    "${PYTHON:-python3}" -m venv "$VENV"
fi
want="$(sha256sum "$REQ" | cut -d' ' -f1)"
if [ "$want" != "$(cat "$VENV/.requirements.sha256" 2>/dev/null || true)" ]; then
    echo "fuzz: installing Python requirements into $VENV" >&2
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQ" </dev/null
    echo "$want" >"$VENV/.requirements.sha256"
fi

export GRAPHSYNC_FUZZ_CASES="${1:-${GRAPHSYNC_FUZZ_CASES:-100000}}"
export GRAPHSYNC_FUZZ_SEED="${2:-${GRAPHSYNC_FUZZ_SEED:-20251125}}"
export GRAPHSYNC_BIN="${GRAPHSYNC_BIN:-$REPO/.build/debug/graphsync}"
echo "fuzz: $GRAPHSYNC_FUZZ_CASES cases, seed $GRAPHSYNC_FUZZ_SEED, binary $GRAPHSYNC_BIN" >&2

cd "$HERE"
start=$SECONDS
status=0
"$VENV/bin/python" -m pytest -q -p no:cacheprovider test_fuzz.py </dev/null || status=$?
echo "fuzz: finished in $((SECONDS - start)) s with exit code $status" >&2
exit "$status"
