#!/usr/bin/env python3
"""Contoso Tasks: a sample SaaS app for GraphSync's walkthrough and browser tests.

It has what Entra's gallery apps have and what "Authorize" needs:

* ``/oauth/authorize`` — the app's own sign-in page, then a consent page ("GraphSync wants to manage your users
  and groups"), then back to the redirect URI with ``code`` and ``state`` (or ``error=access_denied``);
* ``/oauth/token`` — RFC 6749's authorization code, refresh token and client credentials grants
  (``client_secret_post`` or ``client_secret_basic``); codes are single use and bound to their redirect URI;
* ``/scim/v2`` — a real SCIM 2.0 server (scim2-server, in memory, via Tests/scim/scim_app.py) that accepts only
  access tokens this app issued.

    python sample_saas.py --port 9000 [--client-id ID --client-secret S] [--user admin --password P]
                          [--redirect-uri URI ...]

Prints ``READY http://127.0.0.1:P`` once it listens, then the client id and secret to enter in GraphSync's console.
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import os
import secrets
import signal
import sys
import threading
import time
from typing import Any, Callable, Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scim"))
from scim_app import ControlState, TestMiddleware, build_policy, build_scim_app  # noqa: E402

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} · Contoso Tasks</title>
<style>body{{font-family:sans-serif;background:#f4f1ea;margin:0}}main{{max-width:420px;margin:10vh auto;background:#fff;padding:32px}}
label{{display:block;margin-top:12px}}input{{width:100%;padding:6px;box-sizing:border-box}}button{{margin-top:18px;padding:8px 20px}}
.error{{color:#b00}}</style></head><body><main><h1>Contoso Tasks</h1>{body}</main></body></html>"""


