"""GraphSync against hostile peers: SCIM apps and OAuth token endpoints (hostile_peer.py, on 127.0.0.1) that throttle
with absurd Retry-After values, drip their answers, never answer, redirect to the cloud metadata address, or answer
with huge headers, endless bodies, broken JSON or HTML; and callers who try to move saved secrets to a server of
their own, or act beyond their permissions.

Regression tests: each asserts that the process stays up and keeps serving, that every call answers within a bound
(no hang), and that nothing secret reaches a destination it was not saved for. Every wait has a deadline.
"""

from __future__ import annotations

import email.utils
import json
import re
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from conftest import GRAPHSYNC_BIN, GraphSyncServer, _free_port, _log_tail, _private_logs, init_tenant
from hostile_peer import METADATA_URL, HostilePeer

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
OWNED_BY_ROLE = "18a4783c-866b-4cc7-a460-3d5e5662c884"          # Application.ReadWrite.OwnedBy
DEFAULT_ROLE = "00000000-0000-0000-0000-000000000000"
BINARY_WAIT_S = 120                                               # another engineer may be relinking the binary

# Flags of the module's shared hostile-peer server: short outbound deadlines so every misbehaviour resolves quickly.
TOKEN_TIMEOUT_S = 3
SCIM_TIMEOUT_S = 2
MODULE_FLAGS = ("--token-exchange-timeout", str(TOKEN_TIMEOUT_S), "--scim-timeout", str(SCIM_TIMEOUT_S))


# ---------------------------------------------------------------- helpers

def wait_for_binary() -> None:
    """The binary may be briefly missing while it is relinked: wait (bounded) instead of failing."""
    deadline = time.monotonic() + BINARY_WAIT_S
    while time.monotonic() < deadline:
        if GRAPHSYNC_BIN.is_file():
            try:
                subprocess.run([str(GRAPHSYNC_BIN), "--help"], capture_output=True, timeout=20, check=True)
                return
            except (OSError, subprocess.SubprocessError):
                pass
        time.sleep(1)
    pytest.fail(f"graphsync binary not usable at {GRAPHSYNC_BIN} after {BINARY_WAIT_S}s", pytrace=False)


class Graph:
    """Graph calls over one keep-alive session. `trust_env` is off so REQUESTS_CA_BUNDLE (another server's CA) cannot
    override `verify`."""

    def __init__(self, facts: dict, token: str | None = None):
        self.facts = facts
        self.base = facts["graphBaseUrl"]
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.verify = facts["caCertPath"]
        self.token = token or self.app_token(facts["clientId"], facts["clientSecret"])
        self.session.headers["Authorization"] = f"Bearer {self.token}"

    def app_token(self, client_id: str, client_secret: str) -> str:
        r = requests.post(f"{self.facts['authority']}/oauth2/v2.0/token", data={
            "grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret,
            "scope": "https://graph.microsoft.com/.default"}, verify=self.facts["caCertPath"], timeout=10)
        assert r.status_code == 200, r.text
        return r.json()["access_token"]

    def raw(self, method: str, path: str, body=None, timeout: float = 20) -> requests.Response:
        return self.session.request(method, self.base + path, json=body, timeout=timeout)

    def call(self, method: str, path: str, body=None, expect: int | None = None, timeout: float = 20):
        r = self.raw(method, path, body, timeout)
        if expect is not None:
            assert r.status_code == expect, f"{method} {path}: {r.status_code} {r.text}"
        return r.json() if r.content else None

    def timed(self, method: str, path: str, body=None, timeout: float = 20) -> tuple[requests.Response, float]:
        started = time.monotonic()
        r = self.raw(method, path, body, timeout)
        return r, time.monotonic() - started

    # directory

    def app_and_sp(self, name: str = "hostile") -> tuple[dict, dict]:
        app = self.call("POST", "/applications", {"displayName": f"{name} {uuid.uuid4().hex[:6]}"}, expect=201)
        sp = self.call("POST", "/servicePrincipals", {"appId": app["appId"]}, expect=201)
        return app, sp

    def user(self, name: str) -> dict:
        return self.call("POST", "/users", {
            "accountEnabled": True, "displayName": name, "mailNickname": name, "userPrincipalName": f"{name}@graphsync.local",
            "givenName": name, "surname": "Hostile", "passwordProfile": {"password": "Str0ng!Passw0rd"}}, expect=201)

    def assign(self, sp_id: str, principal_id: str) -> dict:
        return self.call("POST", f"/servicePrincipals/{sp_id}/appRoleAssignedTo", {
            "principalId": principal_id, "resourceId": sp_id, "appRoleId": DEFAULT_ROLE}, expect=201)

    # synchronization

    def sync(self, sp_id: str) -> str:
        return f"/servicePrincipals/{sp_id}/synchronization"

    def put_secrets(self, sp_id: str, pairs: dict, expect: int | None = 204):
        return self.raw("PUT", f"{self.sync(sp_id)}/secrets", {"value": [{"key": k, "value": v} for k, v in pairs.items()]}) \
            if expect is None else self.call("PUT", f"{self.sync(sp_id)}/secrets",
                                             {"value": [{"key": k, "value": v} for k, v in pairs.items()]}, expect=expect)

    def secret_keys(self, sp_id: str) -> set[str]:
        return {p["key"] for p in self.call("GET", f"{self.sync(sp_id)}/secrets", expect=200)["value"]}

    def job(self, sp_id: str) -> dict:
        return self.call("POST", f"{self.sync(sp_id)}/jobs", {"templateId": "scim"}, expect=201)

    def job_status(self, sp_id: str, job_id: str) -> dict:
        return self.call("GET", f"{self.sync(sp_id)}/jobs/{job_id}", expect=200)

    def start(self, sp_id: str, job_id: str) -> None:
        self.call("POST", f"{self.sync(sp_id)}/jobs/{job_id}/start", expect=204)

    def wait_for_execution(self, sp_id: str, job_id: str, timeout: float, done=None) -> dict:
        """Polls the job until `done(job)` (default: any finished cycle); returns the job or fails with its status."""
        done = done or (lambda j: j["status"]["lastExecution"] is not None)
        deadline = time.monotonic() + timeout
        job = self.job_status(sp_id, job_id)
        while not done(job) and time.monotonic() < deadline:
            time.sleep(0.2)
            job = self.job_status(sp_id, job_id)
        assert done(job), f"job {job_id} did not reach the expected state within {timeout}s: {json.dumps(job['status'])}"
        return job


