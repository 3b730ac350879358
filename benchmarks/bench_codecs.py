"""Time the worker's JSON work per entry: ``decode_entry`` (bytes -> typed entry, or the reason it is not
one) on generated entries, and ``encode_record`` (a decision record -> the JSON text sent and stored) on
their decisions. Least CPU time of several passes; no Kafka, no Redis.

    .venv/bin/python benchmarks/bench_codecs.py --lists data/lists --entries 5000
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.args import entries_parser
from benchmarks.generate import EntryGenerator
from entrywatch.cli.screen import context_from_paths
from screening.screen import screen_entry
from streams.codecs import decision_record, decode_entry, encode_record


def least_us(fn: Callable[[Any], object], items: Sequence[Any], passes: int) -> float:
    best = float("inf")
    for _ in range(passes):
        start = time.process_time()
        for item in items:
            fn(item)
        best = min(best, time.process_time() - start)
    return best / len(items) * 1e6


def main(argv: list[str] | None = None) -> int:
    ap = entries_parser(__doc__, entries=5000)
    ap.add_argument("--passes", type=int, default=7)
    args = ap.parse_args(argv)

    raws = [g.encode() for g in EntryGenerator.from_paths(args.lists, seed=args.seed).generate(args.entries)]
    ctx = context_from_paths(args.lists, quiet=True)
    entries = [decode_entry(raw, 1 << 30) for raw in raws]
    records = [decision_record(screen_entry(e, ctx), "2026-11-23T12:00:00.000Z") for e in entries]  # type: ignore[arg-type]
    result = {
        "entries": len(raws),
        "entry_bytes_mean": round(sum(map(len, raws)) / len(raws)),
        "decode_entry_us": round(least_us(lambda r: decode_entry(r, 1 << 30), raws, args.passes), 1),
        "encode_record_us": round(least_us(encode_record, records, args.passes), 1),
        "record_bytes_mean": round(sum(len(encode_record(r).encode()) for r in records) / len(records)),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
