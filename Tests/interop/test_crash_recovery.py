"""Crash recovery: GraphSync is SIGKILLed in the middle of a provisioning cycle and started again on the same data dir.
Nothing is lost and nothing is doubled: the next cycle converges (each assigned user exactly once in the SCIM app, the
group once with all its members), the job is healthy, and the cycle after that exports nothing (the watermarks GraphSync
kept across the crash agree with what the app holds).

Uses a GraphSync of its own (`private_graphsync`), since it kills the process, and a real SCIM server (scim2-server via
Tests/scim/scim_app.py) that answers every request a little late, so the 300-user first cycle is slow enough to kill
halfway.
"""

import json
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scim"))
from scimharness import ScimServer  # noqa: E402
from test_provisioning import Graph, assign, scim_resources, scim_users, setup_app  # noqa: E402

DIRECT_USERS = 250       # assigned to the app one by one
GROUP_ONLY_MEMBERS = 50  # in scope only through the assigned group
OVERLAP = 10             # direct users who are also group members (in scope twice, provisioned once)
TOTAL_USERS = DIRECT_USERS + GROUP_ONLY_MEMBERS
# Kill once the app holds this many users: past GraphSync's first bookkeeping batch (it saves outcomes every 100
# objects), so the crash leaves users it has recorded and users it created in the app but never recorded.
KILL_AT = 140
SCIM_DELAY_MS = 50       # per SCIM request: the first cycle (300 users, 8 requests in flight) then takes ~6 s
# Seconds a node's lease on a running job lasts; the restarted process takes the job over once it has expired.
JOB_LEASE = ("--job-lease", "2")
# The restarted process looks new users up 50 at a time (`userName eq "a" or …`): the users the killed process created
# but never recorded must be matched by those batched queries, not created twice.
MATCH_BATCH = ("--match-batch-size", "50")


def parse_time(value: str) -> float:
    return datetime.fromisoformat(value).timestamp()


def wait_for(graph: Graph, sp_id: str, job_id: str, predicate, what: str, timeout: float):
    """Polls the job until `predicate(job)`; returns the job, or fails showing the last one seen."""
    deadline = time.monotonic() + timeout
    job = graph.job(sp_id, job_id)
    while not predicate(job):
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout}s; job: {json.dumps(job)}", pytrace=False)
        time.sleep(0.2)
        job = graph.job(sp_id, job_id)
    return job


def began_after(moment: float):
    def check(job):
        last = job["status"]["lastExecution"]
        return last is not None and parse_time(last["timeBegan"]) > moment
    return check


