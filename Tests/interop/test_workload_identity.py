"""Workload identity federation (RFC 7523 client assertions), as Entra offers gallery apps: a job set to
`AuthenticationType` `WorkloadIdentityFederation` has no client secret at all; each token request carries a JWT signed
by GraphSync's authority, and the app's token endpoint — here a real one in this test, with PyJWT — verifies it at
GraphSync's JWKS before it issues the token the job then provisions with.
"""

import json
import subprocess
import ssl
import time
import uuid
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from conftest import GRAPHSYNC_BIN, REPO_ROOT, _address_flags
from test_provisioning import Graph, ScimServer, assign, form_endpoint, scim_users

SCIM_TOKEN = "issued-for-a-verified-assertion"
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class FederatedTokenEndpoint:
    """A SaaS app's token endpoint that accepts only client assertions GraphSync signed: the signature checked at the
    JWKS, then issuer, audience (the app's client id in GraphSync), subject (its service principal) and lifetime."""

    def __init__(self, jwks_url: str, issuer: str, ca_file: str, client_id: str, verify: bool = True):
        self.verify = verify  # False: a careless endpoint that takes any well-formed assertion
        context = ssl.create_default_context(cafile=ca_file)
        self.keys = jwt.PyJWKClient(jwks_url, ssl_context=context)
        self.issuer, self.client_id = issuer, client_id
        self.audience = self.subject = None
        self.requests: list[dict] = []
        self.verified: list[dict] = []
        self.server, self.url = form_endpoint(self.recorded_answer, "/oauth2/token")

    def recorded_answer(self, form: dict) -> tuple[int, dict]:
        self.requests.append(form)
        return self.answer(form)

    def answer(self, form: dict) -> tuple[int, dict]:
        if form.get("grant_type") != "client_credentials" or form.get("client_id") != self.client_id:
            return 400, {"error": "unauthorized_client"}
        if form.get("client_assertion_type") != JWT_BEARER or "client_secret" in form:
            return 401, {"error": "invalid_client", "error_description": "a client assertion is required"}
        if not self.verify:
            return 200, {"access_token": SCIM_TOKEN, "token_type": "Bearer", "expires_in": 3600}
        try:
            assertion = form.get("client_assertion", "")
            key = self.keys.get_signing_key_from_jwt(assertion)
            claims = jwt.decode(assertion, key.key, algorithms=["RS256"], audience=self.audience, issuer=self.issuer,
                                options={"require": ["exp", "iat", "nbf", "iss", "aud", "sub"]})
        except jwt.PyJWTError as error:
            return 401, {"error": "invalid_client", "error_description": f"assertion refused: {error}"}
        if claims["sub"] != self.subject:
            return 401, {"error": "invalid_client", "error_description": "unexpected subject"}
        self.verified.append(claims)
        return 200, {"access_token": SCIM_TOKEN, "token_type": "Bearer", "expires_in": 3600}

    def stop(self):
        self.server.shutdown()


def test_a_job_on_workload_identity_federation_provisions_without_a_secret(graphsync):
    issuer = f"{graphsync['authority']}/v2.0"
    endpoint = FederatedTokenEndpoint(f"{graphsync['authority']}/discovery/v2.0/keys", issuer, graphsync["caCertPath"], "vendor-client")
    try:
        with ScimServer(SCIM_TOKEN, "--entra") as scim:
            graph = Graph(graphsync)
            created = graph.call("POST", "/applications", {"displayName": f"Federated app {uuid.uuid4().hex[:6]}"}, expect=201)
            sp = graph.call("POST", "/servicePrincipals", {"appId": created["appId"]}, expect=201)
            endpoint.audience, endpoint.subject = created["appId"], sp["id"]
            graph.call("PUT", f"/servicePrincipals/{sp['id']}/synchronization/secrets", {"value": [
                {"key": "BaseAddress", "value": scim.base}, {"key": "Oauth2TokenExchangeUri", "value": endpoint.url},
                {"key": "Oauth2ClientId", "value": "vendor-client"}, {"key": "AuthenticationType", "value": "WorkloadIdentityFederation"}]}, expect=204)
            job = graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs", {"templateId": "scim"}, expect=201)
            # Test Connection performs the token exchange first, as Entra's does with federated credentials.
            graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs/{job['id']}/validateCredentials",
                       {"useSavedCredentials": True}, expect=204)
            assert len(endpoint.verified) == 1

            user = graph.user(f"wif{uuid.uuid4().hex[:6]}")
            assign(graph, sp["id"], user["id"])
            answer = graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs/{job['id']}/provisionOnDemand", {"parameters": [
                {"ruleId": "", "subjects": [{"objectId": user["id"], "objectTypeName": "User"}]}]}, expect=200)
            assert json.loads(answer["key"])["result"] == "Success", answer
            assert user["userPrincipalName"].lower() in scim_users(scim)

            # What GraphSync presented: no secret, GraphSync's issuer, the app as audience and its service principal as
            # subject, Entra's v2 claims, about an hour of validity.
            assert all("client_secret" not in form and form["client_assertion_type"] == JWT_BEARER for form in endpoint.requests)
            claims = endpoint.verified[-1]
            assert claims["iss"] == issuer and claims["aud"] == created["appId"] and claims["sub"] == claims["oid"] == sp["id"]
            assert claims["tid"] == graphsync["tenantId"] and claims["azp"] == created["appId"] and claims["ver"] == "2.0"
            assert claims["exp"] - claims["iat"] == 300 and claims["iat"] <= time.time() + 5, "short-lived"
            assert len(claims["jti"]) >= 32 and claims["jti"] != endpoint.verified[0]["jti"], "unique"
            # The token is kept and reused: one exchange for Test Connection (kept nowhere), one for the job, and none
            # for a second provisioning.
            graph.call("POST", f"/servicePrincipals/{sp['id']}/synchronization/jobs/{job['id']}/provisionOnDemand", {"parameters": [
                {"ruleId": "", "subjects": [{"objectId": user["id"], "objectTypeName": "User"}]}]}, expect=200)
            assert len(endpoint.verified) == 2
    finally:
        endpoint.stop()


