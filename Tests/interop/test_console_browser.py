"""The console in a real browser (headless Chromium through Selenium): an admin signs in through GraphSync's
authority, creates an enterprise app, enters the sample SaaS app's OAuth settings, clicks **Authorize**, signs in and
consents on the app's own pages, lands back authorized, tests the connection, assigns a user, starts provisioning,
and reads the provisioning log — no line of HTTP written by hand.
"""

import base64
import hashlib
import os
import shutil
import ssl
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_provisioning import Graph

HERE = Path(__file__).resolve().parent
SAMPLE_APP = HERE.parent / "sample-saas" / "sample_saas.py"
CLIENT_SECRET = "contoso-" + uuid.uuid4().hex


def chromium_binary() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise AssertionError("Chromium is not installed (scripts/test.sh installs Debian's chromium and chromium-driver)")


def spki_pin(host: str, port: int) -> str:
    """The SHA-256 of GraphSync's server key, so Chromium trusts exactly that certificate (and no other)."""
    pem = ssl.get_server_certificate((host, port))
    spki = x509.load_pem_x509_certificate(pem.encode()).public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


@pytest.fixture
def sample_app():
    python = os.environ.get("SCIM_PYTHON") or sys.executable
    proc = subprocess.Popen([python, str(SAMPLE_APP), "--port", "0", "--client-secret", CLIENT_SECRET],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline().strip()
    assert line.startswith("READY "), f"sample app did not start: {line!r}"
    try:
        yield line.split()[1]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def browser(graphsync):
    options = webdriver.ChromeOptions()
    options.binary_location = chromium_binary()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                 f"--ignore-certificate-errors-spki-list={spki_pin('127.0.0.1', graphsync['port'])}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


SCREENSHOTS = os.environ.get("GRAPHSYNC_SCREENSHOTS")  # a folder: the happy path saves each page there (docs/console)


def shot(browser, name: str) -> None:
    """Saves the page (with GRAPHSYNC_SCREENSHOTS), and checks on the way that no absent value was printed."""
    assert ">nil<" not in browser.page_source, f"{name}: a page printed 'nil'"
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(Path(SCREENSHOTS) / f"{name}.png"))


def sign_in(browser, base: str, wait, user: str, password: str) -> None:
    browser.get(f"{base}/console/apps")
    wait.until(EC.presence_of_element_located((By.ID, "passwd")))
    browser.find_element(By.ID, "login").send_keys(user)
    browser.find_element(By.ID, "passwd").send_keys(password)
    browser.find_element(By.ID, "signin").click()
    wait.until(EC.presence_of_element_located((By.ID, "apps")))


