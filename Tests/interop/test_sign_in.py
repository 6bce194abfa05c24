"""msal's and azure-identity's interactive flows against GraphSync's built-in authority.

The person's part (the sign-in, consent and device-code pages) is completed over HTTP with a cookie-keeping session,
as a browser without scripts would; the clients' part is Microsoft's own code, unchanged.
"""

import re
import threading
import uuid
from urllib.parse import parse_qsl, urljoin, urlsplit

import msal
import requests
from azure.identity import DeviceCodeCredential

from test_clients import jwt_claims, msal_app

SCOPE = "https://graph.microsoft.com/Synchronization.Read.All"


def register_public_app(gs: dict) -> str:
    """A public client (loopback redirect URI, device flow allowed) registered through Graph; returns its appId."""
    token = msal_app(gs).acquire_token_for_client(["https://graph.microsoft.com/.default"])["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    base = gs["graphBaseUrl"]
    app = requests.post(f"{base}/applications", headers=headers, verify=gs["caCertPath"], json={
        "displayName": f"cli-{uuid.uuid4().hex[:6]}", "isFallbackPublicClient": True,
        "publicClient": {"redirectUris": ["http://localhost"]},
    })
    assert app.status_code == 201, app.text
    app_id = app.json()["appId"]
    sp = requests.post(f"{base}/servicePrincipals", headers=headers, verify=gs["caCertPath"], json={"appId": app_id})
    assert sp.status_code == 201, sp.text
    return app_id


def person(gs: dict) -> requests.Session:
    session = requests.Session()
    session.verify = gs["caCertPath"]
    return session


def complete_pages(gs: dict, session: requests.Session, response: requests.Response) -> requests.Response:
    """Signs in as the admin and accepts consent, until the authority answers with a redirect or a final page."""
    for _ in range(4):
        if response.status_code in (302, 303):
            return response
        html = response.text
        flow = re.search(r'name="flow" value="([^"]+)"', html)
        action = re.search(r'<form method="post" action="([^"]+)"', html)
        if not flow or not action:
            return response
        target = urljoin(response.url, action.group(1))
        if 'name="passwd"' in html:
            form = {"flow": flow.group(1), "login": gs["adminUserPrincipalName"], "passwd": gs["adminPassword"]}
        else:
            form = {"flow": flow.group(1), "accept": "yes"}
        response = session.post(target, data=form, allow_redirects=False)
    raise AssertionError(f"no end to the pages: {response.status_code} {response.text[:300]}")


def test_msal_authorization_code_flow_with_pkce(graphsync):
    gs = graphsync
    app = msal.PublicClientApplication(register_public_app(gs), authority=gs["authority"], instance_discovery=False)
    flow = app.initiate_auth_code_flow([SCOPE], redirect_uri="http://localhost:8400")
    assert "code_challenge=" in flow["auth_uri"]
    browser = person(gs)
    answer = complete_pages(gs, browser, browser.get(flow["auth_uri"], allow_redirects=False))
    assert answer.status_code == 302, answer.text[:300]
    location = answer.headers["Location"]
    assert location.startswith("http://localhost:8400?")
    result = app.acquire_token_by_auth_code_flow(flow, dict(parse_qsl(urlsplit(location).query)))
    assert "access_token" in result, result
    assert result["id_token_claims"]["preferred_username"] == gs["adminUserPrincipalName"]
    assert "Synchronization.Read.All" in jwt_claims(result["access_token"])["scp"].split()

    # msal keys the account by client_info; a forced refresh goes through the rotated refresh token.
    accounts = app.get_accounts()
    assert len(accounts) == 1 and accounts[0]["home_account_id"].endswith(gs["tenantId"])
    refreshed = app.acquire_token_silent([SCOPE], account=accounts[0], force_refresh=True)
    assert refreshed and "access_token" in refreshed, refreshed

    # The browser's session signs in again without a page.
    again = app.initiate_auth_code_flow([SCOPE], redirect_uri="http://localhost:8401")
    silent = browser.get(again["auth_uri"], allow_redirects=False)
    assert silent.status_code == 302, silent.text[:300]


def approve_device_code(gs: dict, user_code: str, done: list) -> None:
    browser = person(gs)
    base = "https://" + urlsplit(gs["authority"]).netloc
    page = browser.post(f"{base}/devicelogin", data={"otc": user_code}, allow_redirects=False)
    done.append(complete_pages(gs, browser, page).text)


def test_msal_device_flow(graphsync):
    gs = graphsync
    app = msal.PublicClientApplication(register_public_app(gs), authority=gs["authority"], instance_discovery=False)
    flow = app.initiate_device_flow(scopes=[SCOPE])
    assert flow.get("user_code") and flow["verification_uri"].endswith("/devicelogin"), flow
    done: list = []
    threading.Thread(target=approve_device_code, args=(gs, flow["user_code"], done)).start()
    result = app.acquire_token_by_device_flow(flow, exit_condition=lambda f: f.get("expires_at", 0) < __import__("time").time())
    assert "access_token" in result, result
    assert done and "You may now close this window" in done[0]
    assert result["id_token_claims"]["tid"] == gs["tenantId"]


def test_azure_identity_device_code_credential(graphsync):
    gs = graphsync
    done: list = []

    def prompt(verification_uri, user_code, expires_on):
        threading.Thread(target=approve_device_code, args=(gs, user_code, done)).start()

    credential = DeviceCodeCredential(
        client_id=register_public_app(gs), tenant_id=gs["tenantId"], authority=f"127.0.0.1:{gs['port']}",
        disable_instance_discovery=True, connection_verify=gs["caCertPath"], prompt_callback=prompt, timeout=60)
    token = credential.get_token(SCOPE)
    assert jwt_claims(token.token)["tid"] == gs["tenantId"]
    assert done