def test_the_test_endpoint_refuses_what_graphsync_did_not_sign(graphsync):
    """The verification above can fail: an assertion with the same claims signed by another key is refused."""
    endpoint = FederatedTokenEndpoint(f"{graphsync['authority']}/discovery/v2.0/keys", f"{graphsync['authority']}/v2.0",
                                      graphsync["caCertPath"], "vendor-client")
    try:
        endpoint.audience, endpoint.subject = "app", "sp"
        genuine_kid = endpoint.keys.get_signing_keys()[0].key_id
        forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = int(time.time())
        forged = jwt.encode({"iss": endpoint.issuer, "aud": "app", "sub": "sp", "iat": now, "nbf": now, "exp": now + 600},
                            forger, algorithm="RS256", headers={"kid": genuine_kid})
        status, body = endpoint.answer({"grant_type": "client_credentials", "client_id": "vendor-client",
                                        "client_assertion_type": JWT_BEARER, "client_assertion": forged})
        assert status == 401 and "Signature" in body["error_description"], body
    finally:
        endpoint.stop()


def test_validate_app_checks_that_a_token_endpoint_verifies_federated_assertions(graphsync):
    """validate-app --federated: a genuine assertion from the running GraphSync gets a token, and the endpoint must
    refuse forged, expired and wrong-audience ones; a careless endpoint that takes anything is named for each."""
    graph = Graph(graphsync)
    created = graph.call("POST", "/applications", {"displayName": f"Vendor under validation {uuid.uuid4().hex[:6]}"}, expect=201)
    sp = graph.call("POST", "/servicePrincipals", {"appId": created["appId"]}, expect=201)
    vendor_app = str(REPO_ROOT / "Tests" / "validate-apps" / "vendor_app.py")
    for verify in (True, False):
        endpoint = FederatedTokenEndpoint(f"{graphsync['authority']}/discovery/v2.0/keys", f"{graphsync['authority']}/v2.0",
                                          graphsync["caCertPath"], "vendor-client", verify=verify)
        endpoint.audience, endpoint.subject = created["appId"], sp["id"]
        try:
            with ScimServer(SCIM_TOKEN, app=vendor_app) as scim:
                done = subprocess.run([str(GRAPHSYNC_BIN), "validate-app", "--scim-url", scim.base, "--token-url", endpoint.url,
                                       "--client-id", "vendor-client", "--federated", "--service-principal", sp["id"],
                                       *_address_flags(Path(graphsync["dataDir"]), graphsync["port"]), "--json", "--quiet"],
                                      capture_output=True, text=True, timeout=300)
        finally:
            endpoint.stop()
        assert done.stdout.strip(), f"no report (exit {done.returncode}): {done.stderr[-2000:]}"
        report = json.loads(done.stdout)
        failed = {c["id"]: c["detail"] for c in report["checks"] if c["outcome"] == "failed"}
        refusals = {"tokens.federated-refuses-forged", "tokens.federated-refuses-expired", "tokens.federated-refuses-wrong-audience"}
        if verify:
            assert done.returncode == 0 and not failed, failed
            assert {c["id"] for c in report["checks"]} >= refusals | {"tokens.federated-identity", "engine.user-create"}
            assert len(endpoint.verified) == 1, "one genuine assertion; the three others were refused"
        else:
            assert done.returncode == 1 and set(failed) == refusals, failed
            assert all("Your app answered with an access token" in detail for detail in failed.values())
