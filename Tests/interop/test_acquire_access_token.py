"""acquireAccessToken through msgraph-sdk, against a real OAuth 2.0 token endpoint.

GraphSync redeems an authorization code at the application's own token endpoint (a small
`http.server` on 127.0.0.1 run by this module; conftest starts GraphSync with
`--allow-token-urls-to loopback` so it may call it over plain http) and stores the tokens as
the service principal's synchronization secrets, which Graph only ever shows masked.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from kiota_abstractions.method import Method
from kiota_abstractions.request_information import RequestInformation
from msgraph.generated.applications.item.synchronization.acquire_access_token.acquire_access_token_post_request_body import \
    AcquireAccessTokenPostRequestBody as AppAcquireAccessTokenPostRequestBody
from msgraph.generated.models.application import Application
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.service_principal import ServicePrincipal
from msgraph.generated.models.synchronization_secret import SynchronizationSecret
from msgraph.generated.models.synchronization_secret_key_string_value_pair import \
    SynchronizationSecretKeyStringValuePair
from msgraph.generated.service_principals.item.synchronization.acquire_access_token.acquire_access_token_post_request_body import \
    AcquireAccessTokenPostRequestBody
from msgraph.generated.service_principals.item.synchronization.secrets.secrets_put_response import \
    SecretsPutResponse

from test_clients import credential, graph_client, unique

GOOD_CODE = "good-code"
BAD_CODE = "bad-code"
REDIRECT_URI = "https://app.example/callback"
SAAS_CLIENT_ID = "saas-client"
SAAS_CLIENT_SECRET = "saas-secret"
INVALID_GRANT_DESCRIPTION = "The authorization code is unknown, expired or already redeemed."
FORM_FIELDS = {"grant_type", "code", "redirect_uri", "client_id", "client_secret"}
# What a successful exchange must leave behind (values masked), and what it must not keep.
STORED_AFTER_EXCHANGE = {"Oauth2AccessToken", "Oauth2RefreshToken", "TokenExpiration", "Oauth2ClientSecret"}


# ---------------------------------------------------------------- the application's token endpoint

class TokenEndpoint:
    """A minimal OAuth 2.0 token endpoint (authorization_code grant, client_secret_post)."""

    def __init__(self):
        self.requests: list[dict] = []  # every request seen: method, path, headers, raw body, form
        self._lock = threading.Lock()
        self._issued = 0
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                endpoint._handle(self)

            def do_GET(self):
                endpoint._handle(self)

            def log_message(self, *args):  # keep pytest's output clean
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/token"
        self._thread = threading.Thread(target=self._server.serve_forever, name="token-endpoint", daemon=True)

    def start(self) -> "TokenEndpoint":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def mark(self) -> int:
        with self._lock:
            return len(self.requests)

    def since(self, mark: int) -> list[dict]:
        with self._lock:
            return self.requests[mark:]

    @staticmethod
    def _read_body(h: BaseHTTPRequestHandler) -> bytes:
        if h.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(h.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while h.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return body
                body += h.rfile.read(size)
                h.rfile.readline()  # CRLF after each chunk
        return h.rfile.read(int(h.headers.get("Content-Length") or 0))

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        raw = self._read_body(h)
        form = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
        record = {"method": h.command, "path": h.path, "headers": {k.lower(): v for k, v in h.headers.items()},
                  "body": raw, "form": form}
        with self._lock:
            self.requests.append(record)

        single = {k: v[0] for k, v in form.items() if len(v) == 1}
        good = (h.command == "POST" and h.path == "/token"
                and single.get("grant_type") == "authorization_code"
                and single.get("code") == GOOD_CODE
                and single.get("redirect_uri") == REDIRECT_URI
                and single.get("client_id") == SAAS_CLIENT_ID
                and single.get("client_secret") == SAAS_CLIENT_SECRET)
        if good:
            with self._lock:
                self._issued += 1
                n = self._issued
            status, body = 200, {"access_token": f"saas-access-{n}", "token_type": "Bearer",
                                 "expires_in": 3600, "refresh_token": f"saas-refresh-{n}"}
        else:
            status, body = 400, {"error": "invalid_grant", "error_description": INVALID_GRANT_DESCRIPTION}
        data = json.dumps(body).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Cache-Control", "no-store")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)


@pytest.fixture(scope="module")
def token_endpoint():
    endpoint = TokenEndpoint().start()
    try:
        yield endpoint
    finally:
        endpoint.stop()


# ---------------------------------------------------------------- helpers

def exchange_credentials(token_url: str, code: str = GOOD_CODE) -> list[SynchronizationSecretKeyStringValuePair]:
    pair, s = SynchronizationSecretKeyStringValuePair, SynchronizationSecret
    return [pair(key=s.Oauth2AuthorizationCode, value=code),
            pair(key=s.Oauth2RedirectUri, value=REDIRECT_URI),
            pair(key=s.Oauth2TokenExchangeUri, value=token_url),
            pair(key=s.Oauth2ClientId, value=SAAS_CLIENT_ID),
            pair(key=s.Oauth2ClientSecret, value=SAAS_CLIENT_SECRET)]


async def new_app_and_service_principal(client, with_service_principal: bool = True):
    app = await client.applications.post(Application(display_name=unique("interop-sync")))
    assert app.id and app.app_id, app
    sp = await client.service_principals.post(ServicePrincipal(app_id=app.app_id)) if with_service_principal else None
    return app, sp


async def get_secrets(secrets_builder) -> list[SynchronizationSecretKeyStringValuePair]:
    """GET …/synchronization/secrets with the SDK's own request builder and model.

    msgraph-sdk 1.65.0 generates only `.put()` for this path (no `.get()`), so the GET request is
    built from the builder's URL template and parsed into its `SecretsPutResponse` ({"value": [...]}).
    """
    info = RequestInformation(Method.GET, secrets_builder.url_template, secrets_builder.path_parameters)
    info.headers.try_add("Accept", "application/json")
    resp = await secrets_builder.request_adapter.send_async(info, SecretsPutResponse, {"XXX": ODataError})
    assert resp is not None and resp.value is not None, resp
    return resp.value


def key_names(pairs) -> set[str]:
    names = {p.key.value if p.key is not None else None for p in pairs}
    assert None not in names, [(p.key, p.additional_data) for p in pairs]  # a key the SDK enum does not know
    return names


def assert_masked_tokens(pairs) -> None:
    names = key_names(pairs)
    assert STORED_AFTER_EXCHANGE <= names, names
    assert "Oauth2AuthorizationCode" not in names, names  # a one-time code is not worth keeping
    assert len(names) == len(pairs), [p.key for p in pairs]  # each key once
    assert all(p.value == "*" for p in pairs), [(p.key, p.value) for p in pairs]


def assert_one_good_exchange(seen: list[dict], token_url: str) -> None:
    """GraphSync made exactly one client_secret_post authorization_code request to the endpoint."""
    assert len(seen) == 1, seen
    r = seen[0]
    assert r["method"] == "POST" and r["path"] == "/token", r
    assert r["headers"].get("content-type", "").split(";")[0].strip() == "application/x-www-form-urlencoded", r
    assert "authorization" not in r["headers"], r  # client_secret_post only: one client auth method (RFC 6749 2.3)
    form = r["form"]
    assert all(len(v) == 1 for v in form.values()), form
    assert FORM_FIELDS <= set(form), form
    assert form["grant_type"] == ["authorization_code"], form
    assert form["code"] == [GOOD_CODE], form
    assert form["redirect_uri"] == [REDIRECT_URI], form
    assert form["client_id"] == [SAAS_CLIENT_ID], form
    assert form["client_secret"] == [SAAS_CLIENT_SECRET], form
    assert r["headers"].get("host") == token_url.split("/")[2], r


# ---------------------------------------------------------------- tests

@pytest.mark.asyncio
async def test_service_principal_acquire_access_token(graphsync, token_endpoint):
    gs = graphsync
    client = graph_client(gs, credential(gs))
    _, sp = await new_app_and_service_principal(client)
    sync = client.service_principals.by_service_principal_id(sp.id).synchronization

    mark = token_endpoint.mark()
    result = await sync.acquire_access_token.post(
        AcquireAccessTokenPostRequestBody(credentials=exchange_credentials(token_endpoint.url)))
    assert result is None  # 204
    assert_one_good_exchange(token_endpoint.since(mark), token_endpoint.url)

    assert_masked_tokens(await get_secrets(sync.secrets))
    # The synchronization resource itself (an SDK .get()) carries the same masked secrets.
    whole = await sync.get()
    assert whole is not None and whole.secrets is not None, whole
    assert_masked_tokens(whole.secrets)


@pytest.mark.asyncio
async def test_application_acquire_access_token_acts_on_its_service_principal(graphsync, token_endpoint):
    gs = graphsync
    client = graph_client(gs, credential(gs))
    app, sp = await new_app_and_service_principal(client)
    app_sync = client.applications.by_application_id(app.id).synchronization

    mark = token_endpoint.mark()
    result = await app_sync.acquire_access_token.post(
        AppAcquireAccessTokenPostRequestBody(credentials=exchange_credentials(token_endpoint.url)))
    assert result is None  # 204
    assert_one_good_exchange(token_endpoint.since(mark), token_endpoint.url)

    # Stored on the application's service principal: visible through both paths.
    via_sp = await get_secrets(client.service_principals.by_service_principal_id(sp.id).synchronization.secrets)
    assert_masked_tokens(via_sp)
    via_app = await get_secrets(app_sync.secrets)
    assert key_names(via_app) == key_names(via_sp), (via_app, via_sp)


@pytest.mark.asyncio
async def test_refused_exchange_is_400_and_changes_nothing(graphsync, token_endpoint):
    gs = graphsync
    client = graph_client(gs, credential(gs))
    _, sp = await new_app_and_service_principal(client)
    sync = client.service_principals.by_service_principal_id(sp.id).synchronization

    await sync.acquire_access_token.post(
        AcquireAccessTokenPostRequestBody(credentials=exchange_credentials(token_endpoint.url)))
    before = key_names(await get_secrets(sync.secrets))
    assert STORED_AFTER_EXCHANGE <= before, before

    mark = token_endpoint.mark()
    with pytest.raises(ODataError) as ei:
        await sync.acquire_access_token.post(
            AcquireAccessTokenPostRequestBody(credentials=exchange_credentials(token_endpoint.url, code=BAD_CODE)))
    e = ei.value
    assert e.response_status_code == 400, e
    assert e.error.code == "AcquireAccessTokenFailed", e.error
    msg = e.error.message or ""
    assert "invalid_grant" in msg, msg
    assert INVALID_GRANT_DESCRIPTION in msg, msg
    assert BAD_CODE not in msg and SAAS_CLIENT_SECRET not in msg, msg

    # The endpoint was really asked (once: a 400 is not retried, by kiota or by GraphSync).
    seen = token_endpoint.since(mark)
    assert len(seen) == 1 and seen[0]["form"].get("code") == [BAD_CODE], seen

    after = await get_secrets(sync.secrets)
    assert key_names(after) == before, (before, after)
    assert all(p.value == "*" for p in after), after


@pytest.mark.asyncio
async def test_application_without_service_principal_is_404(graphsync, token_endpoint):
    gs = graphsync
    client = graph_client(gs, credential(gs))
    app, _ = await new_app_and_service_principal(client, with_service_principal=False)

    mark = token_endpoint.mark()
    with pytest.raises(ODataError) as ei:
        await client.applications.by_application_id(app.id).synchronization.acquire_access_token.post(
            AppAcquireAccessTokenPostRequestBody(credentials=exchange_credentials(token_endpoint.url)))
    e = ei.value
    assert e.response_status_code == 404, e
    assert e.error.code == "Request_ResourceNotFound", e.error
    assert token_endpoint.since(mark) == [], token_endpoint.since(mark)  # nothing was exchanged
