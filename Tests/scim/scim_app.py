#!/usr/bin/env python3
"""A real SCIM 2.0 server (scim2-server, in memory) for GraphSync's provisioning tests.

    python scim_app.py --port P [--token T ...] [--token-file F] [--rate-limit N]
                       [--fail-mode none|down|429|500] [--delay-ms MS] [--host H]
                       [--no-auth] [--quiet] [--entra | --unknown X --remove-value X
                       --unmatched-path-filter X]

Serves scim2-server's own WSGI application (``scim2_server.applications.wsgi.
WSGIApplication`` over ``InMemoryStorage`` with the RFC 7643 User, Group and
enterprise-User schemas) at ``http://H:P/scim/v2``, behind a small test
middleware that adds:

* bearer-token auth, re-reading ``--token-file`` on every request (401 + SCIM error);
* ``--rate-limit N``: every Nth authenticated SCIM request gets 429 + ``Retry-After: 1``;
* fault injection and a request log under ``/_control/`` (see README.md).

It prints exactly one line ``READY http://H:P/scim/v2`` on stdout once it
listens (``--port 0`` picks a free port, and the line tells which); all
logging goes to stderr. SIGTERM/SIGINT stop it cleanly.

The middleware never rewrites SCIM payloads: what scim2-server rejects is
rejected. The only knobs on SCIM semantics are scim2-models' own ScimPolicy
settings (--entra, --unknown, --remove-value, --unmatched-path-filter), which
configure the real server; strict RFC reading is the default. See README.md
for what it accepts from Entra-shaped requests in each mode.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import signal
import sys
import threading
import time
from http import HTTPStatus
from typing import Any, Callable, Iterable
from urllib.parse import parse_qsl

from scim2_server.applications.wsgi import WSGIApplication
from scim2_server.memory import InMemoryStorage
from scim2_server.service import ScimService
from scim2_server.testserver.application import BEARER_TOKEN_SCHEME
from scim2_server.utils import (
    load_default_resource_types,
    load_default_schemas,
    load_default_service_provider_config,
)
from scim2_models import ScimPolicy, ScimProvider

SCIM_PREFIX = "/scim"  # scim2-server itself serves "/v2/..." below this mount point
BASE_PATH = SCIM_PREFIX + "/v2"
CONTROL_PREFIX = "/_control"
SCIM_CT = "application/scim+json"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"

FAIL_MODES = {
    # mode -> (HTTP status, default Retry-After or None)
    "none": (None, None),
    "down": (HTTPStatus.SERVICE_UNAVAILABLE, None),
    "429": (HTTPStatus.TOO_MANY_REQUESTS, 1),
    "500": (HTTPStatus.INTERNAL_SERVER_ERROR, None),
}

log = logging.getLogger("scim_app")


# --------------------------------------------------------------------------- helpers


def scim_error(status: int, detail: str, scim_type: str | None = None) -> bytes:
    body: dict[str, Any] = {"schemas": [ERROR_SCHEMA], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    return json.dumps(body).encode()


def status_line(status: int) -> str:
    return f"{status} {HTTPStatus(status).phrase}"


def read_tokens(path: str | None) -> set[str]:
    """Tokens of a token file: one per line; blank lines and lines starting with '#' ignored.

    A missing or unreadable file yields no tokens (every request then needs a --token).
    """
    if not path:
        return set()
    try:
        with open(path, encoding="utf-8") as f:
            return {ln.strip() for ln in f if ln.strip() and not ln.lstrip().startswith("#")}
    except OSError:
        return set()


def build_policy(unknown: str = "forbid", remove_value: str = "forbid",
                 unmatched_path_filter: str = "forbid") -> ScimPolicy:
    """scim2-models' own tolerance knobs (all "forbid" = strict RFC 7643/7644 reading).

    * unknown:               forbid | ignore | keep  - unknown attributes *and* unknown
                             extension schema URIs (e.g. Entra's ADSCIM Group schema)
    * remove_value:          forbid | apply  - PATCH remove carrying a "value" (Entra's
                             default-job member removal)
    * unmatched_path_filter: forbid | create - add/replace on `attr[type eq "x"].sub`
                             when no entry matches (Entra adds emails/phones this way)
    """
    return ScimPolicy(
        unknown=ScimPolicy.Unknown(unknown),
        remove_value_as_filter=ScimPolicy.RemoveValue(remove_value),
        unmatched_path_filter=ScimPolicy.UnmatchedPathFilter(unmatched_path_filter),
    )


def build_scim_app(policy: ScimPolicy | None = None) -> tuple[WSGIApplication, InMemoryStorage]:
    """scim2-server's real WSGI application, built exactly like its own `scim2-server` CLI does.

    Default RFC 7643 schemas (User, Group, EnterpriseUser) and resource types
    (User with the optional enterprise extension, Group), the default
    ServiceProviderConfig (patch/bulk/filter/sort/etag/changePassword supported)
    plus the bearer-token authentication scheme, and a ScimPolicy (strict by
    default). Auth itself is done by the middleware, so the inner application
    accepts everything it is given.
    """
    config = load_default_service_provider_config()
    config.authentication_schemes = [*(config.authentication_schemes or []), BEARER_TOKEN_SCHEME]
    provider = ScimProvider.from_discovery(
        load_default_schemas().values(), load_default_resource_types().values(),
        config=config, policy=policy,
    )
    # A secret is only needed for cursor pagination, which the default config does not announce.
    service = ScimService(provider, secret=os.environ.get("SCIM2_SERVER_SECRET"))
    storage = InMemoryStorage()
    return WSGIApplication(storage, provider, service=service), storage


# --------------------------------------------------------------------------- middleware


class ControlState:
    """Mutable test knobs, shared by all request threads."""

    def __init__(self, fail_mode: str, rate_limit: int, delay_ms: int):
        self.lock = threading.Lock()
        self.fail_mode = fail_mode
        self.fail_remaining: int | None = None  # None = until changed
        self.retry_after: int | None = FAIL_MODES[fail_mode][1]
        self.delay_ms = delay_ms
        self.rate_limit = rate_limit
        self.counter = 0  # authenticated SCIM requests seen (drives --rate-limit)
        self.seq = 0
        self.requests: list[dict[str, Any]] = []


class TestMiddleware:
    def __init__(
        self,
        scim_app: WSGIApplication,
        storage: InMemoryStorage,
        tokens: Iterable[str],
        token_file: str | None,
        no_auth: bool,
        state: ControlState,
        policy: ScimPolicy | None = None,
    ):
        self.policy = policy
        self.scim_app = scim_app
        self.storage = storage
        self.static_tokens = set(tokens)
        self.token_file = token_file
        self.no_auth = no_auth
        self.state = state

    # -- WSGI entry ---------------------------------------------------------

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            return self.control(environ, start_response, path[len(CONTROL_PREFIX):] or "/")
        if path == BASE_PATH or path.startswith(BASE_PATH + "/"):
            return self.scim(environ, start_response, path)
        return self.respond(
            start_response, 404, scim_error(404, f"Not found: {path}; SCIM base path is {BASE_PATH}")
        )

    @staticmethod
    def respond(start_response, status: int, body: bytes, headers: list | None = None,
                content_type: str = SCIM_CT) -> list[bytes]:
        hdrs = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        start_response(status_line(status), hdrs + (headers or []))
        return [body]

    # -- SCIM path ----------------------------------------------------------

    @staticmethod
    def read_body(environ: dict) -> bytes:
        stream = environ["wsgi.input"]
        length = environ.get("CONTENT_LENGTH")
        if length:
            body = stream.read(int(length))
        elif environ.get("wsgi.input_terminated"):  # chunked request
            body = stream.read()
        else:
            body = b""
        # Hand an identical, re-readable body to scim2-server.
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return body

    def valid_tokens(self) -> set[str]:
        return self.static_tokens | read_tokens(self.token_file)

    def scim(self, environ: dict, start_response: Callable, path: str) -> Iterable[bytes]:
        body = self.read_body(environ)
        query_string = environ.get("QUERY_STRING", "")
        auth = environ.get("HTTP_AUTHORIZATION", "")
        scheme, _, token = auth.partition(" ")
        token = token.strip()
        st = self.state

        try:
            parsed_body: Any = json.loads(body) if body else None
        except (ValueError, UnicodeDecodeError):
            parsed_body = body.decode("utf-8", "replace")

        entry: dict[str, Any] = {
            "method": environ.get("REQUEST_METHOD", ""),
            "path": path,
            "query": dict(parse_qsl(query_string, keep_blank_values=True)),
            "rawQuery": query_string,
            "body": parsed_body,
            "contentType": environ.get("CONTENT_TYPE") or None,
            "token": token if scheme.lower() == "bearer" else None,
            "ifMatch": environ.get("HTTP_IF_MATCH"),
            "time": time.time(),
            # filled in when the answer is known; present from the start so that a
            # concurrent GET /_control/requests never sees the dict change size
            "status": None,
            "outcome": None,
        }

        with st.lock:
            st.seq += 1
            entry["seq"] = st.seq
            st.requests.append(entry)
            mode = st.fail_mode
            retry_after = st.retry_after
            if mode != "none" and st.fail_remaining is not None:
                st.fail_remaining -= 1
                if st.fail_remaining <= 0:
                    st.fail_mode, st.fail_remaining = "none", None
                    st.retry_after = None
            delay_ms = st.delay_ms

        if delay_ms:
            time.sleep(delay_ms / 1000.0)

        def finish(status: int, payload: bytes, headers: list | None = None, outcome: str = "") -> list[bytes]:
            entry["status"] = status
            entry["outcome"] = outcome
            return self.respond(start_response, status, payload, headers)

        # 1. injected outage (before auth, like a load balancer in front of the app)
        if mode != "none":
            status = int(FAIL_MODES[mode][0])
            headers = [("Retry-After", str(retry_after))] if retry_after is not None else []
            return finish(status, scim_error(status, f"Injected failure (fail mode {mode!r})"),
                          headers, outcome=f"fail:{mode}")

        # 2. bearer token
        if not self.no_auth:
            if scheme.lower() != "bearer" or not token or token not in self.valid_tokens():
                return finish(401, scim_error(401, "Missing or invalid bearer token"),
                              [("WWW-Authenticate", 'Bearer realm="SCIM"')], outcome="unauthorized")

        # 3. rate limit: every Nth authenticated request
        if st.rate_limit > 0:
            with st.lock:
                st.counter += 1
                limited = st.counter % st.rate_limit == 0
            if limited:
                return finish(429, scim_error(429, "Rate limit (test): retry later"),
                              [("Retry-After", "1")], outcome="rate-limited")

        # 4. the real scim2-server application, mounted at /scim
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "").rstrip("/") + SCIM_PREFIX
        environ["PATH_INFO"] = path[len(SCIM_PREFIX):]

        captured: dict[str, Any] = {}

        def capture(status: str, headers: list, exc_info=None):
            captured["status"] = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        chunks = list(self.scim_app(environ, capture))
        entry["status"] = captured.get("status")
        entry["outcome"] = "scim"
        return chunks

    # -- control endpoints --------------------------------------------------

    def control(self, environ: dict, start_response: Callable, sub: str) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        body = self.read_body(environ)
        st = self.state

        def ok(obj: Any, status: int = 200) -> list[bytes]:
            return self.respond(start_response, status, json.dumps(obj, default=str).encode(),
                                content_type="application/json")

        def bad(msg: str, status: int = 400) -> list[bytes]:
            return ok({"error": msg}, status)

        try:
            payload = json.loads(body) if body.strip() else {}
        except ValueError as e:
            return bad(f"invalid JSON: {e}")
        if not isinstance(payload, dict):
            return bad("body must be a JSON object")

        if sub == "/fail" and method == "POST":
            mode = str(payload.get("mode", ""))
            if mode not in FAIL_MODES:
                return bad(f"mode must be one of {sorted(FAIL_MODES)}")
            count = payload.get("count")
            if count is not None and (not isinstance(count, int) or count < 1):
                return bad("count must be a positive integer")
            with st.lock:
                st.fail_mode = mode
                st.fail_remaining = count if mode != "none" else None
                st.retry_after = payload.get("retryAfter", FAIL_MODES[mode][1]) if mode != "none" else None
                if "delayMs" in payload:
                    st.delay_ms = int(payload["delayMs"])
            log.info("control: fail mode=%s count=%s delayMs=%s", mode, count, st.delay_ms)
            return ok(self.snapshot())

        if sub == "/requests" and method == "GET":
            with st.lock:
                return ok(list(st.requests))

        if sub == "/reset" and method == "POST":
            with st.lock:
                st.requests.clear()
                st.counter = 0
                if payload.get("failMode", False):
                    st.fail_mode, st.fail_remaining, st.retry_after, st.delay_ms = "none", None, None, 0
            if payload.get("storage", False):
                with self.storage.lock:
                    self.storage.resources = []
            log.info("control: reset %s", payload or "(log)")
            return ok(self.snapshot())

        if sub == "/resources" and method == "GET":
            with self.storage.lock:
                resources = [r.model_dump() for r in self.storage.resources]
            return ok(resources)

        if sub in ("/", "/state") and method == "GET":
            return ok(self.snapshot())

        return bad(f"unknown control endpoint {method} {CONTROL_PREFIX}{sub}", 404)

    def snapshot(self) -> dict[str, Any]:
        st = self.state
        with st.lock:
            return {
                "failMode": st.fail_mode,
                "failRemaining": st.fail_remaining,
                "retryAfter": st.retry_after,
                "delayMs": st.delay_ms,
                "rateLimit": st.rate_limit,
                "authenticatedCount": st.counter,
                "requestsLogged": len(st.requests),
                "policy": None if self.policy is None else {
                    "unknown": str(self.policy.unknown),
                    "removeValueAsFilter": str(self.policy.remove_value_as_filter),
                    "unmatchedPathFilter": str(self.policy.unmatched_path_filter),
                },
                "auth": "disabled" if self.no_auth else {
                    "staticTokens": len(self.static_tokens),
                    "tokenFile": self.token_file,
                    "tokenFileTokens": len(read_tokens(self.token_file)),
                },
            }


# --------------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        description="Real SCIM 2.0 server (scim2-server, in memory) at http://HOST:PORT/scim/v2 "
        "with bearer auth, rate limiting and fault injection for tests."
    )
    p.add_argument("--port", type=int, required=True, help="TCP port; 0 = pick a free one (see READY line)")
    p.add_argument("--host", default="127.0.0.1", help="listen address (default 127.0.0.1)")
    p.add_argument("--token", action="append", default=[], metavar="T",
                   help="accepted bearer token; repeatable")
    p.add_argument("--token-file", metavar="F",
                   help="file with one accepted token per line ('#' comments, blank lines ignored); "
                        "re-read on every request, so rewriting it rotates tokens")
    p.add_argument("--no-auth", action="store_true",
                   help="accept requests without a token (required if neither --token nor --token-file)")
    p.add_argument("--rate-limit", type=int, default=0, metavar="N",
                   help="answer 429 + Retry-After: 1 to every Nth authenticated SCIM request (0 = off)")
    p.add_argument("--fail-mode", choices=sorted(FAIL_MODES), default="none",
                   help="initial fault: down=503, 429=429 + Retry-After: 1, 500=500 on every SCIM request")
    p.add_argument("--delay-ms", type=int, default=0, metavar="MS",
                   help="sleep this long before answering each SCIM request (timeout tests)")
    g = p.add_argument_group(
        "scim2-models ScimPolicy (server-side tolerance; default = strict RFC reading)")
    g.add_argument("--entra", action="store_true",
                   help="shorthand for --unknown ignore --remove-value apply --unmatched-path-filter create")
    g.add_argument("--unknown", choices=[m.value for m in ScimPolicy.Unknown],
                   help="unknown attributes / extension schema URIs (default forbid -> 400 invalidSyntax)")
    g.add_argument("--remove-value", choices=[m.value for m in ScimPolicy.RemoveValue],
                   help="PATCH remove with a value (default forbid -> 400 invalidValue)")
    g.add_argument("--unmatched-path-filter", choices=[m.value for m in ScimPolicy.UnmatchedPathFilter],
                   help="add/replace on a value-filter path matching nothing (default forbid -> 400 noTarget)")
    p.add_argument("--quiet", action="store_true", help="no per-request access log on stderr")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not (args.token or args.token_file or args.no_auth):
        build_parser().error("give --token and/or --token-file, or --no-auth")
    if args.rate_limit < 0:
        build_parser().error("--rate-limit must be >= 0")

    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if args.quiet:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

    policy = build_policy(
        args.unknown or ("ignore" if args.entra else "forbid"),
        args.remove_value or ("apply" if args.entra else "forbid"),
        args.unmatched_path_filter or ("create" if args.entra else "forbid"),
    )
    scim_app, storage = build_scim_app(policy)
    state = ControlState(args.fail_mode, args.rate_limit, args.delay_ms)
    app = TestMiddleware(scim_app, storage, args.token, args.token_file, args.no_auth, state, policy)
    return serve(app, args.host, args.port, "scim_app", f"serving scim2-server (control at {CONTROL_PREFIX})")


def serve(app, host: str, port: int, name: str, what: str) -> int:
    """Serves `app` (threaded) until SIGTERM or SIGINT: one stdout line `READY http://H:P/scim/v2` once it listens,
    exit status 2 when the port cannot be had. Shared by the test apps built on scim2-server."""
    from werkzeug.serving import make_server
    try:
        server = make_server(host, port, app, threaded=True)
    except OSError as e:
        print(f"{name}: cannot listen on {host}:{port}: {e}", file=sys.stderr)
        return 2

    def stop(signum, _frame):
        log.info("signal %s: shutting down", signum)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    shown = host if ":" not in host else f"[{host}]"
    print(f"READY http://{shown}:{server.server_port}{BASE_PATH}", flush=True)
    log.info("%s at http://%s:%d%s", what, shown, server.server_port, BASE_PATH)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
