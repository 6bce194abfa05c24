"""`graphsync validate-app` against real SCIM apps: a conformant vendor app passes every check in each dialect and is
left as it was; plain scim2-server fails exactly its documented deviations; each deliberately broken app
(Tests/validate-apps/vendor_app.py --defect) has its defect named, with what the app answered and what Entra expects;
client credentials are checked at a real token endpoint (the sample SaaS app's).
"""

import json
import subprocess
import time
import sys
import urllib.request
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from conftest import GRAPHSYNC_BIN, REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "Tests" / "scim"))
from scimharness import ScimServer, default_python  # noqa: E402

VENDOR_APP = str(REPO_ROOT / "Tests" / "validate-apps" / "vendor_app.py")
SAMPLE_SAAS = str(REPO_ROOT / "Tests" / "sample-saas" / "sample_saas.py")
TOKEN = "vendor-token"
# What plain scim2-server (Entra policy) gets wrong for Entra (Tests/validate-apps/README.md explains each).
PLAIN_DEVIATIONS = {"users.manager-add", "users.manager-change", "engine.manager-add", "engine.manager-change", "groups.create-duplicate"}


def defects() -> dict[str, list[str]]:
    listing = subprocess.run([default_python(), VENDOR_APP, "--list-defects"], check=True, capture_output=True, text=True).stdout
    return {name: checks.split(",") for name, _, checks in (line.split("\t") for line in listing.strip().splitlines())}


def validate(url: str, *flags: str, token: str | None = TOKEN, timeout: float = 300) -> tuple[int, dict, str]:
    """Runs validate-app with --json: (exit status, report, standard error)."""
    args = [str(GRAPHSYNC_BIN), "validate-app", "--scim-url", url, "--json", *flags]
    if token:
        args += ["--token", token]
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    assert done.stdout.strip(), f"no report (exit {done.returncode}): {done.stderr[-2000:]}"
    return done.returncode, json.loads(done.stdout), done.stderr


def outcomes(report: dict, outcome: str) -> dict[str, str]:
    return {check["id"]: check.get("detail") or "" for check in report["checks"] if check["outcome"] == outcome}


