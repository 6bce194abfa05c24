"""A misbehaving HTTP peer on 127.0.0.1 for the hostile-peer tests: a SCIM app (paths under /scim/...) and an OAuth
token endpoint (POST /token) in one, that answers the way a broken or malicious application would.

    with HostilePeer("throttle", retry_after="nan") as peer:   # a free port on 127.0.0.1
        ... point GraphSync at peer.scim_base or peer.token_url ...
        assert peer.requests                                   # everything GraphSync sent, headers and body included
        assert not peer.saw("saved-secret-value")

Modes (`peer.mode` may be changed while it runs):

* ``ok``          a well-behaved SCIM app and token endpoint (empty ListResponse for queries, 201 with an id for POST,
                  200 for PATCH/PUT, 204 for DELETE; a bearer token for any POST /token);
* ``throttle``    429 with ``Retry-After: <retry_after>`` (no header when it is None);
* ``drip``        a 200 head promising a large body, then one byte per second, forever;
* ``endless``     a 200 chunked JSON body that never ends, as fast as the client reads it;
* ``redirect``    302 to ``redirect_to`` (default: the cloud metadata address 169.254.169.254);
* ``huge_header`` a ~100 KB response header, then a valid body;
* ``bad_json``    200 ``application/json`` whose body is not JSON;
* ``html``        200 ``text/html`` (a login page, as a misconfigured app answers);
* ``blackhole``   accept the connection, read the request, never answer.

Every request is recorded (method, path, headers with Authorization, body) before the peer misbehaves, so tests can
assert what GraphSync sent. Stdlib only; each connection runs in its own daemon thread; `stop()` closes every socket
and ends every drip within ~0.2 s.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

METADATA_URL = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
MODES = ("ok", "throttle", "drip", "endless", "redirect", "huge_header", "bad_json", "html", "blackhole")
MAX_HEAD = 64 * 1024
MAX_BODY = 8 * 1024 * 1024


@dataclass
class Recorded:
    """One request as the peer received it."""
    method: str
    target: str                  # the request target as sent (path and query)
    headers: dict[str, str]      # lower-cased names (the last value of a repeated header)
    body: bytes
    connection: int              # which accepted connection it came on (1-based)
    at: float = field(default_factory=time.monotonic)

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query, keep_blank_values=True)

    @property
    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)

    def text(self) -> str:
        """Everything GraphSync sent in this request, as one string (to look for leaked secrets)."""
        head = "\n".join(f"{k}: {v}" for k, v in self.headers.items())
        return f"{self.method} {self.target}\n{head}\n\n{self.body.decode('utf-8', 'replace')}"


class _Closed(Exception):
    pass


class HostilePeer:
    def __init__(self, mode: str = "ok", *, retry_after: str | None = None, redirect_to: str = METADATA_URL,
                 access_token: str | None = None, huge_header_bytes: int = 100_000):
        assert mode in MODES, mode
        self.mode = mode
        self.retry_after = retry_after
        self.redirect_to = redirect_to
        self.access_token = access_token
        self.huge_header_bytes = huge_header_bytes
        self.requests: list[Recorded] = []
        self.connections = 0
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._issued = 0
        self._resources: dict[str, dict] = {}
        peer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                peer._serve_connection(self.request)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True
            request_queue_size = 128

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.scim_base = f"{self.url}/scim"
        self.token_url = f"{self.url}/token"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"hostile-peer-{self.port}", daemon=True)

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> "HostilePeer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        with self._cond:
            sockets = list(self._sockets)
        for s in sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                s.close()
            except OSError:
                pass
        self._thread.join(timeout=5)

    def __enter__(self) -> "HostilePeer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ------------------------------------------------------------------ what it saw

    def snapshot(self) -> list[Recorded]:
        with self._cond:
            return list(self.requests)

    def mark(self) -> int:
        with self._cond:
            return len(self.requests)

    def since(self, mark: int) -> list[Recorded]:
        with self._cond:
            return self.requests[mark:]

    def saw(self, needle: str) -> bool:
        """Whether any request (path, headers or body) contained `needle`."""
        return any(needle in r.text() for r in self.snapshot())

    def wait_for_requests(self, count: int = 1, timeout: float = 10.0) -> list[Recorded]:
        """Waits until at least `count` requests have arrived (bounded by `timeout`); returns all of them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return list(self.requests)

    def wait_for_connections(self, count: int = 1, timeout: float = 10.0) -> int:
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.connections < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return self.connections

    # ------------------------------------------------------------------ the protocol

    def _serve_connection(self, sock: socket.socket) -> None:
        with self._cond:
            self.connections += 1
            number = self.connections
            self._sockets.add(sock)
            self._cond.notify_all()
        sock.settimeout(0.2)
        reader = _Reader(sock, self._stopping)
        try:
            while not self._stopping.is_set():
                request = reader.read_request(number)
                if request is None:
                    return  # the client closed the connection between requests
                with self._cond:
                    self.requests.append(request)
                    self._cond.notify_all()
                if not self._answer(sock, request):
                    return
        except (_Closed, OSError):
            return
        finally:
            with self._cond:
                self._sockets.discard(sock)
            try:
                sock.close()
            except OSError:
                pass

    def _answer(self, sock: socket.socket, r: Recorded) -> bool:
        """Answers one request in the current mode; True to keep the connection for another request."""
        mode = self.mode
        if mode == "blackhole":
            while not self._stopping.wait(0.1):
                if _peer_closed(sock):
                    return False
            return False
        if mode == "throttle":
            headers = [("Retry-After", self.retry_after)] if self.retry_after is not None else []
            _send(sock, 429, {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "429",
                              "detail": "Too many requests"}, headers, close=True)
            return False
        if mode == "redirect":
            _send(sock, 302, b"", [("Location", self.redirect_to)], close=True)
            return False
        if mode == "html":
            _send(sock, 200, b"<!doctype html><html><head><title>Sign in</title></head><body><form>login</form></body></html>",
                  [], content_type="text/html; charset=utf-8", close=True)
            return False
        if mode == "bad_json":
            _send(sock, 200, b'{"access_token": "tok", "Resources": [ {"id": "1", ', [], content_type="application/json", close=True)
            return False
        if mode == "huge_header":
            status, body = self._ok_answer(r)
            _send(sock, status, body, [("X-Huge", "a" * self.huge_header_bytes)], close=True)
            return False
        if mode == "drip":
            head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n"
                    b"Connection: close\r\n\r\n")
            sock.sendall(head)
            payload = b'{"access_token":"' + b"a" * 999_000
            for byte in payload:
                if self._stopping.wait(1.0):
                    return False
                sock.sendall(bytes([byte]))
            return False
        if mode == "endless":
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                         b"Connection: close\r\n\r\n")
            first = b'{"access_token":"'
            sock.sendall(b"%x\r\n%s\r\n" % (len(first), first))
            chunk = b"a" * 65536
            frame = b"%x\r\n%s\r\n" % (len(chunk), chunk)
            sock.settimeout(2.0)
            while not self._stopping.is_set():
                sock.sendall(frame)  # raises once the client gives up and closes
            return False
        status, body = self._ok_answer(r)
        _send(sock, status, body, [], close=False)
        return r.headers.get("connection", "").lower() != "close"

    def _ok_answer(self, r: Recorded) -> tuple[int, object]:
        """A well-behaved SCIM app / token endpoint."""
        path = r.path
        if path.rstrip("/").endswith("/token") and r.method == "POST":
            with self._cond:
                self._issued += 1
                n = self._issued
            return 200, {"access_token": self.access_token or f"peer-access-{self.port}-{n}", "token_type": "Bearer",
                         "expires_in": 3600, "refresh_token": f"peer-refresh-{self.port}-{n}"}
        parts = [p for p in path.split("/") if p]
        if "scim" in parts:
            parts = parts[parts.index("scim") + 1:]
            if parts and parts[0].lower() == "v2":
                parts = parts[1:]
        if not parts:
            return 404, {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "404", "detail": "no such resource"}
        kind = parts[0]
        if r.method == "GET" and len(parts) == 1:
            return 200, {"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": 0,
                         "itemsPerPage": 0, "startIndex": 1, "Resources": []}
        if r.method == "POST" and len(parts) == 1:
            try:
                resource = json.loads(r.body or b"{}")
            except ValueError:
                return 400, {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "400", "detail": "bad JSON"}
            if not isinstance(resource, dict):
                resource = {}
            resource["id"] = uuid.uuid4().hex
            resource["meta"] = {"resourceType": kind.rstrip("s")}
            with self._cond:
                self._resources[resource["id"]] = resource
            return 201, resource
        if len(parts) == 2:
            with self._cond:
                resource = self._resources.get(parts[1])
            if r.method == "DELETE":
                return 204, b""
            if resource is None:
                return 404, {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "404", "detail": "not found"}
            return 200, resource
        return 404, {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "404", "detail": "no such resource"}


