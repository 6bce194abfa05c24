"""Provisioning end to end: GraphSync, configured only through Graph, pushes assigned users and groups into a real
SCIM 2.0 server (scim2-server, started by Tests/scim/scim_app.py) and converges incrementally.
"""

import json
from datetime import datetime
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "scim"))
from scimharness import ScimServer  # noqa: E402

GRAPH_DEFAULT_ROLE = "00000000-0000-0000-0000-000000000000"


class Graph:
    """A few Graph calls with the bootstrap admin app's token (plain requests; the SDK is covered elsewhere)."""

    def __init__(self, facts):
        self.base = facts["graphBaseUrl"]
        token = requests.post(f"{facts['authority']}/oauth2/v2.0/token", data={
            "grant_type": "client_credentials", "client_id": facts["clientId"], "client_secret": facts["clientSecret"],
            "scope": "https://graph.microsoft.com/.default"}, verify=facts["caCertPath"], timeout=10).json()["access_token"]
        self.session = requests.Session()
        self.session.verify = facts["caCertPath"]
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method, path, body=None, expect=None):
        r = self.session.request(method, self.base + path, json=body, timeout=30)
        if expect is not None:
            assert r.status_code == expect, f"{method} {path}: {r.status_code} {r.text}"
        return r.json() if r.content else None

    def user(self, name):
        return self.call("POST", "/users", {
            "accountEnabled": True, "displayName": name.title(), "mailNickname": name, "userPrincipalName": f"{name}@graphsync.local",
            "givenName": name.title(), "surname": "Tester", "mail": f"{name}@example.test",
            "passwordProfile": {"password": "Str0ng!Passw0rd"}}, expect=201)

    def job(self, sp_id, job_id):
        return self.call("GET", f"/servicePrincipals/{sp_id}/synchronization/jobs/{job_id}", expect=200)

    def wait_for_cycle(self, sp_id, job_id, after=None, timeout=30):
        """Waits until a cycle newer than `after` (a lastExecution.timeEnded) has finished; returns the job."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.job(sp_id, job_id)
            last = job["status"]["lastExecution"]
            if last and (after is None or _instant(last["timeEnded"]) > _instant(after)):
                return job
            time.sleep(0.2)
        raise AssertionError(f"no provisioning cycle finished within {timeout}s: {json.dumps(self.job(sp_id, job_id))}")


def _instant(text):
    """A Graph timestamp as a datetime (string comparison breaks when one of two has no fraction of a second)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture
def scim():
    with ScimServer("scim-bearer-token", "--entra") as server:
        yield server


def setup_app(graph, scim_base, token="scim-bearer-token"):
    app = graph.call("POST", "/applications", {"displayName": f"SCIM app {uuid.uuid4().hex[:6]}"}, expect=201)
    sp = graph.call("POST", "/servicePrincipals", {"appId": app["appId"]}, expect=201)
    graph.call("PUT", f"/servicePrincipals/{sp['id']}/synchronization/secrets", {"value": [
        {"key": "BaseAddress", "value": scim_base}, {"key": "SecretToken", "value": token}]}, expect=204)
    return sp


def provision_new_users(graph, scim_base, names, timeout=60):
    """An app at `scim_base` with a new user assigned per name, its job started; the job once its first cycle
    succeeded: (service principal, job)."""
    sp = setup_app(graph, scim_base)
    for name in names:
        assign(graph, sp["id"], graph.user(name)["id"])
    job = graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs", {"templateId": "scim"}, expect=201)
    graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs/{job['id']}/start", expect=204)
    done = graph.wait_for_cycle(sp["id"], job["id"], timeout=timeout)
    assert done["status"]["lastExecution"]["state"] == "Succeeded", done["status"]
    return sp, done


def assign(graph, sp_id, principal_id):
    return graph.call("POST", f"/servicePrincipals/{sp_id}/appRoleAssignedTo", {
        "principalId": principal_id, "resourceId": sp_id, "appRoleId": GRAPH_DEFAULT_ROLE}, expect=201)


def scim_resources(scim, kind):
    """Stored resources of one kind (`User`, `Group`), read from the server's storage without SCIM traffic."""
    resources = scim.control("GET", "/resources")[1]
    return [r for r in resources if any(s.endswith(f":{kind}") for s in r.get("schemas", []))]


