"""Metrics: one registry per Runtime, counters moved by a batch, lag from fetched positions."""

from __future__ import annotations

import json
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from screening.screen import ScreeningContext
from streams.metrics import ListInfo, Metrics, PartitionPosition
from streams.pipeline import Inbound
from streams.runtime import Runtime
from streams.settings import Settings
from tests.worker_route import WorkerRoute

SETTINGS = Settings(kafka_bootstrap="127.0.0.1:1", web_port=0)  # type: ignore[call-arg]


def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(metrics.exposition().decode()):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(metrics: Metrics, name: str, **labels: str) -> float | None:
    return samples(metrics).get((name, tuple(sorted(labels.items()))))


def test_each_runtime_has_its_own_registry() -> None:
    a, b = Runtime(SETTINGS), Runtime(SETTINGS)
    a.metrics.entries_in.inc(3)
    assert value(a.metrics, "entrywatch_entries_total") == 3
    assert value(b.metrics, "entrywatch_entries_total") == 0


async def test_a_batch_moves_decisions_reasons_dead_letters_and_timings(
    skeleton_context: ScreeningContext, demo_entries: list[dict[str, Any]]
) -> None:
    route = WorkerRoute(skeleton_context, SETTINGS)
    rt = route.rt
    raws = [json.dumps(e).encode() for e in demo_entries] + [b"{not json"]
    batch = [Inbound(None, raw, "entries.v1", 0, i) for i, raw in enumerate(raws)]
    timings: dict[str, float] = {}
    records = await route.answer(batch, timings)
    route.screener.finished(records, started=0.0, stages=timings, produced_at=[None] * len(records))
    await rt.close()

    m = rt.metrics
    kinds = [r.decision for r in records]
    assert value(m, "entrywatch_entries_total") == len(raws)
    for kind in ("HOLD", "REVIEW", "CLEAR", "DLQ"):
        assert value(m, "entrywatch_decisions_total", decision=kind) == kinds.count(kind)
    holds = [json.loads(r.value) for r in records if r.decision == "HOLD"]
    codes = [reason["code"] for h in holds for reason in h["reasons"]]
    assert value(m, "entrywatch_decision_reasons_total", decision="HOLD", code="UFLPA_ENTITY") == codes.count(
        "UFLPA_ENTITY"
    )
    assert value(m, "entrywatch_dead_letters_total", error_kind="decode") == 1
    for stage in ("decode", "screen", "send"):
        assert value(m, "entrywatch_stage_seconds_count", stage=stage) == 1
        assert (value(m, "entrywatch_stage_seconds_sum", stage=stage) or 0) > 0
    assert value(m, "entrywatch_screening_latency_seconds_count") == len(raws)
    # no record timestamps given: no end-to-end observations
    assert value(m, "entrywatch_end_to_end_latency_seconds_count") == 0
    # the page's ring buffer got the holds, newest first, and the counts add up
    assert {h["entry_number"] for h in rt.activity.latest()} == {h["entry_number"] for h in holds}
    assert rt.counts["in"] == len(raws) and rt.counts["DLQ"] == 1


def test_lag_uses_fetch_highwater_or_last_fetched_offset_never_list_offsets() -> None:
    # the fetch response's high watermark is the end when known
    assert PartitionPosition("entries.v1", 0, committed=10, fetched=14, highwater=20).lag == 10
    # a high watermark behind the last fetched record (stale) does not hide fetched records
    assert PartitionPosition("entries.v1", 0, committed=10, fetched=14, highwater=12).lag == 5
    # no fetch answer yet: the last fetched record is the floor
    assert PartitionPosition("entries.v1", 0, committed=None, fetched=4, highwater=None).lag == 5
    assert PartitionPosition("entries.v1", 0, committed=7, fetched=None, highwater=None).lag is None
    # committed past a stale end never goes negative
    assert PartitionPosition("entries.v1", 0, committed=30, fetched=14, highwater=20).lag == 0


def test_live_gauges_read_at_scrape_time() -> None:
    m = Metrics()
    positions = [PartitionPosition("entries.v1", 1, committed=5, fetched=8, highwater=12)]
    m.positions_source = lambda: positions
    m.lists_source = lambda: [ListInfo("uflpa", "2025-01-15-abc", 28, loaded_at=1.0, published="2025-01-15")]
    assert value(m, "entrywatch_consumer_lag", topic="entries.v1", partition="1") == 7
    assert value(m, "entrywatch_consumer_highwater", topic="entries.v1", partition="1") == 12
    assert value(m, "entrywatch_assigned_partitions") == 1
    assert value(m, "entrywatch_list_info", source="uflpa", version="2025-01-15-abc") == 1
    assert value(m, "entrywatch_list_entities", source="uflpa") == 28
    assert (value(m, "entrywatch_list_age_seconds", source="uflpa") or 0) > 1_000_000
    m.positions_source = list  # nothing assigned any more
    assert value(m, "entrywatch_consumer_lag", topic="entries.v1", partition="1") is None
