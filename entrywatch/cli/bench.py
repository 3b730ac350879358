"""``entrywatch bench`` (bare: the stream benchmark), ``bench stream`` and ``bench match``: the command line
only. The benchmarks themselves live in the repository's ``benchmarks/`` folder, which is not part of the
installed package: each command imports its benchmark when it runs, and says how to get it when it is not
there (an installed wheel)."""

from __future__ import annotations

import argparse
import importlib
from types import ModuleType

from entrywatch.cli.connect import CliError, add_connection_arguments
from entrywatch.cli.match import add_threshold_arguments
from entrywatch.paths import DEFAULT_LISTS

NOT_INSTALLED = (
    "the benchmarks are not part of the installed package: they run from a checkout of the repository "
    "(scripts/bootstrap.sh, then .venv/bin/entrywatch bench)"
)


def benchmark(name: str) -> ModuleType:
    """The module ``benchmarks.<name>``, or a ``CliError`` saying how to get the benchmarks."""
    try:
        return importlib.import_module(f"benchmarks.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != "benchmarks":
            raise
        raise CliError(NOT_INSTALLED) from None


def cmd_stream(args: argparse.Namespace) -> int:
    """``entrywatch bench [stream]``; with ``--soak MINUTES`` the soak run."""
    return int(benchmark("soak" if args.soak else "stream").run(args))


def cmd_match(args: argparse.Namespace) -> int:
    return int(benchmark("match").run(args))


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


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bench = sub.add_parser(
        "bench",
        help="benchmarks, from a checkout (bare `entrywatch bench` runs `bench stream`)",
        description="Benchmarks (the repository's benchmarks/ folder). Without a subcommand, runs the stream "
        "benchmark with the options given.",
    )
    add_stream_arguments(bench)
    bench.set_defaults(func=cmd_stream)
    group = bench.add_subparsers(dest="bench_command", metavar="BENCH", required=False)
    stream = group.add_parser("stream", help="end-to-end throughput, latency and RSS of the worker")
    add_stream_arguments(stream)
    stream.set_defaults(func=cmd_stream)
    m = group.add_parser("match", help="the name matcher against a brute-force rapidfuzz scan")
    m.add_argument("--lists", nargs="+", default=[str(DEFAULT_LISTS)], metavar="PATH")
    m.add_argument("--queries", type=int, default=1000)
    m.add_argument("--seed", type=int, default=7)
    m.add_argument("--top", type=int, default=5)
    add_threshold_arguments(m)
    m.set_defaults(func=cmd_match)
