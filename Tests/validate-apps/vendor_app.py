#!/usr/bin/env python3
"""A vendor's SCIM 2.0 app for `graphsync validate-app` tests: conformant, or with one planted defect.

    python vendor_app.py --port 0 --token T [--defect NAME] [--quiet] [--host H]
    python vendor_app.py --list-defects

Serves scim2-server 0.8.3 (in memory) at ``http://H:P/scim/v2`` behind Tests/scim/scim_app.py's
TestMiddleware (bearer auth, request log and ``/_control/`` API), with scim2-models' Entra-tolerant
policy (unknown attributes ignored, remove-with-value applied, unmatched path filters create the
entry) and the smallest changes that make it CONFORMANT to what Microsoft Entra's provisioning
engine sends and Microsoft's SCIM validator expects (README.md, "Where plain scim2-server deviates"):

* the Group schema declares ``displayName`` unique (``uniqueness: server``), so scim2-server itself
  answers 409 to a second group with the same name (plain scim2-server: 201);
* a WSGI shim wraps Entra's bare-string manager value into ``{"value": id}`` (plain: 400).

The app starts with one user, the vendor's own admin (``admin@vendor.example``), as real apps do;
without it an app that ignores ``filter`` would still pass Entra's Test Connection.

``--defect NAME`` plants exactly one defect (see DEFECTS): a changed schema or policy, or one small
WSGI layer; everything else stays conformant. Prints exactly one stdout line
``READY http://H:P/scim/v2`` once listening; logs go to stderr; SIGTERM/SIGINT exit with status 0.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import re
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable
from urllib.parse import parse_qsl, quote, urlencode

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scim"))
from scim_app import (  # noqa: E402  (Tests/scim/scim_app.py: the shared test middleware)
    BASE_PATH, SCIM_CT, ControlState, TestMiddleware, build_policy, scim_error, serve, status_line,
)
from scim2_models import ScimProvider, Uniqueness  # noqa: E402
from scim2_server.applications.wsgi import WSGIApplication  # noqa: E402
from scim2_server.memory import InMemoryStorage  # noqa: E402
from scim2_server.service import ScimService  # noqa: E402
from scim2_server.testserver.application import BEARER_TOKEN_SCHEME  # noqa: E402
from scim2_server.utils import (  # noqa: E402
    load_default_resource_types, load_default_schemas, load_default_service_provider_config,
)

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
MANAGER_PATH = ENTERPRISE + ":manager"
SEED_USER = {"schemas": [USER_SCHEMA], "userName": "admin@vendor.example", "externalId": "vendor-admin",
             "displayName": "Vendor Admin", "active": True}

log = logging.getLogger("vendor_app")

# name -> (one-line description, check IDs of `graphsync validate-app` that must fail, and only those:
# test_validate_app.py asserts each of these fails; the conformant app fails none)
DEFECTS: dict[str, tuple[str, list[str]]] = {
    "ignores-filter": (
        "list requests ignore `filter` and return every resource",
        ["connection.test", "users.filter-username", "users.filter-username-case", "users.filter-externalid", "engine.user-create"]),
    "lowercase-ops-only": (
        'PATCH ops "Add"/"Replace"/"Remove" (capitalised, as Entra\'s default job sends them) -> 400 invalidSyntax',
        ["users.patch-replace", "users.patch-filtered-path", "users.patch-add", "users.update-empty", "users.patch-remove",
         "users.disable", "users.enable", "users.manager-add", "users.manager-change", "users.manager-remove",
         "groups.members-add", "groups.members-remove", "groups.rename", "engine.user-update", "engine.group-create"]),
    "boolean-active-only": (
        'PATCH with "active" as a string ("False"/"True") -> 400 invalidValue',
        ["users.disable", "users.enable", "engine.user-disable"]),
    "no-conflict": (
        "a duplicate userName is created again (201) instead of 409 uniqueness",
        ["users.create-duplicate"]),
    "delete-always-204": (
        "DELETE of an unknown id answers 204 instead of 404",
        ["users.delete-twice", "groups.delete-twice"]),
    "json-media-type": (
        "every response says Content-Type: application/json instead of application/scim+json",
        ["media-type"]),
    "no-paging": (
        "startIndex/count are ignored: every resource is returned",
        ["users.paging", "groups.paging"]),
    "search-throttled": (
        "userName queries are limited to 10 per second (bursts of 20): more get 429 with Retry-After",
        ["rate.sustained"]),
    "rfc-member-removal-only": (
        'Remove on path "members" with a value (Entra\'s default job) -> 400 invalidValue',
        ["groups.members-remove", "engine.group-members-remove"]),
    "complex-manager-only": (
        "bare-string manager value -> 400 invalidValue (only {\"value\": id} accepted)",
        ["users.manager-add", "users.manager-change", "engine.manager-add", "engine.manager-change"]),
    "no-auth": (
        "requests without a (valid) bearer token are accepted",
        ["auth.required"]),
    "duplicate-group-names": (
        "a second group with the same displayName is created (201) instead of 409",
        ["groups.create-duplicate"]),
    "rename-ignored": (
        "group displayName replace answers 204 but keeps the old name",
        ["groups.rename", "engine.group-rename"]),
    "no-externalid-filter": (
        "a filter on externalId -> 400 invalidFilter",
        ["users.filter-externalid"]),
    "members-on-group-reads": (
        "excludedAttributes=members is ignored on group reads (members returned)",
        ["groups.filter-displayname"]),
}


# --------------------------------------------------------------------------- WSGI helpers


def read_body(environ: dict) -> bytes:
    """The request body; leaves an identical, re-readable one in the environ for the next layer."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def read_json(environ: dict) -> Any:
    """The request body as JSON, or None when absent or not JSON."""
    try:
        return json.loads(read_body(environ) or b"null")
    except (ValueError, UnicodeDecodeError):
        return None