def credentials(pairs: dict) -> list[dict]:
    return [{"key": k, "value": v} for k, v in pairs.items()]


def assert_alive(server: GraphSyncServer) -> None:
    """The process is running and its discovery document still answers 200."""
    assert server.running, f"graphsync serve exited with {server.proc.returncode}\n--- server log ---\n{_log_tail(server.log_path)}"
    facts = server.facts
    r = requests.get(f"{facts['authority']}/v2.0/.well-known/openid-configuration", verify=facts["caCertPath"], timeout=10)
    assert r.status_code == 200, f"discovery answered {r.status_code}: {r.text[:300]}"


def error_code(r: requests.Response) -> str | None:
    try:
        return r.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def leaked(peer: HostilePeer, *secrets: str) -> list[str]:
    """Requests the peer received that carry any of `secrets` (for the assertion message)."""
    return [r.text()[:500] for r in peer.snapshot() if any(s in r.text() for s in secrets)]


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def hostile(request, tmp_path_factory):
    """A GraphSync of this module's own, with short outbound deadlines (MODULE_FLAGS). Yields the server."""
    wait_for_binary()
    tmp = tmp_path_factory.mktemp("hostile-graphsync")
    log_path = tmp / "graphsync-serve.log"
    facts = init_tenant(tmp / "data", _free_port())
    facts.update(logPath=str(log_path))
    server = GraphSyncServer(facts, log_path)
    failed_before = request.session.testsfailed
    server.start(*MODULE_FLAGS)
    try:
        yield server
    finally:
        server.stop()
        if request.session.testsfailed > failed_before and log_path.exists():
            kept = Path("/tmp") / f"graphsync-hostile-{facts['port']}.log"
            kept.write_bytes(log_path.read_bytes())
            _private_logs.append(kept)


@pytest.fixture
def graph(hostile) -> Graph:
    assert_alive(hostile)
    return Graph(hostile.facts)


@pytest.fixture
def peers():
    """Starts HostilePeers on demand (`peers("drip")`); stops them all at the end."""
    started: list[HostilePeer] = []

    def make(mode: str = "ok", **kw) -> HostilePeer:
        peer = HostilePeer(mode, **kw).start()
        started.append(peer)
        return peer

    yield make
    for peer in started:
        peer.stop()


@pytest.fixture
def private(private_graphsync):
    wait_for_binary()
    return private_graphsync


# ---------------------------------------------------------------- a. Retry-After values that once crashed the process

def _http_date(offset_s: float) -> str:
    return email.utils.formatdate(time.time() + offset_s, usegmt=True)


RETRY_AFTER = {
    "nan": "nan", "NaN": "NaN", "minus-5": "-5", "inf": "inf", "Infinity": "Infinity", "minus-inf": "-inf",
    "twenty-digits": "99999999999999999999", "fraction": "0.5", "exponent": "1e309", "hex": "0x10", "blank": "",
    "http-date-past": _http_date(-86_400), "http-date-soon": _http_date(1), "http-date-far": _http_date(10 * 365 * 86_400),
    "bad-date": "Mon, 99 Foo 2024 99:99:99 GMT",
}
# Values GraphSync ignores or turns into a short wait: provisionOnDemand with them must answer quickly. (A value that is
# a valid long delay is honoured up to 30 s per retry, so only the background cycle is exercised with those.)
QUICK_RETRY_AFTER = ("nan", "minus-5", "inf", "minus-inf", "fraction", "hex", "blank", "http-date-past", "bad-date")