def scim_get(base: str, path: str) -> dict:
    request = urllib.request.Request(f"{base}/{path}", headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@pytest.mark.parametrize("flag", ["", "?aadOptscim062020", "?graphsyncRfc7644"])
def test_a_conformant_app_passes_every_check_and_is_left_as_it_was(flag, tmp_path):
    with ScimServer(TOKEN, app=VENDOR_APP) as app:
        before = scim_get(app.base, "Users")["totalResults"]
        junit = tmp_path / "report.xml"
        status, report, progress = validate(app.base + flag, "--junit", str(junit))
        assert status == 0, outcomes(report, "failed")
        assert report["dialect"] == {"": "entra", "?aadOptscim062020": "entraPatch2020", "?graphsyncRfc7644": "rfc7644"}[flag]
        assert len(report["checks"]) == 48 and not outcomes(report, "failed") and not outcomes(report, "skipped")
        assert "[1/48] connection.test" in progress and "cleaning up" in progress, "progress while it runs"
        suite = ElementTree.parse(junit).getroot()
        assert suite.get("tests") == "48" and suite.get("failures") == "0"
        # Everything the checks made is deleted again: the vendor's own admin user is all that is left.
        assert scim_get(app.base, "Users")["totalResults"] == before
        assert scim_get(app.base, "Groups")["totalResults"] == 0


def test_plain_scim2_server_fails_exactly_its_documented_deviations():
    with ScimServer(TOKEN, "--entra") as app:
        status, report, _ = validate(app.base)
    assert status == 1
    assert set(outcomes(report, "failed")) == PLAIN_DEVIATIONS


@pytest.mark.parametrize("defect,checks", sorted(defects().items()))
def test_each_planted_defect_is_named_and_explained(defect, checks, tmp_path):
    with ScimServer(TOKEN, "--defect", defect, app=VENDOR_APP) as app:
        junit = tmp_path / "report.xml"
        status, report, _ = validate(app.base, "--junit", str(junit))
    assert status == 1, f"{defect} went unnoticed"
    failed = outcomes(report, "failed")
    assert set(checks) <= set(failed), f"{defect}: expected {checks} to fail, failed: {sorted(failed)}"
    for check in checks:
        assert "Your app answered" in failed[check] and "Entra expects" in failed[check], failed[check]
    # The JUnit report names the same failures, with the same explanations.
    cases = ElementTree.parse(junit).getroot().iter("testcase")
    junit_failed = {case.get("name").split(":")[0]: case.find("failure").get("message") for case in cases if case.find("failure") is not None}
    assert junit_failed == failed


def test_table_output_and_exit_status_for_people():
    with ScimServer(TOKEN, "--defect", "no-paging", app=VENDOR_APP) as app:
        done = subprocess.run([str(GRAPHSYNC_BIN), "validate-app", "--scim-url", app.base, "--token", TOKEN, "--quiet", "--no-engine"],
                              capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stderr == ""
    lines = done.stdout.splitlines()
    paging = next(i for i, line in enumerate(lines) if line.strip().startswith("users.paging"))
    assert "FAIL" in lines[paging] and "↳ Your app answered" in lines[paging + 1]
    assert "33 passed, 2 failed, 0 skipped" in done.stdout, "users.paging and groups.paging"


def test_client_credentials_are_checked_at_the_apps_token_endpoint():
    secret = "vendor-client-secret"
    saas = subprocess.Popen([default_python(), SAMPLE_SAAS, "--port", "0", "--client-id", "gs-validate", "--client-secret", secret],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = saas.stdout.readline().strip()
        assert line.startswith("READY "), f"sample app did not start: {line!r}"
        origin = line.split()[1]
        flags = ["--token-url", f"{origin}/oauth/token", "--client-id", "gs-validate", "--no-engine"]
        status, report, _ = validate(f"{origin}/scim/v2", *flags, "--client-secret", secret, token=None)
        assert "tokens.client-credentials" in outcomes(report, "passed")
        assert "connection.test" in outcomes(report, "passed"), "the token issued works at the SCIM API"
        status, report, _ = validate(f"{origin}/scim/v2", *flags, "--client-secret", "wrong", token=None)
        assert status == 1
        failed = outcomes(report, "failed")
        assert "HTTP 401 invalid_client" in failed["tokens.client-credentials"], failed
        assert "connection.test" in failed, "without a token nothing else works"
    finally:
        saas.terminate()
        saas.wait(timeout=10)


@pytest.mark.parametrize("mode", ["blackhole", "drip", "endless", "html", "bad_json", "huge_header", "redirect"])
def test_a_hostile_or_broken_app_ends_the_run_quickly_with_a_report(mode):
    """No answer, an answer that never ends, a login page, garbage, a redirect to the metadata address: validate-app
    never hangs or crashes; it reports what the app did and stops early when the app cannot be used at all."""
    from hostile_peer import HostilePeer

    with HostilePeer(mode) as peer:
        started = time.monotonic()
        status, report, _ = validate(peer.scim_base, "--timeout", "2", timeout=120)
        elapsed = time.monotonic() - started
    assert status == 1 and elapsed < 90, (status, elapsed)
    failed = outcomes(report, "failed")
    assert "connection.test" in failed and failed["connection.test"].startswith("Your app"), failed
    if mode == "redirect":
        assert "HTTP 302" in failed["connection.test"], "a redirect is reported, never followed"


def test_an_app_that_cannot_be_validated_is_exit_status_2_not_a_report(tmp_path):
    """CI can tell "the app failed checks" (1) from "nothing was validated" (2)."""
    for flags in (["--scim-url", "ftp://app.example/scim"], ["--scim-url", "https://127.0.0.1:9/scim/v2", "--ca-file", str(tmp_path / "missing.pem")]):
        done = subprocess.run([str(GRAPHSYNC_BIN), "validate-app", *flags, "--token", TOKEN, "--quiet"], capture_output=True, text=True, timeout=60)
        assert done.returncode == 2 and done.stdout == "", (flags, done.returncode, done.stdout, done.stderr)
        assert done.stderr.startswith("graphsync validate-app: "), done.stderr
