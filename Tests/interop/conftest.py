"""GraphSync servers for the interop tests.

`graphsync init --json` creates a tenant in a temp data dir, then `graphsync serve` runs over https.

* `graphsync` (session): one shared server until the test session ends.
* `private_graphsync` (function): a tenant of the test's own, on its own data dir and port, not yet started; the test
  starts it with `start(*flags)`, may SIGKILL it with `kill()` and start it again on the same data dir and port. For
  tests that take the process down (the shared server must stay up for the others).

The servers' logs are shown when a start-up fails and, at the end of the run, when any test failed.
"""

import json
import os
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]  # Tests/interop -> repo root
GRAPHSYNC_BIN = Path(os.environ.get("GRAPHSYNC_BIN") or REPO_ROOT / ".build" / "debug" / "graphsync")
READY_TIMEOUT_S = 60
INIT_KEYS = ("tenantId", "clientId", "clientSecret", "adminUserPrincipalName", "adminPassword",
             "authority", "graphBaseUrl", "caCertPath")
# --allow-token-urls-to loopback: acquireAccessToken may call the tests' own token endpoint on 127.0.0.1 over plain
# http (test_acquire_access_token.py). Short job interval, scheduler tick and failure backoff so provisioning tests
# see several cycles quickly.
SERVE_FLAGS = ("--allow-token-urls-to", "loopback",
               "--job-interval", "2", "--scheduler-tick", "0.2", "--failure-backoff", "0.5")
CA_ENV_VARS = ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")

_server_log: Path | None = None  # the session server's log, read by pytest_terminal_summary
_private_logs: list[Path] = []   # logs of private servers whose test failed, read by pytest_terminal_summary


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


def init_tenant(data_dir: Path, port: int) -> dict:
    """`graphsync init --json` on `data_dir` for a server on 127.0.0.1:`port`; returns init's facts plus port and dataDir."""
    if not GRAPHSYNC_BIN.is_file():
        pytest.fail(f"graphsync binary not found at {GRAPHSYNC_BIN} "
                    "(run `swift build` or set GRAPHSYNC_BIN)", pytrace=False)
    init = subprocess.run([str(GRAPHSYNC_BIN), "init", *_address_flags(data_dir, port), "--json"],
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
    facts.update(port=port, dataDir=str(data_dir))
    return facts


def fresh_postgres_database() -> str:
    """A new database on the test PostgreSQL server (GRAPHSYNC_TEST_POSTGRES_URL, which scripts/test.sh starts), as a
    URL; skips the test when there is no server."""
    server = os.environ.get("GRAPHSYNC_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("no PostgreSQL test server (GRAPHSYNC_TEST_POSTGRES_URL); scripts/test.sh starts one")
    name = "graphsync_interop_" + uuid.uuid4().hex
    subprocess.run(["psql", server, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True, timeout=30)
    base, _, query = server.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name + ("?" + query if query else "")


def _address_flags(data_dir: Path, port: int) -> list[str]:
    return ["--data-dir", str(data_dir), "--host", "127.0.0.1", "--port", str(port)]


class GraphSyncServer:
    """`graphsync serve` on one data dir and port (from `init_tenant`'s facts). It can be started again after it
    stopped or was killed; every start appends to the same log file."""

    def __init__(self, facts: dict, log_path: Path):
        self.facts = facts
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def start(self, *extra_flags: str) -> None:
        """Starts `graphsync serve` with SERVE_FLAGS plus `extra_flags` and waits until it answers."""
        assert not self.running, "graphsync serve is already running"
        self.starts += 1
        args = [str(GRAPHSYNC_BIN), "serve", *_address_flags(Path(self.facts["dataDir"]), self.facts["port"]),
                *SERVE_FLAGS, *extra_flags]
        with open(self.log_path, "ab") as log:
            log.write(f"==== start #{self.starts}: {' '.join(args[1:])}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        _wait_ready(self.proc, f"{self.facts['authority']}/v2.0/.well-known/openid-configuration",
                    self.facts["caCertPath"], self.log_path)

    def kill(self) -> None:
        """SIGKILL: no graceful shutdown, no lease released, nothing flushed."""
        assert self.running, "graphsync serve is not running"
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        with open(self.log_path, "ab") as log:
            log.write(f"==== killed (SIGKILL, pid {self.proc.pid}, exit {self.proc.returncode})\n".encode())

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 10 s; nothing when it is not running."""
        if not self.running:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _trust(mp: pytest.MonkeyPatch, ca_cert_path: str) -> None:
    """Trust a GraphSync CA. REQUESTS_CA_BUNDLE must be set too: requests lets it override a Session's `verify`
    (which is how msal passes verify=)."""
    for var in CA_ENV_VARS:
        mp.setenv(var, ca_cert_path)


@pytest.fixture(scope="session")
def graphsync(request):
    """Start GraphSync; yield init's facts plus port, dataDir and logPath."""
    global _server_log
    with tempfile.TemporaryDirectory(prefix="graphsync-interop-") as tmp:
        data_dir = Path(tmp) / "data"
        log_path = Path(tmp) / "server.log"
        facts = init_tenant(data_dir, _free_port())
        facts.update(logPath=str(log_path))
        server = GraphSyncServer(facts, log_path)
        _server_log = log_path
        # Trust GraphSync's CA for the whole session.
        mp = pytest.MonkeyPatch()
        _trust(mp, facts["caCertPath"])
        try:
            server.start()
            yield facts
        finally:
            mp.undo()
            server.stop()
            # If a test failed, keep the log (for the terminal summary) past the temp dir.
            kept = Path(tempfile.gettempdir()) / f"graphsync-interop-{facts['port']}.log"
            if request.session.testsfailed and log_path.exists():
                kept.write_bytes(log_path.read_bytes())
                _server_log = kept
            else:
                _server_log = None


@pytest.fixture
def private_graphsync(request, tmp_path, monkeypatch):
    """A GraphSync of this test's own (own tenant, data dir, port and CA), initialised but not started: call
    `start(*flags)`, `kill()` and `start(...)` again. Its CA is trusted for the duration of the test (this overrides
    the session server's CA, so do not talk to `graphsync` in the same test). Stopped at the end."""
    data_dir = tmp_path / "graphsync-data"
    log_path = tmp_path / "graphsync-serve.log"
    if getattr(request, "param", "sqlite") == "postgres":
        # Parametrized with indirect=True: the nodes share a fresh PostgreSQL database instead of the data dir's SQLite.
        monkeypatch.setenv("GRAPHSYNC_DATABASE_URL", fresh_postgres_database())
    facts = init_tenant(data_dir, _free_port())
    facts.update(logPath=str(log_path))
    _trust(monkeypatch, facts["caCertPath"])
    server = GraphSyncServer(facts, log_path)
    failed_before = request.session.testsfailed
    try:
        yield server
    finally:
        server.stop()
        if request.session.testsfailed > failed_before and log_path.exists():
            kept = Path(tempfile.gettempdir()) / f"graphsync-interop-{facts['port']}-private.log"
            kept.write_bytes(log_path.read_bytes())
            _private_logs.append(kept)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """On any failure, show the tail of the server logs."""
    if not (terminalreporter.stats.get("failed") or terminalreporter.stats.get("error")):
        return
    if _server_log is not None:
        terminalreporter.section("graphsync server log (tail)")
        terminalreporter.write_line(f"full log: {_server_log}")
        terminalreporter.write_line(_log_tail(_server_log))
    for path in _private_logs:
        terminalreporter.section(f"private graphsync server log (tail): {path.name}")
        terminalreporter.write_line(f"full log: {path}")
        terminalreporter.write_line(_log_tail(path))
