"""Keep a child process running: ``entrywatch up`` restarts its worker when it dies, within a budget."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from typing import TextIO

from entrywatch.embedded import stop_process

MAX_RESTARTS = 5
WINDOW_S = 300.0


def how_it_ended(code: int) -> str:
    """'exited with code 1' or 'was killed by SIGKILL' for a Popen return code."""
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


class Supervisor:
    """Starts a process with ``start`` and, on each ``check``, starts it again if it has ended: at most
    ``max_restarts`` times within ``window_s`` seconds. Each death and restart is reported on ``err``."""

    def __init__(
        self,
        name: str,
        start: Callable[[], subprocess.Popen[bytes]],
        *,
        max_restarts: int = MAX_RESTARTS,
        window_s: float = WINDOW_S,
        err: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self._start = start
        self.max_restarts = max_restarts
        self.window_s = window_s
        self.err = err or sys.stderr
        self.clock = clock
        self.restarts: deque[float] = deque()
        self.proc = start()

    def _say(self, text: str) -> None:
        print(f"entrywatch up: {text}", file=self.err, flush=True)

    def check(self) -> bool:
        """True while the process runs (restarted if it had ended); False once it has ended more often than
        the budget allows (then it is not restarted)."""
        code = self.proc.poll()
        if code is None:
            return True
        now = self.clock()
        while self.restarts and now - self.restarts[0] > self.window_s:
            self.restarts.popleft()
        ended = f"the {self.name} (pid {self.proc.pid}) {how_it_ended(code)}"
        if len(self.restarts) >= self.max_restarts:
            self._say(
                f"{ended}; it was already restarted {len(self.restarts)} times in the last "
                f"{self.window_s / 60:g} min: giving up"
            )
            return False
        self.restarts.append(now)
        budget = f"{len(self.restarts)} of {self.max_restarts} restarts in {self.window_s / 60:g} min"
        self._say(f"{ended}; restarting it ({budget})")
        self.proc = self._start()
        self._say(f"{self.name} restarted (pid {self.proc.pid})")
        return True

    def stop(self, timeout: float = 20.0) -> None:
        stop_process(self.proc, timeout)
