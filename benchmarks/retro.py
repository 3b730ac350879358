"""``entrywatch retro bench``: time a retro-screen of N stored entries (default 100,000) against a list
update, on a throw-away redis-server (or REDIS_URL with --use-redis-url). Rerunnable; prints one JSON line."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import random
import time
from typing import Any

import redis.asyncio as aioredis

from entrywatch.cli.connect import connect
from entrywatch.paths import DEFAULT_LISTS
from screening.entities import Entity, EntityName
from screening.entry import Entry
from screening.lists.loader import load_paths
from screening.retro import changed_entities, list_update_decision
from screening.screen import ScreeningContext, screen_entry
from screening.suppression import fingerprints
from stores.entries import EntryStore
from streams.retro import RetroStats, retro_scan

WORDS = (
    "golden",
    "river",
    "pacific",
    "textile",
    "apparel",
    "solar",
    "silicon",
    "cotton",
    "ocean",
    "star",
    "bright",
    "harbor",
    "trading",
    "import",
    "export",
    "global",
    "united",
    "eastern",
    "western",
    "northern",
    "southern",
    "dragon",
    "phoenix",
    "lotus",
    "jade",
    "crystal",
    "summit",
    "valley",
    "garden",
    "metal",
    "plastics",
    "electronics",
    "components",
    "logistics",
    "freight",
    "garments",
    "fabrics",
    "yarn",
    "polymer",
)
NEW_NAMES = (
    "Zanthor Polysilicon Works Co., Ltd.",
    "Quillmere Cotton Ginning Company",
    "Brevik Apparel Holdings",
)


def synthetic_entry(i: int, rng: random.Random, hit: bool) -> dict[str, Any]:
    def name() -> str:
        return " ".join(rng.choice(WORDS).title() for _ in range(3)) + rng.choice([" Co., Ltd.", " LLC", " Inc", ""])

    maker = NEW_NAMES[i % len(NEW_NAMES)] if hit else name()
    return {
        "entry_number": f"BENCH-{i:07d}",
        "entry_revision": 0,
        "importer": {"name": name()},
        "parties": {
            "manufacturer": {"name": maker, "address": {"country": "CN"}},
            "seller": {"name": name(), "address": {"country": "CN"}},
            "consignee": {"name": name(), "address": {"country": "US"}},
        },
        "lines": [
            {"line_number": 1, "hts_code": "6205.20.2016", "supply_chain": [
                {"tier": 1, "name": name(), "country": "CN"}, {"tier": 2, "name": name(), "country": "CN"}]},
        ],
    }  # fmt: skip


async def bench(redis_url: str, n: int, hit_rate: float, page_size: int, seed: int) -> dict[str, Any]:
    client = aioredis.Redis.from_url(redis_url, socket_timeout=60)
    entries = EntryStore(client, prefix=f"bench{seed}", retention_days=400)
    try:
        await client.delete(entries.keys.entries_data, entries.keys.entries_time)
        rng = random.Random(seed)
        now = time.time()
        rows = []
        for i in range(n):
            raw = json.dumps(synthetic_entry(i, rng, rng.random() < hit_rate)).encode()
            rows.append((f"BENCH-{i:07d}", raw, now - rng.random() * 86400 * 20))
        t0 = time.perf_counter()
        await entries.store_entries(rows)
        store_s = time.perf_counter() - t0
        memory = (await client.memory_usage(entries.keys.entries_data) or 0) + (
            await client.memory_usage(entries.keys.entries_time) or 0
        )

        snaps, _ = load_paths([str(DEFAULT_LISTS)])
        old = [e for s in snaps for e in s.entities]
        versions = {s.source: s.version for s in snaps}
        added = [
            Entity(id=f"uflpa:bench-{k}", source="uflpa", list_name="UFLPA Entity List",
                   list_version="bench-2", entity_type="organization", names=(EntityName(nm),))
            for k, nm in enumerate(NEW_NAMES)
        ]  # fmt: skip
        new = [dataclasses.replace(e, list_version="bench-2") if e.source == "uflpa" else e for e in old] + added
        new_versions = {**versions, "uflpa": "bench-2"}
        t1 = time.perf_counter()
        new_fps = fingerprints(new)
        delta = changed_entities(fingerprints(old), [e for e in new if e.source == "uflpa"], new_fps)
        full_ctx = ScreeningContext.from_entities(new, new_versions)
        delta_ctx = ScreeningContext.from_entities(delta, new_versions)
        prepare_s = time.perf_counter() - t1
        changed_ids = {e.id for e in delta}
        trigger = {"source": "uflpa", "version": "bench-2", "previous_version": versions.get("uflpa")}

        async def on_hits(hits: list[tuple[bytes, Entry]]) -> int:
            decisions = [list_update_decision(screen_entry(e, full_ctx), changed_ids, trigger) for _r, e in hits]
            return sum(1 for d in decisions if d is not None)

        stats = await retro_scan(
            entries, delta_ctx, now - 30 * 86400, page_size, on_hits, RetroStats("uflpa", "bench-2")
        )
        return {
            "entries": n,
            "stored_bytes_redis": memory,
            "store_seconds": round(store_s, 2),
            "changed_entities": len(delta),
            "prepare_seconds": round(prepare_s, 2),
            "scan_seconds": round(stats.seconds, 2),
            "entries_per_second": round(stats.scanned / stats.seconds) if stats.seconds else None,
            "scanned": stats.scanned,
            "hits": stats.hits,
            "list_update_decisions": stats.emitted,
            "page_size": page_size,
        }
    finally:
        await client.delete(entries.keys.entries_data, entries.keys.entries_time)
        await client.aclose()


def run(args: argparse.Namespace) -> int:
    """``entrywatch retro bench`` (the options of ``entrywatch.cli.retro``): one JSON line."""
    service = None
    if args.use_redis_url or args.redis_url:
        url = connect(args, redis=True).redis_url.get_secret_value()
    else:
        from entrywatch import embedded

        service = embedded.start_redis()
        url = service.address
    try:
        result = asyncio.run(bench(url, args.entries, args.hit_rate, args.page_size, args.seed))
    finally:
        if service is not None:
            service.stop()
    print(json.dumps(result))
    return 0
