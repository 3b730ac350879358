"""Prometheus metrics of one worker, in a registry of its own (so tests and several runtimes in one
process never collide). Counters and histograms are updated by the screening agent through the
Runtime; list versions and consumer lag are read when ``/metrics`` is scraped.

Consumer lag, per assigned partition of entries.v1::

    end  = max(high watermark of the latest fetch response, offset of the last fetched record + 1)
    lag  = end - committed offset (the next offset the group will resume from)

The broker's ListOffsets answer is NOT used: Tansu returns the first offset of the last record batch
+ 1 there (see shared NOTES). The high watermark that comes back with every Fetch response is right
(measured: 300 records in multi-record batches, ListOffsets said 1, the fetch high watermark 300), and
the last fetched offset is a floor when no fetch has answered yet. Records fetched but not yet acked
count as lag, so the figure covers both the broker backlog and the worker's own buffers.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from screening.freshness import published_age_s
from streams.health import AgentHealth

PAUSE_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
STAGES = ("decode", "screen", "send")


@dataclass(frozen=True, slots=True)
class PartitionPosition:
    topic: str
    partition: int
    committed: int | None  # next offset the group resumes from
    fetched: int | None  # offset of the last record fetched and handed to the stream
    highwater: int | None  # from the latest Fetch response

    @property
    def end(self) -> int | None:
        candidates = [x for x in (self.highwater, None if self.fetched is None else self.fetched + 1) if x is not None]
        return max(candidates) if candidates else None

    @property
    def lag(self) -> int | None:
        end = self.end
        if end is None:
            return None
        return max(0, end - (self.committed or 0))


@dataclass(frozen=True, slots=True)
class ListInfo:
    source: str
    version: str
    entities: int | None
    loaded_at: float | None  # when this version went live in Redis (epoch seconds)
    published: str | None


class _LiveCollector(Collector):
    """Gauges computed at scrape time from the worker's state."""

    def __init__(self, metrics: Metrics) -> None:
        self.m = metrics

    def collect(self) -> Iterator[Metric]:
        now = time.time()
        info = GaugeMetricFamily(
            "entrywatch_list_info", "Live list version in force (value 1)", labels=["source", "version"]
        )
        age = GaugeMetricFamily(
            "entrywatch_list_age_seconds",
            "Seconds since the live list version went live in Redis",
            labels=["source"],
        )
        published = GaugeMetricFamily(
            "entrywatch_list_published_age_seconds",
            "Seconds since the publication date of the live list version, as its publisher states it",
            labels=["source"],
        )
        ents = GaugeMetricFamily("entrywatch_list_entities", "Entities of the live list version", labels=["source"])
        for li in self.m.lists_source():
            info.add_metric([li.source, li.version], 1)
            if li.loaded_at is not None:
                age.add_metric([li.source], max(0.0, now - li.loaded_at))
            published_age = published_age_s(li.published, now)
            if published_age is not None:
                published.add_metric([li.source], published_age)
            if li.entities is not None:
                ents.add_metric([li.source], li.entities)
        yield info
        yield age
        yield published
        yield ents
        swapped = GaugeMetricFamily(
            "entrywatch_lists_swapped_timestamp_seconds",
            "When this worker last swapped in a new set of lists",
        )
        if self.m.swapped_at() is not None:
            swapped.add_metric([], self.m.swapped_at())
        yield swapped
        frozen = GaugeMetricFamily(
            "entrywatch_gc_frozen_objects", "Objects frozen out of the cyclic garbage collector's reach"
        )
        frozen.add_metric([], gc.get_freeze_count())
        yield frozen

        labels = ["topic", "partition"]
        lag = GaugeMetricFamily(
            "entrywatch_consumer_lag",
            "Records not yet committed: fetch end minus committed offset",
            labels=labels,
        )
        committed = GaugeMetricFamily(
            "entrywatch_consumer_committed_offset", "Next offset to resume from", labels=labels
        )
        fetched = GaugeMetricFamily(
            "entrywatch_consumer_fetched_offset", "Offset of the last fetched record", labels=labels
        )
        high = GaugeMetricFamily(
            "entrywatch_consumer_highwater", "High watermark from the latest fetch response", labels=labels
        )
        assigned = GaugeMetricFamily(
            "entrywatch_assigned_partitions", "Partitions of entries.v1 assigned to this worker"
        )
        positions = list(self.m.positions_source())
        assigned.add_metric([], len(positions))
        for p in positions:
            lv = [p.topic, str(p.partition)]
            if p.lag is not None:
                lag.add_metric(lv, p.lag)
            if p.committed is not None:
                committed.add_metric(lv, p.committed)
            if p.fetched is not None:
                fetched.add_metric(lv, p.fetched)
            if p.highwater is not None:
                high.add_metric(lv, p.highwater)
        yield from (assigned, lag, committed, fetched, high)

        health = self.m.health_source()
        if health is not None:
            up = GaugeMetricFamily(
                "entrywatch_screen_agent_up",
                "1 while the screening agent consumes (idle or working), 0 while starting, waiting for lists, "
                "or crashed",
            )
            up.add_metric([], 1 if health.up else 0)
            busy = GaugeMetricFamily(
                "entrywatch_screen_batch_in_progress_seconds",
                "How long the batch in progress has taken so far (0: none); /ready fails past screen_stall_after_s",
            )
            busy.add_metric([], health.busy_for())
            yield from (up, busy)
            for name, doc, value in (
                ("entrywatch_screen_agent_crashes", "Screening agent bodies that ended with an exception",
                 health.crashes),
                ("entrywatch_screen_fallbacks", "Batches answered record by record after a fault", health.fallbacks),
                ("entrywatch_screen_retries", "Transient failures retried during a batch (Redis, broker)",
                 health.retries),
            ):  # fmt: skip
                counter = CounterMetricFamily(name, doc)
                counter.add_metric([], value)
                yield counter


