"""The request dialects over the wire: a job sends Entra's default shapes (no flag, as Entra), Entra's flagged shapes
(`?aadOptscim062020` in the Tenant URL) or RFC 7644 (`?graphsyncRfc7644`) to a real SCIM server (scim2-server with its
Entra policy, which records every request), and the app ends in the same state each way.
"""

import json
import uuid

import pytest

from test_provisioning import Graph, ScimServer, assign, scim_groups, scim_users, setup_app


def run_dialect(graphsync, scim, flag: str):
    graph = Graph(graphsync)
    sp = setup_app(graph, f"{scim.base}?{flag}" if flag else scim.base)
    tag = uuid.uuid4().hex[:6]
    ada = graph.user(f"ada{tag}")
    bob = graph.user(f"bob{tag}")
    team = graph.call("POST", "/groups", {"displayName": f"Team {tag}", "mailNickname": f"team{tag}", "mailEnabled": False,
                                           "securityEnabled": True}, expect=201)
    for member in (ada, bob):
        graph.call("POST", f"/groups/{team['id']}/members/$ref", {"@odata.id": f"{graph.base}/directoryObjects/{member['id']}"}, expect=204)
    assign(graph, sp["id"], team["id"])
    job = graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs", {"templateId": "scim"}, expect=201)
    graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs/{job['id']}/start", expect=204)
    first = graph.wait_for_cycle(sp["id"], job["id"], timeout=60)
    assert first["status"]["lastExecution"]["state"] == "Succeeded", first["status"]
    created = scim.control("GET", "/requests")[1]

    # An update of two attributes, and a member leaving the group.
    scim.control("POST", "/reset")
    graph.call("PATCH", f"/users/{ada['id']}", {"displayName": "Ada Lovelace", "jobTitle": "Analyst"}, expect=204)
    graph.call("DELETE", f"/groups/{team['id']}/members/{bob['id']}/$ref", expect=204)
    graph.wait_for_cycle(sp["id"], job["id"], after=first["status"]["lastExecution"]["timeEnded"])
    changed = scim.control("GET", "/requests")[1]
    users = scim_users(scim)
    group = scim_groups(scim)[team["displayName"]]
    # The same end state in every dialect.
    assert users[ada["userPrincipalName"].lower()]["displayName"] == "Ada Lovelace"
    assert users[ada["userPrincipalName"].lower()]["title"] == "Analyst"
    assert {m["value"] for m in group.get("members") or []} == {users[ada["userPrincipalName"].lower()]["id"]}
    return created, changed, users


def bodies(requests, method, path_part):
    return [r for r in requests if r["method"] == method and path_part in r["path"]]


def test_entras_default_shapes(graphsync):
    with ScimServer("scim-bearer-token", "--entra") as scim:
        created, changed, users = run_dialect(graphsync, scim, "")
        user_post = bodies(created, "POST", "/Users")[0]["body"]
        assert user_post["active"] == "True" and user_post["meta"] == {"resourceType": "User"} and user_post["roles"] == []
        group_post = bodies(created, "POST", "/Groups")[0]["body"]
        assert "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group" in group_post["schemas"]
        assert "members" not in group_post, "groups are created empty, members follow"
        add = bodies(created, "PATCH", "/Groups/")[0]["body"]["Operations"]
        assert add[0]["op"] == "Add" and all(m["$ref"] is None for m in add[0]["value"])
        assert all(r["query"].get("excludedAttributes") == "members" for r in created if r["method"] == "GET" and "/Groups" in r["path"])
        update = bodies(changed, "PATCH", "/Users/")[0]["body"]["Operations"]
        assert update == [{"op": "Replace", "path": "displayName", "value": "Ada Lovelace"}, {"op": "Replace", "path": "title", "value": "Analyst"}], \
            "one Replace per changed path, nothing else: " + json.dumps(update)
        group_patches = [r["body"]["Operations"] for r in bodies(changed, "PATCH", "/Groups/")]
        bob_id = next(u["id"] for name, u in users.items() if name.startswith("bob"))
        assert group_patches == [[{"op": "Remove", "path": "members", "value": [{"$ref": None, "value": bob_id}]}]], \
            "only the membership changed, so only it is sent: " + json.dumps(group_patches)


def test_the_aadOptscim062020_flags_shapes(graphsync):
    with ScimServer("scim-bearer-token", "--entra") as scim:
        created, changed, users = run_dialect(graphsync, scim, "aadOptscim062020")
        assert all("aadOptscim062020" not in r["rawQuery"] for r in created + changed), "the flag is not sent to the app"
        assert bodies(created, "POST", "/Users")[0]["body"]["active"] == "True"
        update = bodies(changed, "PATCH", "/Users/")[0]["body"]["Operations"]
        assert update == [{"op": "replace", "value": {"displayName": "Ada Lovelace", "title": "Analyst"}}], json.dumps(update)
        group_patches = [r["body"]["Operations"] for r in bodies(changed, "PATCH", "/Groups/")]
        bob_id = next(u["id"] for name, u in users.items() if name.startswith("bob"))
        assert group_patches == [[{"op": "remove", "path": f'members[value eq "{bob_id}"]'}]], json.dumps(group_patches)


def test_rfc7644_on_request(graphsync):
    with ScimServer("scim-bearer-token", "--entra") as scim:
        created, changed, users = run_dialect(graphsync, scim, "graphsyncRfc7644")
        user_post = bodies(created, "POST", "/Users")[0]["body"]
        assert user_post["active"] is True and "meta" not in user_post and "roles" not in user_post
        group_post = bodies(created, "POST", "/Groups")[0]["body"]
        assert group_post["schemas"] == ["urn:ietf:params:scim:schemas:core:2.0:Group"] and len(group_post["members"]) == 2
        assert all("excludedAttributes" not in r["query"] for r in created if r["method"] == "GET")
        update = bodies(changed, "PATCH", "/Users/")[0]["body"]["Operations"]
        assert update == [{"op": "replace", "path": "displayName", "value": "Ada Lovelace"}, {"op": "replace", "path": "title", "value": "Analyst"}]