def write_json(environ: dict, obj: Any) -> None:
    """Replace the request body (for the next layer) with ``obj`` as JSON."""
    body = json.dumps(obj).encode()
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))


def patch_operations(body: Any) -> list[dict]:
    """The ``Operations`` of a PatchOp body (key matched case-insensitively, like scim2-server)."""
    if not isinstance(body, dict):
        return []
    ops = next((v for k, v in body.items() if k.lower() == "operations"), [])
    return [op for op in ops if isinstance(op, dict)] if isinstance(ops, list) else []


def target(environ: dict) -> tuple[str | None, str | None]:
    """(``"Users"``/``"Groups"``, id or None) of a request path, else (None, None).

    Works at any mount point: ``/scim/v2/Users/x`` (outside TestMiddleware) and ``/v2/Users/x`` (inside).
    """
    m = re.search(r"/v2/(Users|Groups)(?:/([^/]+))?/?$", environ.get("PATH_INFO", ""))
    return (m.group(1), m.group(2)) if m else (None, None)


def query(environ: dict) -> list[tuple[str, str]]:
    return parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)


def set_query(environ: dict, params: list[tuple[str, str]]) -> None:
    environ["QUERY_STRING"] = urlencode(params, quote_via=quote)


def answer(start_response: Callable, status: int, body: bytes = b"") -> list[bytes]:
    """A response of our own, shaped like scim2-server's (SCIM media type)."""
    start_response(status_line(status), [("Content-Type", SCIM_CT), ("Content-Length", str(len(body)))])
    return [body]


class Layer:
    """A WSGI middleware around ``app``; subclasses override ``__call__``."""

    def __init__(self, app: Callable):
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        return self.app(environ, start_response)


# --------------------------------------------------------------------------- the conformance shim


class BareStringManagerShim(Layer):
    """SHIM (README "Where plain scim2-server deviates", #1): Entra's bare-string manager.

    Entra sends ``{"op":"Add","path":"urn:…:enterprise:2.0:User:manager","value":"<id>"}``; scim2-server
    (any policy) answers 400 invalidValue "Input should be a valid dictionary or instance of Manager".
    This rewrites such a string value (op add or replace, any case) to ``{"value": "<id>"}``, the
    RFC 7643 shape scim2-server accepts. Every other request passes through untouched.
    """

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "PATCH" and target(environ)[0] == "Users":
            body = read_json(environ)
            changed = False
            for op in patch_operations(body):
                if (str(op.get("op", "")).lower() in ("add", "replace")
                        and str(op.get("path", "")).lower() == MANAGER_PATH.lower()
                        and isinstance(op.get("value"), str)):
                    op["value"] = {"value": op["value"]}
                    changed = True
            if changed:
                write_json(environ, body)
        return self.app(environ, start_response)


