"""The command line's edges on a real stack: `entrywatch up` prints where everything is and restarts a worker
that dies; client commands take --bootstrap/--redis-url over the environment and say when a topic is missing."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest

from entrywatch import embedded
from tests.conftest import LISTS, ROOT
from tests.integration.conftest import Stack

pytestmark = pytest.mark.integration


class Lines:
    """A pipe read line by line in a thread."""

    def __init__(self, pipe: IO[bytes]) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(pipe,), daemon=True)
        self._thread.start()

    def _read(self, pipe: IO[bytes]) -> None:
        for raw in pipe:
            self.lines.append(raw.decode("utf-8", errors="replace").rstrip("\n"))

    def wait(self, predicate: Callable[[str], bool], timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if predicate(line):
                    return line
            time.sleep(0.1)
        raise TimeoutError(f"no such line after {timeout:.0f}s in:\n" + "\n".join(self.lines))


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=1) as resp:
            return bool(json.load(resp).get("status") == "ready")
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_up_prints_where_things_are_and_restarts_a_worker_that_dies(tmp_path: Path) -> None:
    port = embedded.free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "KAFKA_BOOTSTRAP")}
    up = subprocess.Popen(
        [sys.executable, "-m", "entrywatch.cli", "up", "--web-port", str(port), "--log-dir", str(tmp_path),
         "--lists", str(LISTS / "uflpa"), "--for-seconds", "400"],
        cwd=ROOT, env={**env, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert up.stdout is not None and up.stderr is not None
    out, err = Lines(up.stdout), Lines(up.stderr)
    restarted_pid = 0
    try:
        first = out.wait(lambda line: line.startswith("worker  ready (pid "), 180)
        pid = int(first.split("pid ")[1].split(")")[0])
        assert out.wait(lambda line: line.startswith("page "), 5) == f"page    http://127.0.0.1:{port}/"
        broker = out.wait(lambda line: line.startswith("broker "), 5).split()[1]
        redis_url = out.wait(lambda line: line.startswith("redis "), 5).split()[1]
        export = out.wait(lambda line: line.startswith("export "), 5)
        assert export == f"export KAFKA_BOOTSTRAP={broker} REDIS_URL={redis_url}"

        # the line works as printed: a client command in another shell finds this stack
        shell = subprocess.run(
            ["bash", "-c", f"{export} && {shlex.quote(sys.executable)} -m entrywatch.cli lists status --json"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert shell.returncode == 0, shell.stderr
        assert [row["source"] for row in json.loads(shell.stdout)] == ["uflpa"]

        os.kill(pid, signal.SIGKILL)
        died = err.wait(lambda line: f"the worker (pid {pid})" in line, 30)
        assert died == (
            f"entrywatch up: the worker (pid {pid}) was killed by SIGKILL; restarting it (1 of 5 restarts in 5 min)"
        )
        again = err.wait(lambda line: line.startswith("entrywatch up: worker restarted (pid "), 10)
        restarted_pid = int(again.split("pid ")[1].rstrip(")"))
        assert restarted_pid != pid and alive(restarted_pid)
        deadline = time.monotonic() + 120
        while not ready(port) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert ready(port), (tmp_path / "worker.log").read_text()[-3000:]
        assert up.poll() is None
    finally:
        up.send_signal(signal.SIGTERM)
        code = up.wait(60)
    assert code == 128 + signal.SIGTERM
    assert not restarted_pid or not alive(restarted_pid)  # the restarted worker is stopped with the rest
    assert not [line for line in err.lines if "Traceback" in line]


def test_flags_win_over_the_environment(stack: Stack) -> None:
    wrong = {"KAFKA_BOOTSTRAP": "127.0.0.1:9", "REDIS_URL": "redis://127.0.0.1:9/0"}
    status = stack.cli("lists", "status", "--redis-url", stack.redis.address, **wrong)
    assert status.returncode == 0 and "uflpa" in status.stdout, status.stderr
    tail = stack.cli("holds", "tail", "--idle", "1", "--bootstrap", stack.settings.kafka_bootstrap, **wrong)
    assert tail.returncode == 0, tail.stderr
    refused = stack.cli("lists", "status", **wrong)
    assert refused.returncode == 2 and refused.stderr.startswith(
        "entrywatch: cannot reach Redis at redis://127.0.0.1:9"
    )


def test_a_missing_topic_is_said_not_shown_as_empty(stack: Stack) -> None:
    for argv in (["holds", "tail"], ["dlq", "show"]):
        proc = stack.cli(*argv, ENTRYWATCH_TOPIC_PREFIX="no-such-env-")
        assert proc.returncode == 2 and proc.stdout == ""
        [line] = proc.stderr.splitlines()
        assert line.startswith(
            f"entrywatch: the Kafka broker at {stack.settings.kafka_bootstrap} has no topic no-such-env-"
        )