def test_throttling_with_absurd_retry_after_never_crashes(private, peers):
    """Each job's SCIM app answers every request with 429 and one hostile Retry-After value: every cycle ends as a
    failure (or escrow) recorded in the job status, provisionOnDemand answers, and the process stays up."""
    private.start("--max-cycle-duration", "6", "--max-concurrent-jobs", "32", "--scim-timeout", "5")
    graph = Graph(private.facts)
    user = graph.user(f"throttled{uuid.uuid4().hex[:6]}")
    jobs = {}
    for name, value in RETRY_AFTER.items():
        peer = peers("throttle", retry_after=value)
        _, sp = graph.app_and_sp(f"throttle {name}")
        graph.put_secrets(sp["id"], {"BaseAddress": peer.scim_base, "SecretToken": f"token-{name}"})
        graph.assign(sp["id"], user["id"])
        job = graph.job(sp["id"])
        jobs[name] = (sp, job, peer)
    started = time.monotonic()
    for sp, job, _ in jobs.values():
        graph.start(sp["id"], job["id"])

    # Meanwhile, provisionOnDemand against the apps whose Retry-After is ignored or short (in parallel, one session
    # each): an answer, not a crash, and no 5xx.
    def on_demand(name):
        sp, job, _ = jobs[name]
        caller = Graph(private.facts, token=graph.token)
        r, took = caller.timed("POST", f"{graph.sync(sp['id'])}/jobs/{job['id']}/provisionOnDemand", {"parameters": [
            {"ruleId": "6c4d9d22-1f0b-4a6a-9a0e-3c5e4f9f1a01", "subjects": [{"objectId": user["id"], "objectTypeName": "User"}]}]})
        return name, r, took

    with ThreadPoolExecutor(max_workers=len(QUICK_RETRY_AFTER)) as pool:
        answers = list(pool.map(on_demand, QUICK_RETRY_AFTER))
    assert_alive(private)
    for name, r, took in answers:
        assert r.status_code < 500, f"provisionOnDemand with Retry-After {RETRY_AFTER[name]!r}: {r.status_code} {r.text}"
        assert took < 15, f"provisionOnDemand with Retry-After {RETRY_AFTER[name]!r} took {took:.1f}s"
        if r.status_code == 200:
            record = json.loads(r.json()["value"])
            assert record["statusInfo"]["status"] != "Success", (name, record)

    for name, (sp, job, peer) in jobs.items():
        done = graph.wait_for_execution(sp["id"], job["id"], timeout=max(5, 25 - (time.monotonic() - started)))
        execution = done["status"]["lastExecution"]
        assert execution["state"] == "Failed" or execution["countEscrowed"] > 0, (name, done["status"])
        if execution["state"] == "Failed":
            assert execution["error"] and execution["error"]["code"], (name, execution)
        assert peer.requests, f"the app with Retry-After {RETRY_AFTER[name]!r} was never called"
        assert all(r.headers.get("authorization") == f"Bearer token-{name}" for r in peer.snapshot())
        graph.call("POST", f"{graph.sync(sp['id'])}/jobs/{job['id']}/pause", expect=204)
    assert_alive(private)
    assert "Fatal error" not in Path(private.log_path).read_text(errors="replace")


def test_misbehaving_scim_apps_fail_their_cycles_not_the_process(private, peers):
    """One job per misbehaviour (drip, black hole, endless body, redirect, huge header, broken JSON, HTML), all running
    at once: each cycle ends, failed or with escrows, within the deadlines; the process keeps serving."""
    private.start("--scim-timeout", "2", "--max-cycle-duration", "8", "--max-concurrent-jobs", "16")
    graph = Graph(private.facts)
    user = graph.user(f"victim{uuid.uuid4().hex[:6]}")
    jobs = {}
    for mode in ("drip", "blackhole", "endless", "redirect", "huge_header", "bad_json", "html"):
        peer = peers(mode)
        _, sp = graph.app_and_sp(f"cycle {mode}")
        graph.put_secrets(sp["id"], {"BaseAddress": peer.scim_base, "SecretToken": f"token-{mode}"})
        graph.assign(sp["id"], user["id"])
        jobs[mode] = (sp, graph.job(sp["id"]), peer)
    started = time.monotonic()
    for sp, job, _ in jobs.values():
        graph.start(sp["id"], job["id"])
    for mode, (sp, job, peer) in jobs.items():
        done = graph.wait_for_execution(sp["id"], job["id"], timeout=max(5, 25 - (time.monotonic() - started)))
        execution = done["status"]["lastExecution"]
        assert execution["state"] == "Failed" or execution["countEscrowed"] > 0, (mode, done["status"])
        assert peer.requests, f"{mode}: the app was never called"
        assert all(r.headers.get("authorization") == f"Bearer token-{mode}" for r in peer.snapshot()), mode
        assert f"token-{mode}" not in json.dumps(done), f"{mode}: the token leaked into the job status"
        graph.call("POST", f"{graph.sync(sp['id'])}/jobs/{job['id']}/pause", expect=204)
    assert_alive(private)
    log = graph.call("GET", "/auditLogs/provisioning?$top=200", expect=200)["value"]
    assert not any(f"token-{mode}" in json.dumps(log) for mode in jobs), "a bearer token leaked into the provisioning log"


# ---------------------------------------------------------------- b, c. peers that drip, never answer, or answer garbage

def test_token_endpoint_that_drips_times_out_with_504(graph, hostile, peers):
    peer = peers("drip")
    _, sp = graph.app_and_sp("drip token")
    r, took = graph.timed("POST", f"{graph.sync(sp['id'])}/acquireAccessToken", {"credentials": credentials({
        "Oauth2TokenExchangeUri": peer.token_url, "Oauth2ClientId": "drip-client", "Oauth2ClientSecret": "drip-secret"})})
    assert r.status_code == 504 and error_code(r) == "TokenEndpointTimeout", (r.status_code, r.text)
    assert took < TOKEN_TIMEOUT_S + 3, f"504 came after {took:.1f}s (--token-exchange-timeout {TOKEN_TIMEOUT_S})"
    assert len(peer.requests) == 1, [x.text() for x in peer.requests]
    assert "drip-secret" not in r.text
    assert graph.secret_keys(sp["id"]) == set(), "a failed exchange stored something"
    assert_alive(hostile)


# What acquireAccessToken must answer for each misbehaviour of the token endpoint (status, Graph error code).
TOKEN_ENDPOINT_CASES = {
    "drip": (504, "TokenEndpointTimeout"),
    "blackhole": (504, "TokenEndpointTimeout"),
    "endless": (502, "TokenEndpointUnavailable"),
    "redirect": (502, "TokenEndpointUnavailable"),
    "huge_header": (502, "TokenEndpointUnavailable"),
    "bad_json": (502, "TokenEndpointUnavailable"),
    "html": (502, "TokenEndpointUnavailable"),
    "throttle": (502, "TokenEndpointUnavailable"),
}


