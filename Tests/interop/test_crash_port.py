"""A crashed `graphsync serve` frees its port at once. Swift's backtracer keeps a crashed process alive while it
symbolicates (a debug build took 90 s in the security review), and the process held its listening socket all that
time, so a restart failed to bind. GraphSync's crash handler closes listening sockets before handing the crash to the
backtracer: a new process binds the same port while the old one is still being backtraced.
"""

import os
import signal
import time

from conftest import GraphSyncServer


def test_a_crashed_server_frees_its_port_for_a_restart(private_graphsync, monkeypatch):
    # The backtracer on (as on Linux by default), never waiting for a person.
    monkeypatch.setenv("SWIFT_BACKTRACE", "enable=yes,interactive=no")
    private_graphsync.start()
    crashed = private_graphsync.proc
    # SIGILL: what a Swift runtime trap (an overflow, a failed precondition) raises.
    os.kill(crashed.pid, signal.SIGILL)
    began = time.monotonic()
    replacement = GraphSyncServer(private_graphsync.facts, private_graphsync.log_path)
    try:
        time.sleep(0.5)
        # Restarted on the same port, as a supervisor would, while the crashed process is still being backtraced.
        replacement.start()
        waited = time.monotonic() - began
        assert waited < 30, f"the port was free only after {waited:.1f} s"
        # The backtracer did run (otherwise the process simply died, and the test proved nothing).
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and "crashed" not in private_graphsync.log_path.read_text(errors="replace"):
            time.sleep(0.5)
        assert "crashed" in private_graphsync.log_path.read_text(errors="replace"), "no backtrace in the log"
    finally:
        replacement.stop()
        if crashed.poll() is None:
            crashed.kill()
        crashed.wait(timeout=30)
