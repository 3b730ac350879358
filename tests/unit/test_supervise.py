"""`entrywatch up` keeps its worker running: a dead worker is reported and restarted, within a budget;
the page port is 6066 when free; the addresses are printed as a line to paste into another shell."""

from __future__ import annotations

import io
import socket
from typing import Any

import pytest

from entrywatch.cli.connect import CliError
from entrywatch.cli.run import export_line, web_port
from entrywatch.supervise import Supervisor, how_it_ended


class FakeProc:
    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        return self.returncode


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def supervisor(clock: Clock, err: io.StringIO, **kw: Any) -> tuple[Supervisor, list[FakeProc]]:
    started: list[FakeProc] = []

    def start() -> Any:
        started.append(FakeProc(100 + len(started)))
        return started[-1]

    return Supervisor("worker", start, err=err, clock=clock, **kw), started


def test_a_dead_worker_is_reported_and_restarted() -> None:
    err, clock = io.StringIO(), Clock()
    sup, started = supervisor(clock, err)
    assert sup.check() and len(started) == 1 and err.getvalue() == ""
    started[0].returncode = -9
    assert sup.check()
    assert len(started) == 2 and sup.proc is started[1]
    assert err.getvalue().splitlines() == [
        "entrywatch up: the worker (pid 100) was killed by SIGKILL; restarting it (1 of 5 restarts in 5 min)",
        "entrywatch up: worker restarted (pid 101)",
    ]


def test_restarts_are_bounded_within_the_window() -> None:
    err, clock = io.StringIO(), Clock()
    sup, started = supervisor(clock, err, max_restarts=2, window_s=60)
    for _ in range(2):
        started[-1].returncode = 1
        clock.now += 10
        assert sup.check()
    started[-1].returncode = 3
    clock.now += 10
    assert not sup.check()  # the third death within a minute: give up
    assert len(started) == 3
    assert err.getvalue().splitlines()[-1] == (
        "entrywatch up: the worker (pid 102) exited with code 3; it was already restarted 2 times in the last 1 min: "
        "giving up"
    )


def test_old_restarts_leave_the_window() -> None:
    err, clock = io.StringIO(), Clock()
    sup, started = supervisor(clock, err, max_restarts=1, window_s=60)
    started[-1].returncode = 1
    assert sup.check()
    clock.now += 61
    started[-1].returncode = 1
    assert sup.check() and len(started) == 3


def test_how_it_ended() -> None:
    assert how_it_ended(0) == "exited with code 0"
    assert how_it_ended(-15) == "was killed by SIGTERM"


def test_the_page_port_is_6066_when_free_else_another_and_said() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        taken = s.getsockname()[1]
        port, note = web_port(None, preferred=taken)
        assert port != taken and note == f"port {taken} is taken: the page is on port {port}"
        with pytest.raises(CliError, match=f"--web-port {taken} is taken"):
            web_port(taken)
    port, note = web_port(None, preferred=taken)  # free again
    assert (port, note) == (taken, "")


def test_export_line() -> None:
    assert export_line("127.0.0.1:4000", "redis://127.0.0.1:5000/0") == (
        "export KAFKA_BOOTSTRAP=127.0.0.1:4000 REDIS_URL=redis://127.0.0.1:5000/0"
    )
    assert export_line("127.0.0.1:4000", "redis://:pw@h:1/0") == "export KAFKA_BOOTSTRAP=127.0.0.1:4000"
