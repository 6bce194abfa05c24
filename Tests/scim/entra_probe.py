#!/usr/bin/env python3
"""Send every Entra-shaped request from shared/reference/entra-scim-behaviour.md to scim_app.py,
once in strict mode (default) and once with --entra, and print a Markdown table of what
scim2-server answers (status, scimType, detail, and the stored effect where it matters).

    .venv-scim/bin/python Tests/scim/entra_probe.py            # table on stdout
    .venv-scim/bin/python Tests/scim/entra_probe.py --json     # raw results

This is evidence, not a pass/fail test: README.md's compatibility table was produced by it.
"""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scimharness import ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, ScimServer  # noqa: E402

ADSCIM = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
MGR = f"{ENTERPRISE_SCHEMA}:manager"


def run(srv: ScimServer) -> dict[str, dict]:
    out: dict[str, dict] = {}
    q = srv.q

    def case(key: str, method: str, path: str, body=None, effect=None):
        st, resp, _ = srv.call(method, path, body)
        r = {"status": st}
        if isinstance(resp, dict) and "Error" in " ".join(resp.get("schemas", [])):
            r["scimType"] = resp.get("scimType")
            lines = [ln.strip() for ln in (resp.get("detail") or "").splitlines() if ln.strip()]
            r["detail"] = " ".join(ln for ln in lines if not ln.startswith("For further information"))[:140]
        if effect:
            r["effect"] = effect()
        out[key] = r
        return st, resp

    def get(path, *keys):
        st, b, _ = srv.call("GET", path)
        if st != 200:
            return f"GET {st}"
        return {k: b.get(k) for k in keys}

    # ---------------- users
    entra_user = {
        "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
        "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef", "userName": "Test_User_1@contoso.example",
        "active": True, "emails": [{"primary": True, "type": "work", "value": "Test_User_1@testuser.com"}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
        "roles": [],
    }
    st, b = case("U1 POST /Users (Entra create body: enterprise schema, meta, roles:[])", "POST", "/Users", entra_user)
    uid = b.get("id", "none") if isinstance(b, dict) else "none"
    case("U2 POST /Users duplicate userName", "POST", "/Users", entra_user)
    st, b = case('U3 POST /Users with "active":"True" (string)', "POST", "/Users",
                 {"schemas": [USER_SCHEMA], "userName": "str_active@contoso.example", "active": "True"})
    mgr = b.get("id", "none") if isinstance(b, dict) else "none"
    case("U4 POST /Users with a null attribute (\"title\": null)", "POST", "/Users",
         {"schemas": [USER_SCHEMA], "userName": "nulls@contoso.example", "title": None})
    st, b = case("U5 POST /Users with an attribute the schema lacks (\"foo\")", "POST", "/Users",
                 {"schemas": [USER_SCHEMA], "userName": "unknown@contoso.example", "foo": "bar"})
    if st == 201:
        out[next(reversed(out))]["effect"] = {"foo_in_response": "foo" in b}
    case("U6 POST /Users with custom extension urn:...:extension:Custom:2.0:User:costCenter", "POST", "/Users",
         {"schemas": [USER_SCHEMA], "userName": "custom@contoso.example",
          "urn:ietf:params:scim:schemas:extension:Custom:2.0:User:costCenter": "42"})
    case('U7 GET /Users?filter=userName eq "<random GUID>" (Test Connection)', "GET",
         "/Users?filter=" + q('userName eq "6c2b6d5e-0000-4000-8000-000000000000"'))
    case('U8 GET /Users?filter=userName eq "<UPN>"', "GET",
         "/Users?filter=" + q('userName eq "Test_User_1@contoso.example"'))
    case('U9 GET /Users?aadOptscim062020&filter=... (flag appended to Tenant URL)', "GET",
         "/Users?aadOptscim062020&filter=" + q('userName eq "Test_User_1@contoso.example"'))
    case('U10 GET ...?filter=id eq "<id>" and manager eq "<mgrId>"&attributes=id (old reference check)', "GET",
         "/Users?attributes=id&filter=" + q(f'id eq "{uid}" and manager eq "{mgr}"'))
    case('U11 PATCH Replace emails[type eq "work"].value + Replace name.familyName', "PATCH", f"/Users/{uid}",
         srv.patch_body({"op": "Replace", "path": 'emails[type eq "work"].value', "value": "updatedEmail@microsoft.com"},
                        {"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"}),
         effect=lambda: get(f"/Users/{uid}", "emails", "name"))
    case('U12 PATCH {"op":"Replace","path":"active","value":"False"} (default job disable)', "PATCH",
         f"/Users/{uid}", srv.patch_body({"op": "Replace", "path": "active", "value": "False"}),
         effect=lambda: get(f"/Users/{uid}", "active"))
    case('U13 PATCH {"op":"replace","path":"active","value":true} (flagged enable)', "PATCH",
         f"/Users/{uid}", srv.patch_body({"op": "replace", "path": "active", "value": True}),
         effect=lambda: get(f"/Users/{uid}", "active"))
    case("U14 PATCH replace, no path, dotted keys (aadOptscim062020 multi-attribute)", "PATCH", f"/Users/{uid}",
         srv.patch_body({"op": "replace", "value": {"displayName": "New DN", "name.givenName": "NewGiven",
                                                    f"{ENTERPRISE_SCHEMA}:employeeNumber": "777"}}),
         effect=lambda: get(f"/Users/{uid}", "displayName", "name", ENTERPRISE_SCHEMA))
    case('U15 PATCH Add emails[type eq "other"].value (no such entry yet)', "PATCH", f"/Users/{uid}",
         srv.patch_body({"op": "Add", "path": 'emails[type eq "other"].value', "value": "alias@contoso.example"}),
         effect=lambda: get(f"/Users/{uid}", "emails"))
    case('U16 PATCH Add phoneNumbers[type eq "work"].value (no such entry yet)', "PATCH", f"/Users/{uid}",
         srv.patch_body({"op": "Add", "path": 'phoneNumbers[type eq "work"].value', "value": "+1 555 0100"}),
         effect=lambda: get(f"/Users/{uid}", "phoneNumbers"))
    case('U17 PATCH Replace addresses[type eq "work"].formatted (no such entry yet)', "PATCH", f"/Users/{uid}",
         srv.patch_body({"op": "Replace", "path": 'addresses[type eq "work"].formatted', "value": "Bldg 1"}),
         effect=lambda: get(f"/Users/{uid}", "addresses"))
    case("U18 PATCH Add enterprise manager as bare string id [obs]", "PATCH", f"/Users/{uid}",
         srv.patch_body({"op": "Add", "path": MGR, "value": mgr}))
    case('U19 PATCH add path "manager" value [{"$ref":...,"value":id}] (old MS sample)', "PATCH", f"/Users/{uid}",
         srv.patch_body({"op": "Add", "path": "manager", "value": [{"$ref": f"{srv.base}/Users/{mgr}", "value": mgr}]}),
         effect=lambda: get(f"/Users/{uid}", ENTERPRISE_SCHEMA))
    case('U20 PATCH add enterprise manager as {"value": id} (RFC shape)', "PATCH", f"/Users/{uid}",
         srv.patch_body({"op": "add", "path": MGR, "value": {"value": mgr}}),
         effect=lambda: get(f"/Users/{uid}", ENTERPRISE_SCHEMA))
    case('U21 PATCH remove manager[value eq "<id>"] [obs]', "PATCH", f"/Users/{uid}",
         srv.patch_body({"op": "remove", "path": f'manager[value eq "{mgr}"]'}),
         effect=lambda: get(f"/Users/{uid}", ENTERPRISE_SCHEMA))
    case('U22 PATCH remove path urn:...:enterprise:2.0:User:manager', "PATCH", f"/Users/{uid}",
         srv.patch_body({"op": "remove", "path": MGR}),
         effect=lambda: get(f"/Users/{uid}", ENTERPRISE_SCHEMA))
    case('U23 PATCH Add roles[primary eq "True"].value (SingleAppRoleAssignment)', "PATCH", f"/Users/{uid}",
         srv.patch_body({"op": "Add", "path": 'roles[primary eq "True"].value', "value": "Admin"}),
         effect=lambda: get(f"/Users/{uid}", "roles"))
    case("U24 PATCH replace roles with full objects (AssertiveAppRoleAssignmentsComplex)", "PATCH", f"/Users/{uid}",
         srv.patch_body({"op": "replace", "path": "roles",
                         "value": [{"primary": False, "type": "WindowsAzureActiveDirectoryRole",
                                    "display": "Reader", "value": "Reader"}]}),
         effect=lambda: get(f"/Users/{uid}", "roles"))
    case("U25 PATCH remove with no path", "PATCH", f"/Users/{uid}", srv.patch_body({"op": "remove"}))
    case("U26 DELETE /Users/{id}", "DELETE", f"/Users/{mgr}")
    case("U27 GET /Users/{deleted id}", "GET", f"/Users/{mgr}")

    # ---------------- groups
    st, b = case("G1 POST /Groups (Entra body: core + ADSCIM schema, meta)", "POST", "/Groups",
                 {"schemas": [GROUP_SCHEMA, ADSCIM], "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
                  "displayName": "Entra Group", "meta": {"resourceType": "Group"}})
    st, b = case("G2 POST /Groups (core schema only)", "POST", "/Groups",
                 {"schemas": [GROUP_SCHEMA], "externalId": "g2-ext", "displayName": "Core Group"})
    gid = b.get("id", "none") if isinstance(b, dict) else "none"
    case("G3 POST /Groups duplicate displayName", "POST", "/Groups",
         {"schemas": [GROUP_SCHEMA], "displayName": "Core Group"})
    case('G4 GET /Groups?excludedAttributes=members&filter=displayName eq "Core Group"', "GET",
         "/Groups?excludedAttributes=members&filter=" + q('displayName eq "Core Group"'))
    case("G5 GET /Groups/{id}?excludedAttributes=members", "GET", f"/Groups/{gid}?excludedAttributes=members")
    case('G6 PATCH Replace displayName', "PATCH", f"/Groups/{gid}",
         srv.patch_body({"op": "Replace", "path": "displayName", "value": "Renamed Group"}))
    case('G7 PATCH Add members [{"$ref":null,"value":id}]', "PATCH", f"/Groups/{gid}",
         srv.patch_body({"op": "Add", "path": "members", "value": [{"$ref": None, "value": uid}]}),
         effect=lambda: get(f"/Groups/{gid}", "members"))
    case('G8 PATCH Remove path members value [{"value":id}] (default job)', "PATCH", f"/Groups/{gid}",
         srv.patch_body({"op": "Remove", "path": "members", "value": [{"value": uid}]}),
         effect=lambda: get(f"/Groups/{gid}", "members"))
    srv.call("PATCH", f"/Groups/{gid}", srv.patch_body({"op": "add", "path": "members", "value": [{"value": uid}]}))
    case('G9 PATCH remove path members[value eq "id"] (flagged / RFC)', "PATCH", f"/Groups/{gid}",
         srv.patch_body({"op": "remove", "path": f'members[value eq "{uid}"]'}),
         effect=lambda: get(f"/Groups/{gid}", "members"))
    case('G10 PATCH add members with an id that does not exist', "PATCH", f"/Groups/{gid}",
         srv.patch_body({"op": "add", "path": "members", "value": [{"value": "no-such-user"}]}),
         effect=lambda: get(f"/Groups/{gid}", "members"))
    case("G11 DELETE /Groups/{id}", "DELETE", f"/Groups/{gid}")
    case("G12 GET /Groups/{deleted id}", "GET", f"/Groups/{gid}")
    return out


def cell(r: dict) -> str:
    s = str(r["status"])
    if r.get("scimType"):
        s += f" `{r['scimType']}`"
    if r.get("detail"):
        s += f": {r['detail']}"
    if "effect" in r:
        s += f" → `{json.dumps(r['effect'], separators=(',', ':'))[:160]}`"
    return s.replace("|", "\\|")


def main() -> int:
    strict = ScimServer("probe")
    with strict:
        res_strict = run(strict)
    with ScimServer("probe", "--entra") as entra:
        res_entra = run(entra)
    if "--json" in sys.argv:
        print(json.dumps({"strict": res_strict, "entra": res_entra}, indent=2))
        return 0
    print("| Request | strict (default) | `--entra` policy |")
    print("|---|---|---|")
    for key in res_strict:
        print(f"| {key.replace('|', chr(92) + '|')} | {cell(res_strict[key])} | {cell(res_entra[key])} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
