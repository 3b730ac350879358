"""How long a list swap takes to reach a running worker: announce on lists.v1 -> the worker serves it.

    .venv/bin/python benchmarks/bench_list_swap.py [--rounds 5] [--web http://127.0.0.1:6066] [--json]

Against a running stack (``KAFKA_BOOTSTRAP``, ``REDIS_URL`` and the worker's web port, as for the
``entrywatch`` commands; e.g. ``entrywatch up --web-port 6066``), never a production one: each round
stores a new version of the ``uflpa`` list (the live one plus one made-up entity) the way
``entrywatch lists load`` does, then announces it on ``lists.v1`` and polls the worker's ``/ready``
every 20 ms until ``list_versions`` names the new version. Reported per round: announce -> the worker's
swap (its ``entrywatch_lists_swapped_timestamp_seconds``) and announce -> ``/ready`` showing the version.
At the end the version live before the run is made live again (and announced).

``--steps`` also times, in this process against the same Redis, the steps of a worker's reload
(``streams.runtime.Runtime.reload_lists``) apart: reading the live versions' entities, building the
screening context (name index and list facts), the entities' fingerprints, freezing the heap; the first
load of a process, then a reload after one list changed (a probe version stored without announcing it).
With ``--rounds 0`` only the steps are timed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from entrywatch.listops import announce, list_event, redis_client  # noqa: E402
from screening.entities import Entity, EntityName, ListSnapshot  # noqa: E402
from stores.keys import Keys  # noqa: E402
from stores.lists import AsyncListStore, LoadResult, save_snapshot  # noqa: E402
from streams.security import async_redis  # noqa: E402
from streams.settings import Settings  # noqa: E402

SOURCE = "uflpa"


def get_json(url: str) -> dict[str, Any]:
    """The JSON body of a GET, a 503's too (``/ready`` names the lists in force while not ready)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            body: dict[str, Any] = json.load(resp)
    except urllib.error.HTTPError as exc:
        if exc.code != 503:
            raise
        body = json.load(exc)
    return body


def swapped_at(web: str) -> float | None:
    with urllib.request.urlopen(f"{web}/metrics", timeout=5) as resp:
        for line in resp.read().decode().splitlines():
            if line.startswith("entrywatch_lists_swapped_timestamp_seconds "):
                return float(line.split()[1])
    return None


async def live_snapshot(settings: Settings, source: str) -> ListSnapshot:
    client = async_redis(settings)
    try:
        store = AsyncListStore(client, Keys(settings.redis_key_prefix))
        version = (await store.live_versions())[source]
        entities = await store.entities(source, version)
        meta = (await store.version_meta({source: version}))[source]
    finally:
        await client.aclose()
    return ListSnapshot(source, version, tuple(entities), meta.get("published") or None, meta.get("checksum", ""))


def probe_version(live: ListSnapshot) -> ListSnapshot:
    """The live list plus one made-up entity, as a new version."""
    tag = uuid.uuid4().hex[:8]
    version = f"swap-probe-{tag}"
    template = live.entities[0]
    extra = replace(
        template,
        id=f"{live.source}:swap-probe-{tag}",
        names=(EntityName(f"Swap Probe {tag} Trading Co., Ltd."),),
        list_version=version,
    )
    entities: tuple[Entity, ...] = (*(replace(e, list_version=version) for e in live.entities), extra)
    return ListSnapshot(live.source, version, entities, live.published, f"swap-probe-{tag}")


def store_and_announce(settings: Settings, snap: ListSnapshot, *, tell: bool = True) -> tuple[LoadResult, float]:
    """Make ``snap`` the live version, as ``entrywatch lists load`` does; announce it unless not ``tell``.
    Returns the result and the time just before the announcement."""
    r = redis_client(settings)
    try:
        result = save_snapshot(r, snap, Keys(settings.redis_key_prefix), force=True, keep=settings.list_keep_versions)
    finally:
        r.close()
    announced = time.time()
    if tell:
        announce(settings, [list_event(result)])
    return result, announced