@pytest.mark.parametrize("mode", list(TOKEN_ENDPOINT_CASES))
def test_misbehaving_token_endpoint_fails_cleanly(graph, hostile, peers, mode):
    peer = peers(mode, retry_after="nan")
    _, sp = graph.app_and_sp(f"token {mode}")
    r, took = graph.timed("POST", f"{graph.sync(sp['id'])}/acquireAccessToken", {"credentials": credentials({
        "Oauth2AuthorizationCode": "code-123", "Oauth2RedirectUri": "https://app.example/cb",
        "Oauth2TokenExchangeUri": peer.token_url, "Oauth2ClientId": "client", "Oauth2ClientSecret": f"secret-{mode}"})})
    status, code = TOKEN_ENDPOINT_CASES[mode]
    assert (r.status_code, error_code(r)) == (status, code), (mode, r.status_code, r.text)
    assert took < TOKEN_TIMEOUT_S + 3, f"{mode}: answered after {took:.1f}s"
    assert f"secret-{mode}" not in r.text and "code-123" not in r.text
    assert len(peer.requests) == 1, f"{mode}: the endpoint was called {len(peer.requests)} times"
    assert graph.secret_keys(sp["id"]) == set(), f"{mode}: a failed exchange stored something"
    assert_alive(hostile)


SCIM_MODES = ("drip", "blackhole", "endless", "redirect", "huge_header", "bad_json", "html", "throttle")


@pytest.mark.parametrize("bound_to_job", [False, True], ids=["jobs-validateCredentials", "job-validateCredentials"])
@pytest.mark.parametrize("mode", SCIM_MODES)
def test_misbehaving_scim_app_fails_validate_credentials(graph, hostile, peers, mode, bound_to_job):
    """Test Connection against an app that drips, never answers or answers garbage: a 400 within --scim-timeout."""
    peer = peers(mode, retry_after="nan")
    _, sp = graph.app_and_sp(f"scim {mode}")
    if bound_to_job:
        path = f"{graph.sync(sp['id'])}/jobs/{graph.job(sp['id'])['id']}/validateCredentials"
    else:
        path = f"{graph.sync(sp['id'])}/jobs/validateCredentials"
    body = {"useSavedCredentials": False, "credentials": credentials({"BaseAddress": peer.scim_base, "SecretToken": f"scim-token-{mode}"})}
    if not bound_to_job:
        body["templateId"] = "scim"
    r, took = graph.timed("POST", path, body)
    assert r.status_code == 400 and error_code(r) == "CredentialValidationFailed", (mode, r.status_code, r.text)
    assert took < SCIM_TIMEOUT_S + 3, f"{mode}: answered after {took:.1f}s (--scim-timeout {SCIM_TIMEOUT_S})"
    assert f"scim-token-{mode}" not in r.text
    assert len(peer.requests) == 1, f"{mode}: the app was called {len(peer.requests)} times"
    assert peer.requests[0].headers.get("authorization") == f"Bearer scim-token-{mode}"
    assert graph.secret_keys(sp["id"]) == set(), "Test Connection saved credentials"
    assert_alive(hostile)


def test_validate_credentials_against_a_good_app_still_works(graph, hostile, peers):
    """The control for the test above: the same request against a well-behaved app is a 204."""
    peer = peers("ok")
    _, sp = graph.app_and_sp("scim ok")
    graph.call("POST", f"{graph.sync(sp['id'])}/jobs/validateCredentials", {"useSavedCredentials": False, "credentials": credentials({
        "BaseAddress": peer.scim_base, "SecretToken": "good-token"})}, expect=204)
    assert [r.path for r in peer.requests] == ["/scim/Users"]


# ---------------------------------------------------------------- d. a stuck app does not stall other jobs

def test_stuck_scim_app_does_not_stall_other_jobs(private, peers):
    private.start("--max-concurrent-jobs", "2", "--max-cycle-duration", "5")
    graph = Graph(private.facts)
    for i in range(3):
        graph.user(f"stall{i}x{uuid.uuid4().hex[:6]}")
    hole, good = peers("blackhole"), peers("ok")
    _, sp_a = graph.app_and_sp("stuck A")
    _, sp_b = graph.app_and_sp("healthy B")
    graph.put_secrets(sp_a["id"], {"BaseAddress": hole.scim_base, "SecretToken": "token-a", "SyncAll": "True"})
    graph.put_secrets(sp_b["id"], {"BaseAddress": good.scim_base, "SecretToken": "token-b", "SyncAll": "True"})
    job_a, job_b = graph.job(sp_a["id"]), graph.job(sp_b["id"])

    a_started = time.monotonic()
    graph.start(sp_a["id"], job_a["id"])
    assert hole.wait_for_requests(1, timeout=10), "job A never reached its app"
    graph.start(sp_b["id"], job_b["id"])

    b = graph.wait_for_execution(sp_b["id"], job_b["id"], timeout=15)
    b_exec = b["status"]["lastExecution"]
    a_now = graph.job_status(sp_a["id"], job_a["id"])["status"]
    assert b_exec["state"] == "Succeeded" and b_exec["countExported"] >= 4, b["status"]   # 3 users + the admin
    assert a_now["lastExecution"] is None, f"job A finished before B, so B was not shown to run alongside it: {a_now}"
    assert {r.headers.get("authorization") for r in good.snapshot()} == {"Bearer token-b"}

    a = graph.wait_for_execution(sp_a["id"], job_a["id"], timeout=20)
    a_took = time.monotonic() - a_started
    a_exec = a["status"]["lastExecution"]
    assert a_exec["state"] == "Failed", a["status"]
    assert a_exec["error"]["code"] == "CycleTimeLimitExceeded", a["status"]
    assert a_took < 15, f"job A's cycle was stopped only after {a_took:.1f}s (--max-cycle-duration 5)"
    assert {r.headers.get("authorization") for r in hole.snapshot()} == {"Bearer token-a"}
    for sp, job in ((sp_a, job_a), (sp_b, job_b)):
        graph.call("POST", f"{graph.sync(sp['id'])}/jobs/{job['id']}/pause", expect=204)
    assert_alive(private)


