"""A cluster: three `graphsync serve` nodes, each with its own data directory, share one PostgreSQL database, one
operator key (GRAPHSYNC_SECRET_KEY), one certificate (--tls-cert/--tls-key) and one --public-url, as three machines
behind a load balancer would. Any node answers any request, a token minted on one validates on another, the jobs
spread over the nodes, and a node killed with SIGKILL in the middle of a cycle loses nothing: the others resume its job
within one lease, and every SCIM app sees each user created exactly once.
"""

import base64
import json
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scim"))
from conftest import GraphSyncServer, _free_port  # noqa: E402
from scimharness import ScimServer  # noqa: E402
from test_provisioning import Graph, assign, scim_resources, setup_app  # noqa: E402

APPS = 3
USERS = 30
SCIM_DELAY_MS = 60   # per SCIM request: a first cycle takes a few seconds, long enough to kill a node inside it
LEASE_S = 2
FLAGS = ("--job-lease", str(LEASE_S), "--max-concurrent-jobs", "2")


def finished_cycles(log_path: Path) -> list[dict]:
    """Every `provisioning cycle finished` line of a node's log, as its key=value fields."""
    return [dict(re.findall(r"(\w+)=(\S+)", line)) for line in log_path.read_text(errors="replace").splitlines()
            if "provisioning cycle finished" in line]


def lease_holders(database_url: str) -> dict[str, str]:
    """job id → node id of every unexpired lease, read from PostgreSQL directly."""
    out = subprocess.run(["psql", database_url, "-Atc",
                          "SELECT id, lease_owner FROM synchronization_jobs "
                          "WHERE lease_until > extract(epoch from now())"],
                         check=True, capture_output=True, text=True, timeout=30).stdout
    return dict(line.split("|", 1) for line in out.splitlines() if "|" in line)


def node_ids(server: GraphSyncServer) -> set[str]:
    """The scheduler ids a node has logged (a node gets a new id on every start)."""
    text = server.log_path.read_text(errors="replace") if server.log_path.exists() else ""
    return set(re.findall(r"node=([0-9a-f-]{36})", text))


