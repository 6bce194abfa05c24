"""Several nodes, one database: two `graphsync serve` processes share one data dir and one database (SQLite in WAL
mode, and a PostgreSQL database when scripts/test.sh provides a server) and both run the provisioning scheduler. Each job runs on exactly one node at a time:
cycles never overlap, whichever node runs them, and the app sees every user created exactly once. When the node
running the job dies, the other one takes the job over once the lease has expired.
"""

import json
import re

import pytest
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scim"))
from conftest import GraphSyncServer, _free_port  # noqa: E402
from scimharness import ScimServer  # noqa: E402
from test_provisioning import Graph, assign, scim_resources, setup_app  # noqa: E402

USERS = 40
SCIM_DELAY_MS = 40   # per SCIM request, so a first cycle lasts a second or two and the nodes have time to collide
FLAGS = ("--job-lease", "2")


def second_node(first: GraphSyncServer, tmp_path: Path) -> GraphSyncServer:
    """Another node of `first`'s cluster: same data dir and database, its own port (it serves the same tenant)."""
    facts = first.facts
    port = _free_port()
    moved = {key: facts[key].replace(f":{facts['port']}", f":{port}") for key in ("authority", "graphBaseUrl")}
    return GraphSyncServer(dict(facts, port=port, **moved), tmp_path / "second-node.log")


def cycles(log_path: Path, job_id: str) -> list[tuple[float, float, str]]:
    """(began, ended, node) of every cycle of `job_id` a node's log reports."""
    found = []
    for line in log_path.read_text(errors="replace").splitlines():
        if "provisioning cycle finished" not in line or f"job={job_id}" not in line:
            continue
        fields = dict(re.findall(r"(\w+)=(\S+)", line))
        found.append((float(fields["began"]), float(fields["ended"]), fields["node"]))
    return found


@pytest.mark.parametrize("private_graphsync", ["sqlite", "postgres"], indirect=True)
def test_two_nodes_share_jobs_and_never_run_one_twice(private_graphsync, tmp_path):
    first = private_graphsync
    facts = first.facts
    second = second_node(first, tmp_path)
    first.start(*FLAGS)
    second.start(*FLAGS)
    try:
        graph = Graph(facts)
        tag = uuid.uuid4().hex[:6]
        with ScimServer("scim-bearer-token", "--entra", "--delay-ms", str(SCIM_DELAY_MS)) as scim:
            sp = setup_app(graph, scim.base)
            users = [graph.user(f"node{i}x{tag}") for i in range(USERS)]
            for u in users:
                assign(graph, sp["id"], u["id"])
            job = graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs", {"templateId": "scim"}, expect=201)
            graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs/{job['id']}/start", expect=204)

            # Let both schedulers compete for a few cycles (the job runs every 2 s; both look every 0.2 s).
            deadline = time.monotonic() + 60
            while len(cycles(first.log_path, job["id"]) + cycles(second.log_path, job["id"])) < 4:
                assert time.monotonic() < deadline, "fewer than 4 cycles in 60 s"
                time.sleep(0.2)

            # Then the node that ran the last cycle dies; the other one takes the job over after the lease.
            runs = sorted(cycles(first.log_path, job["id"]) + cycles(second.log_path, job["id"]))
            by_node = {}
            for server in (first, second):
                for _, _, node in cycles(server.log_path, job["id"]):
                    by_node[node] = server
            busy = by_node[runs[-1][2]]
            other = second if busy is first else first
            busy.kill()
            before = len(cycles(other.log_path, job["id"]))
            deadline = time.monotonic() + 30
            while len(cycles(other.log_path, job["id"])) < before + 2:
                assert time.monotonic() < deadline, "the surviving node did not take the job over within 30 s"
                time.sleep(0.2)

            runs = sorted(cycles(first.log_path, job["id"]) + cycles(second.log_path, job["id"]))
            # One node at a time: each cycle began after the previous one ended.
            overlaps = [(a, b) for a, b in zip(runs, runs[1:]) if b[0] < a[1]]
            assert not overlaps, f"cycles of one job overlapped: {overlaps}"

            # Every user created once: no double POST (a second concurrent cycle would have sent one, and got 409).
            requests = scim.control("GET", "/requests")[1]
            creates = [r for r in requests if r["method"] == "POST" and r["path"] == "/scim/v2/Users"]
            assert len(creates) == USERS, f"{len(creates)} creates for {USERS} users"
            names = sorted(u["userName"].lower() for u in scim_resources(scim, "User"))
            assert names == sorted(u["userPrincipalName"].lower() for u in users)
            log = graph_log(other, sp["id"], job["id"])
            failures = [e for e in log if e["provisioningStatusInfo"]["status"] != "success"]
            assert not failures, json.dumps(failures[:3])
    finally:
        second.stop()


def graph_log(server: GraphSyncServer, sp_id: str, job_id: str) -> list[dict]:
    """The job's provisioning log, read through whichever node is still up."""
    graph = Graph(server.facts)
    return graph.call("GET", f"/auditLogs/provisioning?$filter=jobId%20eq%20'{job_id}'&$top=999", expect=200)["value"]


@pytest.mark.parametrize("private_graphsync", ["sqlite", "postgres"], indirect=True)
def test_provision_on_demand_is_limited_across_nodes(private_graphsync, tmp_path):
    """Graph's 5 provisionOnDemand requests per 10 seconds per job hold for the cluster, not for each node."""
    first = private_graphsync
    facts = first.facts
    second = second_node(first, tmp_path)
    first.start()
    second.start()
    try:
        nodes = [Graph(facts), Graph(second.facts)]
        sp = setup_app(nodes[0], "http://127.0.0.1:9/scim/v2")
        job = nodes[0].call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs", {"templateId": "scim"}, expect=201)
        path = f"/servicePrincipals/{sp['id']}/synchronization/jobs/{job['id']}/provisionOnDemand"
        statuses = []
        for index in range(6):  # alternating nodes: 3 requests each
            graph = nodes[index % 2]
            statuses.append(graph.session.post(f"{graph.base}{path}", json={"parameters": []}, timeout=30))
        assert [r.status_code for r in statuses[:5]] == [400] * 5, [(r.status_code, r.text[:200]) for r in statuses]
        assert statuses[5].status_code == 429 and statuses[5].json()["error"]["code"] == "TooManyRequests", statuses[5].text
        assert 1 <= int(statuses[5].headers["Retry-After"]) <= 10
    finally:
        second.stop()
