"""Azure CLI (`az ad`) against GraphSync registered as a custom cloud (issue 26).

azure-cli is large and pins its own dependencies, so it lives in a venv of its own: `python3 -m venv .venv-az &&
.venv-az/bin/pip install azure-cli` at the repository root (or AZ_CLI=/path/to/az). Skipped when it is not there.
"""

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import REPO_ROOT

AZ = Path(os.environ.get("AZ_CLI") or REPO_ROOT / ".venv-az" / "bin" / "az")


@pytest.fixture(scope="module")
def az(graphsync):
    """Runs `az` with a config dir of its own, logged in as the bootstrap app on a cloud whose directory and Graph are
    GraphSync; returns the parsed JSON output (None when there is none)."""
    if not AZ.is_file():
        pytest.skip(f"azure-cli not installed at {AZ} (python3 -m venv .venv-az && .venv-az/bin/pip install azure-cli)")
    base = f"https://127.0.0.1:{graphsync['port']}"
    with tempfile.TemporaryDirectory(prefix="graphsync-az-") as config:
        env = dict(os.environ, AZURE_CONFIG_DIR=config, REQUESTS_CA_BUNDLE=graphsync["caCertPath"],
                   AZURE_CORE_COLLECT_TELEMETRY="no", AZURE_CORE_ONLY_SHOW_ERRORS="true",
                   # MSAL would ask login.microsoftonline.com whether a custom authority host is known.
                   AZURE_CORE_INSTANCE_DISCOVERY="false")

        def run(*args: str):
            done = subprocess.run([str(AZ), *args, "-o", "json"], env=env, capture_output=True, text=True, timeout=180,
                                  stdin=subprocess.DEVNULL)
            assert done.returncode == 0, f"az {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}"
            return json.loads(done.stdout) if done.stdout.strip() else None

        run("cloud", "register", "--name", "GraphSync", "--endpoint-active-directory", base,
            "--endpoint-active-directory-graph-resource-id", base + "/", "--endpoint-microsoft-graph-resource-id", base + "/",
            "--endpoint-resource-manager", base + "/")
        run("cloud", "set", "--name", "GraphSync")
        run("login", "--service-principal", "-u", graphsync["clientId"], "-p", graphsync["clientSecret"],
            "--tenant", graphsync["tenantId"], "--skip-subscription-discovery")
        yield run


def test_az_ad_apps_service_principals_and_credentials(az):
    app = az("ad", "app", "create", "--display-name", "az-cli-app")  # sends keyCredentials: []
    sp = az("ad", "sp", "create", "--id", app["appId"])
    assert sp["appId"] == app["appId"]
    # Looks the service principal up with servicePrincipalNames/any(c:c eq '…').
    reset = az("ad", "sp", "credential", "reset", "--id", app["appId"])
    assert reset["appId"] == app["appId"] and len(reset["password"]) >= 32
    assert az("ad", "sp", "show", "--id", app["appId"])["id"] == sp["id"]


def test_az_ad_users_groups_and_membership(az, graphsync):
    upn = "az-cli-user@" + graphsync["adminUserPrincipalName"].split("@")[1]
    user = az("ad", "user", "create", "--display-name", "Az Cli User", "--user-principal-name", upn,
              "--password", "Az-cli-Passw0rd!")
    group = az("ad", "group", "create", "--display-name", "az-cli-group", "--mail-nickname", "azcligroup")
    az("ad", "group", "member", "add", "--group", group["id"], "--member-id", user["id"])
    assert az("ad", "group", "member", "check", "--group", group["id"], "--member-id", user["id"])["value"] is True
    groups = az("ad", "user", "get-member-groups", "--id", user["id"])
    assert [g["id"] for g in groups] == [group["id"]]
