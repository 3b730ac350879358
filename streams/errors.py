"""What counts as a transient failure, and the one retry policy of the worker's loops.

Transient: the broker or Redis is unreachable, slow or failing over; the same call can succeed later, so
the loop waits (exponential back-off with jitter, capped at ``Settings.redis_retry_max_s``) and does not
ack its input meanwhile. Everything else is a fault of the record or of the code: it is not retried, the
caller answers the record another way (a dead letter with the reason) so no input is lost or stuck,
or, in a background loop, reports it (``streams.health.LoopHealth``) and tries again on its next turn.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiokafka.errors import KafkaError, KafkaTimeoutError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

T = TypeVar("T")

FIRST_DELAY_S = 0.1
WARN_EVERY_S = 30.0  # a failure that persists is logged again this often, not on every attempt


class Unavailable(RuntimeError):
    """Something the worker needs is not there yet (e.g. no list loaded in Redis): like a transient
    failure, a later attempt may not meet it, so it is retried with the same back-off."""


def is_transient(exc: BaseException) -> bool:
    """True for failures of the broker or Redis that a later attempt may not meet, and ``Unavailable``."""
    if isinstance(exc, Unavailable):
        return True
    if isinstance(exc, KafkaError):
        return bool(getattr(exc, "retriable", False)) or isinstance(exc, KafkaTimeoutError)
    if isinstance(exc, RedisError):
        # connection refused/reset, timeouts, a server loading or read-only during fail-over; not a
        # ResponseError of a command or script (a bug, or data of the wrong type)
        return isinstance(exc, RedisConnectionError | RedisTimeoutError) or type(exc).__name__ in (
            "BusyLoadingError",
            "ReadOnlyError",
            "TryAgainError",
            "ClusterDownError",
        )
    return isinstance(exc, OSError | TimeoutError | asyncio.TimeoutError)


async def retry(
    op: Callable[[], Awaitable[T]],
    *,
    what: str,
    cap_s: float,
    on_attempt_failed: Callable[[BaseException], None] | None = None,
) -> T:
    """``await op()`` until it succeeds; transient failures are retried with back-off and jitter,
    anything else is raised at once. ``what`` names the operation in the log."""
    delay, attempts, warned_at = FIRST_DELAY_S, 0, 0.0
    while True:
        try:
            return await op()
        except Exception as exc:
            if not is_transient(exc):
                raise
            attempts += 1
            if on_attempt_failed is not None:
                on_attempt_failed(exc)
            now = time.monotonic()
            if attempts == 1 or now - warned_at >= WARN_EVERY_S:
                warned_at = now
                log.warning("%s failed (%s: %s); retrying (attempt %d)", what, type(exc).__name__, exc, attempts)
            await asyncio.sleep(random.uniform(delay / 2, delay))
            delay = min(delay * 2, cap_s)
