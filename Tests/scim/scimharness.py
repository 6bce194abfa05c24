"""Tiny stdlib-only helpers to start scim_app.py and talk to it (used by selfcheck.py,
entra_probe.py and run_tester.py; import it from your own Python tests too).

    from scimharness import ScimServer
    with ScimServer(token="secret") as srv:          # starts on a free port
        st, body, hdrs = srv.call("GET", "/Users?filter=" + srv.q('userName eq "x"'))
        srv.control("POST", "/fail", {"mode": "down"})
        log = srv.control("GET", "/requests")[1]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
APP = os.path.join(HERE, "scim_app.py")
REPO = os.path.dirname(os.path.dirname(HERE))


def default_python() -> str:
    """Interpreter that has scim2-server: $SCIM_PYTHON, else the setup.sh venv, else this one."""
    env = os.environ.get("SCIM_PYTHON")
    if env:
        return env
    venv_py = os.path.join(os.environ.get("SCIM_VENV", os.path.join(REPO, ".venv-scim")), "bin", "python")
    return venv_py if os.path.exists(venv_py) else sys.executable
SCIM_CT = "application/scim+json"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def http(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None,
         timeout: float = 10.0) -> tuple[int, Any, dict[str, str]]:
    """One HTTP request; returns (status, parsed JSON body or text or None, headers)."""
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    if data is not None and not any(k.lower() == "content-type" for k in (headers or {})):
        req.add_header("Content-Type", SCIM_CT)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, hdrs, raw = resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as e:
        status, hdrs, raw = e.code, dict(e.headers), e.read()
    text = raw.decode("utf-8", "replace")
    try:
        parsed: Any = json.loads(text) if text else None
    except ValueError:
        parsed = text
    return status, parsed, hdrs


class ScimServer:
    """Runs `python scim_app.py --port 0 ...` as a subprocess and waits for its READY line."""

    def __init__(self, token: str | None = "secret", *extra_args: str,
                 python: str | None = None, startup_timeout: float = 30.0,
                 stderr=None, app: str | None = None):
        self.token = token
        self.args = [python or default_python(), app or APP, "--port", "0", "--quiet"]
        if token:
            self.args += ["--token", token]
        self.args += list(extra_args)
        if not token and not any(a in ("--token", "--token-file", "--no-auth") for a in extra_args):
            self.args.append("--no-auth")
        self.startup_timeout = startup_timeout
        self.stderr = stderr
        self.proc: subprocess.Popen | None = None
        self.base = ""    # http://127.0.0.1:P/scim/v2
        self.origin = ""  # http://127.0.0.1:P

    def start(self) -> "ScimServer":
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self.stderr if self.stderr is not None else subprocess.DEVNULL,
                                     text=True)
        line: list[str] = []
        t = threading.Thread(target=lambda: line.append(self.proc.stdout.readline()), daemon=True)
        t.start()
        t.join(self.startup_timeout)
        if not line or not line[0].startswith("READY "):
            self.stop()
            raise RuntimeError(f"scim_app.py did not become ready: {line!r} (args {self.args})")
        self.base = line[0].split(" ", 1)[1].strip()
        self.origin = self.base[: -len("/scim/v2")]
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def __enter__(self) -> "ScimServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @staticmethod
    def q(filter_expr: str) -> str:
        """URL-encode a filter expression for ?filter=..."""
        return urllib.parse.quote(filter_expr, safe="")

    def call(self, method: str, path: str, body: Any = None, token: str | None = "",
             headers: dict[str, str] | None = None) -> tuple[int, Any, dict[str, str]]:
        """SCIM request relative to the base address; token "" = the server's token, None = no auth."""
        h = dict(headers or {})
        tok = self.token if token == "" else token
        if tok:
            h["Authorization"] = f"Bearer {tok}"
        return http(method, self.base + path, body, h)

    def control(self, method: str, path: str, body: Any = None) -> tuple[int, Any, dict[str, str]]:
        return http(method, self.origin + "/_control" + path, body,
                    {"Content-Type": "application/json"} if body is not None else None)

    @staticmethod
    def patch_body(*ops: dict) -> dict:
        return {"schemas": [PATCH_SCHEMA], "Operations": list(ops)}


def wait_until(pred, timeout: float = 5.0, interval: float = 0.05) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(interval)
    return pred()
