"""Nothing is left running when a command that started the embedded servers is stopped from outside:
SIGTERM unwinds the command (its ``finally`` stops what it started), and even SIGKILL takes the servers
along (Linux parent-death signal). Leftover brokers once made a later test run fail."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; prctl is Linux-only"),
]


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(predicate, timeout: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_sigkill_of_the_starter_takes_the_embedded_redis_along() -> None:
    script = (
        "from entrywatch import embedded; embedded.start_redis(); print('up', flush=True); import time; time.sleep(600)"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"up"
        servers = children(proc.pid)
        assert len(servers) == 1 and alive(servers[0])
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        assert wait_for(lambda: not alive(servers[0]), 10), "redis-server outlived the process that started it"
    finally:
        proc.kill()
        proc.wait(10)


def test_sigterm_unwinds_a_command_and_stops_its_servers() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "entrywatch.cli", "retro", "bench", "--entries", "2000000"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert wait_for(lambda: bool(children(proc.pid))), "the command never started its redis-server"
        servers = children(proc.pid)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 128 + signal.SIGTERM  # unwound through SystemExit, not killed outright
        assert wait_for(lambda: not any(alive(p) for p in servers), 10)
    finally:
        proc.kill()
        proc.wait(10)