def test_authorize_a_saas_app_and_provision_from_the_console(graphsync, sample_app, browser):
    gs = graphsync
    graph = Graph(gs)
    grace = graph.user(f"grace{uuid.uuid4().hex[:6]}")
    base = f"https://127.0.0.1:{gs['port']}"
    wait = WebDriverWait(browser, 20)

    def open_tab(tab_id: str, path_end: str, ready_id: str):
        """Clicks a tab and waits until its page has loaded (not just until the old page has the element)."""
        browser.find_element(By.ID, tab_id).click()
        wait.until(lambda d: d.current_url.split("?")[0].endswith(path_end) and d.execute_script("return document.readyState") == "complete")
        wait.until(EC.presence_of_element_located((By.ID, ready_id)))

    def fill(element_id: str, text: str):
        field = browser.find_element(By.ID, element_id)
        field.clear()
        field.send_keys(text)

    # Sign in through the authority's own pages.
    browser.get(f"{base}/console/apps")
    wait.until(EC.presence_of_element_located((By.ID, "passwd")))
    shot(browser, "01-sign-in")
    fill("login", gs["adminUserPrincipalName"])
    fill("passwd", gs["adminPassword"])
    browser.find_element(By.ID, "signin").click()
    wait.until(EC.presence_of_element_located((By.ID, "apps")))
    shot(browser, "02-enterprise-applications")

    # Create the enterprise app, then its admin credentials: OAuth 2 authorization code grant.
    name = f"Contoso Tasks {uuid.uuid4().hex[:4]}"
    fill("name", name)
    browser.find_element(By.ID, "create").click()
    wait.until(EC.presence_of_element_located((By.ID, "tenantUrl")))
    Select(browser.find_element(By.ID, "method")).select_by_value("oauth")
    fill("tenantUrl", f"{sample_app}/scim/v2")
    fill("authorizationUrl", f"{sample_app}/oauth/authorize")
    fill("tokenUrl", f"{sample_app}/oauth/token")
    fill("clientId", "graphsync-provisioning")
    fill("clientSecret", CLIENT_SECRET)
    fill("scope", "scim")
    shot(browser, "03-admin-credentials")
    browser.find_element(By.ID, "authorize").click()

    # The app's own sign-in and consent pages.
    wait.until(EC.presence_of_element_located((By.ID, "username")))
    assert browser.current_url.startswith(sample_app)
    fill("username", "admin")
    fill("password", "contoso")
    browser.find_element(By.ID, "signin").click()
    wait.until(EC.element_to_be_clickable((By.ID, "allow")))
    shot(browser, "04-app-consent")
    browser.find_element(By.ID, "allow").click()

    # Back in the console, authorized; the token itself is never shown.
    wait.until(EC.text_to_be_present_in_element((By.ID, "notice"), "Authorized, token valid until"))
    shot(browser, "05-authorized")
    assert CLIENT_SECRET not in browser.page_source
    browser.find_element(By.ID, "test").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "notice"), "authorized to enable provisioning"))

    # Assign Grace, start provisioning, and watch the Overview until the cycle exported her.
    open_tab("tab-users", "/users", "principal")
    fill("principal", grace["userPrincipalName"])
    browser.find_element(By.ID, "assign").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "assignments"), grace["displayName"]))
    shot(browser, "06-users-and-groups")
    app_url = browser.current_url.split("/users")[0]

    # Mappings: displayName from an expression; a broken one is refused with the error beside its row.
    open_tab("tab-mappings", "/mappings", "mappings")
    browser.find_element(By.ID, "mapping-0").click()
    wait.until(EC.presence_of_element_located((By.ID, "attribute-mappings")))
    row = next(field.get_attribute("id").split("_")[1] for field in browser.find_elements(By.CSS_SELECTOR, "input[id^=target_]")
               if field.get_attribute("value") == "displayName")
    fill(f"source_{row}", 'Join(" ", [givenName], [surname]')
    browser.find_element(By.ID, "save").click()
    wait.until(EC.presence_of_element_located((By.ID, f"error_{row}")))
    shot(browser, "07-mappings-error")
    fill(f"source_{row}", 'Join(" ", [givenName], [surname])')
    browser.find_element(By.ID, "save").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "notice"), "Saved."))

    # Provision on demand: each step, and the values sent.
    open_tab("tab-ondemand", "/ondemand", "principal")
    fill("principal", grace["userPrincipalName"])
    browser.find_element(By.ID, "provision").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "result"), "Result: Success"))
    steps = browser.find_element(By.ID, "steps").text
    assert "Import" in steps and "Scoping" in steps and "Export" in steps, steps
    assert f"{grace['givenName']} Tester" in browser.find_element(By.ID, "attributes").text
    shot(browser, "08-provision-on-demand")

    open_tab("tab-overview", app_url, "start")
    browser.find_element(By.ID, "start").click()
    # The Overview follows the cycle live (its script polls the progress): no reload needed.
    WebDriverWait(browser, 60).until(EC.text_to_be_present_in_element((By.ID, "last-cycle"), "Succeeded at"))

    def grace_in_app(_):
        return any(r.get("userName") == grace["userPrincipalName"] for r in requests.get(f"{sample_app}/_control/resources", timeout=10).json())
    WebDriverWait(browser, 60).until(grace_in_app)
    browser.refresh()
    assert "1 in the app" in browser.find_element(By.ID, "status").text, browser.find_element(By.ID, "status").text
    shot(browser, "09-overview")

    # The user is in the app, and the provisioning log says so.
    open_tab("tab-logs", "/logs", "logs")
    wait.until(EC.text_to_be_present_in_element((By.ID, "logs"), grace["displayName"]))
    assert "Create" in browser.find_element(By.ID, "logs").text
    shot(browser, "10-provisioning-logs")
    open_tab("tab-settings", "/settings", "interval")
    shot(browser, "11-settings")

    # Signing out ends the session: the console asks for a sign-in again.
    browser.find_element(By.ID, "signout").click()
    wait.until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "You signed out"))
    browser.get(f"{base}/console/apps")
    wait.until(EC.presence_of_element_located((By.ID, "passwd")))


