#!/usr/bin/env bash
# Create or reuse the SCIM test venv at $REPO/.venv-scim (override with SCIM_VENV=...).
# Reinstalls only when requirements.txt changed (sha256 stamp inside the venv).
# Never reads stdin; safe under CI=true. Prints the venv's python path on stdout
# (everything else goes to stderr), so callers can do:  PY="$(Tests/scim/setup.sh)"
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="${SCIM_VENV:-$REPO/.venv-scim}"
REQ="$HERE/requirements.txt"
STAMP="$VENV/.requirements.sha256"

# scim2-server needs Python >= 3.11.
pick_python() {
    local c
    for c in "${PYTHON:-}" python3 python3.13 python3.12 python3.11; do
        [ -n "$c" ] || continue
        command -v "$c" >/dev/null 2>&1 || continue
        if "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' </dev/null 2>/dev/null; then
            echo "$c"; return 0
        fi
    done
    echo "scim: no Python >= 3.11 found (set PYTHON=...)" >&2
    return 1
}

if [ ! -x "$VENV/bin/python" ]; then
    PY="$(pick_python)"
    echo "scim: creating venv $VENV with $PY" >&2
    "$PY" -m venv "$VENV" </dev/null >&2
fi
# Keep the venv out of `git status` (Python >= 3.13 venvs do this themselves).
[ -f "$VENV/.gitignore" ] || echo '*' >"$VENV/.gitignore"

want="$(sha256sum "$REQ" | cut -d' ' -f1)"
have="$(cat "$STAMP" 2>/dev/null || true)"
if [ "$want" != "$have" ]; then
    echo "scim: installing Python requirements into $VENV" >&2
    PIP_NO_INPUT=1 "$VENV/bin/python" -m pip install -q --disable-pip-version-check \
        -r "$REQ" </dev/null >&2
    echo "$want" >"$STAMP"
fi

echo "$VENV/bin/python"
