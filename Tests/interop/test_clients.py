"""Drive a running GraphSync with Microsoft's unmodified Python clients.

msal, azure-identity and msgraph-sdk talk to the server started by conftest.py.
Every test builds fresh client objects: msal caches tokens and even replays 400s.
"""

import base64
import json
import ssl
import time
import uuid

import httpx
import msal
import pytest
from azure.core.credentials import AccessToken
from azure.identity import ClientSecretCredential
from kiota_abstractions.authentication import AnonymousAuthenticationProvider
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph import GraphServiceClient
from msgraph.generated.applications.item.add_password.add_password_post_request_body import \
    AddPasswordPostRequestBody
from msgraph.generated.models.application import Application
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.password_credential import PasswordCredential
from msgraph.generated.models.password_profile import PasswordProfile
from msgraph.generated.models.reference_update import ReferenceUpdate
from msgraph.generated.models.user import User
from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder
from msgraph.generated.models.service_principal import ServicePrincipal
from msgraph.generated.service_principals.service_principals_request_builder import \
    ServicePrincipalsRequestBuilder
from msgraph.graph_request_adapter import GraphRequestAdapter, options
from msgraph_core import GraphClientFactory

GRAPH_DEFAULT = "https://graph.microsoft.com/.default"
GRAPH_AUDIENCES = ("https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000")
APP_ROLES = {"Application.ReadWrite.All", "Synchronization.ReadWrite.All"}
GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10"


# ---------------------------------------------------------------- helpers

def jwt_claims(token: str) -> dict:
    """Decode a JWT's payload without verifying it (base64url, padding restored)."""
    parts = token.split(".")
    assert len(parts) == 3, f"not a JWT: {token[:40]}..."
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    return json.loads(base64.urlsafe_b64decode(payload))


def msal_app(gs: dict, secret: str | None = None) -> msal.ConfidentialClientApplication:
    return msal.ConfidentialClientApplication(
        gs["clientId"], client_credential=secret or gs["clientSecret"], authority=gs["authority"],
        instance_discovery=False, verify=gs["caCertPath"])


def credential(gs: dict, client_id: str | None = None, secret: str | None = None) -> ClientSecretCredential:
    # azure-identity wants the authority host ("127.0.0.1:P"); it adds https:// and /{tenant}.
    return ClientSecretCredential(
        gs["tenantId"], client_id or gs["clientId"], secret or gs["clientSecret"],
        authority=f"127.0.0.1:{gs['port']}", disable_instance_discovery=True,
        connection_verify=gs["caCertPath"])


def graph_client(gs: dict, cred: ClientSecretCredential) -> GraphServiceClient:
    """The stock client; trusts GraphSync's CA through SSL_CERT_FILE (set by conftest)."""
    client = GraphServiceClient(credentials=cred, scopes=[GRAPH_DEFAULT])
    client.request_adapter.base_url = gs["graphBaseUrl"]  # no trailing slash
    return client


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


# ---------------------------------------------------------------- authority: tokens

def test_msal_client_credentials_token(graphsync):
    gs = graphsync
    r = msal_app(gs).acquire_token_for_client([GRAPH_DEFAULT])
    assert "access_token" in r, r
    assert r.get("token_type", "").lower() == "bearer", r
    c = jwt_claims(r["access_token"])
    assert c.get("aud") in GRAPH_AUDIENCES, c
    assert c.get("tid") == gs["tenantId"], c
    assert c.get("iss") == f"{gs['authority']}/v2.0", c
    assert c.get("idtyp") == "app", c
    assert APP_ROLES <= set(c.get("roles", [])), c
    assert gs["clientId"] in (c.get("azp"), c.get("appid")), c
    assert c.get("exp", 0) > time.time(), c


def test_msal_wrong_secret_is_invalid_client(graphsync):
    r = msal_app(graphsync, secret="definitely-not-the-secret").acquire_token_for_client([GRAPH_DEFAULT])
    assert "access_token" not in r, r
    assert r.get("error") == "invalid_client", r


def test_azure_identity_client_secret_credential(graphsync):
    tok = credential(graphsync).get_token(GRAPH_DEFAULT)
    assert tok.token and tok.expires_on > time.time()
    c = jwt_claims(tok.token)
    assert c.get("tid") == graphsync["tenantId"] and c.get("idtyp") == "app", c


def test_msal_ropc_admin_user_token(graphsync):
    gs = graphsync
    # msal's ROPC first GETs https://{host}/common/userrealm/{upn} -- with the port dropped,
    # i.e. on :443 where nothing listens. This is msal's own "no realm discovery here" cache
    # (it fills it itself after a 404), so the password grant goes straight to the token endpoint.
    msal.authority.Authority._domains_without_user_realm_discovery.add("127.0.0.1")
    r = msal_app(gs).acquire_token_by_username_password(
        gs["adminUserPrincipalName"], gs["adminPassword"],
        scopes=["https://graph.microsoft.com/Application.ReadWrite.All"])
    assert "access_token" in r, r
    c = jwt_claims(r["access_token"])
    assert c.get("idtyp") == "user", c
    assert c.get("tid") == gs["tenantId"], c
    assert "Application.ReadWrite.All" in c.get("scp", "").split(), c
    assert GLOBAL_ADMIN in c.get("wids", []), c


# ---------------------------------------------------------------- Graph via msgraph-sdk