def scim_users(scim):
    return {u["userName"].lower(): u for u in scim_resources(scim, "User")}


def scim_groups(scim):
    return {g["displayName"]: g for g in scim_resources(scim, "Group")}


def test_job_provisions_assigned_users_and_groups_incrementally(graphsync, scim):
    graph = Graph(graphsync)
    sp = setup_app(graph, scim.base)
    tag = uuid.uuid4().hex[:6]
    # A few hundred objects: 150 users assigned directly, 3 groups of 10 members each assigned as groups.
    direct = [graph.user(f"direct{i}x{tag}") for i in range(150)]
    teams = []
    for t in range(3):
        members_t = [graph.user(f"member{t}n{i}x{tag}") for i in range(10)]
        team = graph.call("POST", "/groups", {"displayName": f"Team {t} {tag}", "mailNickname": f"team{t}{tag}", "mailEnabled": False,
                                               "securityEnabled": True}, expect=201)
        for m in members_t:
            graph.call("POST", f"/groups/{team['id']}/members/$ref", {"@odata.id": f"{graph.base}/directoryObjects/{m['id']}"}, expect=204)
        teams.append((team, members_t))
    group, members = teams[0]
    outsider = graph.user(f"outsider{tag}")
    assignments = {u["id"]: assign(graph, sp["id"], u["id"]) for u in direct}
    for team, _ in teams:
        assign(graph, sp["id"], team["id"])

    templates = graph.call("GET", f"/servicePrincipals/{sp['id']}/synchronization/templates", expect=200)
    assert [t["id"] for t in templates["value"]] == ["scim", "dataBricks", "aWSSingleSignon"]
    assert [t["default"] for t in templates["value"]] == [True, False, False]
    job = graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs", {"templateId": "scim"}, expect=201)
    assert job["id"].startswith("scim.") and job["schedule"]["state"] == "Disabled"
    graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs/{job['id']}/start", expect=204)

    # First cycle: exactly the assigned users and the group's members, and the group with its members.
    done = graph.wait_for_cycle(sp["id"], job["id"], timeout=90)
    status = done["status"]
    assert status["lastExecution"]["state"] == "Succeeded", status
    assert status["code"] == "Active"
    expected = {u["userPrincipalName"].lower() for u in direct + [m for _, ms in teams for m in ms]}
    users = scim_users(scim)
    assert set(users) == expected
    assert f"{outsider['userPrincipalName']}".lower() not in users
    ada = users[direct[0]["userPrincipalName"].lower()]
    assert ada["active"] is True and ada["name"]["givenName"] == direct[0]["givenName"]
    assert ada["emails"][0]["value"] == direct[0]["mail"]
    groups = scim_groups(scim)
    for team, team_members in teams:
        member_ids = {users[m["userPrincipalName"].lower()]["id"] for m in team_members}
        assert {m["value"] for m in groups[team["displayName"]]["members"]} == member_ids
    counts = {c["key"]: c["value"] for c in status["synchronizedEntryCountByType"]}
    assert counts == {"user to User": 180, "group to Group": 3}
    scim_ids = {u["userName"].lower(): u["id"] for u in users.values()}

    # A change in the directory: only that user is sent in the next cycle.
    scim.control("POST", "/reset")
    graph.call("PATCH", f"/users/{direct[1]['id']}", {"jobTitle": "Staff Engineer"}, expect=204)
    done = graph.wait_for_cycle(sp["id"], job["id"], after=status["lastExecution"]["timeEnded"])
    sent = [r for r in scim.control("GET", "/requests")[1] if r["method"] in ("POST", "PATCH", "PUT", "DELETE")]
    assert [r["path"] for r in sent] == [f"/scim/v2/Users/{scim_ids[direct[1]['userPrincipalName'].lower()]}"], sent
    assert scim_users(scim)[direct[1]["userPrincipalName"].lower()]["title"] == "Staff Engineer"

    # Out of scope: an unassigned user is disabled (not deleted) in the app.
    graph.call("DELETE", f"/servicePrincipals/{sp['id']}/appRoleAssignedTo/{assignments[direct[2]['id']]['id']}", expect=204)
    graph.wait_for_cycle(sp["id"], job["id"], after=done["status"]["lastExecution"]["timeEnded"])
    left = scim_users(scim)[direct[2]["userPrincipalName"].lower()]
    assert left["active"] is False

    # The provisioning log records what was sent, never tokens.
    log = graph.call("GET", f"/auditLogs/provisioning?$filter=jobId%20eq%20'{job['id']}'&$top=200", expect=200)["value"]
    actions = {e["provisioningAction"] for e in log}
    assert {"create", "update", "disable"} <= actions
    assert "scim-bearer-token" not in json.dumps(log)


