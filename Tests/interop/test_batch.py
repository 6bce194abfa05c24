"""JSON batching ($batch) through msgraph-sdk's own batching helper (msgraph_core's BatchRequestContent and
BatchRequestItem, sent with GraphServiceClient.batch.post), against the server started by conftest.py."""

import uuid

import httpx
import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.password_profile import PasswordProfile
from msgraph.generated.models.user import User
from msgraph.generated.users.users_request_builder import UsersRequestBuilder
from msgraph_core.requests.batch_request_content import BatchRequestContent
from msgraph_core.requests.batch_request_item import BatchRequestItem

from test_clients import GRAPH_DEFAULT, credential, graph_client


@pytest.mark.asyncio
async def test_batch_with_msgraph_sdk(graphsync):
    gs = graphsync
    cred = credential(gs)
    client = graph_client(gs, cred)
    name = f"batch{uuid.uuid4().hex[:8]}"
    upn = f"{name}@graphsync.local"

    create = client.users.to_post_request_information(User(
        account_enabled=True, display_name=name, mail_nickname=name, user_principal_name=upn,
        password_profile=PasswordProfile(password="Str0ng!Passw0rd-" + name)))
    query = UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(select=["id"], top=1)
    first = client.users.to_get_request_information(request_configuration=RequestConfiguration(query_parameters=query))
    missing = client.users.by_user_id(f"nobody-{name}@graphsync.local").to_get_request_information()
    apps = client.applications.to_get_request_information()
    content = BatchRequestContent({
        "create": BatchRequestItem(create, id="create"),
        "first": BatchRequestItem(first, id="first"),
        "missing": BatchRequestItem(missing, id="missing"),
        "apps": BatchRequestItem(apps, id="apps"),
    })

    reply = await client.batch.post(content)

    assert reply.get_response_status_codes() == {"create": 201, "first": 200, "missing": 404, "apps": 200}
    created = reply.get_response_by_id("create")
    assert created.content_type.startswith("application/json"), created.headers
    # The user the batch created is there for the next call.
    user = await client.users.by_user_id(upn).get()
    assert user.display_name == name

    # msgraph_core 1.5.2 reads a response's body only when it is a base64 string (BatchResponseItem's deserializer
    # asks for bytes), so the JSON bodies Graph and GraphSync inline are checked on the wire.
    token = cred.get_token(GRAPH_DEFAULT).token
    body = {"requests": [
        {"id": "1", "method": "GET", "url": "/users?$select=id&$top=1"},
        {"id": "2", "method": "GET", "url": f"/users/{upn}", "dependsOn": ["1"]},
    ]}
    raw = httpx.post(f"{gs['graphBaseUrl']}/$batch", json=body, headers={"Authorization": f"Bearer {token}"},
                     verify=gs["caCertPath"])
    assert raw.status_code == 200, raw.text
    responses = {r["id"]: r for r in raw.json()["responses"]}
    assert len(responses["1"]["body"]["value"]) == 1, raw.text
    assert responses["2"]["body"]["userPrincipalName"] == upn, raw.text
