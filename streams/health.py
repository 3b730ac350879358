"""Whether the screening agent is consuming: its state as it runs, read by ``/ready`` and ``/metrics``.

A worker whose screen agent crashed, is restarting, or is stuck on one batch (Redis or the broker failing
for long, or a record nothing can answer) must not say it is ready: the entries it holds are not
being decided. The agent reports each step here; ``problems`` names what is wrong.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

State = Literal["starting", "waiting_for_lists", "idle", "working", "crashed"]

SCREEN_AGENT_DOWN = "screen_agent_down"
SCREEN_AGENT_STALLED = "screen_agent_stalled"


@dataclass
class AgentHealth:
    """The screening agent's progress. Times are ``time.monotonic()``."""

    state: State = "starting"
    busy_since: float | None = None  # when the batch in progress was taken
    last_batch_done: float | None = None
    batches: int = 0
    crashes: int = 0  # agent bodies that ended with an exception (the worker then stops)
    fallbacks: int = 0  # batches answered record by record after a fault
    retries: int = 0  # transient failures retried while a batch was in progress
    last_error: str | None = None

    def waiting_for_lists(self) -> None:
        self.state = "waiting_for_lists"

    def batch_started(self) -> None:
        self.state, self.busy_since = "working", time.monotonic()

    def batch_done(self) -> None:
        self.state, self.busy_since = "idle", None
        self.last_batch_done = time.monotonic()
        self.batches += 1

    def retrying(self, exc: BaseException) -> None:
        self.retries += 1
        self.last_error = f"{type(exc).__name__}: {exc}"

    def fell_back(self, exc: BaseException) -> None:
        self.fallbacks += 1
        self.last_error = f"{type(exc).__name__}: {exc}"

    def crashed(self, exc: BaseException) -> None:
        self.state, self.busy_since = "crashed", None
        self.crashes += 1
        self.last_error = f"{type(exc).__name__}: {exc}"

    def busy_for(self, now: float | None = None) -> float:
        """Seconds the batch in progress has taken so far (0 when none is)."""
        if self.busy_since is None:
            return 0.0
        return max(0.0, (time.monotonic() if now is None else now) - self.busy_since)

    def problems(self, stall_after_s: float, now: float | None = None) -> list[str]:
        if self.state == "crashed":
            return [SCREEN_AGENT_DOWN]
        if self.busy_for(now) > stall_after_s:
            return [SCREEN_AGENT_STALLED]
        return []

    @property
    def up(self) -> bool:
        return self.state in ("idle", "working")


@dataclass
class LoopHealth:
    """A background loop of the worker (the list watcher, the retro-screen), read by ``/ready`` and
    ``/metrics``. Transient failures (Redis or the broker away) are retried with back-off by
    ``streams.errors.retry``; anything else is a fault: logged with its traceback, counted, and tried again
    only on the loop's next turn (an announcement or its periodic check), never in a tight loop.
    ``last_error`` is the failure in progress, cleared by the next success."""

    retries: int = 0
    faults: int = 0
    last_error: str | None = None

    def retrying(self, exc: BaseException) -> None:
        self.retries += 1
        self.last_error = f"{type(exc).__name__}: {exc}"

    def faulted(self, exc: BaseException) -> None:
        self.faults += 1
        self.last_error = f"{type(exc).__name__}: {exc}"

    def succeeded(self) -> None:
        self.last_error = None

    @property
    def failing(self) -> bool:
        return self.last_error is not None

    def to_json(self) -> dict[str, object]:
        return {"failing": self.failing, "retries": self.retries, "faults": self.faults, "last_error": self.last_error}