@pytest.mark.asyncio
async def test_graph_create_app_and_service_principal(graphsync):
    gs = graphsync
    client = graph_client(gs, credential(gs))
    name = unique("interop-app")

    app = await client.applications.post(Application(display_name=name))
    assert app.id and app.app_id, app
    assert app.display_name == name

    sp = await client.service_principals.post(ServicePrincipal(app_id=app.app_id))
    assert sp.id and sp.app_id == app.app_id, sp

    got = await client.service_principals.by_service_principal_id(sp.id).get()
    assert got.id == sp.id and got.app_id == app.app_id, got

    query = ServicePrincipalsRequestBuilder.ServicePrincipalsRequestBuilderGetQueryParameters(
        filter=f"appId eq '{app.app_id}'")
    page = await client.service_principals.get(
        request_configuration=RequestConfiguration(query_parameters=query))
    assert [s.id for s in page.value] == [sp.id], page.value


@pytest.mark.asyncio
async def test_graph_403_without_app_roles(graphsync):
    gs = graphsync
    admin = graph_client(gs, credential(gs))

    # A second app with a password and a service principal, but no app roles granted.
    app = await admin.applications.post(Application(display_name=unique("interop-noroles")))
    pwd = await admin.applications.by_application_id(app.id).add_password.post(
        AddPasswordPostRequestBody(password_credential=PasswordCredential(display_name="t")))
    assert pwd.secret_text, pwd
    await admin.service_principals.post(ServicePrincipal(app_id=app.app_id))

    weak = graph_client(gs, credential(gs, client_id=app.app_id, secret=pwd.secret_text))
    with pytest.raises(ODataError) as ei:
        await weak.applications.post(Application(display_name=unique("should-not-exist")))
    e = ei.value
    assert e.response_status_code == 403, e
    assert e.error.code == "Authorization_RequestDenied", e.error
    assert e.error.inner_error and e.error.inner_error.request_id, e.error


@pytest.mark.asyncio
async def test_graph_401_garbage_token(graphsync):
    gs = graphsync
    # No auth provider: the Authorization header is set per request (never overwritten by kiota).
    # This client trusts the CA explicitly instead of through SSL_CERT_FILE.
    http = httpx.AsyncClient(verify=ssl.create_default_context(cafile=gs["caCertPath"]), http2=True,
                             timeout=httpx.Timeout(30, connect=10))
    http = GraphClientFactory.create_with_default_middleware(client=http, options=options)
    adapter = GraphRequestAdapter(AnonymousAuthenticationProvider(), client=http)
    adapter.base_url = gs["graphBaseUrl"]
    client = GraphServiceClient(request_adapter=adapter)

    cfg = RequestConfiguration()
    cfg.headers.add("Authorization", "Bearer this-is-not-a-token")
    try:
        with pytest.raises(ODataError) as ei:
            await client.applications.get(request_configuration=cfg)
    finally:
        await http.aclose()
    e = ei.value
    assert e.response_status_code == 401, e
    assert e.error.code == "InvalidAuthenticationToken", e.error


class StaticTokenCredential:
    """An azure-core TokenCredential that hands out one token (a delegated token msal obtained)."""

    def __init__(self, token: str, expires_on: int):
        self._token = AccessToken(token, expires_on)

    def get_token(self, *scopes, **kwargs):
        return self._token

    async def close(self):
        pass


def delegated_admin_token(gs: dict, scopes: list[str]) -> dict:
    msal.authority.Authority._domains_without_user_realm_discovery.add("127.0.0.1")
    r = msal_app(gs).acquire_token_by_username_password(gs["adminUserPrincipalName"], gs["adminPassword"], scopes=scopes)
    assert "access_token" in r, r
    return r


@pytest.mark.asyncio
async def test_graph_manager_direct_reports_expand_and_me(graphsync):
    """The manager reference and its navigations through msgraph-sdk's own builders and models, and /me with a
    delegated token for User.Read (the scope msal apps ask for by default)."""
    gs = graphsync
    client = graph_client(gs, credential(gs))

    async def user(name: str) -> User:
        return await client.users.post(User(
            account_enabled=True, display_name=name, mail_nickname=name, user_principal_name=f"{name}@graphsync.local",
            password_profile=PasswordProfile(password="Str0ng!Passw0rd-" + name)))

    tag = uuid.uuid4().hex[:8]
    boss, ada = await user(f"boss{tag}"), await user(f"ada{tag}")
    await client.users.by_user_id(ada.id).manager.ref.put(ReferenceUpdate(odata_id=f"{gs['graphBaseUrl']}/users/{boss.id}"))

    manager = await client.users.by_user_id(ada.id).manager.get()
    assert isinstance(manager, User) and manager.id == boss.id, manager
    reports = await client.users.by_user_id(boss.id).direct_reports.get()
    assert [(type(r).__name__, r.id) for r in reports.value] == [("User", ada.id)], reports.value

    query = UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(select=["id", "displayName"], expand=["manager($select=id,displayName)"])
    expanded = await client.users.by_user_id(ada.id).get(request_configuration=RequestConfiguration(query_parameters=query))
    assert expanded.manager is not None and expanded.manager.id == boss.id, expanded
    assert expanded.user_principal_name is None, "the outer $select applies"

    token = delegated_admin_token(gs, ["https://graph.microsoft.com/User.Read"])
    assert "User.Read" in jwt_claims(token["access_token"]).get("scp", "").split()
    me_client = graph_client(gs, StaticTokenCredential(token["access_token"], int(time.time()) + int(token.get("expires_in", 3600))))
    me = await me_client.me.get()
    assert me.user_principal_name == gs["adminUserPrincipalName"], me

    with pytest.raises(ODataError) as ei:
        await client.me.get()
    assert ei.value.response_status_code == 400, ei.value
    assert ei.value.error.message == "/me request is only valid with delegated authentication flow.", ei.value.error