# --------------------------------------------------------------------------- defect layers


class IgnoresFilter(Layer):
    """Defect: list requests drop ``filter`` and so return every resource."""

    def __call__(self, environ, start_response):
        kind, rid = target(environ)
        if environ.get("REQUEST_METHOD") == "GET" and kind and rid is None:
            set_query(environ, [(k, v) for k, v in query(environ) if k.lower() != "filter"])
        return self.app(environ, start_response)


class LowercaseOpsOnly(Layer):
    """Defect: a PATCH op that is not all lower case ("Replace") is rejected."""

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "PATCH":
            for op in patch_operations(read_json(environ)):
                name = str(op.get("op", ""))
                if name != name.lower():
                    return answer(start_response, 400, scim_error(
                        400, f"Unsupported op {name!r}: expected add, replace or remove", "invalidSyntax"))
        return self.app(environ, start_response)


class BooleanActiveOnly(Layer):
    """Defect: PATCH setting ``active`` to a string ("False") is rejected."""

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "PATCH":
            for op in patch_operations(read_json(environ)):
                value = op.get("value")
                if str(op.get("path", "")).lower() == "active":
                    values = [value]
                else:  # path-less add/replace: {"active": ...} among the attributes
                    values = [v for k, v in value.items() if k.lower() == "active"] if isinstance(value, dict) else []
                if any(isinstance(v, str) for v in values):
                    return answer(start_response, 400, scim_error(
                        400, "active must be a boolean", "invalidValue"))
        return self.app(environ, start_response)


class DeleteAlways204(Layer):
    """Defect: DELETE answers 204 even when the resource does not exist (scim2-server: 404)."""

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "DELETE":
            return self.app(environ, start_response)
        captured: dict[str, Any] = {}

        def capture(status, headers, exc_info=None):
            captured.update(status=status, headers=headers)
            return lambda data: None

        chunks = list(self.app(environ, capture))
        if captured["status"].startswith("404"):
            return answer(start_response, 204)
        start_response(captured["status"], captured["headers"])
        return chunks


class JsonMediaType(Layer):
    """Defect (outermost, so even 401s): every Content-Type becomes application/json."""

    def __call__(self, environ, start_response):
        def rewrite(status, headers, exc_info=None):
            headers = [(k, "application/json" if k.lower() == "content-type" else v) for k, v in headers]
            return start_response(status, headers, exc_info)

        return self.app(environ, rewrite)


class NoPaging(Layer):
    """Defect: list requests drop ``startIndex`` and ``count`` and so return everything."""

    def __call__(self, environ, start_response):
        kind, rid = target(environ)
        if environ.get("REQUEST_METHOD") == "GET" and kind and rid is None:
            set_query(environ, [(k, v) for k, v in query(environ) if k.lower() not in ("startindex", "count")])
        return self.app(environ, start_response)


class SearchThrottled(Layer):
    """Defect: ``GET /Users?filter=userName …`` is rate-limited to 10 per second (a bucket of 20); beyond, 429."""

    RATE, BURST = 10.0, 20.0

    def __init__(self, app: Callable):
        super().__init__(app)
        self.lock = threading.Lock()
        self.tokens, self.last = self.BURST, time.monotonic()

    def __call__(self, environ, start_response):
        kind, rid = target(environ)
        filtered = any(k.lower() == "filter" and v.lstrip().lower().startswith("username") for k, v in query(environ))
        if environ.get("REQUEST_METHOD") == "GET" and kind == "Users" and rid is None and filtered:
            with self.lock:
                now = time.monotonic()
                self.tokens = min(self.BURST, self.tokens + (now - self.last) * self.RATE)
                self.last = now
                allowed = self.tokens >= 1
                if allowed:
                    self.tokens -= 1
            if not allowed:
                body = scim_error(429, "Too many searches: at most 10 per second", None)
                start_response(status_line(429), [("Content-Type", SCIM_CT), ("Content-Length", str(len(body))), ("Retry-After", "1")])
                return [body]
        return self.app(environ, start_response)