REASONS = {200: "OK", 201: "Created", 204: "No Content", 302: "Found", 400: "Bad Request", 404: "Not Found",
           429: "Too Many Requests"}


def _send(sock: socket.socket, status: int, body, headers, *, content_type: str = "application/scim+json",
          close: bool) -> None:
    if isinstance(body, (dict, list)):
        data = json.dumps(body).encode()
        if isinstance(body, dict) and "access_token" in body:
            content_type = "application/json"
    else:
        data = body or b""
    lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}"]
    if status != 204:
        lines.append(f"Content-Type: {content_type}")
        lines.append(f"Content-Length: {len(data)}")
    lines += [f"{k}: {v}" for k, v in headers]
    if close:
        lines.append("Connection: close")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (data if status != 204 else b""))


def _peer_closed(sock: socket.socket) -> bool:
    try:
        return sock.recv(4096, socket.MSG_PEEK) == b""
    except socket.timeout:
        return False
    except BlockingIOError:
        return False
    except OSError:
        return True


class _Reader:
    """Reads HTTP/1.1 requests (Content-Length or chunked bodies) from a socket with a short poll timeout, so a
    stopping peer is noticed."""

    def __init__(self, sock: socket.socket, stopping: threading.Event):
        self.sock = sock
        self.stopping = stopping
        self.buffer = b""

    def _fill(self) -> bool:
        while not self.stopping.is_set():
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                return False
            self.buffer += data
            return True
        raise _Closed()

    def _read_until(self, marker: bytes, limit: int) -> bytes | None:
        while marker not in self.buffer:
            if len(self.buffer) > limit:
                raise _Closed()
            if not self._fill():
                return None
        data, _, self.buffer = self.buffer.partition(marker)
        return data

    def _read_exactly(self, n: int) -> bytes:
        while len(self.buffer) < n:
            if not self._fill():
                raise _Closed()
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def read_request(self, connection: int) -> Recorded | None:
        head = self._read_until(b"\r\n\r\n", MAX_HEAD)
        if head is None:
            if self.buffer:
                raise _Closed()
            return None
        lines = head.decode("latin-1").split("\r\n")
        try:
            method, target, _ = lines[0].split(" ", 2)
        except ValueError:
            raise _Closed()
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size_line = self._read_until(b"\r\n", MAX_HEAD)
                if size_line is None:
                    raise _Closed()
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while (self._read_until(b"\r\n", MAX_HEAD) or b"") != b"":
                        pass
                    break
                body += self._read_exactly(size)
                self._read_exactly(2)
                if len(body) > MAX_BODY:
                    raise _Closed()
        else:
            length = int(headers.get("content-length") or 0)
            if length > MAX_BODY:
                raise _Closed()
            body = self._read_exactly(length)
        return Recorded(method=method, target=target, headers=headers, body=body, connection=connection)
