"""What a newcomer hits in the first hour: output that reaches a log while the server runs, start-up failures as one
line, printed commands that work as printed, commands run from the wrong folder, errors in words."""

import json
import os
import re
import shlex
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import GRAPHSYNC_BIN


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*args, cwd=None, timeout=60):
    return subprocess.run([str(GRAPHSYNC_BIN), *args], cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout)


def wait_for(path: Path, pattern: str, proc: subprocess.Popen, timeout=60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = path.read_text(errors="replace") if path.exists() else ""
        if re.search(pattern, text):
            return text
        assert proc.poll() is None, f"serve exited with {proc.returncode}:\n{text}"
        time.sleep(0.2)
    raise AssertionError(f"{pattern!r} never appeared in {path}:\n{path.read_text(errors='replace')}")


def test_first_start_facts_reach_a_log_and_the_printed_token_command_works(tmp_path):
    port = free_port()
    data = tmp_path / "data"
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(GRAPHSYNC_BIN), "serve", "--data-dir", str(data), "--port", str(port)],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.DEVNULL)
    try:
        # Standard output is a file, not a terminal: the facts must be there while the server runs.
        text = wait_for(log, r"GraphSync is listening on", proc)
        assert "client secret" in text and "password" in text, text
        command = re.search(r"Get a token:\s+(graphsync token .*)", text).group(1)
        assert f"--port {port}" in command and str(data) in command, command
        # Copied as printed (in another folder), it gives a token this server accepts.
        env = {**os.environ, "PATH": f"{GRAPHSYNC_BIN.parent}:{os.environ['PATH']}"}
        token = subprocess.run(["bash", "-c", command], cwd="/", env=env, capture_output=True, text=True, timeout=60)
        assert token.returncode == 0, token.stderr
        assert "data directory" in token.stderr, "the command says which data dir it used"
        ca = data / "ca" / "ca.pem"
        req = urllib.request.Request(f"https://127.0.0.1:{port}/v1.0/applications",
                                     headers={"Authorization": f"Bearer {token.stdout.strip()}"})
        with urllib.request.urlopen(req, context=ssl.create_default_context(cafile=str(ca)), timeout=10) as r:
            assert r.status == 200

        # A second serve on the same port: one line, exit 1, no assertion or backtrace.
        second = run("serve", "--data-dir", str(tmp_path / "other"), "--port", str(port))
        assert second.returncode == 1, second
        assert f"Port {port} on 127.0.0.1 is already in use" in second.stderr and "--port" in second.stderr, second.stderr
        assert "Assertion" not in second.stderr and "Backtrace" not in second.stderr and "Crash" not in second.stderr

        # A garbage token and a token for another address are explained in words.
        for bearer, words in [("not-a-jwt", "not a JWT")]:
            req = urllib.request.Request(f"https://127.0.0.1:{port}/v1.0/applications", headers={"Authorization": f"Bearer {bearer}"})
            try:
                urllib.request.urlopen(req, context=ssl.create_default_context(cafile=str(ca)), timeout=10)
                raise AssertionError("a garbage token was accepted")
            except urllib.error.HTTPError as e:
                body = json.loads(e.read())
                assert e.code == 401 and "80049217" in body["error"]["message"] and words in body["error"]["message"], body
        # A token minted without the server's --port names another issuer: the 401 says which one was expected.
        client_id = re.search(r"client id\s+(\S+)", text).group(1)
        secret = re.search(r"client secret\s+(\S+)", text).group(1)
        other = run("token", "--data-dir", str(data), "--client-id", client_id, "--client-secret", secret)
        assert other.returncode == 0, other.stderr
        req = urllib.request.Request(f"https://127.0.0.1:{port}/v1.0/applications", headers={"Authorization": f"Bearer {other.stdout.strip()}"})
        try:
            urllib.request.urlopen(req, context=ssl.create_default_context(cafile=str(ca)), timeout=10)
            raise AssertionError("a token of another issuer was accepted")
        except urllib.error.HTTPError as e:
            message = json.loads(e.read())["error"]["message"]
            assert e.code == 401 and "https://127.0.0.1:8443/" in message and f"https://127.0.0.1:{port}/" in message, message
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_start_up_failures_are_one_line(tmp_path):
    port = str(free_port())
    cases = [
        (["--database", "sqlite:///nonexistent/folder/x.sqlite"], "does not exist"),
        (["--tls-cert", "/etc/hostname", "--tls-key", "/etc/hostname"], "--tls-cert"),
        (["--host", "10.255.255.254"], "--host"),
    ]
    for index, (flags, words) in enumerate(cases):
        result = run("serve", "--data-dir", str(tmp_path / f"d{index}"), "--port", port, *flags)
        assert result.returncode == 1, (flags, result)
        lines = [l for l in result.stderr.splitlines() if not re.match(r"^\d{4}-\d\d-\d\dT", l)]
        assert len(lines) == 1 and words in lines[0], (flags, result.stderr)


def test_read_commands_refuse_a_missing_data_dir(tmp_path):
    for args in (["jobs", "status"], ["token", "--client-id", "x", "--client-secret", "y"], ["app", "create", "--name", "x"]):
        result = run(*args, cwd=tmp_path)
        assert result.returncode == 1, (args, result)
        assert "No GraphSync data directory" in result.stderr and str(tmp_path) in result.stderr, result.stderr
        assert not (tmp_path / "graphsync-data").exists(), "no tenant was made in the wrong folder"