class RenameIgnored(Layer):
    """Defect: a group ``displayName`` replace is dropped, yet the PATCH still answers 204."""

    def __call__(self, environ, start_response):
        kind, rid = target(environ)
        if environ.get("REQUEST_METHOD") != "PATCH" or kind != "Groups" or rid is None:
            return self.app(environ, start_response)
        body = read_json(environ)
        kept = []
        for op in patch_operations(body):
            value = op.get("value")
            if str(op.get("path", "")).lower() == "displayname":
                continue  # `{"op":"Replace","path":"displayName",...}`: silently dropped
            if "path" not in op and isinstance(value, dict):  # path-less form: drop the key
                op["value"] = {k: v for k, v in value.items() if k.lower() != "displayname"}
                if not op["value"]:
                    continue
            kept.append(op)
        if not kept:
            return answer(start_response, 204)
        write_json(environ, {"schemas": body.get("schemas", []), "Operations": kept})
        return self.app(environ, start_response)


class NoExternalIdFilter(Layer):
    """Defect: a filter mentioning ``externalId`` is refused with 400 invalidFilter."""

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET" and target(environ)[0]:
            for k, v in query(environ):
                if k.lower() == "filter" and "externalid" in v.lower():
                    return answer(start_response, 400, scim_error(
                        400, "Filtering on externalId is not supported", "invalidFilter"))
        return self.app(environ, start_response)


class MembersOnGroupReads(Layer):
    """Defect: ``excludedAttributes=members`` is ignored on group reads (members come back)."""

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET" and target(environ)[0] == "Groups":
            params = []
            for k, v in query(environ):
                if k.lower() == "excludedattributes":
                    v = ",".join(a for a in v.split(",") if a.strip().lower() != "members")
                    if not v:
                        continue
                params.append((k, v))
            set_query(environ, params)
        return self.app(environ, start_response)


@dataclass(frozen=True)
class Build:
    """How to assemble the app; the conformant one is ``Build()``. A defect changes exactly one field."""

    remove_value: str = "apply"          # scim2-models policy: "forbid" = RFC-only member removal
    unique_user_names: bool = True       # User schema: userName uniqueness "server" (scim2-server default)
    unique_group_names: bool = True      # Group schema: displayName uniqueness "server" (conformance change)
    manager_shim: bool = True            # BareStringManagerShim in front of scim2-server
    no_auth: bool = False                # TestMiddleware accepts requests without a token
    inner: type[Layer] | None = None     # defect layer between auth and scim2-server
    outer: type[Layer] | None = None     # defect layer around everything (also sees 401s)


PLANTS: dict[str, Build] = {
    "ignores-filter": Build(inner=IgnoresFilter),
    "lowercase-ops-only": Build(inner=LowercaseOpsOnly),
    "boolean-active-only": Build(inner=BooleanActiveOnly),
    "no-conflict": Build(unique_user_names=False),
    "delete-always-204": Build(inner=DeleteAlways204),
    "json-media-type": Build(outer=JsonMediaType),
    "no-paging": Build(inner=NoPaging),
    "search-throttled": Build(inner=SearchThrottled),
    "rfc-member-removal-only": Build(remove_value="forbid"),
    "complex-manager-only": Build(manager_shim=False),
    "no-auth": Build(no_auth=True),
    "duplicate-group-names": Build(unique_group_names=False),
    "rename-ignored": Build(inner=RenameIgnored),
    "no-externalid-filter": Build(inner=NoExternalIdFilter),
    "members-on-group-reads": Build(inner=MembersOnGroupReads),
}
assert PLANTS.keys() == DEFECTS.keys()


# --------------------------------------------------------------------------- assembly


def set_uniqueness(schemas: dict, schema_id: str, attribute: str, unique: bool) -> None:
    """Declare one core attribute unique ("server") or not ("none") in a loaded schema."""
    for attr in schemas[schema_id].attributes:
        if attr.name == attribute:
            attr.uniqueness = Uniqueness.server if unique else Uniqueness.none