def test_killed_mid_cycle_next_cycle_converges(private_graphsync):
    server = private_graphsync
    server.start(*JOB_LEASE)
    facts = server.facts
    graph = Graph(facts)
    tag = uuid.uuid4().hex[:6]

    with ScimServer("scim-bearer-token", "--entra", "--delay-ms", str(SCIM_DELAY_MS)) as scim:
        sp = setup_app(graph, scim.base)
        direct = [graph.user(f"crash{i}x{tag}") for i in range(DIRECT_USERS)]
        group_only = [graph.user(f"crashmember{i}x{tag}") for i in range(GROUP_ONLY_MEMBERS)]
        group = graph.call("POST", "/groups", {"displayName": f"Crash team {tag}", "mailNickname": f"crashteam{tag}",
                                               "mailEnabled": False, "securityEnabled": True}, expect=201)
        members = group_only + direct[:OVERLAP]
        for m in members:
            graph.call("POST", f"/groups/{group['id']}/members/$ref", {"@odata.id": f"{graph.base}/directoryObjects/{m['id']}"}, expect=204)
        for u in direct:
            assign(graph, sp["id"], u["id"])
        assign(graph, sp["id"], group["id"])
        everyone = direct + group_only
        expected = {u["userPrincipalName"].lower(): u for u in everyone}
        assert len(expected) == TOTAL_USERS

        job = graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs", {"templateId": "scim"}, expect=201)
        graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs/{job['id']}/start", expect=204)

        # Kill in the middle of the first cycle: some users are in the app, not all, and no cycle has finished.
        deadline = time.monotonic() + 90
        while True:
            held = len(scim_resources(scim, "User"))
            if held >= KILL_AT:
                break
            assert time.monotonic() < deadline, f"the first cycle did not get to {KILL_AT} users in 90 s (app holds {held})"
            time.sleep(0.05)
        server.kill()
        at_kill = scim_users(scim)
        assert KILL_AT <= len(at_kill) < TOTAL_USERS, \
            f"the app holds {len(at_kill)} users when GraphSync was killed: the cycle was not cut in the middle"
        ids_at_kill = {name: u["id"] for name, u in at_kill.items()}

        # Start again on the same data dir and port; the killed node's lease expires and this one takes the job over.
        restarted = time.time()
        scim.control("POST", "/reset")  # forget the requests so far (the stored users stay)
        server.start(*JOB_LEASE, *MATCH_BATCH)
        graph = Graph(facts)  # a fresh connection pool and token
        done = wait_for(graph, sp["id"], job["id"], began_after(restarted),
                        "a cycle that began after the restart finished", timeout=90)
        status = done["status"]
        assert status["lastExecution"]["state"] == "Succeeded", status
        assert status["code"] == "Active", status
        assert status["quarantine"] is None, status
        assert status["countSuccessiveCompleteFailures"] == 0, status
        counts = {c["key"]: c["value"] for c in status["synchronizedEntryCountByType"]}
        assert counts == {"user to User": TOTAL_USERS, "group to Group": 1}, status

        # The restarted cycle matched new users with batched `or` queries, at most 50 users per query.
        queries = [r["query"].get("filter", "") for r in scim.control("GET", "/requests")[1]
                   if r["method"] == "GET" and r["path"] == "/scim/v2/Users"]
        batched = [q for q in queries if " or " in q]
        assert batched, f"no batched lookup after the restart: {queries[:5]}"
        assert all(q.count(" eq ") <= 50 for q in batched), batched

        # Every assigned user exactly once, nobody else.
        stored = scim_resources(scim, "User")
        names = [u["userName"].lower() for u in stored]
        doubled = sorted({n for n in names if names.count(n) > 1})
        assert not doubled, f"users provisioned more than once: {doubled}"
        missing = sorted(set(expected) - set(names))
        assert not missing, f"{len(missing)} assigned users missing from the app: {missing[:10]}"
        assert sorted(names) == sorted(expected), f"unexpected users in the app: {sorted(set(names) - set(expected))}"
        users = scim_users(scim)
        # Users the killed process had already created are still the same objects (matched, not deleted and re-created).
        changed = {n: (i, users[n]["id"]) for n, i in ids_at_kill.items() if users[n]["id"] != i}
        assert not changed, f"users created before the kill got a new id in the app: {changed}"

        # Attributes of a sample: before the kill, after it, and group members.
        for u in (direct[0], direct[DIRECT_USERS // 2], direct[-1], group_only[0], group_only[-1]):
            got = users[u["userPrincipalName"].lower()]
            assert got["active"] is True, got
            assert got["displayName"] == u["displayName"], got
            assert got["name"]["givenName"] == u["givenName"] and got["name"]["familyName"] == u["surname"], got
            assert [e["value"] for e in got["emails"]] == [u["mail"]], got
            assert got["externalId"] == u["mailNickname"], got

        # The group once, with all its members (by their ids in the app).
        groups = [g for g in scim_resources(scim, "Group") if g["displayName"] == group["displayName"]]
        assert len(groups) == 1, f"the group is in the app {len(groups)} times: {groups}"
        member_values = [m["value"] for m in groups[0].get("members") or []]
        assert sorted(member_values) == sorted(users[m["userPrincipalName"].lower()]["id"] for m in members), groups[0]
        assert len(scim_resources(scim, "Group")) == 1

        # No failed exports anywhere in the job's provisioning log (a double create would have been a 409 here).
        log = graph.call("GET", f"/auditLogs/provisioning?$filter=jobId%20eq%20'{job['id']}'&$top=999", expect=200)["value"]
        failures = [e for e in log if e["provisioningStatusInfo"]["status"] != "success"]
        assert not failures, f"failed exports: {json.dumps(failures[:5])}"

        # Steady state: the next cycle finds nothing to export and sends no writes.
        scim.control("POST", "/reset")
        ended = parse_time(status["lastExecution"]["timeEnded"])
        steady = wait_for(graph, sp["id"], job["id"], began_after(ended), "the cycle after the converging one finished", timeout=60)
        last = steady["status"]["lastExecution"]
        assert last["state"] == "Succeeded" and last["countExported"] == 0, steady["status"]
        assert steady["status"]["code"] == "Active" and steady["status"]["quarantine"] is None, steady["status"]
        writes = [(r["method"], r["path"]) for r in scim.control("GET", "/requests")[1] if r["method"] in ("POST", "PATCH", "PUT", "DELETE")]
        assert not writes, f"a steady-state cycle wrote to the app: {writes[:10]}"
        assert len(scim_resources(scim, "User")) == TOTAL_USERS
