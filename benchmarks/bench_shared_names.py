"""What a worker that starts (a restart, a scale-out, a new list version on every worker) gains from the
name results other workers shared (streams/name_share.py), on a real redis-server, without Kafka:

1. a running worker screens ``--warmup`` generated entries (seed + 1), pushing its new name results
   to the stream after each batch of 500, as the agent does;
2. a new worker (new index, same lists) pulls the stream until it is through (timed: the warm start's
   cost), then screens ``--entries`` other entries (seed), pulling and pushing around each batch;
3. another new worker screens the same entries alone (``shared_name_cache`` off).

Prints one JSON line: the seconds and CPU seconds of each, entries/s, name searches computed, and the
decisions' SHA-256 for both new workers (they must be equal: an adopted result is what the worker would
have computed).

    .venv/bin/python benchmarks/bench_shared_names.py --lists data/lists --entries 10000 --warmup 20000

Timings are not assertions: run it a few times; the machine's speed drifts.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import hashlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import redis.asyncio as aioredis

from benchmarks import cpu_route
from benchmarks.args import entries_parser
from benchmarks.cpu_route import process_batch
from benchmarks.generate import EntryGenerator
from entrywatch import embedded
from entrywatch.cli.screen import context_from_paths
from screening.screen import ScreeningContext
from stores.keys import Keys
from streams.name_share import SharedNames
from streams.pipeline import Inbound
from streams.settings import Settings

BATCH = 500


async def screen(raws: list[bytes], ctx: ScreeningContext, settings: Settings, names: SharedNames) -> dict[str, object]:
    h = hashlib.sha256()
    misses0 = ctx.index.cache_misses
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(raws), BATCH):
        await names.pull(ctx)
        batch = [Inbound(b"k", raw, "entries", 0, i + k) for k, raw in enumerate(raws[i : i + BATCH])]
        for out in process_batch(batch, ctx, settings):
            h.update(out.topic.encode() + b"\x1f" + out.key + b"\x1f" + out.value + b"\x1e")
        await names.push(ctx)
    secs, cpu_s = time.perf_counter() - start, time.process_time() - cpu
    return {
        "seconds": round(secs, 3),
        "cpu_seconds": round(cpu_s, 3),
        "entries_per_s": round(len(raws) / secs, 1),
        "searches_computed": ctx.index.cache_misses - misses0,
        "decisions_sha256": h.hexdigest(),
    }


async def catch_up(ctx: ScreeningContext, names: SharedNames) -> dict[str, object]:
    start, cpu = time.perf_counter(), time.process_time()
    adopted = 0
    while n := await names.pull(ctx):
        adopted += n
    return {
        "seconds": round(time.perf_counter() - start, 3),
        "cpu_seconds": round(time.process_time() - cpu, 3),
        "adopted": adopted,
    }


async def run(args: argparse.Namespace) -> dict[str, object]:
    server = embedded.start_redis()
    redis = aioredis.Redis.from_url(server.address)
    try:
        base = {"redis_url": server.address, "redis_key_prefix": "benchnames"}
        shared, alone = Settings(**base), Settings(**base, shared_name_cache=False)
        cpu_route.now_iso = lambda: "2026-11-23T12:00:00.000Z"  # type: ignore[attr-defined]
        gen = EntryGenerator.from_paths(args.lists, seed=args.seed, prefix="EWS")
        warm = EntryGenerator(gen.names, seed=args.seed + 1, prefix="EWW")  # type: ignore[arg-type]
        warm_raws = [g.encode() for g in warm.generate(args.warmup)]
        raws = [g.encode() for g in gen.generate(args.entries)]

        running = context_from_paths(args.lists, quiet=True)
        first = await screen(warm_raws, running, shared, SharedNames(redis, shared, "running"))
        del running
        gc.collect()
        stream_bytes = 0
        async for key in redis.scan_iter(Keys("benchnames").names("*")):
            stream_bytes += int(await redis.memory_usage(key) or 0)

        joined = context_from_paths(args.lists, quiet=True)
        names = SharedNames(redis, shared, "joined")
        warm_start = await catch_up(joined, names)
        with_shared = await screen(raws, joined, shared, names)
        del joined
        gc.collect()

        lone = context_from_paths(args.lists, quiet=True)
        by_itself = await screen(raws, lone, alone, SharedNames(redis, alone, "alone"))
        return {
            "entries": args.entries,
            "warmup": args.warmup,
            "running_worker": first,
            "stream_memory_mib": round(stream_bytes / 2**20, 1),
            "new_worker_catch_up": warm_start,
            "new_worker_shared": with_shared,
            "new_worker_alone": by_itself,
            "same_decisions": with_shared["decisions_sha256"] == by_itself["decisions_sha256"],
        }
    finally:
        await redis.aclose()
        server.stop()


def main(argv: list[str] | None = None) -> int:
    ap = entries_parser(__doc__, entries=10_000, warmup=20_000)
    args = ap.parse_args(argv)
    print(json.dumps(asyncio.run(run(args))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
