#!/usr/bin/env python3
"""Run scim2-tester (python-scim's RFC 7643/7644 compliance checker) against scim_app.py
over real HTTP (scim2-client's httpx2 engine), and print a summary.

    .venv-scim/bin/python Tests/scim/run_tester.py                 # starts its own scim_app.py
    .venv-scim/bin/python Tests/scim/run_tester.py --entra         # ... with the --entra policy
    .venv-scim/bin/python Tests/scim/run_tester.py --base-url http://127.0.0.1:P/scim/v2 --token T
    add -v to list every check, --tags crud,patch to restrict (see scim2_tester.get_all_available_tags()).

Exit code: 0 if no check ended ERROR or CRITICAL, else 1. Last line: `N passed, N failed`
(passed = SUCCESS/COMPLIANT/ACCEPTABLE, failed = DEVIATION/ERROR/CRITICAL).
"""

from __future__ import annotations

import argparse
import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scimharness import ScimServer  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base-url", help="test an already running server instead of starting one")
    ap.add_argument("--token", default="tester-token")
    ap.add_argument("--entra", action="store_true", help="start scim_app.py with --entra")
    ap.add_argument("--tags", help="comma-separated include tags")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    from httpx2 import Client
    from scim2_client.engines.httpx2 import SyncSCIMClient
    from scim2_tester import Status, check_server

    srv = None
    base = args.base_url
    if not base:
        srv = ScimServer(args.token, *(["--entra"] if args.entra else [])).start()
        base = srv.base
    try:
        http = Client(base_url=base, headers={"Authorization": f"Bearer {args.token}"}, timeout=30)
        client = SyncSCIMClient(http)
        include = set(args.tags.split(",")) if args.tags else None
        results = check_server(client, raise_exceptions=False, include_tags=include)
    finally:
        if srv:
            srv.stop()

    good = {Status.SUCCESS, Status.COMPLIANT, Status.ACCEPTABLE}
    counts = collections.Counter(r.status.name for r in results)
    print(f"scim2-tester against {base}: {len(results)} checks")
    print("  by status: " + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))
    for r in results:
        if args.verbose or r.status not in good:
            rt = f"[{r.resource_type}] " if r.resource_type else ""
            print(f"  {r.status.name:<10} {rt}{r.title}: {r.reason}")
    passed = sum(1 for r in results if r.status in good)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    hard = sum(1 for r in results if r.status in (Status.ERROR, Status.CRITICAL))
    return 0 if hard == 0 and results else 1


if __name__ == "__main__":
    sys.exit(main())
