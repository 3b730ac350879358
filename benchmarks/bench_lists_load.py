"""Time and Redis memory to load lists into a real redis-server (the bundled one, on a free port).

    .venv/bin/python benchmarks/bench_lists_load.py [--lists DIR] [--n 100000]

Measures, each from a fresh Redis: (1) every shared list (newest version of each source), parsed and
stored as live versions, the way `entrywatch lists load DIR` does; (2) a generated OFAC SDN list of
``--n`` entities. Prints wall times, entity counts and Redis `used_memory` growth.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "unit"))

from entrywatch.embedded import start_redis  # noqa: E402
from screening.lists import ofac_sdn  # noqa: E402
from screening.lists.loader import load  # noqa: E402
from stores.keys import Keys  # noqa: E402
from stores.lists import save_snapshot  # noqa: E402


def used_memory(r: redis.Redis) -> int:
    return int(r.info("memory")["used_memory"])


def measure(label: str, r: redis.Redis, parse) -> None:  # type: ignore[no-untyped-def]
    r.flushall()
    base = used_memory(r)
    t0 = time.perf_counter()
    snapshots = parse()
    t1 = time.perf_counter()
    for snap in snapshots:
        save_snapshot(r, snap, Keys("bench"), force=True)
    t2 = time.perf_counter()
    entities = sum(len(s.entities) for s in snapshots)
    names = sum(len(e.names) for s in snapshots for e in s.entities)
    grown = (used_memory(r) - base) / 2**20
    print(
        f"{label:<40} parse {t1 - t0:6.2f} s  store {t2 - t1:6.2f} s  total {t2 - t0:6.2f} s  "
        f"{entities:>7,} entities {names:>7,} names  Redis +{grown:6.1f} MiB"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lists", type=Path, default=ROOT / "data" / "lists")
    ap.add_argument("--n", type=int, default=100_000)
    args = ap.parse_args()
    from test_lists_generated import sdn_tables

    server = start_redis()
    try:
        r = redis.Redis.from_url(server.address)
        print(f"python {sys.version.split()[0]}, redis-server {r.info()['redis_version']}, lists {args.lists}")
        measure("all shared lists (newest per source)", r, lambda: load([args.lists]).live)
        measure(f"generated OFAC SDN, {args.n:,} entities", r, lambda: [ofac_sdn.parse(*sdn_tables(args.n))])
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
