"""The README's walkthrough, run as written.

Every fenced block that follows a `<!-- walkthrough -->` line in README.md is extracted, in order, and run as one
bash script (`set -euo pipefail`) in a fresh folder, with the built binaries on PATH. `swift build` is the one
command replaced (the test command has just built everything). So the README cannot drift from the code: a renamed
flag, a changed route or a different answer shape fails here.
"""

import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
BIN_DIR = Path(os.environ.get("GRAPHSYNC_BIN") or REPO_ROOT / ".build" / "debug" / "graphsync").parent
MARKER = "<!-- walkthrough -->"
PORTS = (8443, 9400, 9500)  # the walkthrough's own defaults


def walkthrough_blocks() -> list[str]:
    text = (REPO_ROOT / "README.md").read_text()
    blocks = re.findall(re.escape(MARKER) + r"\s*\n```(?:sh|bash)\n(.*?)\n```", text, flags=re.S)
    return blocks


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_readme_walkthrough_runs_as_written(tmp_path):
    blocks = walkthrough_blocks()
    assert len(blocks) >= 4, "the README lost its walkthrough markers"
    busy = [p for p in PORTS if port_in_use(p)]
    assert not busy, f"the walkthrough's ports {busy} are taken on this machine"
    # The walkthrough starts from the repository folder; a fresh copy of what it reads keeps the real one clean.
    (tmp_path / ".build").symlink_to(BIN_DIR.parent)
    script = "\n".join([
        "set -euo pipefail",
        'swift() { echo "(swift $*: already built by the test command)"; }',
        *blocks,
    ])
    env = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")}
    env["PATH"] = f"{BIN_DIR}:{env.get('PATH', '')}"
    proc = subprocess.Popen(["bash", "-c", script], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        out, _ = proc.communicate()
        pytest.fail(f"the walkthrough did not finish in 180 s:\n{out}\n{serve_log(tmp_path)}")
    finally:
        try:
            os.killpg(proc.pid, 9)
        except ProcessLookupError:
            pass
    assert proc.returncode == 0, f"the walkthrough failed (exit {proc.returncode}):\n{out}\n{serve_log(tmp_path)}"
    # What a reader is told to expect.
    assert "GraphSync is up: https://127.0.0.1:8443/v1.0" in out, out
    assert "My SaaS app" in out, out
    assert "Succeeded" in out and "create" in out.lower(), out
    facts = tmp_path / "graphsync-data" / "facts.json"
    assert facts.exists() and oct(facts.stat().st_mode & 0o777) in ("0o600", "0o644"), "facts.json lives in the data dir"
    assert not (tmp_path / "facts.json").exists()


def serve_log(folder: Path) -> str:
    log = folder / "graphsync-data" / "serve.log"
    return "--- serve.log ---\n" + (log.read_text(errors="replace")[-4000:] if log.exists() else "(none)")