def test_failures_quarantine_and_recovery(graphsync, scim):
    graph = Graph(graphsync)
    sp = setup_app(graph, scim.base)
    tag = uuid.uuid4().hex[:6]
    for i in range(3):
        assign(graph, sp["id"], graph.user(f"q{i}x{tag}")["id"])
    job = graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs", {"templateId": "scim"}, expect=201)

    # A dead app: every request fails, cycles fail completely, the job is quarantined.
    scim.control("POST", "/fail", {"mode": "down"})
    graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs/{job['id']}/start", expect=204)
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        status = graph.job(sp["id"], job["id"])["status"]
        if status["code"] == "Quarantine":
            break
        time.sleep(0.3)
    assert status["code"] == "Quarantine", status
    assert status["countSuccessiveCompleteFailures"] >= 3
    assert status["quarantine"]["reason"] == "EncounteredQuarantineException"
    assert status["lastExecution"]["state"] == "Failed" and "503" in status["lastExecution"]["error"]["message"]

    # Recovery: the app is back; restart clearing the quarantine state converges and clears it.
    scim.control("POST", "/fail", {"mode": "none"})
    ended = status["lastExecution"]["timeEnded"]
    graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs/{job['id']}/restart",
               {"criteria": {"resetScope": "Watermark, Escrows, QuarantineState"}}, expect=204)
    done = graph.wait_for_cycle(sp["id"], job["id"], after=ended)
    deadline = time.monotonic() + 20
    while done["status"]["lastExecution"]["state"] != "Succeeded" and time.monotonic() < deadline:
        done = graph.wait_for_cycle(sp["id"], job["id"], after=done["status"]["lastExecution"]["timeEnded"])
    assert done["status"]["code"] == "Active", done["status"]
    assert done["status"]["quarantine"] is None
    assert len(scim_users(scim)) == 3

    # Pause stops cycles.
    graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs/{job['id']}/pause", expect=204)
    paused = graph.job(sp["id"], job["id"])
    assert paused["schedule"]["state"] == "Paused" and paused["status"]["code"] == "Paused"
    before = paused["status"]["lastExecution"]["timeEnded"]
    time.sleep(3)
    assert graph.job(sp["id"], job["id"])["status"]["lastExecution"]["timeEnded"] == before


def test_throttling_is_retried(graphsync):
    with ScimServer("scim-bearer-token", "--entra", "--rate-limit", "3") as scim:
        tag = uuid.uuid4().hex[:6]
        provision_new_users(Graph(graphsync), scim.base, [f"t{i}x{tag}" for i in range(6)])
        assert len(scim_users(scim)) == 6
        outcomes = {r["outcome"] for r in scim.control("GET", "/requests")[1]}
        assert "rate-limited" in outcomes


