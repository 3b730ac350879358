"""``entrywatch bench stream`` (and bare ``entrywatch bench``): the end-to-end stream benchmark.

``add_stream_bench(bench_subparsers)`` adds the ``stream`` subcommand to an existing ``bench`` group;
``register(sub)`` creates the ``bench`` group when no other module has, and makes a bare
``entrywatch bench [options]`` run the stream benchmark.
"""

from __future__ import annotations

import argparse
import json
import sys

from entrywatch.cli.connect import add_connection_arguments, connect
from entrywatch.paths import DEFAULT_LISTS


def _worker_counts(text: str) -> tuple[int, ...]:
    try:
        counts = tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a count or counts like 1,2, got {text!r}") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("worker counts must be at least 1")
    return counts


def add_stream_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--entries", type=int, default=2_000, help="entries to produce per phase (default 2000)")
    p.add_argument(
        "--workers", type=_worker_counts, default=(1,), metavar="W[,W...]",
        help="worker processes; several counts (e.g. 1,2) run one after the other (default 1)",
    )  # fmt: skip
    p.add_argument("--partitions", type=int, default=4, help="partitions of every topic (default 4)")
    p.add_argument(
        "--rate", type=float, default=None, metavar="R",
        help="produce at a steady R entries/s (default: as fast as possible, a backlog)",
    )  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the report as JSON on stdout (table on stderr)")
    p.add_argument("--no-references", action="store_true", help="skip the Faust-forward and plain-loop references")
    add_connection_arguments(p, default="embedded")
    p.add_argument(
        "--lists", nargs="+", default=[str(DEFAULT_LISTS)], metavar="PATH",
        help="list files to screen against and to build entries from (default: the bundled lists)",
    )  # fmt: skip
    p.add_argument("--seed", type=int, default=7, help="seed of the entry generator (default 7)")
    p.add_argument("--warmup", type=int, default=50, help="warm-up entries before each measured phase (default 50)")
    p.add_argument("--idle-timeout", type=float, default=120.0, help="give up after this long without an output (s)")
    p.add_argument("--log-dir", help="where the broker, Redis and the processes write their logs")
    p.add_argument("--keep-topics", action="store_true", help="do not delete the run's topics afterwards")
    p.add_argument(
        "--soak", type=float, default=0, metavar="MINUTES",
        help="steady load at --rate (default 200/s) for MINUTES: throughput, latency and RSS over time",
    )  # fmt: skip


def cmd_stream(args: argparse.Namespace) -> int:
    from entrywatch.bench.stream import BenchConfig, StreamBench, render_table

    connect(args, kafka=bool(args.bootstrap), redis=bool(args.redis_url))  # an external one must answer
    if args.soak:
        return cmd_soak(args)

    config = BenchConfig(
        entries=args.entries,
        workers=tuple(args.workers),
        partitions=args.partitions,
        rate=args.rate,
        references=not args.no_references,
        bootstrap=args.bootstrap,
        redis_url=args.redis_url,
        lists=tuple(args.lists),
        seed=args.seed,
        warmup=args.warmup,
        idle_timeout_s=args.idle_timeout,
        log_dir=args.log_dir,
        keep_topics=args.keep_topics,
        progress=sys.stderr.isatty(),
    )
    report = StreamBench(config).run()
    table = render_table(report)
    if args.json:
        print(table, file=sys.stderr)
        print(json.dumps(report, indent=2))
    else:
        print(table)
    return 0 if report["all_decided_exactly_once"] else 1


def cmd_soak(args: argparse.Namespace) -> int:
    from entrywatch.bench.soak import Soak
    from entrywatch.bench.stream import BenchConfig

    config = BenchConfig(
        workers=tuple(args.workers[:1]), partitions=args.partitions, bootstrap=args.bootstrap,
        redis_url=args.redis_url, lists=tuple(args.lists), seed=args.seed, idle_timeout_s=args.idle_timeout,
        log_dir=args.log_dir, progress=True,
    )  # fmt: skip
    report = Soak(config, args.soak, args.rate or 200.0).run()
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{'t (s)':>8} {'entries/s':>10} {'p50 ms':>8} {'p99 ms':>8}  rss MB")
        for w in report["windows"]:
            lat = w["latency_ms"]
            print(f"{w['t_s']:>8.0f} {w['entries_per_s']:>10.1f} {lat.get('p50', 0):>8.0f} {lat.get('p99', 0):>8.0f}  "
                  f"{w['rss_mb']}")  # fmt: skip
        print(f"decided {report['decided']}/{report['produced']} (repeats {report['repeats']}); RSS "
              f"{report['rss_baseline_mb']} -> max {report['rss_max_mb']} MB ({report['rss_growth']:+.1%}): "
              f"{'flat' if report['memory_flat'] else 'GROWING'}")  # fmt: skip
    return 0 if report["all_decided"] and report["memory_flat"] else 1


def add_stream_bench(bench_subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = bench_subparsers.add_parser("stream", help="end-to-end throughput, latency and RSS of the worker")
    add_stream_arguments(p)
    p.set_defaults(func=cmd_stream)


def _subparsers_of(
    parser: argparse.ArgumentParser,
) -> argparse._SubParsersAction[argparse.ArgumentParser] | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    existing = sub.choices.get("bench")
    if existing is not None:  # another module made the group: add ``stream`` to it
        bench_sub = _subparsers_of(existing) or existing.add_subparsers(dest="bench_command", metavar="BENCH")
        if "stream" not in bench_sub.choices:
            add_stream_bench(bench_sub)
        return
    bench = sub.add_parser(
        "bench",
        help="benchmarks (bare `entrywatch bench` runs `bench stream`)",
        description="Benchmarks. Without a subcommand, runs the stream benchmark with the options given.",
    )
    add_stream_arguments(bench)
    bench.set_defaults(func=cmd_stream)
    bench_sub = bench.add_subparsers(dest="bench_command", metavar="BENCH", required=False)
    add_stream_bench(bench_sub)