def one_round(settings: Settings, web: str, live: ListSnapshot, timeout: float) -> dict[str, float]:
    snap = probe_version(live)
    _, announced = store_and_announce(settings, snap)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            body = get_json(f"{web}/ready")
        except OSError:  # a worker busy with a swap may answer late (its event loop waits on the swap)
            continue
        if body.get("list_versions", {}).get(SOURCE) == snap.version:
            seen = time.time()
            swap = swapped_at(web)
            return {
                "announce_to_swap_s": round((swap or seen) - announced, 3),
                "announce_to_ready_s": round(seen - announced, 3),
            }
        time.sleep(0.02)
    raise TimeoutError(f"the worker did not serve {SOURCE} {snap.version} within {timeout:.0f} s")


async def reload_steps(settings: Settings, changed: ListSnapshot) -> dict[str, dict[str, float]]:
    """The steps of a worker's reload, timed apart: the first load of a process, then a reload after
    ``changed`` went live (stored under its own version, then the previous live version restored)."""
    from screening.screen import ScreeningContext
    from screening.suppression import fingerprints
    from streams.gc_control import freeze_heap

    thresholds = settings.thresholds()
    out: dict[str, dict[str, float]] = {}
    client = async_redis(settings)
    try:
        store = AsyncListStore(client, Keys(settings.redis_key_prefix))
        for label in ("first load", "after one list changed"):
            t0 = time.perf_counter()
            versions, entities = await store.load_live()
            t1 = time.perf_counter()
            ctx = await asyncio.to_thread(
                ScreeningContext.from_entities,
                entities,
                versions,
                thresholds=thresholds,
                cache_size=settings.name_cache_size,
            )
            t2 = time.perf_counter()
            await store.version_meta(versions)
            fingerprints(entities)
            t3 = time.perf_counter()
            freeze_heap()
            t4 = time.perf_counter()
            out[label] = {
                "read_s": round(t1 - t0, 3),
                "build_s": round(t2 - t1, 3),
                "fingerprints_s": round(t3 - t2, 3),
                "freeze_s": round(t4 - t3, 3),
                "total_s": round(t4 - t0, 3),
                "entities": len(entities),
            }
            del ctx
            if label == "first load":  # not announced: the worker keeps still meanwhile (bar its 30 s recheck)
                store_and_announce(settings, changed, tell=False)
    finally:
        await client.aclose()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--web", help="the worker's base URL (default http://127.0.0.1:ENTRYWATCH_WEB_PORT)")
    ap.add_argument("--pause", type=float, default=2.0, help="seconds between rounds")
    ap.add_argument("--timeout", type=float, default=60.0, help="give up on a round after this long")
    ap.add_argument("--steps", action="store_true", help="also time the steps of a reload in this process")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    settings = Settings.load()
    web = (args.web or f"http://127.0.0.1:{settings.web_port}").rstrip("/")

    original = asyncio.run(live_snapshot(settings, SOURCE))
    rounds: list[dict[str, float]] = []
    steps: dict[str, dict[str, float]] = {}
    try:
        get_json(f"{web}/ready")
        for i in range(args.rounds):
            rounds.append(one_round(settings, web, original, args.timeout))
            if not args.json:
                r = rounds[-1]
                print(f"round {i + 1}: announce -> swap {r['announce_to_swap_s']:.3f} s, "
                      f"-> /ready {r['announce_to_ready_s']:.3f} s", flush=True)  # fmt: skip
            time.sleep(args.pause)
        if args.steps:
            steps = asyncio.run(reload_steps(settings, probe_version(original)))
    finally:
        store_and_announce(settings, original)  # the version live before the run, live again

    swap = [r["announce_to_swap_s"] for r in rounds]
    ready = [r["announce_to_ready_s"] for r in rounds]
    summary: dict[str, Any] = {
        "source": SOURCE,
        "rounds": rounds,
        "announce_to_swap_s": {"median": statistics.median(swap), "max": max(swap)} if swap else None,
        "announce_to_ready_s": {"median": statistics.median(ready), "max": max(ready)} if ready else None,
        "reload_steps": steps,
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        if swap:
            print(f"announce -> swap: median {statistics.median(swap):.3f} s, max {max(swap):.3f} s")
            print(f"announce -> /ready: median {statistics.median(ready):.3f} s, max {max(ready):.3f} s")
        for label, st in steps.items():
            print(f"reload steps, {label}: " + ", ".join(f"{k} {v}" for k, v in st.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