def form_endpoint(answer, path: str):
    """A form-posting endpoint on 127.0.0.1 (an OAuth token endpoint): `answer(form)` gives (status, JSON body).
    Returns the server (`shutdown()` it) and its URL."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    import threading
    import urllib.parse

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            form = dict(urllib.parse.parse_qsl(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()))
            status, body = answer(form)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}{path}"


class ExpiringTokenApp:
    """A SaaS app's OAuth token endpoint whose access tokens live 60 s (inside GraphSync's 5-minute refresh margin,
    so every cycle must refresh) and whose SCIM side accepts only the newest token (written to scim_app.py's token file)."""

    def __init__(self, token_file: Path):
        self.grants: list[dict] = []
        self.token_file = token_file
        self.issued = 0
        token_file.write_text("")
        self.server, self.url = form_endpoint(self.answer, "/token")

    def answer(self, form: dict) -> tuple[int, dict]:
        self.grants.append(form)
        ok = (form.get("grant_type") == "authorization_code" and form.get("code") == "consent-code") or \
             (form.get("grant_type") == "refresh_token" and form.get("refresh_token", "").startswith("rt-"))
        if not (ok and form.get("client_secret") == "saas-secret"):
            return 400, {"error": "invalid_grant", "error_description": "bad grant"}
        self.issued += 1
        token = f"short-lived-{self.issued}-{uuid.uuid4().hex}"
        self.token_file.write_text(token + "\n")      # only the newest token opens the SCIM API
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": 60, "refresh_token": f"rt-{self.issued}"}

    def stop(self):
        self.server.shutdown()


def test_oauth_token_from_acquire_access_token_is_used_and_refreshed(graphsync, tmp_path):
    app = ExpiringTokenApp(tmp_path / "tokens.txt")
    try:
        with ScimServer(None, "--entra", "--token-file", str(tmp_path / "tokens.txt")) as scim:
            graph = Graph(graphsync)
            created = graph.call("POST", "/applications", {"displayName": f"OAuth SCIM app {uuid.uuid4().hex[:6]}"}, expect=201)
            sp = graph.call("POST", "/servicePrincipals", {"appId": created["appId"]}, expect=201)
            # As the portal does it: the Tenant URL saved, then "Authorize" (a PUT replaces the saved set).
            graph.call("PUT", f"/servicePrincipals/{sp['id']}/synchronization/secrets", {"value": [{"key": "BaseAddress", "value": scim.base}]}, expect=204)
            graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/acquireAccessToken", {"credentials": [
                {"key": "Oauth2AuthorizationCode", "value": "consent-code"}, {"key": "Oauth2RedirectUri", "value": "https://app.example/cb"},
                {"key": "Oauth2TokenExchangeUri", "value": app.url}, {"key": "Oauth2ClientId", "value": "saas-client"},
                {"key": "Oauth2ClientSecret", "value": "saas-secret"}]}, expect=204)
            tag = uuid.uuid4().hex[:6]
            for i in range(4):
                assign(graph, sp["id"], graph.user(f"o{i}x{tag}")["id"])
            job = graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs", {"templateId": "scim"}, expect=201)
            graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs/{job['id']}/start", expect=204)
            first = graph.wait_for_cycle(sp["id"], job["id"])
            assert first["status"]["lastExecution"]["state"] == "Succeeded", first["status"]
            second = graph.wait_for_cycle(sp["id"], job["id"], after=first["status"]["lastExecution"]["timeEnded"])
            assert second["status"]["lastExecution"]["state"] == "Succeeded", second["status"]

            refreshes = [g for g in app.grants if g["grant_type"] == "refresh_token"]
            assert len(refreshes) >= 2, app.grants                          # one per cycle: the token was always near expiry
            assert refreshes[0]["refresh_token"] == "rt-1" and refreshes[1]["refresh_token"] == "rt-2"   # rotated tokens were kept
            assert len(scim_users(scim)) == 4
            tokens_used = {r["token"] for r in scim.control("GET", "/requests")[1] if r["outcome"] == "scim"}
            assert tokens_used and all(t.startswith("short-lived-") for t in tokens_used)
            assert not any(r["outcome"] == "unauthorized" for r in scim.control("GET", "/requests")[1])
    finally:
        app.stop()


