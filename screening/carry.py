"""Results of a costly pure function carried from one list load to the next.

A worker prepares the same things at every list swap: the names' prepared forms, the entities decoded
from Redis, their fingerprints. A list update changes few of them, so each of those steps keeps what it
computed for the lists in force and the next load computes only what is new (docs/runbook.md, "Load
lists"). The function must be pure: a carried value is the one it would compute again.

One :class:`CarryOver` per step, at module level. It holds the results of the last full set (replaced
by each load, so it does not grow with the list versions a process sees); a set much smaller than the
one kept (the few entities of a retro-screen's delta) is added to it rather than replacing it, up to
twice the size of the last full set.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class CarryOver(Generic[K, V]):
    """The results of the last set of calls, for the next set to reuse. Safe to share between threads
    (a build may run in a worker thread while another one reads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[K, V] = {}
        self._full = 0  # the size of the last set that replaced the kept results

    def known(self) -> Mapping[K, V]:
        """The results kept; read-only (``keep`` replaces the mapping, never changes it)."""
        with self._lock:
            return self._kept

    def keep(self, results: dict[K, V]) -> None:
        """Keep ``results`` (every result of one load) for the next load; ``results`` is not copied."""
        with self._lock:
            if 2 * len(results) >= self._full:
                self._kept, self._full = results, len(results)
                return
            merged = {**self._kept, **results}
            if len(merged) <= 2 * self._full:
                self._kept = merged
            else:
                self._kept, self._full = results, len(results)

    def clear(self) -> None:
        with self._lock:
            self._kept, self._full = {}, 0

    def __len__(self) -> int:
        return len(self._kept)
