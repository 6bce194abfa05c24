# Shared by the benchmark scripts (sourced, from the repository root): release binaries in .build-release/, a work
# directory removed on exit with every process in PIDS and the throwaway PostgreSQL in PG_DIR, and free_port.
SCRATCH=.build-release
BIN="$SCRATCH/release"
echo "bench: building release binaries (first time: several minutes)" >&2
swift build -c release --scratch-path "$SCRATCH" --product graphsync >/dev/null
swift build -c release --scratch-path "$SCRATCH" --product graphsync-bench >/dev/null
# GRAPHSYNC_UNDER_TEST: another graphsync binary to measure instead (an earlier commit's, for a before/after in one sitting).
GRAPHSYNC="${GRAPHSYNC_UNDER_TEST:-$BIN/graphsync}"

WORK="$(mktemp -d)"
chmod 755 "$WORK"  # scripts/postgres.sh runs the server as the postgres user, under this directory
PG_DIR="$WORK/postgres"
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
    [ -d "$PG_DIR" ] && scripts/postgres.sh stop "$PG_DIR"
    rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
