"""The cyclic garbage collector in a long-running worker: keep its pauses short, and measure them.

A worker's heap is mostly long-lived: the name index of the lists in force (~650,000 objects) and the
caches that fill as it screens (name results, scored candidates, the matcher's word memos). CPython's
full (generation 2) collection walks every tracked object that is not frozen, and it finds almost
nothing there: measured offline (benchmarks/profile_screen.py, which times the collector per run), 20,000
entries under backlog had one full collection of 0.29 s that freed 0 objects (young and middle ones
freed nothing either), and such a pause grows with the caches; it stalls the batch in flight. (At a
steady 100 entries/s no full collection happened in 10 minutes: the soak's latency that grows with
time is the embedded broker's, docs/benchmarks.md, "Why latency grows in the soak".)

So:

- after a list swap the new index is frozen (``freeze_heap``: unfreeze, collect, freeze);
- every ``gc_freeze_interval_s`` the worker freezes what survived since (``freeze_survivors``, O(1)), so
  the cache entries added meanwhile leave the collector's reach too. Frozen objects are still freed by
  reference counting (an evicted cache entry goes at once); only cyclic garbage that happens to be
  alive-looking in the young generations at that instant is kept until the next list swap, which
  unfreezes and collects everything. The ``entrywatch_gc_frozen_objects`` gauge shows whether that
  stays bounded;
- ``GcWatch`` times every collection (``gc.callbacks``) into ``entrywatch_gc_pause_seconds``.
"""

from __future__ import annotations

import gc
import time
from typing import Any

from prometheus_client import Counter, Histogram

GC_THRESHOLD = (10_000, 10, 10)  # gc.set_threshold once lists are in force (see freeze_heap)


def freeze_heap() -> None:
    """Move the objects alive now (the name index: ~650,000 objects with all lists) out of the cyclic
    garbage collector's reach. Without this, each full collection walks the whole index (~0.3 s, every
    few seconds under load): measured ~15% of a loaded worker's time. Objects of the replaced index are
    unfrozen first, so a list swap does not keep them."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    # A larger young generation: screening allocates many short-lived objects per entry (parsed entries,
    # reasons, records); with CPython's default of 700, young collections ran ~60 times a second and
    # promoted batch objects to the older generations, whose collections walk the growing name cache.
    # Measured offline (benchmarks/profile_screen.py, warm cache): collector time 1.0 -> 0.5 s per 10,000 entries.
    gc.set_threshold(*GC_THRESHOLD)


def freeze_survivors() -> int:
    """Freeze every object the collector tracks now (the caches' new entries, mostly). Returns the number
    of frozen objects after."""
    gc.freeze()
    return gc.get_freeze_count()


class GcWatch:
    """Times each collection of the cyclic garbage collector into Prometheus metrics. ``install`` adds a
    ``gc.callbacks`` hook for this process; ``uninstall`` removes it (tests run several workers in one
    process)."""

    def __init__(self, pauses: Histogram, collected: Counter) -> None:
        self._started = 0.0
        self.longest = 0.0  # seconds, the longest pause seen
        self.by_generation = [pauses.labels(str(g)) for g in range(3)]
        self.collected_by_generation = [collected.labels(str(g)) for g in range(3)]

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        pause = time.perf_counter() - self._started
        generation = int(info.get("generation", 2))
        self.by_generation[generation].observe(pause)
        if info.get("collected"):
            self.collected_by_generation[generation].inc(info["collected"])
        self.longest = max(self.longest, pause)

    def install(self) -> None:
        if self._callback not in gc.callbacks:
            gc.callbacks.append(self._callback)

    def uninstall(self) -> None:
        while self._callback in gc.callbacks:
            gc.callbacks.remove(self._callback)