# ---------------------------------------------------------------- e. redirects and the metadata address

def test_token_endpoint_redirect_to_metadata_is_not_followed(graph, hostile, peers):
    peer = peers("redirect", redirect_to=METADATA_URL)
    _, sp = graph.app_and_sp("redirect metadata")
    r, took = graph.timed("POST", f"{graph.sync(sp['id'])}/acquireAccessToken", {"credentials": credentials({
        "Oauth2TokenExchangeUri": peer.token_url, "Oauth2ClientId": "client", "Oauth2ClientSecret": "redirect-secret"})})
    assert 400 <= r.status_code < 600 and r.status_code != 500, (r.status_code, r.text)
    assert error_code(r) == "TokenEndpointUnavailable" and "redirect" in r.json()["error"]["message"], r.text
    assert took < 5, f"answered after {took:.1f}s"
    time.sleep(0.5)  # a followed redirect or a retry would arrive now
    assert len(peer.requests) == 1, [x.text() for x in peer.requests]
    assert graph.secret_keys(sp["id"]) == set()


def test_redirects_are_not_followed_to_a_canary(graph, hostile, peers):
    """The same with a redirect to a loopback canary that records what reaches it: nothing may."""
    canary = peers("ok")
    token_peer = peers("redirect", redirect_to=canary.token_url)
    scim_peer = peers("redirect", redirect_to=canary.scim_base + "/Users")
    _, sp = graph.app_and_sp("redirect canary")
    r = graph.raw("POST", f"{graph.sync(sp['id'])}/acquireAccessToken", {"credentials": credentials({
        "Oauth2TokenExchangeUri": token_peer.token_url, "Oauth2ClientId": "client", "Oauth2ClientSecret": "canary-secret"})})
    assert r.status_code == 502, r.text
    r = graph.raw("POST", f"{graph.sync(sp['id'])}/jobs/validateCredentials", {"credentials": credentials({
        "BaseAddress": scim_peer.scim_base, "SecretToken": "canary-token"})})
    assert r.status_code == 400 and error_code(r) == "CredentialValidationFailed", r.text
    time.sleep(0.5)
    assert canary.requests == [], [x.text() for x in canary.requests]
    assert len(token_peer.requests) == 1 and len(scim_peer.requests) == 1


METADATA_HOSTS = ["169.254.169.254", "[fe80::1]", "[::ffff:169.254.169.254]", "[fd00:ec2::254]",
                  "2852039166", "0xa9fea9fe", "0251.0376.0251.0376"]   # the last three: 169.254.169.254 spelled otherwise


@pytest.mark.parametrize("host", METADATA_HOSTS)
def test_metadata_and_link_local_destinations_are_refused_at_once(graph, hostile, host):
    _, sp = graph.app_and_sp("metadata direct")
    r, took = graph.timed("POST", f"{graph.sync(sp['id'])}/acquireAccessToken", {"credentials": credentials({
        "Oauth2TokenExchangeUri": f"http://{host}/latest/meta-data/", "Oauth2ClientId": "c", "Oauth2ClientSecret": "s"})})
    assert r.status_code == 400 and error_code(r) == "TokenUrlNotAllowed", (host, r.status_code, r.text)
    assert took < 3, f"{host}: {took:.1f}s"
    r, took = graph.timed("POST", f"{graph.sync(sp['id'])}/jobs/validateCredentials", {"credentials": credentials({
        "BaseAddress": f"http://{host}/scim", "SecretToken": "t"})})
    assert r.status_code == 400 and error_code(r) == "CredentialValidationFailed", (host, r.status_code, r.text)
    assert took < 3, f"{host}: {took:.1f}s"
    assert graph.secret_keys(sp["id"]) == set()


# ---------------------------------------------------------------- f. saved secrets stay bound to their destination