@pytest.mark.parametrize("private_graphsync", ["postgres"], indirect=True)
def test_three_nodes_share_jobs_and_survive_a_kill_mid_cycle(private_graphsync, tmp_path, monkeypatch):
    first = private_graphsync
    facts = first.facts
    database_url = os.environ["GRAPHSYNC_DATABASE_URL"]
    data_dir = Path(facts["dataDir"])
    # What every machine gets: the operator key and one certificate for the public name.
    key = (data_dir / "secret.key").read_text().strip()
    base64.b64decode(key, validate=True)
    monkeypatch.setenv("GRAPHSYNC_SECRET_KEY", key)
    ca_dir = Path(facts["caCertPath"]).parent
    public_url = f"https://127.0.0.1:{facts['port']}"
    shared = ("--public-url", public_url, "--tls-cert", str(ca_dir / "server.pem"), "--tls-key", str(ca_dir / "server-key.pem"))

    nodes = [first]
    for n in (2, 3):
        port = _free_port()
        own = tmp_path / f"node{n}-data"
        node_facts = dict(facts, port=port, dataDir=str(own))
        # The node's own address for readiness checks; the tokens it mints still name the public URL as issuer.
        node_facts.update({k: facts[k].replace(f":{facts['port']}", f":{port}") for k in ("authority", "graphBaseUrl")})
        nodes.append(GraphSyncServer(node_facts, tmp_path / f"node{n}.log"))
    try:
        for node in nodes:
            node.start(*FLAGS, *shared)
        assert not (tmp_path / "node2-data" / "graphsync.sqlite").exists(), "node 2 must use PostgreSQL, not a file"

        # Any node answers, and a token minted by one validates on the others.
        graphs = [Graph(node.facts) for node in nodes]
        token = graphs[1].session.headers["Authorization"]
        for node in nodes:
            r = requests.get(node.facts["graphBaseUrl"] + "/servicePrincipals?$top=1", headers={"Authorization": token},
                             verify=facts["caCertPath"], timeout=10)
            assert r.status_code == 200, f"node {node.facts['port']}: {r.status_code} {r.text}"
        claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
        assert claims["iss"].startswith(public_url), claims["iss"]

        tag = uuid.uuid4().hex[:6]
        users = [graphs[2].user(f"c{i}x{tag}") for i in range(USERS)]
        with ScimServer("scim-bearer-token", "--entra", "--delay-ms", str(SCIM_DELAY_MS)) as a, \
                ScimServer("scim-bearer-token", "--entra", "--delay-ms", str(SCIM_DELAY_MS)) as b, \
                ScimServer("scim-bearer-token", "--entra", "--delay-ms", str(SCIM_DELAY_MS)) as c:
            apps = [a, b, c]
            jobs = []
            for index, scim in enumerate(apps):
                graph = graphs[index]  # each app configured through a different node
                sp = setup_app(graph, scim.base)
                for u in users:
                    assign(graph, sp["id"], u["id"])
                job = graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs", {"templateId": "scim"}, expect=201)
                jobs.append((sp["id"], job["id"]))
            for index, (sp_id, job_id) in enumerate(jobs):
                graphs[index].call("POST", f"/servicePrincipals/{sp_id}/synchronization/jobs/{job_id}/start", expect=204)

            # Mid-cycle: every job has been leased, and the first app has some users but not all; kill the node holding
            # that job's lease.
            deadline = time.monotonic() + 60
            victim_job = jobs[0][1]
            first_holder: dict[str, str] = {}  # job id → the node that ran its first cycle
            while True:
                created = len([r for r in a.control("GET", "/requests")[1] if r["method"] == "POST"])
                holders = lease_holders(database_url)
                for job_id, node_id in holders.items():
                    first_holder.setdefault(job_id, node_id)
                holder = holders.get(victim_job)
                every_job_leased = all(job_id in holders or any(
                    c["job"] == job_id for node in nodes for c in finished_cycles(node.log_path)) for _, job_id in jobs)
                if holder and every_job_leased and 3 <= created < USERS - 3:
                    break
                assert time.monotonic() < deadline, f"the first cycle never got under way ({created} creates)"
                time.sleep(0.05)
            victim = next((node for node in nodes if holder in node_ids(node)), None)
            assert victim is not None, f"no node logged the scheduler id {holder}"
            victim.kill()
            survivors = [node for node in nodes if node is not victim]

            # The job resumes on another node once its lease has run out, and every job converges.
            deadline = time.monotonic() + 90
            while True:
                done = [len(scim_resources(scim, "User")) for scim in apps]
                resumed = [cycle for node in survivors for cycle in finished_cycles(node.log_path) if cycle["job"] == victim_job]
                if done == [USERS] * APPS and resumed:
                    break
                assert time.monotonic() < deadline, f"no convergence in 90 s: users per app {done}, resumed {len(resumed)}"
                time.sleep(0.2)
            # One more finished cycle of every job, so nothing is mid-flight when the apps are counted.
            marks = {job_id: len([c for n in survivors for c in finished_cycles(n.log_path) if c["job"] == job_id])
                     for _, job_id in jobs}
            deadline = time.monotonic() + 60
            while any(len([c for n in survivors for c in finished_cycles(n.log_path) if c["job"] == job_id]) <= marks[job_id]
                      for _, job_id in jobs):
                assert time.monotonic() < deadline, "the jobs stopped running after convergence"
                time.sleep(0.2)

            # Each user created exactly once in each app, whatever node ran which cycle.
            expected = sorted(u["userPrincipalName"].lower() for u in users)
            for index, scim in enumerate(apps):
                creates = [r for r in scim.control("GET", "/requests")[1] if r["method"] == "POST" and r["path"] == "/scim/v2/Users"]
                assert len(creates) == USERS, f"app {index}: {len(creates)} creates for {USERS} users"
                assert sorted(u["userName"].lower() for u in scim_resources(scim, "User")) == expected

            # The jobs were spread: each node ran one of the three first cycles.
            for _, job_id in jobs:
                if job_id not in first_holder:  # its first cycle ended before a lease was sampled
                    first_holder[job_id] = min((c for n in nodes for c in finished_cycles(n.log_path) if c["job"] == job_id),
                                               key=lambda c: float(c["began"]))["node"]
            assert len(set(first_holder.values())) == APPS, f"first cycles by node: {first_holder}"

            # Nothing failed in the provisioning log, read through a survivor.
            log = Graph(survivors[0].facts).call("GET", "/auditLogs/provisioning?$top=999", expect=200)["value"]
            failures = [e for e in log if e["provisioningStatusInfo"]["status"] != "success"]
            assert not failures, json.dumps(failures[:3])
    finally:
        for node in nodes[1:]:
            node.stop()
