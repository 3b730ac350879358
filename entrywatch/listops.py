"""Load list files into Redis and announce the new versions on lists.v1 (used by the CLI and `up`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import redis
from confluent_kafka import Producer

from entrywatch.store import Keys, LoadResult, save_snapshot
from screening.lists.loader import Skipped, load_paths
from streams import topics
from streams.kafka import producer_config
from streams.settings import Settings


def redis_client(settings: Settings) -> redis.Redis:
    return redis.Redis.from_url(settings.redis_url.get_secret_value(), socket_timeout=30)


def list_event(result: LoadResult, event: str = "loaded") -> dict[str, object]:
    return {
        "schema_version": 1,
        "event": event,
        "source": result.source,
        "version": result.version,
        "previous_version": result.previous,
        "entities": result.entities,
        "at": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }


def announce(settings: Settings, events: Sequence[dict[str, object]]) -> None:
    if not events:
        return
    producer = Producer(producer_config(settings))
    for ev in events:
        producer.produce(settings.topic(topics.LISTS), key=str(ev["source"]).encode(), value=json.dumps(ev).encode())
    if producer.flush(30) != 0:
        raise RuntimeError("could not deliver list events to the broker")


# on_progress(entities saved so far, entities in all snapshots, what is being done)
ProgressCallback = Callable[[int, int, str], None]


def load_lists(
    settings: Settings,
    paths: Sequence[str],
    *,
    announce_changes: bool = True,
    on_progress: ProgressCallback | None = None,
) -> tuple[list[LoadResult], list[Skipped]]:
    snapshots, skipped = load_paths(paths)
    if not snapshots:
        raise ValueError(f"no list files recognised under {', '.join(paths)}")
    total, done = sum(len(s.entities) for s in snapshots), 0
    r = redis_client(settings)
    try:
        results = []
        for snap in snapshots:
            if on_progress:
                on_progress(done, total, f"saving {snap.source}")
            results.append(save_snapshot(r, snap, Keys(settings.redis_key_prefix)))
            done += len(snap.entities)
        if on_progress:
            on_progress(done, total, "saved")
    finally:
        r.close()
    if announce_changes:
        announce(settings, [list_event(res) for res in results if res.changed])
    return results, skipped
