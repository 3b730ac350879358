"""Time the screening worker's audit step per entry: ``streams.contract.finalize`` (read the batch's
histories and suppressions, place each decision, write the audit records and the stored entries) on
generated entries screened once in-process, against a real redis-server started on a free loopback port.

Each pass empties the database first (not timed), so every pass writes new entries as a live worker does,
then runs ``finalize`` over batches of ``--batch`` entries. Reported: the least CPU time of this process
per entry over the passes (the worker's cost; redis-server runs apart), with the read and write halves,
redis-server's own CPU per entry in that pass (in clock ticks: coarse), and the bytes stored (Redis's
used_memory_dataset: the data without buffers or scripts). ``--levels`` also times zlib at each
level on the same entries (least CPU of the passes, the levels taking turns) with the mean compressed size.

    nice .venv/bin/python benchmarks/bench_audit.py --lists data/lists --entries 4000 --passes 7 --levels
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import redis.asyncio as aioredis

from benchmarks.args import entries_parser
from benchmarks.generate import EntryGenerator
from entrywatch.embedded import start_redis
from screening.lists.loader import load
from screening.screen import ScreeningContext, screen_entry
from screening.suppression import fingerprints
from stores.audit import AuditStore
from streams.codecs import decode_entry
from streams.contract import Pending, finalize

SCREENED_AT = "2026-11-23T12:00:00.000Z"


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class TimedStore(AuditStore):
    """Adds up the CPU time of this process spent in each half of the batch's Redis work."""

    def __init__(self, *a: Any, **kw: Any) -> None:
        super().__init__(*a, **kw)
        self.read_s = self.write_s = 0.0

    async def read_batch(self, *a: Any, **kw: Any) -> Any:
        start = time.process_time()
        try:
            return await super().read_batch(*a, **kw)
        finally:
            self.read_s += time.process_time() - start

    async def write_batch(self, *a: Any, **kw: Any) -> None:
        start = time.process_time()
        try:
            await super().write_batch(*a, **kw)
        finally:
            self.write_s += time.process_time() - start


async def run(args: argparse.Namespace, items: Sequence[Pending], fps: dict[str, str]) -> dict[str, Any]:
    service = start_redis()
    try:
        client = aioredis.Redis.from_url(service.address)
        audit = TimedStore(client, "bench", retention_days=400)
        best: dict[str, float] | None = None
        for _ in range(args.passes):
            await client.flushdb()
            audit.read_s = audit.write_s = 0.0
            server0, start = server_cpu(service.proc.pid), time.process_time()
            for i in range(0, len(items), args.batch):
                await finalize(items[i : i + args.batch], fps, audit, screened_at=SCREENED_AT)
            took = time.process_time() - start
            server = server_cpu(service.proc.pid) - server0
            if best is None or took < best["total"]:
                best = {"total": took, "read": audit.read_s, "write": audit.write_s, "server": server}
        assert best is not None
        n = len(items)
        data = audit.keys.entries_data
        stored = [int(await client.hstrlen(data, k)) for k in await client.hkeys(data)]
        hist_bytes = 0
        async for key in client.scan_iter(match="bench:audit:hist:*", count=1000):
            hist_bytes += sum(len(x) for x in await client.lrange(key, 0, -1))
        result = {
            "finalize_us": round(best["total"] / n * 1e6, 1),
            "read_batch_us": round(best["read"] / n * 1e6, 1),
            "write_batch_us": round(best["write"] / n * 1e6, 1),
            "redis_server_us": round(best["server"] / n * 1e6, 1),
            "stored_entry_bytes_mean": round(sum(stored) / len(stored)),
            "history_bytes_mean": round(hist_bytes / n),
            "dataset_bytes_per_entry": round(int((await client.info("memory"))["used_memory_dataset"]) / n),
        }
        await client.aclose()
        return result
    finally:
        service.stop()


def zlib_levels(raws: Sequence[bytes], passes: int) -> dict[str, dict[str, float]]:
    """Least CPU per entry of ``zlib.compress`` at each level, the levels taking turns in every pass (so a
    busy spell on the machine falls on all of them)."""
    levels = (1, 2, 3, 4, 5, 6, 9)
    best = dict.fromkeys(levels, float("inf"))
    for _ in range(passes):
        for level in levels:
            start = time.process_time()
            for raw in raws:
                zlib.compress(raw, level)
            best[level] = min(best[level], time.process_time() - start)
    return {
        str(level): {
            "us": round(best[level] / len(raws) * 1e6, 2),
            "bytes_mean": round(sum(len(zlib.compress(raw, level)) for raw in raws) / len(raws), 1),
        }
        for level in levels
    }


def main(argv: list[str] | None = None) -> int:
    ap = entries_parser(__doc__, entries=4000)
    ap.add_argument("--batch", type=int, default=200)
    ap.add_argument("--passes", type=int, default=7)
    ap.add_argument("--levels", action="store_true", help="also time zlib at each level on the entries")
    args = ap.parse_args(argv)

    raws = [g.encode() for g in EntryGenerator.from_paths(args.lists, seed=args.seed).generate(args.entries)]
    snapshots = load(args.lists).live
    entities = [e for s in snapshots for e in s.entities]
    ctx = ScreeningContext.from_entities(entities, {s.source: s.version for s in snapshots})
    fps = fingerprints(entities)
    items = []
    for raw in raws:
        entry = decode_entry(raw, 1 << 30)
        items.append(Pending(entry, screen_entry(entry, ctx), raw))  # type: ignore[arg-type]
    result: dict[str, Any] = {
        "entries": len(items),
        "batch": args.batch,
        "holds_reviews": sum(1 for p in items if p.decision.decision != "CLEAR"),
        "entry_bytes_mean": round(sum(map(len, raws)) / len(raws)),
    }
    result.update(asyncio.run(run(args, items, fps)))
    if args.levels:
        result["zlib"] = zlib_levels(raws, args.passes)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
