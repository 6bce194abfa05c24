"""`graphsync serve --metrics`: what an operator's Prometheus scrapes after a real provisioning cycle into
scim2-server, behind GRAPHSYNC_METRICS_TOKEN, with no secret in it."""

import re
import sys
import uuid
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scim"))
from scimharness import ScimServer  # noqa: E402
from test_provisioning import Graph, provision_new_users  # noqa: E402

SCRAPE_TOKEN = "prometheus-scrape-token"
SAMPLE = re.compile(r'^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>.*)\})? (?P<value>\S+)$')  # route values hold braces


def samples(text: str, name: str) -> list[tuple[dict, float]]:
    found = []
    for line in text.splitlines():
        m = SAMPLE.match(line)
        if m and m["name"] == name:
            labels = dict(re.findall(r'(\w+)="([^"]*)"', m["labels"] or ""))
            found.append((labels, float(m["value"])))
    return found


def value(text: str, name: str, **labels) -> float:
    return sum(v for found, v in samples(text, name) if all(found.get(k) == w for k, w in labels.items()))


def test_a_provisioning_cycle_shows_in_the_metrics(private_graphsync, monkeypatch):
    monkeypatch.setenv("GRAPHSYNC_METRICS_TOKEN", SCRAPE_TOKEN)
    server = private_graphsync
    server.start("--metrics", "--scheduler-tick", "0.2")
    facts = server.facts
    metrics_url = facts["graphBaseUrl"].rsplit("/v1.0", 1)[0] + "/metrics"
    assert requests.get(metrics_url, timeout=10).status_code == 401, "no token, no metrics"

    graph = Graph(facts)
    tag = uuid.uuid4().hex[:6]
    with ScimServer("scim-bearer-token", "--entra") as scim:
        provision_new_users(graph, scim.base, [f"metric{i}x{tag}" for i in range(3)])

    scraped = requests.get(metrics_url, headers={"Authorization": f"Bearer {SCRAPE_TOKEN}"}, timeout=10)
    assert scraped.status_code == 200 and scraped.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = scraped.text
    assert value(text, "graphsync_provisioning_cycles_total", state="Succeeded") >= 1, text[:3000]
    assert value(text, "graphsync_provisioning_cycle_duration_seconds_count") >= 1
    assert value(text, "graphsync_provisioning_actions_total", object="User", action="Create", status="success") == 3
    # Entra's pattern: a userName query, then a POST, for each new user.
    assert value(text, "graphsync_scim_requests_total", method="POST", status="201") == 3
    assert value(text, "graphsync_scim_requests_total", method="GET", status="200") >= 3
    assert value(text, "graphsync_provisioning_jobs_running") == 0
    routes = {labels.get("route") for labels, _ in samples(text, "graphsync_http_requests_total")}
    start = [r for r in routes if r and r.endswith("/start")]
    assert len(start) == 1 and "{" in start[0], sorted(r for r in routes if r)
    assert value(text, "graphsync_http_requests_total", method="POST", status="204", route=start[0]) == 1
    for secret in ("scim-bearer-token", facts["clientSecret"], SCRAPE_TOKEN, facts["adminPassword"]):
        assert secret not in text, "a secret in the metrics"


@pytest.mark.parametrize("flags", [["--host", "0.0.0.0"], ["--host", "127.example.com"],
                                   ["--public-url", "https://graphsync.example.com"]])
def test_metrics_off_loopback_need_a_token(tmp_path, monkeypatch, flags):
    """A port reachable from the network never serves open metrics: serve refuses to start instead. A name that starts
    with 127. is not loopback, and behind a reverse proxy (--public-url) every scrape arrives from loopback."""
    import subprocess
    from conftest import GRAPHSYNC_BIN

    monkeypatch.delenv("GRAPHSYNC_METRICS_TOKEN", raising=False)
    done = subprocess.run([str(GRAPHSYNC_BIN), "serve", *flags, "--metrics", "--data-dir", str(tmp_path / "data")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "GRAPHSYNC_METRICS_TOKEN" in done.stderr, (done.returncode, done.stderr[-500:])
    assert not (tmp_path / "data").exists(), "refused before anything was created"