def build_scim_server(build: Build) -> tuple[WSGIApplication, InMemoryStorage]:
    """scim2-server's WSGI app, as Tests/scim/scim_app.py's build_scim_app, with the schema changes.

    CONFORMANCE CHANGE (README "Where plain scim2-server deviates", #2): Group ``displayName`` is
    declared ``uniqueness: server`` (RFC 7643 ships ``none``), because Entra requires unique group
    names. scim2-server's storage enforces declared uniqueness itself: POST, PATCH and PUT that would
    duplicate a name (case-insensitively) get 409 ``uniqueness``, and /Schemas publishes it.
    """
    schemas = load_default_schemas()
    set_uniqueness(schemas, USER_SCHEMA, "userName", build.unique_user_names)
    set_uniqueness(schemas, GROUP_SCHEMA, "displayName", build.unique_group_names)
    config = load_default_service_provider_config()
    config.authentication_schemes = [*(config.authentication_schemes or []), BEARER_TOKEN_SCHEME]
    policy = build_policy("ignore", build.remove_value, "create")  # scim_app.py's --entra, unless a defect
    provider = ScimProvider.from_discovery(schemas.values(), load_default_resource_types().values(),
                                           config=config, policy=policy)
    storage = InMemoryStorage()
    service = ScimService(provider, secret=os.environ.get("SCIM2_SERVER_SECRET"))
    return WSGIApplication(storage, provider, service=service), storage


def seed(scim_wsgi: WSGIApplication) -> None:
    """Create the vendor's own admin user through scim2-server itself (in process, no socket)."""
    from werkzeug.test import Client

    resp = Client(scim_wsgi).post("/v2/Users", json=SEED_USER, headers={"Content-Type": SCIM_CT})
    if resp.status_code != 201:
        raise RuntimeError(f"seeding the admin user failed: {resp.status_code} {resp.get_data(as_text=True)}")


def build_app(tokens: list[str], defect: str | None = None) -> tuple[Callable, TestMiddleware]:
    """The whole WSGI app: [outer defect] -> TestMiddleware (auth, log, /_control) -> [inner defect]
    -> [manager shim] -> scim2-server. Returns (app to serve, the TestMiddleware)."""
    build = PLANTS[defect] if defect else Build()
    scim_wsgi, storage = build_scim_server(build)
    seed(scim_wsgi)
    inner: Callable = scim_wsgi
    if build.manager_shim:
        inner = BareStringManagerShim(inner)
    if build.inner:
        inner = build.inner(inner)
    middleware = TestMiddleware(inner, storage, tokens, None, build.no_auth, ControlState("none", 0, 0),
                                build_policy("ignore", build.remove_value, "create"))
    app: Callable = build.outer(middleware) if build.outer else middleware
    return app, middleware


# --------------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="A vendor's SCIM 2.0 app (scim2-server), conformant to what "
                                "Microsoft Entra sends, or with one planted --defect.")
    p.add_argument("--port", type=int, help="TCP port; 0 = pick a free one (see the READY line)")
    p.add_argument("--host", default="127.0.0.1", help="listen address (default 127.0.0.1)")
    p.add_argument("--token", action="append", default=[], metavar="T", help="accepted bearer token; repeatable")
    p.add_argument("--defect", choices=sorted(DEFECTS), help="plant this one defect (default: none)")
    p.add_argument("--list-defects", action="store_true",
                   help="print name<TAB>description<TAB>checks per defect and exit")
    p.add_argument("--quiet", action="store_true", help="no per-request access log on stderr")
    return p


def list_defects() -> None:
    for name, (description, checks) in DEFECTS.items():
        print(f"{name}\t{description}\t{','.join(checks)}")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.list_defects:
        list_defects()
        return 0
    if args.port is None or not args.token:
        parser.error("--port and --token are required")

    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if args.quiet:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app, _ = build_app(args.token, args.defect)
    return serve(app, args.host, args.port, "vendor_app", f"vendor app (defect: {args.defect or 'none'})")


if __name__ == "__main__":
    sys.exit(main())