def test_provision_on_demand_pushes_one_user_now(graphsync, scim):
    graph = Graph(graphsync)
    sp = setup_app(graph, scim.base)
    tag = uuid.uuid4().hex[:6]
    inside = graph.user(f"od1x{tag}")
    outside = graph.user(f"od2x{tag}")
    assign(graph, sp["id"], inside["id"])
    job = graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs", {"templateId": "scim"}, expect=201)
    # Not started: nothing runs on a schedule, only on demand.
    answer = graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs/{job['id']}/provisionOnDemand", {"parameters": [
        {"ruleId": "6c4d9d22-1f0b-4a6a-9a0e-3c5e4f9f1a01", "subjects": [
            {"objectId": f"/users/{inside['id']}", "objectTypeName": "User"}, {"objectId": outside["id"], "objectTypeName": "User"}]}]}, expect=200)
    assert answer["@odata.context"].endswith("$metadata#microsoft.graph.stringKeyStringValuePair")
    # Graph's shape: key and value are JSON documents in strings; with two subjects, value holds a record per subject.
    outcome, records = json.loads(answer["key"]), json.loads(answer["value"])
    assert [r["statusInfo"]["status"] for r in records] == ["Success", "Skipped"], records
    assert records[0]["action"] == "Create" and records[0]["targetIdentity"]["id"], records[0]
    assert records[0]["sourceSystem"]["name"] == "Azure Active Directory" and records[0]["provisioningSteps"][0]["type"] == "Import"
    assert records[1]["action"] == "Other" and outcome["result"] == "Failure"
    # What was sent, by attribute: the new value of userName is the user's UPN.
    sent = {p["displayName"]: p["newValue"] for p in records[0]["modifiedProperties"]}
    assert sent.get("userName") == inside["userPrincipalName"], records[0]["modifiedProperties"]
    assert set(scim_users(scim)) == {inside["userPrincipalName"].lower()}
    # One subject answers exactly Graph's shape: the outcome in key, one provisioning record in value.
    again = graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs/{job['id']}/provisionOnDemand", {"parameters": [
        {"ruleId": "6c4d9d22-1f0b-4a6a-9a0e-3c5e4f9f1a01#V2", "subjects": [{"objectId": inside["id"], "objectTypeName": "User"}]}]}, expect=200)
    assert json.loads(again["key"])["result"] in ("Success", "Skipped") and json.loads(again["value"])["sourceIdentity"]["id"] == inside["id"]
    bad = graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs/{job['id']}/provisionOnDemand", {"parameters": []})
    assert bad["error"]["code"] == "Request_BadRequest"
    # A rule id that is not one of the job's schema rules is named, with the valid ones.
    unknown_rule = graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs/{job['id']}/provisionOnDemand", {"parameters": [
        {"ruleId": "ea807875-5618-4f0a-9125-0b46a05298ca", "subjects": [{"objectId": inside["id"], "objectTypeName": "User"}]}]})
    assert "ea807875" in unknown_rule["error"]["message"] and "6c4d9d22" in unknown_rule["error"]["message"], unknown_rule
    # Graph's documented limit: 5 requests per 10 seconds per job; the sixth is a 429 with Retry-After.
    for _ in range(3):
        last = graph.session.post(f"{graph.base}/servicePrincipals/{sp['id']}/synchronization/jobs/{job['id']}/provisionOnDemand",
                                  json={"parameters": []}, timeout=30)
    assert last.status_code == 429 and last.json()["error"]["code"] == "TooManyRequests", (last.status_code, last.text)
    assert 1 <= int(last.headers["Retry-After"]) <= 10


def test_validate_credentials_tests_the_connection(graphsync, scim):
    graph = Graph(graphsync)
    sp = setup_app(graph, scim.base)
    job = graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs", {"templateId": "scim"}, expect=201)
    path = f"/servicePrincipals/{sp['id']}/synchronization/jobs/{job['id']}/validateCredentials"
    graph.call("POST", path, {"useSavedCredentials": True}, expect=204)
    graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs/validateCredentials", {
        "templateId": "scim", "useSavedCredentials": False, "credentials": [
            {"key": "BaseAddress", "value": scim.base}, {"key": "SecretToken", "value": "scim-bearer-token"}]}, expect=204)
    wrong = graph.call("POST", path, {"credentials": [{"key": "SecretToken", "value": "wrong-token"}]})
    assert wrong["error"]["code"] == "CredentialValidationFailed" and "401" in wrong["error"]["message"]
    assert "wrong-token" not in json.dumps(wrong)
    # Testing never changes what is saved.
    graph.call("POST", path, {"useSavedCredentials": True}, expect=204)


