"""One turn of the list watcher (agents/lists.py): swap in the live lists from Redis if they changed,
under the worker's one retry policy (``streams.errors``).

Redis away, or no list loaded yet, is retried with back-off while the lists in force stay. Anything else
(a bug or bad data while building the index) is a fault: logged with its traceback, reported in
``Runtime.list_health`` (``/ready`` degraded with ``lists_reload_failing``, ``entrywatch_loop_faults_total``),
the lists in force stay, and the watcher's next turn (an announcement or its periodic check) tries again.
"""

from __future__ import annotations

import logging

from streams import errors
from streams.runtime import Runtime

log = logging.getLogger(__name__)


async def refresh(rt: Runtime) -> bool:
    """True if new lists were swapped in; False if none changed or on a fault (reported, not raised)."""
    health = rt.list_health

    def retrying(exc: BaseException) -> None:
        health.retrying(exc)
        rt.metrics.list_reload_errors.inc()

    try:
        swapped = await errors.retry(
            rt.reload_lists, what="loading the lists from Redis", cap_s=rt.settings.redis_retry_max_s,
            on_attempt_failed=retrying,
        )  # fmt: skip
    except Exception as exc:  # a fault (transient failures are retried above): keep the lists in force
        health.faulted(exc)
        rt.metrics.list_reload_errors.inc()
        log.exception("could not build the lists from Redis; the lists in force stay, the next announcement "
                      "or check tries again")  # fmt: skip
        return False
    health.succeeded()
    return swapped