def test_saved_secret_token_only_goes_to_its_base_address(graph, hostile, peers):
    good, evil = peers("ok"), peers("ok")
    _, sp = graph.app_and_sp("bound scim")
    graph.put_secrets(sp["id"], {"BaseAddress": good.scim_base, "SecretToken": "saved-secret-value"})
    job = graph.job(sp["id"])

    for path in (f"{graph.sync(sp['id'])}/jobs/validateCredentials", f"{graph.sync(sp['id'])}/jobs/{job['id']}/validateCredentials"):
        for body in ({"credentials": credentials({"BaseAddress": evil.scim_base})},
                     {"useSavedCredentials": False, "credentials": credentials({"BaseAddress": evil.scim_base + "/"})},
                     {"useSavedCredentials": False, "credentials": credentials({"BaseAddress": f"http://localhost:{evil.port}/scim"})}):
            r = graph.raw("POST", path, body)
            assert r.status_code == 400 and error_code(r) == "SecretsBoundToDestination", (path, body, r.status_code, r.text)
    assert not evil.saw("saved-secret-value"), leaked(evil, "saved-secret-value")
    assert evil.requests == [], [x.text() for x in evil.requests]

    # The saved pair still works, and is what the good app receives.
    graph.call("POST", f"{graph.sync(sp['id'])}/jobs/{job['id']}/validateCredentials", {"useSavedCredentials": True}, expect=204)
    assert good.requests and good.requests[-1].headers.get("authorization") == "Bearer saved-secret-value"
    # Supplying a token of one's own for the other address is fine: only that token goes there.
    graph.call("POST", f"{graph.sync(sp['id'])}/jobs/validateCredentials", {"credentials": credentials({
        "BaseAddress": evil.scim_base, "SecretToken": "callers-own-token"})}, expect=204)
    assert [r.headers.get("authorization") for r in evil.snapshot()] == ["Bearer callers-own-token"]
    assert not evil.saw("saved-secret-value"), leaked(evil, "saved-secret-value")


def test_saved_client_secret_only_goes_to_its_token_url(graph, hostile, peers):
    good, evil = peers("ok"), peers("ok")
    _, sp = graph.app_and_sp("bound oauth")
    graph.put_secrets(sp["id"], {"Oauth2TokenExchangeUri": good.token_url, "Oauth2ClientId": "saved-client",
                                 "Oauth2ClientSecret": "saved-client-secret"})
    for creds in ({"Oauth2TokenExchangeUri": evil.token_url, "Oauth2AuthorizationCode": "x", "Oauth2RedirectUri": "https://a/cb"},
                  {"Oauth2TokenExchangeUri": evil.token_url},
                  {"Oauth2TokenExchangeUri": evil.token_url, "Oauth2ClientId": "other-client"}):
        r = graph.raw("POST", f"{graph.sync(sp['id'])}/acquireAccessToken", {"credentials": credentials(creds)})
        assert r.status_code == 400 and error_code(r) == "SecretsBoundToDestination", (creds, r.status_code, r.text)
    assert not evil.saw("saved-client-secret"), leaked(evil, "saved-client-secret")
    assert evil.requests == [], [x.text() for x in evil.requests]

    # The saved token URL is unchanged: a bare acquireAccessToken (client credentials from the saved secrets) goes
    # to the good endpoint, with the saved secret.
    graph.call("POST", f"{graph.sync(sp['id'])}/acquireAccessToken", {"credentials": []}, expect=204)
    assert len(good.requests) == 1 and good.requests[0].form.get("client_secret") == ["saved-client-secret"], \
        [x.text() for x in good.requests]
    assert evil.requests == []


def test_put_secrets_cannot_move_a_saved_secret(graph, hostile, peers):
    """A PUT replaces the saved set: moving the address without the secret removes the secret, it never follows."""
    good, evil = peers("ok"), peers("ok")
    _, sp = graph.app_and_sp("bound put")
    graph.put_secrets(sp["id"], {"BaseAddress": good.scim_base, "SecretToken": "saved-secret-value"})
    job = graph.job(sp["id"])
    graph.call("POST", f"{graph.sync(sp['id'])}/jobs/{job['id']}/validateCredentials", {"useSavedCredentials": True}, expect=204)
    assert good.requests[-1].headers.get("authorization") == "Bearer saved-secret-value"
    graph.put_secrets(sp["id"], {"BaseAddress": evil.scim_base}, expect=204)
    assert graph.secret_keys(sp["id"]) == {"BaseAddress"}
    r = graph.raw("POST", f"{graph.sync(sp['id'])}/jobs/{job['id']}/validateCredentials", {"useSavedCredentials": True})
    assert r.status_code == 400 and error_code(r) == "CredentialsMissing", (r.status_code, r.text)
    assert evil.requests == []
    # Moving the address together with a token for it works, and that token is what the new address gets.
    graph.put_secrets(sp["id"], {"BaseAddress": evil.scim_base, "SecretToken": "new-token-for-evil"}, expect=204)
    graph.call("POST", f"{graph.sync(sp['id'])}/jobs/{job['id']}/validateCredentials", {"useSavedCredentials": True}, expect=204)
    assert [x.headers.get("authorization") for x in evil.snapshot()] == ["Bearer new-token-for-evil"]
    # Likewise the token URL: moving it alone removes the client secret.
    graph.put_secrets(sp["id"], {"Oauth2TokenExchangeUri": good.token_url, "Oauth2ClientId": "c",
                                 "Oauth2ClientSecret": "saved-client-secret"}, expect=204)
    graph.put_secrets(sp["id"], {"Oauth2TokenExchangeUri": evil.token_url, "Oauth2ClientId": "c"}, expect=204)
    assert graph.secret_keys(sp["id"]) == {"Oauth2TokenExchangeUri", "Oauth2ClientId"}
    r = graph.raw("POST", f"{graph.sync(sp['id'])}/acquireAccessToken", {"credentials": []})
    assert r.status_code == 400, (r.status_code, r.text)
    assert not evil.saw("saved-secret-value") and not evil.saw("saved-client-secret"), \
        leaked(evil, "saved-secret-value", "saved-client-secret")


