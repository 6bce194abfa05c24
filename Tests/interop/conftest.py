"""Session fixture: a real GraphSync server for the interop tests.

`graphsync init --json` creates a tenant in a temp data dir, then `graphsync serve`
runs over https until the test session ends. The server's log is shown when the
start-up fails and, at the end of the run, when any test failed.
"""

import json
import os
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]  # Tests/interop -> repo root
GRAPHSYNC_BIN = Path(os.environ.get("GRAPHSYNC_BIN") or REPO_ROOT / ".build" / "debug" / "graphsync")
READY_TIMEOUT_S = 60
INIT_KEYS = ("tenantId", "clientId", "clientSecret", "adminUserPrincipalName", "adminPassword",
             "authority", "graphBaseUrl", "caCertPath")

_server_log: Path | None = None  # read by pytest_terminal_summary


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log_tail(path: Path | None, lines: int = 200) -> str:
    if path is None or not path.exists():
        return "(no server log)"
    text = path.read_text(errors="replace").splitlines()
    return "\n".join(text[-lines:]) or "(server log is empty)"


def _wait_ready(proc: subprocess.Popen, url: str, cafile: str, log: Path) -> None:
    """Poll the OIDC discovery document until it answers 200 (the server's readiness signal)."""
    ctx = ssl.create_default_context(cafile=cafile)
    deadline = time.monotonic() + READY_TIMEOUT_S
    last = "no attempt"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"graphsync serve exited with {proc.returncode} before it was ready\n"
                        f"--- server log ---\n{_log_tail(log)}", pytrace=False)
        try:
            with urllib.request.urlopen(url, context=ctx, timeout=2) as r:
                if r.status == 200:
                    return
                last = f"HTTP {r.status}"
        except urllib.error.HTTPError as e:
            last = f"HTTP {e.code}"
        except (OSError, ssl.SSLError) as e:  # connection refused, TLS errors, timeouts
            last = repr(e)
        time.sleep(0.25)
    pytest.fail(f"graphsync not ready after {READY_TIMEOUT_S}s at {url} (last: {last})\n"
                f"--- server log ---\n{_log_tail(log)}", pytrace=False)


@pytest.fixture(scope="session")
def graphsync(request):
    """Start GraphSync; yield init's facts plus port, dataDir and logPath."""
    global _server_log
    if not GRAPHSYNC_BIN.is_file():
        pytest.fail(f"graphsync binary not found at {GRAPHSYNC_BIN} "
                    "(run `swift build` or set GRAPHSYNC_BIN)", pytrace=False)

    with tempfile.TemporaryDirectory(prefix="graphsync-interop-") as tmp:
        data_dir = Path(tmp) / "data"
        log_path = Path(tmp) / "server.log"
        port = _free_port()
        common = ["--data-dir", str(data_dir), "--host", "127.0.0.1", "--port", str(port)]

        init = subprocess.run([str(GRAPHSYNC_BIN), "init", *common, "--json"],
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
        if init.returncode != 0:
            pytest.fail(f"graphsync init failed ({init.returncode})\nstdout:\n{init.stdout}\n"
                        f"stderr:\n{init.stderr}", pytrace=False)
        try:
            facts = json.loads(init.stdout)  # contract: stdout is exactly one JSON object
        except json.JSONDecodeError as e:
            pytest.fail(f"graphsync init --json did not print one JSON object ({e})\n"
                        f"stdout:\n{init.stdout}", pytrace=False)
        missing = [k for k in INIT_KEYS if not facts.get(k)]
        if missing:
            pytest.fail(f"graphsync init --json lacks {missing}: {facts}", pytrace=False)
        facts.update(port=port, dataDir=str(data_dir), logPath=str(log_path))

        _server_log = log_path
        with open(log_path, "wb") as log:
            # --allow-token-urls-to loopback: acquireAccessToken may call the tests' own token
            # endpoint on 127.0.0.1 over plain http (test_acquire_access_token.py).
            # Short job interval, scheduler tick and failure backoff so provisioning tests see several cycles quickly.
            proc = subprocess.Popen([str(GRAPHSYNC_BIN), "serve", *common, "--allow-token-urls-to", "loopback",
                                     "--job-interval", "2", "--scheduler-tick", "0.2", "--failure-backoff", "0.5"],
                                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        # Trust GraphSync's CA for the whole session. REQUESTS_CA_BUNDLE must be set too:
        # requests lets it override a Session's `verify` (which is how msal passes verify=).
        mp = pytest.MonkeyPatch()
        for var in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
            mp.setenv(var, facts["caCertPath"])
        try:
            _wait_ready(proc, f"{facts['authority']}/v2.0/.well-known/openid-configuration",
                        facts["caCertPath"], log_path)
            yield facts
        finally:
            mp.undo()
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            # If a test failed, keep the log (for the terminal summary) past the temp dir.
            kept = Path(tempfile.gettempdir()) / f"graphsync-interop-{port}.log"
            if request.session.testsfailed and log_path.exists():
                kept.write_bytes(log_path.read_bytes())
                _server_log = kept
            else:
                _server_log = None


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """On any failure, show the tail of the server's log."""
    if _server_log is not None and (terminalreporter.stats.get("failed") or terminalreporter.stats.get("error")):
        terminalreporter.section("graphsync server log (tail)")
        terminalreporter.write_line(f"full log: {_server_log}")
        terminalreporter.write_line(_log_tail(_server_log))
