"""The bench command: bare `entrywatch bench`, `entrywatch bench stream`, and joining an existing group."""

from __future__ import annotations

import argparse

from entrywatch.cli import build_parser
from entrywatch.cli.bench_stream import cmd_stream, register


def test_bare_bench_runs_the_stream_benchmark() -> None:
    args = build_parser().parse_args(["bench", "--entries", "50", "--workers", "1,2", "--rate", "1000", "--json"])
    assert args.func is cmd_stream
    assert args.entries == 50 and args.workers == (1, 2) and args.rate == 1000.0 and args.json


def test_bench_stream_subcommand() -> None:
    args = build_parser().parse_args(["bench", "stream", "--partitions", "8", "--no-references"])
    assert args.func is cmd_stream
    assert args.partitions == 8 and args.no_references and args.workers == (1,)


def test_register_adds_stream_to_an_existing_bench_group() -> None:
    parser = argparse.ArgumentParser(prog="entrywatch")
    sub = parser.add_subparsers(dest="command", required=True)
    bench = sub.add_parser("bench")
    bench_sub = bench.add_subparsers(dest="bench_command", required=True)
    bench_sub.add_parser("match").set_defaults(func="match")
    register(sub)
    register(sub)  # idempotent
    assert parser.parse_args(["bench", "match"]).func == "match"
    assert parser.parse_args(["bench", "stream", "--entries", "7"]).func is cmd_stream