def test_saved_oauth_access_token_only_goes_to_its_base_address(graph, hostile, peers):
    """An OAuth setup (no SecretToken): the access token from acquireAccessToken is bound to BaseAddress too. A Test
    Connection that moves BaseAddress must not carry the saved access token there, whatever else it supplies."""
    token_peer, good, evil = peers("ok", access_token="saved-access-token-value"), peers("ok"), peers("ok")
    _, sp = graph.app_and_sp("bound access token")
    graph.put_secrets(sp["id"], {"BaseAddress": good.scim_base}, expect=204)
    graph.call("POST", f"{graph.sync(sp['id'])}/acquireAccessToken", {"credentials": credentials({
        "Oauth2TokenExchangeUri": token_peer.token_url, "Oauth2ClientId": "client", "Oauth2ClientSecret": "client-secret",
        "Oauth2AuthorizationCode": "code", "Oauth2RedirectUri": "https://app.example/cb"})}, expect=204)
    job = graph.job(sp["id"])
    graph.call("POST", f"{graph.sync(sp['id'])}/jobs/{job['id']}/validateCredentials", {"useSavedCredentials": True}, expect=204)
    assert good.requests[-1].headers.get("authorization") == "Bearer saved-access-token-value"

    attempts = [
        {"BaseAddress": evil.scim_base},
        {"BaseAddress": evil.scim_base, "Oauth2AccessToken": "anything"},
        {"BaseAddress": evil.scim_base, "Oauth2AccessToken": "anything", "TokenExpiration": "2999-01-01T00:00:00Z"},
    ]
    outcomes = []
    for creds in attempts:
        for path in (f"{graph.sync(sp['id'])}/jobs/validateCredentials", f"{graph.sync(sp['id'])}/jobs/{job['id']}/validateCredentials"):
            r = graph.raw("POST", path, {"useSavedCredentials": False, "credentials": credentials(creds)})
            outcomes.append((sorted(creds), path.rsplit("/", 2)[-2], r.status_code, error_code(r)))
    assert not evil.saw("saved-access-token-value"), \
        f"the saved OAuth access token was sent to a BaseAddress it was not saved for:\n{leaked(evil, 'saved-access-token-value')}\n" \
        f"outcomes (credentials, route, status, code): {outcomes}"
    assert all(status != 204 or not evil.saw("saved-access-token-value") for *_, status, _ in outcomes)
    assert all(status < 500 for *_, status, _ in outcomes), outcomes


def test_first_base_address_after_acquire_access_token_keeps_the_oauth_token(graph, hostile, peers):
    """README order (and test_provisioning's OAuth test): authorize with acquireAccessToken, then save BaseAddress.
    There was no saved BaseAddress, so no destination moved: the token must survive and be used for the app."""
    token_peer, app = peers("ok", access_token="first-access-token"), peers("ok")
    _, sp = graph.app_and_sp("oauth then base address")
    graph.call("POST", f"{graph.sync(sp['id'])}/acquireAccessToken", {"credentials": credentials({
        "Oauth2TokenExchangeUri": token_peer.token_url, "Oauth2ClientId": "client", "Oauth2ClientSecret": "client-secret"})}, expect=204)
    assert "Oauth2AccessToken" in graph.secret_keys(sp["id"])
    graph.put_secrets(sp["id"], {"BaseAddress": app.scim_base}, expect=204)
    keys = graph.secret_keys(sp["id"])
    assert {"Oauth2AccessToken", "BaseAddress"} <= keys, f"saving the first BaseAddress dropped the OAuth token: {sorted(keys)}"
    r = graph.raw("POST", f"{graph.sync(sp['id'])}/jobs/validateCredentials", {"useSavedCredentials": True})
    assert r.status_code == 204, (r.status_code, r.text)
    assert app.requests[-1].headers.get("authorization") == "Bearer first-access-token"


# ---------------------------------------------------------------- hostile inputs that reach the engine or the logs

# Patterns that pass the schema check (no quantified group holding a quantifier) but backtrack heavily on long input.
HOSTILE_PATTERNS = ["a*a*a*a*a*a*a*a*a*a*a*a*b", ".*.*.*.*.*.*.*.*.*.*=x", "^(?:a?){30}a{30}$", "a{1,1000}a{1,1000}a{1,1000}a{1,1000}b",
                    "(a+)+$", "(a|aa)*c", "(.*){1,32000}[bc]", "\\1(a)", "[", "(?<=a+)b"]


@pytest.mark.parametrize("pattern", HOSTILE_PATTERNS)
def test_hostile_scoping_regex_cannot_stall_the_server(graph, hostile, peers, pattern):
    """A scoping filter's REGEX MATCH is caller-controlled: a pattern is either refused at PUT (400) or evaluated
    within a budget, so provisionOnDemand answers quickly and the server keeps serving."""
    peer = peers("ok")
    _, sp = graph.app_and_sp("regex")
    graph.put_secrets(sp["id"], {"BaseAddress": peer.scim_base, "SecretToken": "regex-token"})
    user = graph.user(f"regex{uuid.uuid4().hex[:6]}")
    graph.call("PATCH", f"/users/{user['id']}", {"jobTitle": "a" * 3000}, expect=204)
    graph.assign(sp["id"], user["id"])
    job = graph.job(sp["id"])
    jobs = f"{graph.sync(sp['id'])}/jobs/{job['id']}"
    schema = graph.call("GET", f"{jobs}/schema", expect=200)
    schema.pop("@odata.context", None)
    mapping = next(m for m in schema["synchronizationRules"][0]["objectMappings"] if m["sourceObjectName"] == "User")
    mapping["scope"] = {"groups": [{"name": "g", "clauses": [{"operatorName": "REGEX MATCH", "sourceOperandName": "jobTitle",
                                                             "targetOperand": {"values": [pattern]}}]}],
                        "inputFilterGroups": [], "categoryFilterGroups": []}
    r, took = graph.timed("PUT", f"{jobs}/schema", schema)
    assert r.status_code in (204, 400), (pattern, r.status_code, r.text)
    assert took < 3, f"{pattern}: schema PUT took {took:.1f}s"
    r, took = graph.timed("POST", f"{jobs}/provisionOnDemand", {"parameters": [
        {"ruleId": "", "subjects": [{"objectId": user["id"], "objectTypeName": "User"}]}]})
    assert r.status_code == 200, (pattern, r.status_code, r.text)
    assert took < 5, f"{pattern}: provisionOnDemand took {took:.1f}s"
    assert_alive(hostile)