def test_the_console_refuses_what_it_should(graphsync, sample_app, browser):
    """Consent denied, a wrong client secret, a replayed or tampered state, a form without its CSRF token, markup in a
    name, and a user without an admin role trying to change settings."""
    gs = graphsync
    base = f"https://127.0.0.1:{gs['port']}"
    wait = WebDriverWait(browser, 20)
    graph = Graph(gs)
    reader = graph.user(f"reader{uuid.uuid4().hex[:6]}")
    sign_in(browser, base, wait, gs["adminUserPrincipalName"], gs["adminPassword"])

    def fill(element_id: str, text: str):
        field = browser.find_element(By.ID, element_id)
        field.clear()
        field.send_keys(text)

    # Markup in a name is text on every page.
    name = "<script>alert('x')</script> & <b>bold</b>"
    fill("name", name)
    browser.find_element(By.ID, "create").click()
    wait.until(EC.presence_of_element_located((By.ID, "tenantUrl")))
    assert browser.find_element(By.TAG_NAME, "h1").text == name
    assert "&lt;script&gt;" in browser.page_source and not EC.alert_is_present()(browser)
    provisioning_url = browser.current_url

    def authorize(secret: str):
        browser.get(provisioning_url)
        wait.until(EC.presence_of_element_located((By.ID, "tenantUrl")))
        Select(browser.find_element(By.ID, "method")).select_by_value("oauth")
        fill("tenantUrl", f"{sample_app}/scim/v2")
        fill("authorizationUrl", f"{sample_app}/oauth/authorize")
        fill("tokenUrl", f"{sample_app}/oauth/token")
        fill("clientId", "graphsync-provisioning")
        fill("clientSecret", secret)
        browser.find_element(By.ID, "authorize").click()
        wait.until(EC.presence_of_element_located((By.ID, "username")))
        fill("username", "admin")
        fill("password", "contoso")
        browser.find_element(By.ID, "signin").click()
        wait.until(EC.element_to_be_clickable((By.ID, "allow")))

    # Consent denied at the app: its refusal, in words.
    authorize(CLIENT_SECRET)
    browser.find_element(By.ID, "deny").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "problem"), "The app refused the authorization: access_denied"))
    # A wrong client secret: the app's token endpoint refuses the code; the secret is not echoed.
    authorize("not-the-secret")
    browser.find_element(By.ID, "allow").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "problem"), "refused the code"))
    assert "not-the-secret" not in browser.page_source
    # The right one works; its callback URL cannot be replayed, and a made-up state is refused.
    authorize(CLIENT_SECRET)
    browser.find_element(By.ID, "allow").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "notice"), "Authorized, token valid until"))
    callback = browser.current_url
    assert "/console/oauth/callback?" in callback
    browser.get(callback)
    wait.until(EC.text_to_be_present_in_element((By.ID, "message"), "already used"))
    browser.get(f"{base}/console/oauth/callback?code=forged&state=tampered")
    wait.until(EC.text_to_be_present_in_element((By.ID, "message"), "expired or was already used"))

    # A form whose CSRF token was removed changes nothing.
    settings_url = provisioning_url.replace("/provisioning", "/settings")
    browser.get(settings_url)
    wait.until(EC.presence_of_element_located((By.ID, "interval")))
    browser.execute_script("document.querySelectorAll('main input[name=csrf]').forEach(function (e) { e.remove() })")
    fill("interval", "7")
    browser.find_element(By.ID, "save").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "message"), "Reload the page and try again"))
    browser.get(settings_url)
    assert wait.until(EC.presence_of_element_located((By.ID, "interval"))).get_attribute("value") != "7"

    # A user without an admin role: read-only lists, refused changes.
    browser.find_element(By.ID, "signout").click()
    wait.until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "You signed out"))
    sign_in(browser, base, wait, reader["userPrincipalName"], "Str0ng!Passw0rd")
    assert not browser.find_elements(By.ID, "create"), "no New application form"
    browser.get(provisioning_url.replace("/provisioning", ""))
    wait.until(EC.presence_of_element_located((By.ID, "no-access")))
    browser.get(settings_url)
    wait.until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "You don't have access"))
    assert "Application Administrator" in browser.find_element(By.ID, "message").text
