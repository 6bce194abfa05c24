"""A bounded, seeded fuzz run against a running GraphSync: random and mutated JSON bodies (starting from a valid body of
each route), mutated OData query strings, mutated ids, methods, content types, tokens and token-endpoint forms, sent
over one keep-alive connection pool with the bootstrap admin's token.

Asserted for every case: no 5xx (except the documented 502/504 of acquireAccessToken when the application's token
endpoint is unreachable), no dropped connection, no hang (10 s client timeout). Every CHECK_EVERY cases and at the
end: the process is running and its discovery document answers 200.

    GRAPHSYNC_FUZZ_SEED    the random seed (default 20251125); a failure prints it with the request to reproduce
    GRAPHSYNC_FUZZ_CASES   how many cases (default 5000); scripts/fuzz.sh runs 100000

Outbound calls stay on loopback: URL-valued fields only ever take values from LOOPBACK_URLS (plus the SSRF probes,
which GraphSync must refuse without calling), never character-level mutations of them, and the server runs with
--allow-token-urls-to loopback and short outbound deadlines.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import random
import re
import string
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import requests

from hostile_peer import HostilePeer
from test_hostile_peers import Graph, assert_alive, wait_for_binary

SEED = int(os.environ.get("GRAPHSYNC_FUZZ_SEED", "20251125"))
CASES = int(os.environ.get("GRAPHSYNC_FUZZ_CASES", "5000"))
CHECK_EVERY = 500
CLIENT_TIMEOUT_S = 10
MAX_REPORTED = 25
FUZZ_FLAGS = ("--token-exchange-timeout", "3", "--scim-timeout", "3", "--max-cycle-duration", "20")
# 5xx answers GraphSync documents: the application's token endpoint was unreachable or too slow.
ALLOWED_5XX = {(502, "TokenEndpointUnavailable"), (504, "TokenEndpointTimeout")}

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
SECRET_KEYS = ["BaseAddress", "SecretToken", "SyncAll", "Oauth2AccessToken", "Oauth2RefreshToken", "Oauth2ClientId",
               "Oauth2ClientSecret", "Oauth2TokenExchangeUri", "Oauth2AuthorizationCode", "Oauth2RedirectUri",
               "Oauth2AuthorizationUri", "TokenExpiration", "Oauth2AccessTokenCreationTime", "HardDeletesEnabled",
               "SkipOutOfScopeDeletions", "UserName", "Password", "Domain", "tenantid", "SingleSignOnType", "AppKey"]
URL_KEYS = {"BaseAddress", "Oauth2TokenExchangeUri", "Oauth2AuthorizationUri"}
INTERESTING = [None, True, False, 0, -1, 1, 2 ** 31, 2 ** 63, 2 ** 64, -2 ** 63 - 1, 10 ** 40, 1e308, -1e308, 1.5, -0.0, 5e-324,
               "", " ", "null", "true", "0", "-1", "a" * 10_000, "💥" * 50, "\u0000", "\ud800", "\udfff\ud800", "%s%n%x", "\r\n\r\n",
               "'; DROP TABLE users;--", "' or 1=1 --", "../../etc/passwd", "{{7*7}}", "${jndi:ldap://127.0.0.1:1/x}",
               "<script>alert(1)</script>", "\u202e\u200b", "ＡＤＭＩＮ", "00000000-0000-0000-0000-000000000000",
               "ffffffff-ffff-ffff-ffff-ffffffffffff", "2999-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-99-99T99:99:99Z",
               "-0001-01-01T00:00:00Z", "NaN", "Infinity", [], {}, [[[]]], {"a": {"b": {"c": {}}}}, [None, 1, "x"],
               {"@odata.type": "#microsoft.graph.user"}, {"key": "BaseAddress", "value": "x"}]
INTERESTING_STRINGS = [x for x in INTERESTING if isinstance(x, str)]
MUTATION_BYTES = [b"\x00", b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\"", b"\\", b"{", b"}", b"[", b"]", b",", b":", b"'",
                  b"\\u0000", b"\\ud800", b"1e999999", b"-", b"NaN", b"Infinity", b"\r\n", b"\t", b"\xef\xbb\xbf", b"/*x*/", b"%00"]
CONTENT_TYPES = ["application/json", "application/json; charset=utf-8", "application/json;odata.metadata=minimal",
                 "APPLICATION/JSON", "application/json; charset=utf-16", "application/json;;;", "text/plain",
                 "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/scim+json", "",
                 "application/json\u00e9", "*/*"]
FILTER_FIELDS = ["displayName", "appId", "id", "userPrincipalName", "mail", "mailNickname", "jobId", "accountEnabled",
                 "servicePrincipalNames", "identifierUris", "tags", "principalId", "resourceId", "clientId", "roleDefinitionId",
                 "createdDateTime", "nope", "", "displayName/x", "x'y", "DISPLAYNAME"]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "PROPFIND", "FOO"]


def loopback_urls(peer: HostilePeer) -> list[str]:
    """URL values for secrets (BaseAddress, token URLs): a well-behaved loopback app, closed loopback ports (refused
    at once), and addresses GraphSync must refuse without calling. Never anything off this machine."""
    return [peer.scim_base, peer.token_url, peer.url, peer.scim_base + "/v2", "http://127.0.0.1:1/scim", "http://127.0.0.1:9/token",
            "http://[::1]:1/token", "http://localhost:1/scim", "http://127.0.0.1:1", "http://169.254.169.254/latest/meta-data/",
            "http://[fe80::1]/", "http://10.0.0.1/token", "http://192.168.0.1/scim", "http://0.0.0.0:1/", "http://2852039166/",
            "http://user:pass@127.0.0.1:1/", "ftp://127.0.0.1:1/", "file:///etc/passwd", "gopher://127.0.0.1:1/_x",
            "javascript:alert(1)", "http://", "http:///x", "//127.0.0.1:1/", "127.0.0.1:1", "http://127.0.0.1:99999/",
            "http://127.0.0.1:1/" + "a" * 5000, "http://[::1/", "http://127.0.0.1:1/%zz", " http://127.0.0.1:1/ ", ""]


# ---------------------------------------------------------------- the world the fuzz acts on

class World:
    """Objects the cases refer to (an app, its service principal with secrets and a job, a user, a group, an
    assignment, a permission grant). Cases may delete them; `ensure()` recreates whatever is gone."""

    def __init__(self, graph: Graph, peer: HostilePeer, rng: random.Random):
        self.graph = graph
        self.peer = peer
        self.rng = rng
        self.ids: dict[str, str] = {}
        f = graph.facts
        self.ids["tenant"] = f["tenantId"]
        self.ids["graphSp"] = graph.call("GET", f"/servicePrincipals?$filter=appId eq '{GRAPH_APP_ID}'", expect=200)["value"][0]["id"]
        self.schema: dict = {}
        self.skiptoken = "x"
        self.ensure()

    def _exists(self, path: str) -> bool:
        return self.graph.raw("GET", path).status_code == 200

    def ensure(self) -> None:
        g, ids = self.graph, self.ids
        if "app" not in ids or not self._exists(f"/applications/{ids['app']}"):
            app = g.call("POST", "/applications", {"displayName": f"fuzz app {uuid.uuid4().hex[:6]}"}, expect=201)
            ids.update(app=app["id"], appId=app["appId"])
            ids.pop("sp", None)
        if "sp" not in ids or not self._exists(f"/servicePrincipals/{ids['sp']}"):
            r = g.raw("GET", f"/servicePrincipals?$filter=appId eq '{ids['appId']}'")
            found = r.json().get("value", []) if r.status_code == 200 else []
            sp = found[0] if found else g.call("POST", "/servicePrincipals", {"appId": ids["appId"]}, expect=201)
            ids["sp"] = sp["id"]
            ids.pop("job", None)
        secrets = f"/servicePrincipals/{ids['sp']}/synchronization/secrets"
        # Replace whatever the fuzz saved with a known-good, fast configuration (empty values remove keys).
        g.call("PUT", secrets, {"value": [{"key": k, "value": ""} for k in SECRET_KEYS[:15]]})
        g.call("PUT", secrets, {"value": [{"key": "BaseAddress", "value": self.peer.scim_base},
                                          {"key": "SecretToken", "value": "fuzz-token"}]})
        if "job" not in ids or not self._exists(f"/servicePrincipals/{ids['sp']}/synchronization/jobs/{ids['job']}"):
            ids["job"] = g.call("POST", f"/servicePrincipals/{ids['sp']}/synchronization/jobs", {"templateId": "scim"}, expect=201)["id"]
        if "user" not in ids or not self._exists(f"/users/{ids['user']}"):
            tag = uuid.uuid4().hex[:8]
            user = g.call("POST", "/users", {"accountEnabled": True, "displayName": f"Fuzz {tag}", "mailNickname": f"fuzz{tag}",
                                             "userPrincipalName": f"fuzz{tag}@graphsync.local",
                                             "passwordProfile": {"password": "Str0ng!Passw0rd"}}, expect=201)
            ids.update(user=user["id"], upn=user["userPrincipalName"])
            ids.pop("assignment", None)
        if "group" not in ids or not self._exists(f"/groups/{ids['group']}"):
            tag = uuid.uuid4().hex[:8]
            ids["group"] = g.call("POST", "/groups", {"displayName": f"Fuzz group {tag}", "mailNickname": f"fuzzg{tag}",
                                                      "mailEnabled": False, "securityEnabled": True}, expect=201)["id"]
        if "assignment" not in ids or not self._exists(f"/servicePrincipals/{ids['sp']}/appRoleAssignedTo/{ids['assignment']}"):
            r = g.raw("POST", f"/servicePrincipals/{ids['sp']}/appRoleAssignedTo", {
                "principalId": ids["user"], "resourceId": ids["sp"], "appRoleId": "00000000-0000-0000-0000-000000000000"})
            if r.status_code == 201:
                ids["assignment"] = r.json()["id"]
            else:  # already assigned: find it
                listed = g.call("GET", f"/servicePrincipals/{ids['sp']}/appRoleAssignedTo", expect=200)["value"]
                ids["assignment"] = next((a["id"] for a in listed if a["principalId"] == ids["user"]), str(uuid.uuid4()))
        if "grant" not in ids or not self._exists(f"/oauth2PermissionGrants/{ids['grant']}"):
            r = g.raw("POST", "/oauth2PermissionGrants", {"clientId": ids["sp"], "consentType": "AllPrincipals",
                                                          "resourceId": ids["graphSp"], "scope": "User.Read"})
            ids["grant"] = r.json()["id"] if r.status_code == 201 else str(uuid.uuid4())
        if not self.schema:
            schema = g.call("GET", f"/servicePrincipals/{ids['sp']}/synchronization/jobs/{ids['job']}/schema", expect=200)
            schema.pop("@odata.context", None)
            self.schema = schema
        r = g.raw("GET", "/users?$top=1")
        link = r.json().get("@odata.nextLink", "") if r.status_code == 200 else ""
        self.skiptoken = parse_qs(urlsplit(link).query).get("$skiptoken", ["x"])[0]

    def id_for(self, slot: str) -> str:
        """A path id: mostly the real object, sometimes another real id, a random GUID or garbage."""
        roll = self.rng.random()
        if roll < 0.75:
            return q(self.ids.get(slot, slot), safe="")
        if roll < 0.85:
            return q(self.rng.choice(list(self.ids.values())), safe="")
        if roll < 0.92:
            return str(uuid.UUID(int=self.rng.getrandbits(128)))
        return self.rng.choice([
            "", " ", "%20", "%00", "..", "%2e%2e", "'", "''", "(appId='x')", "a" * 3000, "%ZZ", "%", "é", "%C3%A9", "null",
            "me", "$count", "$ref", self.ids.get(slot, "x").upper(), self.ids.get(slot, "x") + "%2F..", "..%2F..%2Fhealth",
            "*", "%2A", "{id}", ":id", "\u2028", "%E2%80%A8", "0x0", "-1", "1e309", "🙂", "%F0%9F%99%82", "%ff%fe"])


# ---------------------------------------------------------------- valid bodies, per route

def valid_body(kind: str, w: World, rng: random.Random, urls: list[str]):
    ids, tag = w.ids, f"{rng.getrandbits(40):010x}"
    good_urls = urls[:4]
    if kind == "application":
        return {"displayName": f"fz {tag}", "description": "d", "signInAudience": "AzureADMyOrg", "tags": ["t"], "notes": "n",
                "identifierUris": [f"api://fz-{tag}"], "web": {"redirectUris": ["https://app.example/cb"]},
                "appRoles": [{"id": str(uuid.UUID(int=rng.getrandbits(128))), "allowedMemberTypes": ["Application"],
                              "displayName": "R", "value": f"R.{tag}", "isEnabled": True, "description": "r"}],
                "api": {"oauth2PermissionScopes": [{"id": str(uuid.UUID(int=rng.getrandbits(128))), "value": f"s{tag}",
                                                    "adminConsentDisplayName": "S", "type": "User", "isEnabled": True}]}}
    if kind == "application_patch":
        return {"displayName": f"fz app {tag}", "notes": "patched", "tags": [tag]}
    if kind == "servicePrincipal":
        return {"appId": rng.choice([ids["appId"], str(uuid.UUID(int=rng.getrandbits(128)))]), "tags": ["x"], "accountEnabled": True}
    if kind == "sp_patch":
        return {"displayName": f"fz sp {tag}", "appRoleAssignmentRequired": False, "notes": "n", "tags": []}
    if kind == "addPassword":
        return {"passwordCredential": {"displayName": f"p{tag}", "endDateTime": "2999-01-01T00:00:00Z"}}
    if kind == "removePassword":
        return {"keyId": str(uuid.UUID(int=rng.getrandbits(128)))}
    if kind == "ref":
        return {"@odata.id": f"{w.graph.base}/directoryObjects/{ids['user']}"}
    if kind == "user":
        return {"accountEnabled": True, "displayName": f"FZ {tag}", "mailNickname": f"fz{tag}", "userPrincipalName": f"fz{tag}@graphsync.local",
                "givenName": "F", "surname": "Z", "mail": f"fz{tag}@example.test", "jobTitle": "Engineer",
                "passwordProfile": {"password": "Str0ng!Passw0rd", "forceChangePasswordNextSignIn": False}}
    if kind == "user_patch":
        return {"jobTitle": rng.choice(["Engineer", "Manager", "aaaaaaaaaaaaaaaaaaaaaaaaaaaa!"]), "givenName": tag, "accountEnabled": True}
    if kind == "group":
        return {"displayName": f"FZ group {tag}", "mailNickname": f"fzg{tag}", "mailEnabled": False, "securityEnabled": True,
                "description": "g", "groupTypes": [], "members@odata.bind": [f"{w.graph.base}/directoryObjects/{ids['user']}"]}
    if kind == "group_patch":
        return {"displayName": f"FZ group {tag}", "description": "patched"}
    if kind == "appRoleAssignment":
        return {"principalId": rng.choice([ids["user"], ids["group"], ids["sp"]]), "resourceId": ids["sp"],
                "appRoleId": "00000000-0000-0000-0000-000000000000"}
    if kind == "permissionGrant":
        return {"clientId": ids["sp"], "consentType": rng.choice(["AllPrincipals", "Principal"]), "principalId": ids["user"],
                "resourceId": ids["graphSp"], "scope": "User.Read Mail.Read"}
    if kind == "permissionGrant_patch":
        return {"scope": "User.Read"}
    if kind == "roleAssignment":
        return {"roleDefinitionId": "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", "principalId": ids["user"], "directoryScopeId": "/"}
    if kind == "secrets":
        return {"value": [{"key": "BaseAddress", "value": rng.choice(good_urls)}, {"key": "SecretToken", "value": f"tok-{tag}"},
                          {"key": "SyncAll", "value": rng.choice(["True", "False"])}]}
    if kind == "acquireAccessToken":
        return {"credentials": [{"key": "Oauth2TokenExchangeUri", "value": rng.choice([w.peer.token_url, "http://127.0.0.1:1/token"])},
                                {"key": "Oauth2ClientId", "value": "fz-client"}, {"key": "Oauth2ClientSecret", "value": "fz-secret"},
                                {"key": "Oauth2AuthorizationCode", "value": "code"},
                                {"key": "Oauth2RedirectUri", "value": "https://app.example/cb"}]}
    if kind == "job":
        return {"templateId": rng.choice(["scim", "scim", "nope"])}
    if kind == "restart":
        return {"criteria": {"resetScope": rng.choice(["Watermark, Escrows, QuarantineState", "Full", "ConnectorDataStore", ""])}}
    if kind == "schema":
        schema = copy.deepcopy(w.schema)
        if rng.random() < 0.5:
            for rule in schema.get("synchronizationRules", []):
                for mapping in rule.get("objectMappings", []):
                    if mapping.get("sourceObjectName") == "User":
                        mapping["scope"] = {"groups": [{"name": "g", "clauses": [
                            {"operatorName": rng.choice(["REGEX MATCH", "EQUALS", "NOT REGEX MATCH", "Greater_Than", "&"]),
                             "sourceOperandName": "jobTitle",
                             "targetOperand": {"values": [rng.choice(["(a+)+$", "^(a|aa)+$", "Engineer", "[", "(?<x>", "5"])]}}]}],
                            "inputFilterGroups": [], "categoryFilterGroups": []}
        return schema
    if kind == "provisionOnDemand":
        return {"parameters": [{"ruleId": "6c4d9d22-1f0b-4a6a-9a0e-3c5e4f9f1a01", "subjects": [
            {"objectId": ids["user"], "objectTypeName": "User"}, {"objectId": ids["group"], "objectTypeName": "Group"}]}]}
    if kind == "validateCredentials":
        return {"applicationIdentifier": "x", "templateId": "scim", "useSavedCredentials": rng.choice([True, False]),
                "credentials": [{"key": "BaseAddress", "value": rng.choice(good_urls)}, {"key": "SecretToken", "value": "fz"}]}
    if kind == "batch":
        return {"requests": [{"id": "1", "method": "GET", "url": "/users"}]}
    raise AssertionError(kind)


# (method, path template, body kind). {v} is the API version; {slot} is an id from World.
ROUTES: list[tuple[str, str, str | None]] = [
    ("GET", "/{v}/applications", None), ("POST", "/{v}/applications", "application"),
    ("GET", "/{v}/applications/{app}", None), ("PATCH", "/{v}/applications/{app}", "application_patch"),
    ("DELETE", "/{v}/applications/{app}", None),
    ("POST", "/{v}/applications/{app}/addPassword", "addPassword"), ("POST", "/{v}/applications/{app}/removePassword", "removePassword"),
    ("GET", "/{v}/applications/{app}/owners", None), ("POST", "/{v}/applications/{app}/owners/$ref", "ref"),
    ("DELETE", "/{v}/applications/{app}/owners/{user}/$ref", None),
    ("GET", "/{v}/servicePrincipals", None), ("POST", "/{v}/servicePrincipals", "servicePrincipal"),
    ("GET", "/{v}/servicePrincipals/{sp}", None), ("GET", "/{v}/servicePrincipals(appId='{appId}')", None),
    ("PATCH", "/{v}/servicePrincipals/{sp}", "sp_patch"), ("DELETE", "/{v}/servicePrincipals/{sp}", None),
    ("POST", "/{v}/servicePrincipals/{sp}/addPassword", "addPassword"),
    ("POST", "/{v}/servicePrincipals/{sp}/removePassword", "removePassword"),
    ("GET", "/{v}/servicePrincipals/{sp}/owners", None), ("POST", "/{v}/servicePrincipals/{sp}/owners/$ref", "ref"),
    ("GET", "/{v}/servicePrincipals/{sp}/appRoleAssignedTo", None),
    ("POST", "/{v}/servicePrincipals/{sp}/appRoleAssignedTo", "appRoleAssignment"),
    ("GET", "/{v}/servicePrincipals/{sp}/appRoleAssignedTo/{assignment}", None),
    ("DELETE", "/{v}/servicePrincipals/{sp}/appRoleAssignedTo/{assignment}", None),
    ("GET", "/{v}/servicePrincipals/{sp}/appRoleAssignments", None),
    ("POST", "/{v}/servicePrincipals/{sp}/appRoleAssignments", "appRoleAssignment"),
    ("DELETE", "/{v}/servicePrincipals/{sp}/appRoleAssignments/{assignment}", None),
    ("GET", "/{v}/users/{user}/appRoleAssignments", None), ("POST", "/{v}/users/{user}/appRoleAssignments", "appRoleAssignment"),
    ("GET", "/{v}/groups/{group}/appRoleAssignments", None),
    ("GET", "/{v}/servicePrincipals/{sp}/oauth2PermissionGrants", None),
    ("GET", "/{v}/users", None), ("POST", "/{v}/users", "user"), ("GET", "/{v}/users/{user}", None), ("GET", "/{v}/users/{upn}", None),
    ("PATCH", "/{v}/users/{user}", "user_patch"), ("DELETE", "/{v}/users/{user}", None),
    ("GET", "/{v}/groups", None), ("POST", "/{v}/groups", "group"), ("GET", "/{v}/groups/{group}", None),
    ("PATCH", "/{v}/groups/{group}", "group_patch"), ("DELETE", "/{v}/groups/{group}", None),
    ("GET", "/{v}/groups/{group}/members", None), ("POST", "/{v}/groups/{group}/members/$ref", "ref"),
    ("DELETE", "/{v}/groups/{group}/members/{user}/$ref", None),
    ("GET", "/{v}/oauth2PermissionGrants", None), ("POST", "/{v}/oauth2PermissionGrants", "permissionGrant"),
    ("GET", "/{v}/oauth2PermissionGrants/{grant}", None), ("PATCH", "/{v}/oauth2PermissionGrants/{grant}", "permissionGrant_patch"),
    ("DELETE", "/{v}/oauth2PermissionGrants/{grant}", None),
    ("GET", "/{v}/roleManagement/directory/roleDefinitions", None), ("GET", "/{v}/roleManagement/directory/roleAssignments", None),
    ("POST", "/{v}/roleManagement/directory/roleAssignments", "roleAssignment"),
    ("GET", "/{v}/roleManagement/directory/roleAssignments/{grant}", None),
    ("GET", "/{v}/auditLogs/provisioning", None),
    ("GET", "/{v}/$metadata", None), ("GET", "/{v}/me", None), ("POST", "/{v}/$batch", "batch"),
    ("GET", "/{v}/directoryObjects/{user}", None),
]
for _collection, _slot in (("servicePrincipals", "sp"), ("applications", "app")):
    _s = f"/{{v}}/{_collection}/{{{_slot}}}/synchronization"
    ROUTES += [
        ("GET", _s, None), ("GET", f"{_s}/secrets", None), ("PUT", f"{_s}/secrets", "secrets"),
        ("POST", f"{_s}/acquireAccessToken", "acquireAccessToken"),
        ("GET", f"{_s}/templates", None), ("GET", f"{_s}/templates/scim", None),
        ("GET", f"{_s}/jobs", None), ("POST", f"{_s}/jobs", "job"), ("GET", f"{_s}/jobs/{{job}}", None),
        ("DELETE", f"{_s}/jobs/{{job}}", None),
        ("POST", f"{_s}/jobs/{{job}}/start", None), ("POST", f"{_s}/jobs/{{job}}/pause", None),
        ("POST", f"{_s}/jobs/{{job}}/restart", "restart"),
        ("GET", f"{_s}/jobs/{{job}}/schema", None), ("PUT", f"{_s}/jobs/{{job}}/schema", "schema"),
        ("POST", f"{_s}/jobs/{{job}}/provisionOnDemand", "provisionOnDemand"),
        ("POST", f"{_s}/jobs/{{job}}/validateCredentials", "validateCredentials"),
        ("POST", f"{_s}/jobs/validateCredentials", "validateCredentials"),
    ]
TOKEN_ROUTES = ["/{tenant}/oauth2/v2.0/token", "/{tenant}/oauth2/token"]
DISCOVERY_ROUTES = ["/{tenant}/v2.0/.well-known/openid-configuration", "/{tenant}/.well-known/openid-configuration",
                    "/{tenant}/discovery/v2.0/keys", "/{tenant}/discovery/keys", "/health"]


# ---------------------------------------------------------------- mutators

def q(value: str, safe: str = "/") -> str:
    """Percent-encoding that lets lone surrogates through as the (invalid) UTF-8 bytes they would be."""
    return quote(value, safe=safe, encoding="utf-8", errors="surrogatepass")


def interesting(rng: random.Random):
    return copy.deepcopy(rng.choice(INTERESTING))    # a fresh copy: mutations must not alias (or nest in) each other


def random_string(rng: random.Random, n: int | None = None) -> str:
    n = rng.choice([0, 1, 2, 8, 32, 200]) if n is None else n
    alphabet = rng.choice([string.ascii_letters, string.printable, "'\"\\%&=?#/ ()$,", "\u00e9\u4e2d\U0001f600\u202e\u0000\ufeff"])
    return "".join(rng.choice(alphabet) for _ in range(n))


def random_json(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if depth > 3 or roll < 0.4:
        return interesting(rng) if rng.random() < 0.6 else random_string(rng)
    if roll < 0.7:
        return {random_string(rng, rng.randint(0, 12)): random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))}
    return [random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]


def _slots(value, path=()):
    """Every (path) to a value inside `value` (the root included)."""
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _slots(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _slots(v, path + (i,))


def _get(value, path):
    for p in path:
        value = value[p]
    return value


def mutate_string(rng: random.Random, s: str) -> str:
    op = rng.randrange(7)
    if op == 0 or not s:
        return s + random_string(rng)
    i = rng.randrange(len(s))
    if op == 1:
        return s[:i] + random_string(rng, 1) + s[i + 1:]
    if op == 2:
        return s[:i]
    if op == 3:
        return s * rng.choice([2, 50, 2000])
    if op == 4:
        return s.upper() if rng.random() < 0.5 else s.swapcase()
    if op == 5:
        return s[:i] + rng.choice(["'", "\"", "\\", "%", "\u0000", "\n", " ", ",", "(", ")"]) + s[i:]
    return rng.choice(INTERESTING_STRINGS) if rng.random() < 0.5 else s.strip() + " "


def mutate_json(rng: random.Random, body, urls: list[str], rounds: int):
    body = copy.deepcopy(body)
    for _ in range(rounds):
        paths = list(_slots(body))
        path = rng.choice(paths)
        if not path:
            if rng.random() < 0.1:
                return random_json(rng)
            if isinstance(body, dict):
                body[rng.choice([random_string(rng, 6), "@odata.type", "id", "appId", "value", "credentials", ""])] = random_json(rng)
            continue
        parent, key = _get(body, path[:-1]), path[-1]
        current = parent[key]
        # The key this value belongs to (for URL-valued secrets: {"key": "BaseAddress", "value": <here>}).
        owner = parent.get("key") if isinstance(parent, dict) and key == "value" else key
        op = rng.randrange(8)
        if op == 0:
            del parent[key]
        elif op == 1:
            parent[key] = interesting(rng)
        elif op == 2:
            parent[key] = random_json(rng)
        elif op == 3 and isinstance(current, str):
            url_valued = (isinstance(owner, str) and owner in URL_KEYS) or current.startswith("http") or "://" in current
            parent[key] = rng.choice(urls) if url_valued else mutate_string(rng, current)
        elif op == 4 and isinstance(parent, dict):
            new_key = rng.choice([str(key).upper(), f" {key}", f"{key} ", f"@odata.{key}", f"{key}@odata.bind", random_string(rng, 5), ""])
            parent[new_key] = parent.pop(key)
        elif op == 5 and isinstance(parent, dict) and key == "key":
            parent[key] = rng.choice(SECRET_KEYS + [k.lower() for k in SECRET_KEYS] + [random_string(rng, 8)])
            if parent[key] in URL_KEYS:
                parent["value"] = rng.choice(urls)
        elif op == 6:
            parent[key] = [current] if rng.random() < 0.5 else {"value": current}
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(current))
        else:
            parent[key] = None
    return body


URL_SPAN = re.compile(rb"https?://[^\"' ]*")


def mutate_bytes(rng: random.Random, data: bytes, rounds: int) -> bytes:
    """Byte-level damage anywhere except inside URLs (a damaged URL could name a host off this machine; cutting the
    body short inside one is allowed, since a prefix of a loopback URL stays on loopback or fails to parse)."""
    for _ in range(rounds):
        if not data:
            data = rng.choice(MUTATION_BYTES)
            continue
        i = rng.randrange(len(data))
        for span in URL_SPAN.finditer(data):
            if span.start() <= i < span.end():
                i = span.end() if span.end() < len(data) else span.start()
                break
        op = rng.randrange(7)
        if op == 0:
            data = data[:i] + bytes([rng.randrange(256)]) + data[i + 1:]
        elif op == 1:
            data = data[:i] + data[i + rng.randint(1, 16):]
        elif op == 2:
            data = data[:i] + rng.choice(MUTATION_BYTES) + data[i:]
        elif op == 3:
            data = data[:i]
        elif op == 4:
            j = min(len(data), i + rng.randint(1, 64))
            data = data[:j] + data[i:j] * rng.randint(1, 20) + data[j:]
        elif op == 5:
            data = data.replace(b"}", b",}", 1) if rng.random() < 0.5 else data.replace(b":", b"::", 1)
        else:
            data = data.replace(b'"', b"'", rng.randint(1, 4))
    return data


def special_body(rng: random.Random, valid) -> bytes:
    text = json.dumps(valid).encode()
    return rng.choice([
        b"", b"null", b"[]", b'"str"', b"0", b"{}", b"true", b" ", b"\xef\xbb\xbf" + text, text + b"garbage", text + text,
        b"[" * 600 + b"]" * 600, b'{"a":' * 600 + b"1" + b"}" * 600, b"[" * 100_000, b'{"a":' * 20_000,
        b'{"x":"' + b"a" * (1_100_000) + b'"}',                                  # over the 1 MiB limit: 413
        b'{"n":' + b"9" * 5000 + b"}", b'{"n":1e999999}', b'{"n":-1e-999999}', b'{"n":NaN}', b'{"n":Infinity}',
        b'{"s":"\\ud800"}', b'{"s":"\\udc00\\ud800"}', b'{"s":"\\u0000"}', b'{"s":"\xff\xfe"}', b'{"\\u0000":1}',
        b'{"a":1,"a":2}', b'{"displayName":"x",}', b"{'displayName':'x'}", b"\x00" * 64, b"\xff" * 64,
        json.dumps({"value": [{"key": "BaseAddress", "value": "x"}] * 5000}).encode(),
        json.dumps({"credentials": [{"key": k, "value": "x"} for k in SECRET_KEYS * 3]}).encode(),
        json.dumps(valid, ensure_ascii=False).encode("utf-16"), text.replace(b'"', b"'"),
        "grant_type=client_credentials&client_id=x".encode()])


def odata_value(rng: random.Random, name: str, w: World) -> str:
    base = name.lstrip("%24").lstrip("$").lower()
    if base == "top":
        return rng.choice(["1", "5", "999", "1000", "1001", "0", "-1", "99999999999999999999", "1.5", "abc", "", " 1", "0x10", "1e3", "٣"])
    if base == "select":
        return ",".join(rng.choice(FILTER_FIELDS + ["*", "", " ", "id,id", "secrets", "passwordCredentials"]) for _ in range(rng.randint(0, 5)))
    if base == "skiptoken":
        token = w.skiptoken
        return rng.choice([token, mutate_string(rng, token), token[:-1], token + "=", base64.b64encode(os.urandom(12)).decode(),
                           base64.b64encode(b'{"id":"x","k":"' + b"a" * 500 + b'"}').decode(), "", "%", "a" * 5000,
                           base64.urlsafe_b64encode(b"\xff\xfe\xfd").decode()])
    if base == "filter":
        return random_filter(rng, w)
    return rng.choice(["true", "false", "x", "", "displayName", "json", "a" * 100, "'", "(", random_string(rng)])


def random_filter(rng: random.Random, w: World) -> str:
    def literal():
        return rng.choice([f"'{w.ids.get(rng.choice(['app', 'appId', 'user', 'sp', 'job', 'upn']), 'x')}'", "'x'", "''", "''''",
                           "'it''s'", "'unterminated", "null", "true", "42", "-1", "'\u0000'", "'%27'", f"'{'a' * 2000}'",
                           "guid'00000000-0000-0000-0000-000000000000'", "('a','b')", "()", random_string(rng, 4)])

    def clause():
        field = rng.choice(FILTER_FIELDS)
        form = rng.randrange(8)
        if form == 0:
            return f"{field} eq {literal()}"
        if form == 1:
            return f"startswith({field},{literal()})"
        if form == 2:
            return f"{field} in ({','.join(literal() for _ in range(rng.randint(0, 4)))})"
        if form == 3:
            return f"{field} {rng.choice(['ne', 'gt', 'lt', 'ge', 'le', 'has', 'EQ', 'Eq', 'eq eq', ''])} {literal()}"
        if form == 4:
            return f"{rng.choice(['endswith', 'contains', 'any', 'not', 'startsWith', 'STARTSWITH'])}({field},{literal()})"
        if form == 5:
            return f"{field}/any(x:x eq {literal()})"
        if form == 6:
            return "(" * rng.randint(1, 300) + f"{field} eq {literal()}" + ")" * rng.randint(0, 300)
        return random_string(rng)

    text = clause()
    for _ in range(rng.choice([0, 0, 1, 2, 5, 60])):
        text += f" {rng.choice(['and', 'or', 'AND', 'and not', ''])} {clause()}"
    return text


def random_query(rng: random.Random, w: World) -> str:
    names = ["$filter", "$top", "$select", "$skiptoken", "%24filter", "%24top", "%24select", "%24skiptoken", "$orderby", "$count",
             "$expand", "$search", "$skip", "$format", "$FILTER", "$Top", "filter", "top", "api-version", "$", "", "%24", "$filter%00"]
    parts = []
    for _ in range(rng.randint(1, 4)):
        name = rng.choice(names)
        value = odata_value(rng, name, w)
        encoding = rng.randrange(4)
        if encoding == 0:
            parts.append(f"{name}={q(value, safe='')}")
        elif encoding == 1:
            parts.append(f"{name}={q(value, safe=chr(39) + '(),=$ ')}".replace(" ", "%20"))
        elif encoding == 2:
            parts.append(f"{name}={value}".replace(" ", "+").replace("#", "%23").replace("&", "%26"))
        else:
            parts.append(rng.choice([name, f"{name}=", f"={value}", "&", "&&", f"{name}={q(value)}&{name}={q(value)}"]))
    return "&".join(parts)


def bad_token(rng: random.Random, real: str) -> str:
    head, payload, sig = (real.split(".") + ["", "", ""])[:3]
    alg_none = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    hs256 = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=").decode()
    return rng.choice([
        "", "Bearer", "Bearer ", "Bearer x", "Bearer x.y.z", f"Bearer {head}.{payload}.", f"Bearer {alg_none}.{payload}.",
        f"Bearer {hs256}.{payload}.{sig}", f"Bearer {head}.{mutate_string(rng, payload)}.{sig}", f"Bearer {head}.{payload}.{sig[:-4]}AAAA",
        f"bearer {real}", f"Bearer  {real}", f"Bearer {real}x", f"Basic {base64.b64encode(b'a:b').decode()}", "Bearer " + "a" * 20_000,
        f"Bearer {'.'.join([head] * 50)}", "Bearer \u00e9", "Bearer ....", f"Bearer {head}.{payload}.{sig}.{sig}",
    ])


def token_form(rng: random.Random, facts: dict) -> tuple[bytes, dict]:
    form = {"grant_type": rng.choice(["client_credentials", "client_credentials", "password", "refresh_token", "authorization_code",
                                      "urn:ietf:params:oauth:grant-type:jwt-bearer", "", "x" * 300]),
            "client_id": rng.choice([facts["clientId"], facts["clientId"].upper(), str(uuid.uuid4()), "", "x'--", "a" * 5000]),
            "client_secret": rng.choice([facts["clientSecret"], "wrong", "", mutate_string(rng, facts["clientSecret"]), "\u0000"]),
            "scope": rng.choice(["https://graph.microsoft.com/.default", "", "openid", "https://graph.microsoft.com/User.Read",
                                 "00000003-0000-0000-c000-000000000000/.default", ".default", "a b c " * 200]),
            "username": rng.choice([facts["adminUserPrincipalName"], "nobody@graphsync.local", "", "a@" * 300]),
            "password": rng.choice(["wrong", "", "x" * 1000])}
    for key in list(form):
        if rng.random() < 0.3:
            del form[key]
    headers = {"Content-Type": rng.choice(["application/x-www-form-urlencoded"] * 6 + ["application/json", "", "text/plain",
                                                                                        "application/x-www-form-urlencoded; charset=utf-8"])}
    if rng.random() < 0.2:
        user = rng.choice([facts["clientId"], "", "%zz", "a" * 300]).encode()
        secret = rng.choice([facts["clientSecret"], "wrong", ":", ""]).encode()
        headers["Authorization"] = rng.choice([f"Basic {base64.b64encode(user + b':' + secret).decode()}", "Basic !!!!",
                                               "Basic " + base64.b64encode(b"\xff\xfe:\x00").decode(), "Basic", "Basic =="])
    body = "&".join(f"{q(k)}={q(v)}" for k, v in form.items()).encode()
    roll = rng.random()
    if roll < 0.25:
        body = mutate_bytes(rng, body, rng.randint(1, 4))
    elif roll < 0.3:
        body = rng.choice([b"%", b"%zz=%zz", b"=&=&=", b"a=1&a=2&grant_type=client_credentials&grant_type=password", b"&" * 10_000,
                           b"x=" + b"a" * 70_000, b"grant_type=client_credentials&client_id=%00", b"\xff\xfe", b"client_id=%E2%82"])
    return body, headers


# ---------------------------------------------------------------- cases

class Case:
    __slots__ = ("number", "kind", "method", "url", "headers", "body")

    def __init__(self, number, kind, method, url, headers, body):
        self.number, self.kind, self.method, self.url, self.headers, self.body = number, kind, method, url, headers, body

    def describe(self, limit: int = 1500) -> str:
        body = self.body if self.body is None or len(self.body) <= limit else self.body[:limit] + b"...(%d bytes)" % len(self.body)
        headers = {k: (v if k.lower() != "authorization" or len(v) < 80 else v[:40] + "…") for k, v in self.headers.items()}
        return f"case #{self.number} ({self.kind}): {self.method} {self.url}\n  headers: {headers}\n  body: {body!r}"


def make_case(number: int, rng: random.Random, w: World, urls: list[str], facts: dict, origin: str, real_token: str) -> Case:
    roll = rng.random()
    if roll < 0.06:  # the token endpoint
        tenant = rng.choice([w.ids["tenant"]] * 4 + ["common", "organizations", "consumers", str(uuid.uuid4()), "x" * 500, "%00", "..", "'"])
        body, headers = token_form(rng, facts)
        return Case(number, "token", "POST", origin + rng.choice(TOKEN_ROUTES).format(tenant=tenant), headers, body)
    if roll < 0.08:  # discovery, keys, health
        tenant = rng.choice([w.ids["tenant"], "common", str(uuid.uuid4()), "x" * 500, "%2e%2e", "'"])
        return Case(number, "discovery", rng.choice(["GET", "GET", "POST", "HEAD", "DELETE"]),
                    origin + rng.choice(DISCOVERY_ROUTES).format(tenant=tenant), {}, None)

    method, template, kind = rng.choice(ROUTES)
    version = rng.choice(["v1.0"] * 6 + ["beta"] * 3 + ["v1.0/", "V1.0", "v2.0", "v1.0/.", "v1.0/%2e"])
    path = template.replace("{v}", version)
    for slot in ("appId", "app", "sp", "job", "user", "upn", "group", "assignment", "grant"):
        while "{" + slot + "}" in path:
            path = path.replace("{" + slot + "}", w.id_for(slot), 1)
    if rng.random() < 0.04:
        path += rng.choice(["/", "//", "/x", "/$value", "/$count", "/..", "/%2F", "?", "#frag", "/" + random_string(rng, 5)])
    if rng.random() < 0.05:
        method = rng.choice(METHODS)
    query = ""
    if method == "GET" and rng.random() < 0.6 or rng.random() < 0.08:
        query = random_query(rng, w)
    headers = {"Authorization": f"Bearer {real_token}"}
    if rng.random() < 0.04:
        headers["Authorization"] = bad_token(rng, real_token)
        if not headers["Authorization"]:
            del headers["Authorization"]
    if rng.random() < 0.03:
        headers[rng.choice(["client-request-id", "ConsistencyLevel", "Prefer", "Accept", "If-Match", "OData-MaxVersion"])] = \
            rng.choice(["eventual", "x" * 5000, "\u00e9", "return=minimal", "*", "application/xml", "odata.maxpagesize=1", ""])
    body = None
    body_kind = "none"
    if kind is not None or method in ("POST", "PUT", "PATCH") and rng.random() < 0.5:
        valid = valid_body(kind, w, rng, urls) if kind else {}
        b = rng.random()
        if b < 0.15:
            body, body_kind = json.dumps(valid).encode(), "valid"
        elif b < 0.60:
            body, body_kind = json.dumps(mutate_json(rng, valid, urls, rng.choice([1, 1, 2, 3, 6])), allow_nan=True).encode(), "mutated"
        elif b < 0.78:
            body, body_kind = mutate_bytes(rng, json.dumps(valid).encode(), rng.choice([1, 2, 4])), "bytes"
        elif b < 0.88:
            body, body_kind = json.dumps(random_json(rng), allow_nan=True).encode(), "random"
        else:
            body, body_kind = special_body(rng, valid), "special"
        headers["Content-Type"] = "application/json" if rng.random() < 0.9 else rng.choice(CONTENT_TYPES)
        if not headers["Content-Type"]:
            del headers["Content-Type"]
    url = facts["graphBaseUrl"].rsplit("/", 1)[0] + path + (("?" + query) if query else "")
    return Case(number, f"{method} {template} [{body_kind}{', query' if query else ''}]", method, url, headers, body)


# ---------------------------------------------------------------- the run

def test_fuzz_every_route(private_graphsync):
    wait_for_binary()
    server = private_graphsync
    server.start(*FUZZ_FLAGS)
    facts = server.facts
    rng = random.Random(SEED)
    origin = facts["graphBaseUrl"].rsplit("/", 1)[0]
    with HostilePeer("ok") as peer:
        graph = Graph(facts)
        world = World(graph, peer, rng)
        urls = loopback_urls(peer)
        session = requests.Session()
        session.trust_env = False
        session.verify = facts["caCertPath"]
        adapter = requests.adapters.HTTPAdapter(pool_connections=2, pool_maxsize=2, max_retries=0)
        session.mount("https://", adapter)

        statuses: Counter = Counter()
        kinds: Counter = Counter()
        failures: list[str] = []
        stale_retries = 0
        started = time.monotonic()
        slowest = (0.0, "")
        for number in range(1, CASES + 1):
            case = make_case(number, rng, world, urls, facts, origin, graph.token)
            kinds[case.kind.split(" [")[0].split(" ")[0]] += 1
            response, error, took = None, None, 0.0
            for attempt in (1, 2):
                t0 = time.monotonic()
                try:
                    response = session.request(case.method, case.url, data=case.body, headers=case.headers,
                                               timeout=CLIENT_TIMEOUT_S, allow_redirects=False)
                    _ = response.content
                    error = None
                except requests.exceptions.Timeout as e:
                    error = f"no answer within {CLIENT_TIMEOUT_S}s ({type(e).__name__})"
                except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as e:
                    error = f"connection dropped: {e!r}"[:400]
                except (requests.exceptions.RequestException, ValueError, UnicodeError) as e:
                    # The client library refused to send it (an invalid URL or header): not the server's doing.
                    statuses[f"unsendable:{type(e).__name__}"] += 1
                    error = "unsendable"
                    break
                took = time.monotonic() - t0
                if error is None or "no answer" in error or attempt == 2:
                    break
                stale_retries += 1          # a pooled keep-alive connection closed by the server: try once more, fresh
                if not server.running:
                    break
            if took > slowest[0]:
                slowest = (took, case.describe(200))
            if error == "unsendable":
                pass
            elif error is not None:
                statuses["dropped"] += 1
                failures.append(f"{error}\n{case.describe()}")
            else:
                statuses[response.status_code] += 1
                if response.status_code >= 500:
                    code = None
                    try:
                        code = response.json()["error"]["code"]
                    except (ValueError, KeyError, TypeError):
                        pass
                    route = urlsplit(case.url).path.rstrip("/")
                    allowed = (response.status_code, code) in ALLOWED_5XX and route.endswith("/acquireAccessToken")
                    if not allowed:
                        failures.append(f"HTTP {response.status_code} {response.text[:300]!r}\n{case.describe()}")
            if not server.running:
                pytest.fail(f"graphsync serve died (exit {server.proc.returncode}) at case #{number} (seed {SEED}):\n"
                            f"{case.describe()}\n--- earlier failures ---\n" + "\n\n".join(failures[-5:]), pytrace=False)
            if number % CHECK_EVERY == 0:
                assert_alive(server)
                world.ensure()
            elif response is not None and case.method == "DELETE" and response.status_code < 300:
                world.ensure()              # the case may have deleted an object the next ones refer to
        elapsed = time.monotonic() - started
        assert_alive(server)

    rate = CASES / elapsed if elapsed else 0.0
    summary = (f"FUZZ-SUMMARY seed={SEED} cases={CASES} seconds={elapsed:.1f} cases_per_s={rate:.0f} "
               f"stale_connection_retries={stale_retries} statuses={dict(sorted(statuses.items(), key=lambda kv: str(kv[0])))}\n"
               f"FUZZ-KINDS {dict(kinds.most_common())}\nFUZZ-SLOWEST {slowest[0]:.2f}s {slowest[1]}")
    # Past pytest's output capture, so every run shows its numbers.
    sys.__stdout__.write("\n" + summary + "\n")
    sys.__stdout__.flush()
    if failures:
        report = Path("/tmp") / f"graphsync-fuzz-failures-{SEED}.txt"
        report.write_text(summary + "\n\n" + "\n\n".join(failures))
        pytest.fail(f"{len(failures)} of {CASES} fuzz cases failed (seed {SEED}; all of them in {report}):\n\n"
                    + "\n\n".join(failures[:MAX_REPORTED]) + f"\n\n{summary}", pytrace=False)
