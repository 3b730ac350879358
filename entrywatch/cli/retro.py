"""``entrywatch retro bench``: the command line only; the benchmark is ``benchmarks/retro.py`` (from a
checkout, as ``entrywatch bench``)."""

from __future__ import annotations

import argparse

from entrywatch.cli.bench import benchmark
from entrywatch.cli.connect import add_connection_arguments


def cmd_bench(args: argparse.Namespace) -> int:
    return int(benchmark("retro").run(args))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    retro = sub.add_parser("retro", help="retro-screening of stored entries")
    rsub = retro.add_subparsers(dest="retro_command", metavar="ACTION", required=True)
    b = rsub.add_parser("bench", help="time a retro-screen of N stored entries against a list update (checkout)")
    b.add_argument("--entries", type=int, default=100_000)
    b.add_argument("--hit-rate", type=float, default=0.001, help="share of entries naming a newly listed party")
    b.add_argument("--page-size", type=int, default=2000)
    b.add_argument("--seed", type=int, default=1)
    b.add_argument("--use-redis-url", action="store_true", help="use REDIS_URL instead of a throw-away redis-server")
    add_connection_arguments(b, kafka=False, default="embedded")  # no broker: the scan reads Redis only
    b.set_defaults(func=cmd_bench)