class Metrics:
    """The worker's metrics. ``lists_source``/``positions_source`` are callables set by whoever knows
    the live lists and the consumer (the Runtime and the web module)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.entries_in = Counter("entrywatch_entries", "Entry messages taken from entries.v1", registry=r)
        self.decisions = Counter(
            "entrywatch_decisions",
            "Records written, by decision (HOLD, REVIEW, CLEAR, DLQ)",
            ["decision"],
            registry=r,
        )
        self.reasons = Counter(
            "entrywatch_decision_reasons",
            "Reasons on HOLD/REVIEW decisions by decision and reason code (once per reason)",
            ["decision", "code"],
            registry=r,
        )
        self.dead_letters = Counter(
            "entrywatch_dead_letters", "Messages sent to the DLQ, by error kind", ["error_kind"], registry=r
        )
        self.latency = Histogram(
            "entrywatch_screening_latency_seconds",
            "Per entry: from the agent taking its batch to the decision's delivery being confirmed",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.end_to_end = Histogram(
            "entrywatch_end_to_end_latency_seconds",
            "Per entry: from the entry record's timestamp to the decision's delivery being confirmed",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.stage = Histogram(
            "entrywatch_stage_seconds", "Time per batch in each stage (decode, screen, send)", ["stage"],
            buckets=LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.batch_size = Histogram(
            "entrywatch_batch_size",
            "Entries per agent batch",
            buckets=(1, 10, 50, 100, 250, 500, 1000, 5000),
            registry=r,
        )
        self.list_reloads = Counter("entrywatch_list_reloads", "Swaps of a new set of live lists", registry=r)
        self.gc_pauses = Histogram(
            "entrywatch_gc_pause_seconds", "Pauses of the cyclic garbage collector, by generation", ["generation"],
            buckets=PAUSE_BUCKETS, registry=r,
        )  # fmt: skip
        self.gc_collected = Counter(
            "entrywatch_gc_collected_objects",
            "Unreachable objects the cyclic garbage collector freed, by generation",
            ["generation"],
            registry=r,
        )
        self.list_reload_errors = Counter("entrywatch_list_reload_errors", "Failed list reloads", registry=r)
        self.shared_names = Counter(
            "entrywatch_shared_name_results",
            "Name-search results taken from other workers (adopted) and shared with them (published)",
            ["direction"],
            registry=r,
        )
        for stage in STAGES:
            self.stage.labels(stage)
        for kind in ("HOLD", "REVIEW", "CLEAR", "DLQ"):
            self.decisions.labels(kind)
        for direction in ("adopted", "published"):
            self.shared_names.labels(direction)
        self.lists_source: Callable[[], Iterable[ListInfo]] = list
        self.positions_source: Callable[[], Iterable[PartitionPosition]] = list
        self.swapped_at: Callable[[], float | None] = lambda: None
        self.health_source: Callable[[], AgentHealth | None] = lambda: None
        r.register(_LiveCollector(self))

    def observe_batch(
        self,
        decisions: Mapping[str, int],
        parsed: Iterable[tuple[str, dict[str, Any]]],
        *,
        stages: Mapping[str, float] | None = None,
        latencies: Iterable[float] = (),
        end_to_end: Iterable[float] = (),
    ) -> None:
        """One agent batch: ``decisions`` kind -> count; ``parsed`` (kind, record) for HOLD/REVIEW
        decisions and dead letters."""
        n = sum(decisions.values())
        self.entries_in.inc(n)
        self.batch_size.observe(n)
        for kind, count in decisions.items():
            if count:
                self.decisions.labels(kind).inc(count)
        for kind, record in parsed:
            if kind == "DLQ":
                self.dead_letters.labels(str(record.get("error_kind", "unknown"))).inc()
                continue
            for reason in record.get("reasons", []):
                self.reasons.labels(kind, str(reason.get("code", "UNKNOWN"))).inc()
        for stage, seconds in (stages or {}).items():
            self.stage.labels(stage).observe(seconds)
        for s in latencies:
            self.latency.observe(s)
        for s in end_to_end:
            self.end_to_end.observe(s)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