def test_unauthenticated_caller_cannot_forge_log_lines(hostile):
    """The token endpoint logs the client_id of refused requests: a newline in it must not start a new log line."""
    facts = hostile.facts
    marker = f"FORGED-{uuid.uuid4().hex}"
    for client_id in (f"x\n2026-01-01T00:00:00+0000 critical graphsync: {marker} admin password reset",
                      f"x\r\n{marker} carriage return", f"x\u2028{marker} line separator"):
        r = requests.post(f"{facts['authority']}/oauth2/v2.0/token", data={
            "grant_type": "client_credentials", "client_id": client_id, "client_secret": "x",
            "scope": "https://graph.microsoft.com/.default"}, verify=facts["caCertPath"], timeout=10)
        assert 400 <= r.status_code < 500, (r.status_code, r.text)
    time.sleep(0.3)  # the log is written by the server process; let it flush
    # Line breaks as a terminal or a log shipper sees them (not str.splitlines, which also breaks at U+2028).
    lines = re.split(r"\r\n|\r|\n", Path(hostile.log_path).read_text(errors="replace"))
    forged = [line for line in lines if marker in line and not line.startswith(("20", "==== "))]
    forged += [line for line in lines if line.startswith("2026-01-01T00:00:00+0000 critical graphsync: " + marker)]
    assert not forged, "a caller-supplied client_id started its own line in the server log:\n" + "\n".join(forged)


# ---------------------------------------------------------------- g. Application.ReadWrite.OwnedBy stays in its lane

def test_owned_by_app_cannot_read_audit_logs_or_adopt_other_apps(graph, hostile):
    admin_app, _ = graph.app_and_sp("admin-owned")
    foreign_app = graph.call("POST", "/applications", {"displayName": f"admin app without sp {uuid.uuid4().hex[:6]}"}, expect=201)
    # An app holding only Application.ReadWrite.OwnedBy, set up through Graph.
    bot_app, bot_sp = graph.app_and_sp("owned-by bot")
    secret = graph.call("POST", f"/applications/{bot_app['id']}/addPassword", {"passwordCredential": {"displayName": "t"}}, expect=200)
    graph_sp = graph.call("GET", f"/servicePrincipals?$filter=appId eq '{GRAPH_APP_ID}'", expect=200)["value"][0]
    graph.call("POST", f"/servicePrincipals/{graph_sp['id']}/appRoleAssignedTo", {
        "principalId": bot_sp["id"], "resourceId": graph_sp["id"], "appRoleId": OWNED_BY_ROLE}, expect=201)
    bot = Graph(hostile.facts, token=graph.app_token(bot_app["appId"], secret["secretText"]))

    r = bot.raw("GET", "/auditLogs/provisioning")
    assert r.status_code == 403 and error_code(r) == "Authorization_RequestDenied", (r.status_code, r.text)
    r = bot.raw("GET", "/auditLogs/provisioning?$filter=jobId eq 'x'")
    assert r.status_code == 403, (r.status_code, r.text)
    r = bot.raw("POST", "/servicePrincipals", {"appId": foreign_app["appId"]})
    assert r.status_code == 403 and error_code(r) == "Authorization_RequestDenied", (r.status_code, r.text)
    r = bot.raw("POST", "/servicePrincipals", {"appId": admin_app["appId"]})
    assert r.status_code in (400, 403) and r.status_code != 201, (r.status_code, r.text)
    # No service principal was created for the foreign app.
    sps = graph.call("GET", f"/servicePrincipals?$filter=appId eq '{foreign_app['appId']}'", expect=200)["value"]
    assert sps == [], sps
    # Its own objects it may manage: a sanity check that the token works at all.
    own = bot.call("POST", "/applications", {"displayName": f"bot's own {uuid.uuid4().hex[:6]}"}, expect=201)
    bot.call("POST", "/servicePrincipals", {"appId": own["appId"]}, expect=201)


# ---------------------------------------------------------------- last: nothing secret in the log of this module's server

MODULE_SECRETS = ("saved-secret-value", "saved-client-secret", "saved-access-token-value", "drip-secret", "redirect-secret",
                  "canary-secret", "canary-token", "callers-own-token", "new-token-for-evil", "new-client-secret", "client-secret",
                  "first-access-token", "regex-token", "good-token", "code-123") + \
                 tuple(f"secret-{m}" for m in TOKEN_ENDPOINT_CASES) + tuple(f"scim-token-{m}" for m in SCIM_MODES)


def test_zz_no_secret_reached_the_server_log(hostile):
    """Runs after this module's other tests (file order): no secret they sent appears in the server's log."""
    text = Path(hostile.log_path).read_text(errors="replace")
    found = [s for s in MODULE_SECRETS if s in text]
    assert not found, f"secrets in the server log: {found}\n" + "\n".join(
        line for line in text.splitlines() if any(s in line for s in found))[:3000]
