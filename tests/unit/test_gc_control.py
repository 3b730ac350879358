"""The worker's garbage-collector control: pauses are measured, survivors are frozen, and frozen objects
are still freed by reference counting (an evicted cache entry does not leak)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families

from streams.gc_control import GcWatch, freeze_survivors
from streams.metrics import Metrics


@pytest.fixture
def metrics() -> Iterator[Metrics]:
    m = Metrics()
    yield m
    gc.unfreeze()


def samples(m: Metrics) -> dict[tuple[str, str | None], float]:
    out = {}
    for family in text_string_to_metric_families(m.exposition().decode()):
        for s in family.samples:
            out[(s.name, s.labels.get("generation"))] = s.value
    return out


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def test_watch_times_each_collection_and_counts_what_it_freed(metrics: Metrics) -> None:
    watch = GcWatch(metrics.gc_pauses, metrics.gc_collected)
    watch.install()
    watch.install()  # once only
    try:
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle only the collector can free
        del a, b
        gc.collect()
    finally:
        watch.uninstall()
    got = samples(metrics)
    assert got[("entrywatch_gc_pause_seconds_count", "2")] == 1
    assert got[("entrywatch_gc_pause_seconds_sum", "2")] > 0
    assert got[("entrywatch_gc_collected_objects_total", "2")] >= 2
    assert watch.longest > 0
    assert watch._callback not in gc.callbacks
    gc.collect()  # after uninstall: not counted
    assert samples(metrics)[("entrywatch_gc_pause_seconds_count", "2")] == 1


def test_frozen_objects_are_reported_and_still_freed_by_reference_counting(metrics: Metrics) -> None:
    gc.unfreeze()
    cache = {i: [i] for i in range(1000)}  # lists are tracked by the collector
    before = freeze_survivors()
    assert before >= 1000
    assert samples(metrics)[("entrywatch_gc_frozen_objects", None)] == gc.get_freeze_count()
    cache.clear()  # evicted entries go at once, frozen or not
    assert gc.get_freeze_count() <= before - 1000