def test_scoping_filter_limits_who_is_provisioned(graphsync, scim):
    """Assigned users outside the user mapping's scoping filter are not created; one who falls out of it is disabled."""
    graph = Graph(graphsync)
    sp = setup_app(graph, scim.base)
    tag = uuid.uuid4().hex[:6]
    engineers = [graph.user(f"eng{i}x{tag}") for i in range(3)]
    others = [graph.user(f"oth{i}x{tag}") for i in range(2)]
    for u in engineers:
        graph.call("PATCH", f"/users/{u['id']}", {"jobTitle": "Engineer"}, expect=204)
    for u in engineers + others:
        assign(graph, sp["id"], u["id"])
    jobs = f"/servicePrincipals/{sp['id']}/synchronization/jobs"
    job = graph.call("POST", jobs, {"templateId": "scim"}, expect=201)
    schema = graph.call("GET", f"{jobs}/{job['id']}/schema", expect=200)
    schema.pop("@odata.context", None)
    users_mapping = next(m for m in schema["synchronizationRules"][0]["objectMappings"] if m["sourceObjectName"] == "User")
    users_mapping["scope"] = {"groups": [{"name": "Engineers", "clauses": [
        {"operatorName": "EQUALS", "sourceOperandName": "jobTitle", "targetOperand": {"values": ["Engineer"]}}]}],
        "inputFilterGroups": [], "categoryFilterGroups": []}
    graph.call("PUT", f"{jobs}/{job['id']}/schema", schema, expect=204)

    graph.call("POST", f"{jobs}/{job['id']}/start", expect=204)
    done = graph.wait_for_cycle(sp["id"], job["id"])
    assert done["status"]["lastExecution"]["state"] == "Succeeded", done["status"]
    assert set(scim_users(scim)) == {u["userPrincipalName"].lower() for u in engineers}

    # One engineer changes role: out of the filter, so disabled in the app (like a user who left scope).
    graph.call("PATCH", f"/users/{engineers[0]['id']}", {"jobTitle": "Manager"}, expect=204)
    graph.wait_for_cycle(sp["id"], job["id"], after=done["status"]["lastExecution"]["timeEnded"])
    users = scim_users(scim)
    assert users[engineers[0]["userPrincipalName"].lower()]["active"] is False
    assert all(users[u["userPrincipalName"].lower()]["active"] is True for u in engineers[1:])
    assert set(users) == {u["userPrincipalName"].lower() for u in engineers}


def test_several_matches_in_the_app_are_an_escrow_not_a_guess(graphsync, scim):
    """Two groups in the app share the assigned group's displayName (the matching attribute): GraphSync neither
    picks one nor creates a third; the group is escrowed with DuplicateTargetEntries and the rest is provisioned."""
    graph = Graph(graphsync)
    sp = setup_app(graph, scim.base)
    tag = uuid.uuid4().hex[:6]
    name = f"Twins {tag}"
    for _ in range(2):
        status, body, _ = scim.call("POST", "/Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": name})
        assert status == 201, body
    group = graph.call("POST", "/groups", {"displayName": name, "mailNickname": f"twins{tag}", "mailEnabled": False,
                                           "securityEnabled": True}, expect=201)
    user = graph.user(f"twin{tag}")
    assign(graph, sp["id"], group["id"])
    assign(graph, sp["id"], user["id"])
    jobs = f"/servicePrincipals/{sp['id']}/synchronization/jobs"
    job = graph.call("POST", jobs, {"templateId": "scim"}, expect=201)
    graph.call("POST", f"{jobs}/{job['id']}/start", expect=204)
    done = graph.wait_for_cycle(sp["id"], job["id"])
    execution = done["status"]["lastExecution"]
    assert execution["state"] == "EntryLevelErrors" and execution["countEscrowed"] == 1, done["status"]
    assert len([g for g in scim_resources(scim, "Group") if g["displayName"] == name]) == 2
    assert user["userPrincipalName"].lower() in scim_users(scim)
    log = graph.call("GET", f"/auditLogs/provisioning?$filter=jobId%20eq%20'{job['id']}'", expect=200)["value"]
    failed = [e for e in log if e["provisioningStatusInfo"]["status"] == "failure"]
    assert len(failed) == 1 and "DuplicateTargetEntries" in json.dumps(failed[0]), failed
