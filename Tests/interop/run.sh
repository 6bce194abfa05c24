#!/usr/bin/env bash
# Run the Python interop tests (Microsoft's msal / azure-identity / msgraph-sdk against GraphSync).
# Creates or reuses $REPO/.venv-interop; reinstalls only when requirements.txt changed.
# Extra arguments go to pytest. Exit code is pytest's.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="$REPO/.venv-interop"
REQ="$HERE/requirements.txt"
STAMP="$VENV/.requirements.sha256"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi

want="$(sha256sum "$REQ" | cut -d' ' -f1)"
have="$(cat "$STAMP" 2>/dev/null || true)"
if [ "$want" != "$have" ]; then
    echo "interop: installing Python requirements into $VENV" >&2
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQ" </dev/null
    echo "$want" >"$STAMP"
fi

cd "$HERE"
exec "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$HERE" "$@" </dev/null
