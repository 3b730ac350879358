"""A small run of the stream benchmark on the session's broker and Redis: every entry is decided exactly
once in every phase and the report carries every field. No timed assertions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.generate import CATEGORIES
from benchmarks.stream import PHASES, BenchConfig, StreamBench, render_table
from tests.conftest import LISTS
from tests.integration.conftest import Stack

pytestmark = [pytest.mark.integration, pytest.mark.bench]

N = 200


@pytest.fixture(scope="module")
def report(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    config = BenchConfig(
        entries=N,
        workers=(1,),
        partitions=stack.settings.partitions,
        bootstrap=stack.settings.kafka_bootstrap,
        redis_url=stack.redis.address,
        lists=(str(LISTS),),
        warmup=10,
        idle_timeout_s=90,
        log_dir=str(tmp_path_factory.mktemp("bench")),
    )
    return StreamBench(config).run()


def test_every_entry_is_decided_exactly_once_in_every_phase(report: dict) -> None:  # type: ignore[type-arg]
    assert [p["phase"] for p in report["phases"]] == list(PHASES)
    for p in report["phases"]:
        assert p["entries"] == N and p["decided"] == N, p
        assert p["missing"] == 0 and p["duplicates"] == 0 and p["exactly_once"]
    assert report["all_decided_exactly_once"] is True


def test_the_report_has_every_field(report: dict) -> None:  # type: ignore[type-arg]
    for p in report["phases"]:
        assert set(p["latency_ms"]) == {"p50", "p95", "p99", "max", "mean"}
        assert p["latency_ms"]["p50"] <= p["latency_ms"]["p95"] <= p["latency_ms"]["p99"] <= p["latency_ms"]["max"]
        assert p["throughput_eps"] > 0 and p["duration_s"] > 0
        assert len(p["peak_rss_mb"]) == p["processes"] == 1 and p["peak_rss_mb"][0] > 0
        assert len(p["cpu_s"]) == 1
        assert p["timestamp_type"] == "create_time"
    screen = report["phases"][0]
    assert sum(screen["decisions"].values()) == N
    # the screening worker's collector during the phase, from its /metrics (references have no web server)
    (gc_seen,) = screen["gc"]
    assert gc_seen is not None and gc_seen["frozen_objects"] > 10_000 and gc_seen["collections_gen0"] >= 0
    assert all(g is None for p in report["phases"][1:] for g in p["gc"])
    assert set(screen["decisions_by_category"]) == set(CATEGORIES)
    assert set(screen["outputs_by_topic"]) <= {f"bench-{report['run_id']}-screen-w1-{t}" for t in
                                              ("holds.v1", "cleared.v1", "entries.dlq.v1")}  # fmt: skip
    assert report["ratios"]["workers_1"]["screen_vs_faust_forward"] is not None
    assert report["ratios"]["workers_1"]["screen_vs_plain_loop"] is not None
    assert report["ratios"]["workers_1"]["screen_vs_faust_forward_per_cpu_s"] is not None
    assert all(len(p["pids"]) == p["processes"] for p in report["phases"])
    assert {
        "one_worker_eps",
        "screen_vs_faust_forward",
        "p99_ms_at_1000_eps",
        "peak_rss_mb_per_worker",
    } <= set(report["targets"])
    assert report["lists"] and report["machine"]["cpus"]
    json.dumps(report)  # serialisable as the --json output
    table = render_table(report)
    for phase in PHASES:
        assert phase in table


def test_the_run_left_the_shared_redis_lists_alone(stack: Stack, report: dict) -> None:  # type: ignore[type-arg]
    import redis

    r = redis.Redis.from_url(stack.redis.address)
    try:
        assert not list(r.scan_iter(f"ewbench-{report['run_id']}:*"))  # its own keys were removed
        assert r.exists("ew:lists:sources")  # the session's lists are still there
    finally:
        r.close()


def test_short_soak_reports_windows_and_decides_everything(tmp_path: Path) -> None:
    """CI's share of the soak: a few seconds of steady load (the 10-minute run is in docs/benchmarks.md)."""
    from benchmarks.soak import Soak

    lists = LISTS
    config = BenchConfig(
        workers=(1,), partitions=2, lists=(str(lists / "uflpa"), str(lists / "cbp")), log_dir=str(tmp_path)
    )
    report = Soak(config, minutes=0.2, rate=25, window_s=4).run()
    assert report["produced"] == 300 and report["decided"] == 300 and report["all_decided"]
    assert len(report["windows"]) >= 2
    assert all(w["rss_mb"] and w["rss_mb"][0] > 0 for w in report["windows"])
    # the worker's garbage collector, read from its /metrics: the lists' index is frozen at the swap
    first = report["windows"][0]["gc"][0]
    assert first is not None and first["frozen_objects"] > 10_000
    assert all(g is not None and g["collections_gen0"] >= 0 for w in report["windows"] for g in w["gc"])
    assert set(report) >= {"rss_baseline_mb", "rss_max_mb", "rss_growth", "memory_flat"}