class SampleSaaS:
    """The OAuth 2.0 authorization server and the SCIM API of one tenant of the app."""

    def __init__(self, client_id: str, client_secret: str, user: str, password: str, redirect_uris: list[str]):
        self.client_id, self.client_secret = client_id, client_secret
        self.user, self.password = user, password
        self.redirect_uris = redirect_uris  # empty: any http(s) redirect URI is accepted (a demo convenience)
        self.lock = threading.Lock()
        self.tickets: dict[str, dict] = {}   # sign-in in progress: ticket -> authorization request (+ signed in)
        self.codes: dict[str, dict] = {}     # code -> {redirect_uri, expires}
        self.refresh_tokens: set[str] = set()
        self.access_tokens: dict[str, float] = {}  # token -> expiry
        # As lenient as apps built for Entra: its request shapes (Tests/scim/README.md's --entra policy).
        scim_wsgi, storage = build_scim_app(build_policy("ignore", "apply", "create"))
        saas = self

        class Tokens(TestMiddleware):
            def valid_tokens(self) -> set[str]:
                now = time.time()
                with saas.lock:
                    return {t for t, exp in saas.access_tokens.items() if exp > now}

        self.scim = Tokens(scim_wsgi, storage, [], None, False, ControlState("none", 0, 0))

    # ------------------------------------------------------------------ WSGI

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        method = environ.get("REQUEST_METHOD", "GET")
        if path.startswith("/scim/v2") or path.startswith("/_control"):
            return self.scim(environ, start_response)
        if path == "/oauth/authorize":
            return self.authorize(environ, start_response, method)
        if path == "/oauth/token" and method == "POST":
            return self.token(environ, start_response)
        return self.page(start_response, 404, "Not found", "<p>Nothing here.</p>")

    @staticmethod
    def form(environ: dict) -> dict[str, str]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > 65536:
            return {}
        return dict(parse_qsl(environ["wsgi.input"].read(length).decode(), keep_blank_values=True))

    @staticmethod
    def page(start_response, status: int, title: str, body: str) -> list[bytes]:
        data = PAGE.format(title=html.escape(title), body=body).encode()
        start_response(f"{status} X", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(data))),
                                       ("Cache-Control", "no-store"), ("X-Frame-Options", "DENY")])
        return [data]

    @staticmethod
    def json(start_response, status: int, body: dict) -> list[bytes]:
        data = json.dumps(body).encode()
        start_response(f"{status} X", [("Content-Type", "application/json"), ("Content-Length", str(len(data))), ("Cache-Control", "no-store")])
        return [data]

    @staticmethod
    def redirect(start_response, target: str) -> list[bytes]:
        start_response("302 Found", [("Location", target), ("Content-Length", "0")])
        return [b""]

    # ------------------------------------------------------------------ authorization endpoint

    def authorize(self, environ: dict, start_response, method: str) -> list[bytes]:
        if method == "GET":
            query = dict(parse_qsl(environ.get("QUERY_STRING", "")))
            redirect_uri = query.get("redirect_uri", "")
            target = urlsplit(redirect_uri)
            if query.get("client_id") != self.client_id:
                return self.page(start_response, 400, "Unknown client", "<p class=error>This application does not know that client id.</p>")
            if target.scheme not in ("http", "https") or not target.netloc or (self.redirect_uris and redirect_uri not in self.redirect_uris):
                return self.page(start_response, 400, "Redirect URI", "<p class=error>That redirect URI is not registered.</p>")
            if query.get("response_type") != "code":
                return self.redirect(start_response, self.back(redirect_uri, {"error": "unsupported_response_type", "state": query.get("state", "")}))
            ticket = secrets.token_urlsafe(24)
            with self.lock:
                self.tickets[ticket] = {"redirect_uri": redirect_uri, "state": query.get("state", ""), "scope": query.get("scope", ""), "signed_in": False}
            return self.sign_in_page(start_response, ticket)
        form = self.form(environ)
        with self.lock:
            ticket = self.tickets.get(form.get("ticket", ""))
        if ticket is None:
            return self.page(start_response, 400, "Expired", "<p class=error>This sign-in expired. Start again from GraphSync.</p>")
        if not ticket["signed_in"]:
            if form.get("username") != self.user or form.get("password") != self.password:
                return self.sign_in_page(start_response, form["ticket"], error="Wrong user name or password.")
            ticket["signed_in"] = True
            scope = html.escape(ticket["scope"] or "users groups")
            return self.page(start_response, 200, "Allow access", f"""
<p><strong>GraphSync</strong> wants to manage your users and groups in Contoso Tasks (scope: <code>{scope}</code>).</p>
<form method="post" action="/oauth/authorize"><input type="hidden" name="ticket" value="{html.escape(form['ticket'])}">
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
<button type="submit" name="decision" value="allow" id="allow">Allow</button></form>""")
        with self.lock:
            self.tickets.pop(form["ticket"], None)
        if form.get("decision") != "allow":
            return self.redirect(start_response, self.back(ticket["redirect_uri"], {
                "error": "access_denied", "error_description": "The administrator denied access.", "state": ticket["state"]}))
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = {"redirect_uri": ticket["redirect_uri"], "expires": time.time() + 300}
        return self.redirect(start_response, self.back(ticket["redirect_uri"], {"code": code, "state": ticket["state"]}))

    def sign_in_page(self, start_response, ticket: str, error: str | None = None) -> list[bytes]:
        problem = f"<p class=error id=error>{html.escape(error)}</p>" if error else ""
        return self.page(start_response, 400 if error else 200, "Sign in", f"""<p>Sign in to connect GraphSync.</p>{problem}
<form method="post" action="/oauth/authorize"><input type="hidden" name="ticket" value="{html.escape(ticket)}">
<label for=username>User name</label><input id=username name=username autocomplete=username>
<label for=password>Password</label><input id=password name=password type=password autocomplete=current-password>
<button type="submit" id="signin">Sign in</button></form>""")

    @staticmethod
    def back(redirect_uri: str, params: dict[str, str]) -> str:
        return redirect_uri + ("&" if "?" in redirect_uri else "?") + urlencode(params)

    # ------------------------------------------------------------------ token endpoint

    def token(self, environ: dict, start_response) -> list[bytes]:
        form = self.form(environ)
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        auth = environ.get("HTTP_AUTHORIZATION", "")
        if auth.lower().startswith("basic "):
            try:
                client_id, _, client_secret = base64.b64decode(auth[6:]).decode().partition(":")
            except Exception:
                return self.json(start_response, 401, {"error": "invalid_client"})
        if client_id != self.client_id or not secrets.compare_digest(client_secret or "", self.client_secret):
            return self.json(start_response, 401, {"error": "invalid_client", "error_description": "Client authentication failed."})
        grant = form.get("grant_type")
        with self.lock:
            if grant == "authorization_code":
                code = self.codes.pop(form.get("code", ""), None)
                if code is None or code["expires"] < time.time():
                    return self.json(start_response, 400, {"error": "invalid_grant", "error_description": "The code is unknown, used or expired."})
                if code["redirect_uri"] != form.get("redirect_uri"):
                    return self.json(start_response, 400, {"error": "invalid_grant", "error_description": "redirect_uri does not match."})
            elif grant == "refresh_token":
                if form.get("refresh_token") not in self.refresh_tokens:
                    return self.json(start_response, 400, {"error": "invalid_grant", "error_description": "Unknown refresh token."})
                self.refresh_tokens.discard(form["refresh_token"])
            elif grant != "client_credentials":
                return self.json(start_response, 400, {"error": "unsupported_grant_type"})
            access = secrets.token_urlsafe(32)
            self.access_tokens[access] = time.time() + 3600
            body: dict[str, Any] = {"access_token": access, "token_type": "Bearer", "expires_in": 3600}
            if grant != "client_credentials":
                refresh = secrets.token_urlsafe(32)
                self.refresh_tokens.add(refresh)
                body["refresh_token"] = refresh
        return self.json(start_response, 200, body)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=9000)
    ap.add_argument("--client-id", default="graphsync-provisioning")
    ap.add_argument("--client-secret", default=None, help="default: a random secret, printed at start")
    ap.add_argument("--user", default="admin")
    ap.add_argument("--password", default="contoso")
    ap.add_argument("--redirect-uri", action="append", default=[], help="registered redirect URIs (default: any)")
    args = ap.parse_args(argv)
    secret = args.client_secret or secrets.token_urlsafe(24)
    app = SampleSaaS(args.client_id, secret, args.user, args.password, args.redirect_uri)

    import logging
    from werkzeug.serving import make_server
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server(args.host, args.port, app, threaded=True)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start())
    signal.signal(signal.SIGINT, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start())
    base = f"http://{args.host}:{server.server_port}"
    print(f"READY {base}", flush=True)
    print(f"  Tenant URL         {base}/scim/v2", file=sys.stderr)
    print(f"  Authorization URL  {base}/oauth/authorize", file=sys.stderr)
    print(f"  Token URL          {base}/oauth/token", file=sys.stderr)
    print(f"  Client id          {args.client_id}", file=sys.stderr)
    print(f"  Client secret      {secret}", file=sys.stderr)
    print(f"  Sign in as         {args.user} / {args.password}", file=sys.stderr)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
