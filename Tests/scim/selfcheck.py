#!/usr/bin/env python3
"""Self-check of the SCIM test harness: starts scim_app.py on a free port and drives the
provisioning lifecycle GraphSync needs, asserting statuses. Exits 0 if all checks pass,
1 otherwise; the last line is `N passed, N failed`.

    Tests/scim/setup.sh >/dev/null && .venv-scim/bin/python Tests/scim/selfcheck.py [-v]

stdlib only (the server subprocess runs with the .venv-scim interpreter, or $SCIM_PYTHON).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scimharness import ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, ScimServer  # noqa: E402

VERBOSE = "-v" in sys.argv
passed = 0
failed = 0


def check(name: str, cond: bool, info: object = "") -> bool:
    global passed, failed
    if cond:
        passed += 1
        if VERBOSE:
            print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}: {info}")
    return cond


def lifecycle(srv: ScimServer) -> None:
    q = srv.q
    # --- auth
    st, body, hdrs = srv.call("GET", "/Users", token=None)
    check("no token -> 401 SCIM error", st == 401 and body.get("status") == "401"
          and "WWW-Authenticate" in hdrs, (st, body))
    st, body, _ = srv.call("GET", "/Users", token="wrong")
    check("wrong token -> 401", st == 401, (st, body))

    # --- Test Connection shape: filter on a random value -> 200 empty ListResponse
    st, body, _ = srv.call("GET", "/Users?filter=" + q('userName eq "0f8e6a52-5b8e-4b8c-9d4c-000000000000"'))
    check("test-connection filter -> 200 empty ListResponse",
          st == 200 and body["totalResults"] == 0 and body.get("Resources", []) == [], (st, body))

    # --- create user
    user = {
        "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
        "externalId": "ext-alice",
        "userName": "alice@contoso.example",
        "active": True,
        "displayName": "Alice Example",
        "name": {"givenName": "Alice", "familyName": "Example", "formatted": "Alice Example"},
        "emails": [{"value": "alice@contoso.example", "type": "work", "primary": True}],
        ENTERPRISE_SCHEMA: {"employeeNumber": "1001", "department": "R&D"},
    }
    st, body, hdrs = srv.call("POST", "/Users", user)
    if not check("create user -> 201", st == 201, (st, body)):
        return
    uid = body["id"]
    check("create user returns id, meta.location == Location header, meta.version",
          bool(uid) and body["meta"]["location"] == hdrs.get("Location") == f"{srv.base}/Users/{uid}"
          and body["meta"]["version"].startswith('W/"'), (body.get("meta"), hdrs.get("Location")))
    st, body, _ = srv.call("POST", "/Users", user)
    check("duplicate userName -> 409 uniqueness", st == 409 and body.get("scimType") == "uniqueness", (st, body))

    # --- match
    st, body, _ = srv.call("GET", "/Users?filter=" + q('userName eq "alice@contoso.example"'))
    check("filter userName eq -> 1 result with same id",
          st == 200 and body["totalResults"] == 1 and body["Resources"][0]["id"] == uid, (st, body))
    st, body, _ = srv.call("GET", "/Users?filter=" + q('externalId eq "ext-alice"'))
    check("filter externalId eq -> 1 result", st == 200 and body["totalResults"] == 1, (st, body))
    st, body, _ = srv.call("GET", "/Users?filter=" + q('displayName eq "Alice Example"'))
    check("filter displayName eq (Users) -> 1 result", st == 200 and body["totalResults"] == 1, (st, body))
    st, body, _ = srv.call("GET", f"/Users/{uid}")
    check("GET /Users/{id} -> 200", st == 200 and body["userName"] == "alice@contoso.example", (st, body))

    # --- disable (Entra default job sends capitalised op and, in the compliance article, a string)
    st, body, _ = srv.call("PATCH", f"/Users/{uid}",
                           srv.patch_body({"op": "Replace", "path": "active", "value": False}))
    check("PATCH Replace active=false -> 204", st == 204, (st, body))
    st, body, _ = srv.call("GET", f"/Users/{uid}?attributes=active")
    check("user now active=false", st == 200 and body.get("active") is False, (st, body))
    st, body, _ = srv.call("PATCH", f"/Users/{uid}",
                           srv.patch_body({"op": "replace", "path": "active", "value": "True"}))
    st2, body2, _ = srv.call("GET", f"/Users/{uid}?attributes=active")
    check('PATCH replace active="True" (string) -> 204 and stored as true',
          st == 204 and body2.get("active") is True, (st, body, body2))
    st, body, _ = srv.call("PATCH", f"/Users/{uid}", srv.patch_body(
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "alice2@contoso.example"},
        {"op": "Replace", "path": "name.familyName", "value": "Example2"}))
    st2, body2, _ = srv.call("GET", f"/Users/{uid}?attributes=emails,name")
    check("PATCH emails[type eq \"work\"].value + name.familyName -> 204, applied",
          st == 204 and body2["emails"][0]["value"] == "alice2@contoso.example"
          and body2["name"]["familyName"] == "Example2", (st, body, body2))

    # --- second user for membership
    st, body, _ = srv.call("POST", "/Users", {"schemas": [USER_SCHEMA], "userName": "bob@contoso.example"})
    check("create second user -> 201", st == 201, (st, body))
    bob = body.get("id", "missing")

    # --- group with a member
    st, body, _ = srv.call("POST", "/Groups", {"schemas": [GROUP_SCHEMA], "externalId": "ext-g1",
                                               "displayName": "Engineering", "members": [{"value": uid}]})
    if not check("create group with member -> 201", st == 201 and body["members"] == [{"value": uid}], (st, body)):
        return
    gid = body["id"]
    st, body, _ = srv.call("GET", "/Groups?excludedAttributes=members&filter=" + q('displayName eq "Engineering"'))
    check("filter Groups displayName eq + excludedAttributes=members -> 1 result, no members",
          st == 200 and body["totalResults"] == 1 and "members" not in body["Resources"][0], (st, body))

    st, body, _ = srv.call("PATCH", f"/Groups/{gid}", srv.patch_body(
        {"op": "Add", "path": "members", "value": [{"$ref": None, "value": bob}]}))
    st2, body2, _ = srv.call("GET", f"/Groups/{gid}")
    check("PATCH Add members (Entra shape, $ref null) -> 204, 2 members",
          st == 204 and sorted(m["value"] for m in body2["members"]) == sorted([uid, bob]), (st, body, body2))
    st, body, _ = srv.call("PATCH", f"/Groups/{gid}", srv.patch_body(
        {"op": "remove", "path": f'members[value eq "{uid}"]'}))
    st2, body2, _ = srv.call("GET", f"/Groups/{gid}")
    check("PATCH remove members[value eq id] -> 204, 1 member left",
          st == 204 and [m["value"] for m in body2["members"]] == [bob], (st, body, body2))
    st, body, _ = srv.call("PATCH", f"/Groups/{gid}", srv.patch_body(
        {"op": "Replace", "path": "displayName", "value": "Engineering 2"}))
    check("PATCH Replace displayName -> 204", st == 204, (st, body))

    # --- PUT
    st, body, _ = srv.call("PUT", f"/Users/{bob}", {"schemas": [USER_SCHEMA], "userName": "bob@contoso.example",
                                                   "active": False})
    check("PUT user -> 200 with replaced resource", st == 200 and body.get("active") is False, (st, body))

    # --- delete
    for kind, rid in (("Groups", gid), ("Users", uid), ("Users", bob)):
        st, body, _ = srv.call("DELETE", f"/{kind}/{rid}")
        st2, body2, _ = srv.call("GET", f"/{kind}/{rid}")
        check(f"DELETE /{kind}/id -> 204 then GET -> 404", st == 204 and st2 == 404, (st, st2, body2))


def control(srv: ScimServer) -> None:
    st, body, _ = srv.control("POST", "/reset")
    check("control reset -> 200", st == 200, (st, body))
    srv.call("GET", "/Users?filter=" + srv.q('userName eq "x"'))
    srv.call("POST", "/Users", {"schemas": [USER_SCHEMA], "userName": "logged"})
    st, log, _ = srv.control("GET", "/requests")
    check("request log records method/path/query/body",
          st == 200 and len(log) == 2 and log[0]["query"] == {"filter": 'userName eq "x"'}
          and log[1]["method"] == "POST" and log[1]["path"] == "/scim/v2/Users"
          and log[1]["body"]["userName"] == "logged" and log[1]["status"] == 201, log)

    srv.control("POST", "/fail", {"mode": "down"})
    st, body, _ = srv.call("GET", "/Users")
    check("fail mode down -> 503 SCIM error", st == 503 and body.get("status") == "503", (st, body))
    srv.control("POST", "/fail", {"mode": "429"})
    st, body, hdrs = srv.call("GET", "/Users")
    check("fail mode 429 -> 429 + Retry-After: 1", st == 429 and hdrs.get("Retry-After") == "1", (st, hdrs))
    srv.control("POST", "/fail", {"mode": "none"})
    st, body, _ = srv.call("GET", "/Users")
    check("fail mode none -> 200 again", st == 200, (st, body))
    srv.control("POST", "/fail", {"mode": "500", "count": 2})
    sts = [srv.call("GET", "/Users")[0] for _ in range(3)]
    check("fail mode 500 with count=2 -> 500, 500, 200", sts == [500, 500, 200], sts)

    # Per-request delay (slow app; the interop crash test uses it to kill GraphSync mid-cycle).
    srv.control("POST", "/fail", {"mode": "none", "delayMs": 300})
    began = time.monotonic()
    st = srv.call("GET", "/Users")[0]
    took = time.monotonic() - began
    check("delayMs 300 -> SCIM request answered after >= 0.3 s", st == 200 and took >= 0.3, (st, took))
    st, body, _ = srv.control("POST", "/reset", {"failMode": True})
    check("reset failMode -> delay back to 0", st == 200 and body.get("delayMs") == 0, (st, body))

    st, body, _ = srv.control("POST", "/reset", {"storage": True})
    st2, res, _ = srv.control("GET", "/resources")
    check("reset storage -> no resources left", st == 200 and res == [], (st, res))


def rate_limit_and_rotation() -> None:
    with tempfile.TemporaryDirectory() as d:
        tf = os.path.join(d, "tokens")
        with open(tf, "w") as f:
            f.write("# comment\nold-token\n")
        with ScimServer(None, "--token-file", tf, "--rate-limit", "3") as srv:
            sts = [srv.call("GET", "/Users", token="old-token")[0] for _ in range(6)]
            check("--rate-limit 3 -> every 3rd request 429", sts == [200, 200, 429, 200, 200, 429], sts)
            with open(tf, "w") as f:
                f.write("new-token\n")
            st_old = srv.call("GET", "/Users", token="old-token")[0]
            st_new = srv.call("GET", "/Users", token="new-token")[0]
            check("token file rewritten -> old token 401, new token 200", (st_old, st_new) == (401, 200),
                  (st_old, st_new))


def main() -> int:
    try:
        with ScimServer("selfcheck-token") as srv:
            if VERBOSE:
                print(f"server at {srv.base}")
            lifecycle(srv)
            control(srv)
        rate_limit_and_rotation()
    except Exception:  # a crash is a failure, not a pass
        traceback.print_exc()
        check("harness ran without exceptions", False, "exception")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
