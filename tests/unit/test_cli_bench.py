"""The bench command: bare `entrywatch bench`, `entrywatch bench stream`, `bench match`, `retro bench`; the
stream benchmark's report (benchmarks/stream.py)."""

from __future__ import annotations

from typing import Any

from entrywatch.cli import build_parser
from entrywatch.cli.bench import cmd_match, cmd_stream
from entrywatch.cli.retro import cmd_bench


def test_bare_bench_runs_the_stream_benchmark() -> None:
    args = build_parser().parse_args(["bench", "--entries", "50", "--workers", "1,2", "--rate", "1000", "--json"])
    assert args.func is cmd_stream
    assert args.entries == 50 and args.workers == (1, 2) and args.rate == 1000.0 and args.json


def test_bench_stream_subcommand() -> None:
    args = build_parser().parse_args(["bench", "stream", "--partitions", "8", "--no-references"])
    assert args.func is cmd_stream
    assert args.partitions == 8 and args.no_references and args.workers == (1,)


def test_bench_match_and_retro_bench() -> None:
    args = build_parser().parse_args(["bench", "match", "--queries", "10", "--hold-threshold", "0.9"])
    assert args.func is cmd_match and args.queries == 10 and args.hold_threshold == 0.9
    args = build_parser().parse_args(["retro", "bench", "--entries", "500", "--use-redis-url"])
    assert args.func is cmd_bench and args.entries == 500 and args.use_redis_url


# -- too small to judge, and progress --------------------------------------------------------------------


def _phase(phase: str, entries: int, eps: float, p99: float = 120.0) -> Any:
    from benchmarks.stream import PhaseResult

    lat = {"p50": 50.0, "p95": 90.0, "p99": p99, "max": p99, "mean": 60.0}
    return PhaseResult(phase=phase, processes=1, partitions=4, entries=entries, decided=entries, missing=0,
                       duplicates=0, throughput_eps=eps, produce_rate_eps=eps, duration_s=entries / eps,
                       latency_ms=lat, peak_rss_mb=[300.0], cpu_s=[1.0])  # fmt: skip


class _FakeBench:
    def __init__(self) -> None:
        self.run_id = "r1"
        self.list_summary = {"uflpa": 100}
        self.log_dir = "/tmp"

    def settings(self) -> Any:
        from streams.settings import Settings

        return Settings(batch_size=500)  # type: ignore[call-arg]


def _report(entries: int, rate: float | None = None) -> dict[str, Any]:
    from benchmarks.stream import BenchConfig, build_report

    cfg = BenchConfig(entries=entries, rate=rate)
    results = [_phase("screen", entries, 2500.0), _phase("faust_forward", entries, 1500.0)]
    return build_report(cfg, results, _FakeBench(), 0.0, (0.0, 0.0, 0.0))  # type: ignore[arg-type]


def test_a_run_too_small_for_a_throughput_target_is_not_judged() -> None:
    from benchmarks.stream import render_table

    report = _report(300)
    for name in ("one_worker_eps", "screen_vs_faust_forward"):
        t = report["targets"][name]
        assert t["met"] is None and "--entries 5000" in t["too_small"], t
    table = render_table(report)
    assert "target one_worker_eps: 2500 (target >= 2000) too small to judge - throughput needs at least 10 " \
           "batches of 500 per process (--entries 5000 for 1 worker(s))" in table  # fmt: skip
    assert "NOT met" not in table and "one_worker_eps: 2500 (target >= 2000) met" not in table
    assert report["targets"]["peak_rss_mb_per_worker"]["met"] is True  # the lists, not the run, set the RSS


def test_a_run_large_enough_is_judged() -> None:
    report = _report(5000)
    assert report["targets"]["one_worker_eps"]["met"] is True and not report["targets"]["one_worker_eps"]["too_small"]
    assert report["targets"]["screen_vs_faust_forward"]["met"] is True


def test_p99_needs_a_thousand_latencies() -> None:
    from benchmarks.stream import render_table

    small, large = _report(300, rate=1000.0), _report(1000, rate=1000.0)
    assert small["targets"]["p99_ms_at_1000_eps"]["met"] is None
    assert "too small to judge - a p99 needs at least 1000 latencies" in render_table(small)
    assert large["targets"]["p99_ms_at_1000_eps"]["met"] is True
    # a steady-rate run says what the throughput target needs first: another kind of run
    assert "one_worker_eps: - (target >= 2000) n/a - needs a run without --rate" in render_table(small)


def test_each_step_is_said_on_stderr_without_a_terminal(tmp_path: Any) -> None:
    import io

    from benchmarks.stream import BenchConfig, StreamBench

    err = io.StringIO()
    StreamBench(BenchConfig(progress=False, log_dir=str(tmp_path)), err=err).say("screen x1: starting 1 process(es)")
    assert err.getvalue() == "screen x1: starting 1 process(es)\n"
